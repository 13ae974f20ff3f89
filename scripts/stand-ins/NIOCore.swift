// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the few NIOCore names the docs use (apple/swift-nio 2.101.3), so that
// scripts/check-snippets.py can type-check recipes without the package depending on NIO.
// depends:
import Foundation

public struct ByteBuffer: Sendable {
    public var readableBytesView: [UInt8]
    public var readableBytes: Int { readableBytesView.count }
    public init<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 { readableBytesView = Array(bytes) }
}

public struct TimeAmount: Sendable, Hashable {
    public var nanoseconds: Int64
    public static func nanoseconds(_ amount: Int64) -> TimeAmount { TimeAmount(nanoseconds: amount) }
    public static func milliseconds(_ amount: Int64) -> TimeAmount { TimeAmount(nanoseconds: amount * 1_000_000) }
    public static func seconds(_ amount: Int64) -> TimeAmount { TimeAmount(nanoseconds: amount * 1_000_000_000) }
    public static func + (lhs: TimeAmount, rhs: TimeAmount) -> TimeAmount {
        TimeAmount(nanoseconds: lhs.nanoseconds + rhs.nanoseconds)
    }
}

public struct NIODeadline: Sendable, Hashable {
    var uptimeNanoseconds: UInt64
    public static func now() -> NIODeadline { NIODeadline(uptimeNanoseconds: 0) }
    public static func + (lhs: NIODeadline, rhs: TimeAmount) -> NIODeadline { lhs }
}

public protocol EventLoopGroup: AnyObject, Sendable {}

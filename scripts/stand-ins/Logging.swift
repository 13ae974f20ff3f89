// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the swift-log names the docs use (apple/swift-log 1.16.2, module Logging).
// depends:
public struct Logger: Sendable {
    public typealias Metadata = [String: MetadataValue]
    public enum MetadataValue: Sendable, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        case string(String)
        case stringConvertible(any CustomStringConvertible & Sendable)
        case dictionary(Metadata)
        case array([Metadata.Value])
        public init(stringLiteral value: String) { self = .string(value) }
    }
    public enum Level: String, Sendable, Codable, CaseIterable, Comparable {
        case trace, debug, info, notice, warning, error, critical
        public static func < (lhs: Level, rhs: Level) -> Bool { false }
    }
    public struct Message: Sendable, ExpressibleByStringLiteral, ExpressibleByStringInterpolation,
        CustomStringConvertible
    {
        public var description: String
        public init(stringLiteral value: String) { description = value }
    }
    public let label: String
    public var logLevel: Level = .info
    public init(label: String) { self.label = label }
    public subscript(metadataKey key: String) -> Metadata.Value? {
        get { nil }
        set {}
    }
    public func log(
        level: Level, _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        source: @autoclosure () -> String? = nil, file: String = #fileID, function: String = #function,
        line: UInt = #line
    ) {}
    public func info(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        source: @autoclosure () -> String? = nil, file: String = #fileID, function: String = #function,
        line: UInt = #line
    ) {}
}

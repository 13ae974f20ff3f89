// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the Hummingbird 2 names the docs use (hummingbird-project/hummingbird 2.28.1), so
// that scripts/check-snippets.py can type-check its snippets without the package depending on
// Hummingbird. Like Hummingbird, it re-exports swift-http-types' `HTTPFields` (iterating
// `HTTPField`s with a `name.rawName` and a `value`) and `HTTPResponse`, NIOCore's `ByteBuffer`;
// an `Application` is a swift-service-lifecycle `Service` that takes more services to run.
// depends: NIOCore Logging ServiceLifecycle
import Logging
import ServiceLifecycle

@_exported import struct NIOCore.ByteBuffer

public struct HTTPField: Sendable {
    public struct Name: Sendable {
        public var rawName: String
    }
    public var name: Name
    public var value: String
}

public struct HTTPFields: Sendable, Sequence {
    var fields: [HTTPField] = []
    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }
}

public struct HTTPResponse: Sendable {
    public struct Status: Sendable, ResponseGenerator {
        public static let ok = Status()
        public static let noContent = Status()
        public static let unauthorized = Status()
        public static let badRequest = Status()
        public static let serviceUnavailable = Status()
    }
}

public protocol ResponseGenerator: Sendable {}
extension String: ResponseGenerator {}

public struct HTTPError: Error {
    public init(_ status: HTTPResponse.Status) {}
    public init(_ status: HTTPResponse.Status, message: String) {}
}

public struct Request: Sendable {
    public var headers = HTTPFields()
    public struct Body: Sendable {
        public func collect(upTo maximum: Int) async throws -> ByteBuffer { ByteBuffer(bytes: []) }
    }
    public var body = Body()
}

public protocol RequestContext: Sendable {
    var logger: Logger { get set }
}

public struct BasicRequestContext: RequestContext {
    public var logger: Logger
    public struct Parameters: Sendable {
        public func get(_ name: String) -> String? { nil }
    }
    public var parameters = Parameters()
}

public final class Router<Context: RequestContext>: @unchecked Sendable {
    public init(context: Context.Type = Context.self) {}
    @discardableResult
    public func post<Output: ResponseGenerator>(
        _ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self { self }
    @discardableResult
    public func get<Output: ResponseGenerator>(
        _ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> Output
    ) -> Self { self }
}

public struct ApplicationConfiguration: Sendable {
    public init() {}
}

public struct Application<Context: RequestContext>: Service {
    public init(
        router: Router<Context>, configuration: ApplicationConfiguration = ApplicationConfiguration(),
        services: [any Service] = [], logger: Logger? = nil
    ) {}
    public mutating func addServices(_ services: any Service...) {}
    public func run() async throws {}
    public func runService(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {}
}

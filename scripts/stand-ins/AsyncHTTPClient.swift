// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the AsyncHTTPClient names the docs use (swift-server/async-http-client 1.37.0):
// `HTTPClient(eventLoopGroup:configuration:)`, its `Configuration` (redirects, decompression,
// `maximumUsesPerConnection`, `httpVersion`, `tracing.tracer`), `execute(_:deadline:logger:)`
// and the request and response types, whose body streams `ByteBuffer`s.
// depends: NIOCore NIOHTTP1 Logging Tracing
import Logging
import NIOCore
import NIOHTTP1
import Tracing

public enum NIOHTTPDecompression: Sendable {
    public struct DecompressionLimit: Sendable {
        public static let none = DecompressionLimit()
        public static func size(_ value: Int) -> DecompressionLimit { DecompressionLimit() }
        public static func ratio(_ value: Int) -> DecompressionLimit { DecompressionLimit() }
    }
}

final class StandInEventLoopGroup: EventLoopGroup {}

public final class HTTPClient: Sendable {
    public struct Configuration: Sendable {
        public struct RedirectConfiguration: Sendable {
            public static let disallow = RedirectConfiguration()
            public static func follow(max: Int, allowCycles: Bool) -> RedirectConfiguration { RedirectConfiguration() }
        }
        public enum Decompression: Sendable {
            case disabled
            case enabled(limit: NIOHTTPDecompression.DecompressionLimit)
        }
        public struct HTTPVersion: Sendable, Hashable {
            public static let http1Only = HTTPVersion()
            public static let automatic = HTTPVersion()
        }
        public struct Timeout: Sendable {
            public var connect: TimeAmount?
            public var read: TimeAmount?
            public init(connect: TimeAmount? = nil, read: TimeAmount? = nil) {}
        }
        public struct ConnectionPool: Hashable, Sendable {
            public var idleTimeout: TimeAmount = .seconds(60)
            public var concurrentHTTP1ConnectionsPerHostSoftLimit: Int = 8
            public init() {}
        }
        public struct TracingConfiguration: Sendable {
            public var tracer: (any Sendable)?
            public init() {}
        }
        public var redirectConfiguration: RedirectConfiguration
        public var timeout: Timeout
        public var connectionPool: ConnectionPool
        public var decompression: Decompression
        public var httpVersion: HTTPVersion = .automatic
        public var maximumUsesPerConnection: Int?
        public var tracing: TracingConfiguration = .init()
        public init(
            redirectConfiguration: RedirectConfiguration? = nil, timeout: Timeout = Timeout(),
            connectionPool: ConnectionPool = ConnectionPool(), ignoreUncleanSSLShutdown: Bool = false,
            decompression: Decompression = .disabled
        ) {
            self.redirectConfiguration = redirectConfiguration ?? .disallow
            self.timeout = timeout
            self.connectionPool = connectionPool
            self.decompression = decompression
        }
    }

    public static var defaultEventLoopGroup: any EventLoopGroup { StandInEventLoopGroup() }
    public static var shared: HTTPClient { HTTPClient() }

    public init(
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
        configuration: Configuration = Configuration()
    ) {}

    public func execute(
        _ request: HTTPClientRequest, deadline: NIODeadline, logger: Logger? = nil
    ) async throws -> HTTPClientResponse {
        HTTPClientResponse()
    }

    public func shutdown() async throws {}
}

public struct HTTPClientError: Error, Equatable, CustomStringConvertible {
    public static let readTimeout = HTTPClientError(description: "readTimeout")
    public static let connectTimeout = HTTPClientError(description: "connectTimeout")
    public static let deadlineExceeded = HTTPClientError(description: "deadlineExceeded")
    public static let cancelled = HTTPClientError(description: "cancelled")
    public static let remoteConnectionClosed = HTTPClientError(description: "remoteConnectionClosed")
    public var description: String
}

public struct HTTPClientRequest: Sendable {
    public struct Body: Sendable {
        public static func bytes(_ byteBuffer: ByteBuffer) -> Body { Body() }
    }
    public var url: String
    public var method: HTTPMethod = .GET
    public var headers: HTTPHeaders = [:]
    public var body: Body?
    public init(url: String) { self.url = url }
}

public struct HTTPClientResponse: Sendable {
    public struct Body: AsyncSequence, Sendable {
        public typealias Element = ByteBuffer
        public struct AsyncIterator: AsyncIteratorProtocol {
            public mutating func next() async throws -> ByteBuffer? { nil }
        }
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
        public func collect(upTo maxBytes: Int) async throws -> ByteBuffer { ByteBuffer(bytes: []) }
    }
    public var status: HTTPResponseStatus = .ok
    public var headers: HTTPHeaders = [:]
    public var body = Body()
    public init() {}
}

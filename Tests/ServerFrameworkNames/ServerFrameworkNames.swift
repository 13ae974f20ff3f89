// Stand-ins for the names server frameworks export — NIO and Vapor (`HTTPHeaders`, `HTTPMethod`,
// `Middleware`, `Request`, `Response`, `Client`), swift-http-types as Hummingbird and
// OpenAPIRuntime re-export it (`HTTPRequest`, `HTTPResponse`, `HTTPFields`), swift-log (`Logger`)
// and OpenAPIRuntime (`ClientMiddleware`, `ClientTransport`); swift-log 1.16's `LogEvent`, swift-metrics,
// swift-distributed-tracing, swift-service-lifecycle, AsyncHTTPClient and NIO's `ByteBuffer`. `NamespaceTests` imports this
// module beside every SendingDomains product and uses these names unqualified: if a product
// exported one of them, that target would stop compiling with "ambiguous for type lookup".

/// Stand-in for NIOHTTP1's and Vapor's `HTTPHeaders`.
public struct HTTPHeaders: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for NIOHTTP1's `HTTPMethod`.
public enum HTTPMethod: Sendable {
    /// GET.
    case get
    /// POST.
    case post
}
/// Stand-in for swift-http-types' `HTTPRequest`.
public struct HTTPRequest: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-http-types' `HTTPResponse`.
public struct HTTPResponse: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-http-types' `HTTPFields`.
public struct HTTPFields: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for Vapor's `Middleware`.
public protocol Middleware: Sendable {}
/// Stand-in for Vapor's and Hummingbird's `Request`.
public struct Request: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for Vapor's and Hummingbird's `Response`.
public struct Response: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for Vapor's `Client`.
public protocol Client: Sendable {}
/// Stand-in for swift-log's `Logger`.
public struct Logger: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for OpenAPIRuntime's `ClientMiddleware`.
public protocol ClientMiddleware: Sendable {}
/// Stand-in for OpenAPIRuntime's `ClientTransport`.
public protocol ClientTransport: Sendable {}
/// Stand-in for swift-log's `LogEvent` (swift-log 1.16).
public struct LogEvent: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-metrics' `Counter`.
public final class Counter: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-metrics' `Gauge`.
public final class Gauge: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-metrics' `Recorder`.
public final class Recorder: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-distributed-tracing's `Span`.
public protocol Span: Sendable {}
/// Stand-in for swift-distributed-tracing's `SpanEvent`.
public struct SpanEvent: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for swift-service-lifecycle's `Service`.
public protocol Service: Sendable {}
/// Stand-in for swift-service-lifecycle's `ServiceGroup`.
public struct ServiceGroup: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for AsyncHTTPClient's `HTTPClient`.
public final class HTTPClient: Sendable {
    /// Creates one.
    public init() {}
}
/// Stand-in for NIO's `ByteBuffer`.
public struct ByteBuffer: Sendable {
    /// Creates one.
    public init() {}
}

// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the Vapor names the docs use (vapor/vapor 4.122.3), so that
// scripts/check-snippets.py can type-check its snippets without the package depending on Vapor.
// Like Vapor, it re-exports Foundation, Logging, NIOCore's `ByteBuffer`, NIOHTTP1's
// `HTTPHeaders` (a sequence of labelled `(name:, value:)` pairs) and AsyncHTTPClient's `HTTPClient`.
// depends: NIOCore NIOHTTP1 Logging Tracing AsyncHTTPClient
@_exported import Foundation
@_exported import Logging
@_exported import class AsyncHTTPClient.HTTPClient
@_exported import struct NIOCore.ByteBuffer
@_exported import protocol NIOCore.EventLoopGroup
@_exported import struct NIOHTTP1.HTTPHeaders
@_exported import enum NIOHTTP1.HTTPResponseStatus

public typealias HTTPStatus = HTTPResponseStatus

public protocol AsyncResponseEncodable: Sendable {}
extension String: AsyncResponseEncodable {}
extension HTTPResponseStatus: AsyncResponseEncodable {}

public struct PathComponent: ExpressibleByStringLiteral, Sendable {
    public init(stringLiteral value: String) {}
}

public struct Abort: Error {
    public init(_ status: HTTPResponseStatus, reason: String? = nil) {}
}

public struct Environment: Sendable {
    public static let development = Environment()
    public static let production = Environment()
    public static func detect() throws -> Environment { .development }
}

public final class Request: @unchecked Sendable {
    public var headers = HTTPHeaders()
    public struct Body: Sendable {
        public func collect(max: Int?) async throws -> ByteBuffer? { nil }
    }
    public var body = Body()
    public var logger = Logger(label: "codes.vapor.request")
    public struct Parameters: Sendable {
        public func get(_ name: String) -> String? { nil }
    }
    public var parameters = Parameters()
}

public protocol LifecycleHandler: Sendable {
    func willBootAsync(_ application: Application) async throws
    func didBootAsync(_ application: Application) async throws
    func shutdownAsync(_ application: Application) async
}

extension LifecycleHandler {
    public func willBootAsync(_ application: Application) async throws {}
    public func didBootAsync(_ application: Application) async throws {}
    public func shutdownAsync(_ application: Application) async {}
}

public final class Application: @unchecked Sendable {
    public struct Lifecycle {
        public func use(_ handler: any LifecycleHandler) {}
    }
    public struct HTTP {
        public struct Client {
            public var shared: HTTPClient { HTTPClient.shared }
        }
        public var client: Client { Client() }
    }
    public var lifecycle: Lifecycle { Lifecycle() }
    public var http: HTTP { HTTP() }
    public var logger: Logger { Logger(label: "codes.vapor.application") }
    public var eventLoopGroup: any EventLoopGroup { HTTPClient.defaultEventLoopGroup }

    public static func make(_ environment: Environment = .development) async throws -> Application { Application() }
    public func execute() async throws {}
    public func asyncShutdown() async throws {}

    @discardableResult
    public func post<Response: AsyncResponseEncodable>(
        _ path: PathComponent..., use closure: @escaping @Sendable (Request) async throws -> Response
    ) -> Self { self }

    @discardableResult
    public func get<Response: AsyncResponseEncodable>(
        _ path: PathComponent..., use closure: @escaping @Sendable (Request) async throws -> Response
    ) -> Self { self }
}

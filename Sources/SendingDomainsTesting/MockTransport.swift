import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// A `HTTPTransport/Transport` for tests: it answers with a closure you write (or a script of
/// responses) and records every request it receives.
///
/// ```swift
/// let mock = MockTransport { request in
///     #expect(request.method == .post)
///     return .json(201, #"{"id": "550e8400-e29b-41d4-a716-446655440000"}"#)
/// }
/// let client = SendKit.Client(apiKey: "test-key", options: .init(transport: mock))
/// _ = try await client.createDomain(.init(name: "example.com", region: "us-east-1"))
/// #expect(mock.requests.count == 1)
/// ```
///
/// Requests are recorded as they reach the transport, that is after authentication: use it to
/// assert headers, paths and idempotency keys.
public struct MockTransport: Transport {
    /// Produces the response (or throws the error) for a request.
    public typealias Handler = @Sendable (TransportRequest) async throws -> TransportResponse

    private let handler: Handler
    private let log = LockedState<[TransportRequest]>([])

    /// A transport that answers every request with `handler`.
    public init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// A transport that plays `script` in order, one step per request. A request after the end
    /// of the script gets a 500 whose body says the script ran out.
    public static func script(_ script: [Step]) -> MockTransport {
        let cursor = LockedState(script[...])
        return MockTransport { _ in
            switch cursor.withLock({ $0.popFirst() }) {
            case .respond(let response): return response
            case .fail(let error): throw error
            case nil: return .json(500, #"{"error":"MockTransport script exhausted"}"#)
            }
        }
    }

    /// A transport that answers every request with the same response.
    public static func always(_ response: TransportResponse) -> MockTransport {
        MockTransport { _ in response }
    }

    /// One step of a script.
    ///
    /// Frozen: a step answers or fails.
    public enum Step: Sendable {
        /// Answer with a response.
        case respond(TransportResponse)
        /// Fail as the network would, for example with `URLError(.cannotConnectToHost)`.
        case fail(any Error)
    }

    /// Records the request and answers it.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        log.withLock { $0.append(request) }
        return try await handler(request)
    }

    /// Every request received so far, in order.
    public var requests: [TransportRequest] { log.withLock { $0 } }

    /// The most recent request, if any.
    public var lastRequest: TransportRequest? { log.withLock { $0.last } }
}

extension TransportResponse {
    /// A response with a JSON body given as text, and `Content-Type: application/json`.
    ///
    /// ```swift
    /// let notFound = TransportResponse.json(404, #"{"message": "Domain not found"}"#)
    /// ```
    public static func json(_ status: Int, _ body: String, headers: HeaderFields = [:]) -> TransportResponse {
        var all = headers
        if all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
        return TransportResponse(status: status, headers: all, body: Data(body.utf8))
    }
}

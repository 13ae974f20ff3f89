import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

/// The pipeline's assembly as Docs/Transport.md gives it: what a middleware sees, and the
/// one place errors are stamped and scrubbed.
@Suite("The pipeline, in its documented order")
struct PipelineOrderTests {
    /// Records what the rest of the chain returns or throws.
    struct Observer: CallMiddleware {
        let errors: Locked<[SendingDomainsError]>
        let headers: Locked<[HeaderFields]>

        func intercept(
            _ request: TransportRequest, context: MiddlewareContext, next: Next
        ) async throws -> TransportResponse {
            headers.withLock { $0.append(request.headers) }
            do {
                return try await next(request, context)
            } catch {
                errors.withLock { $0.append((error as? SendingDomainsError) ?? .invalidInput(field: "x", "untyped")) }
                throw error
            }
        }
    }

    static let privateKey = [
        "-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ",
        "-----END PRIVATE KEY-----",
    ].joined(separator: "\n")

    static func create() -> Endpoint<Void> {
        Endpoint(.createDomain, .post, decoding: .ignoringBody) { () throws(SendingDomainsError) in
            try .init(
                path: ["domains"], json: ["domain": "example.com", "key": privateKey], secrets: [Secret(privateKey)])
        }
    }

    @Test("Your middleware sees errors stamped and scrubbed of the body's secrets, and no credentials")
    func middlewareSeesSealedErrors() async throws {
        // A provider that echoes the request body, credential and DKIM key included, in its error.
        let mock = MockTransport { request in
            let echoed = String(decoding: request.body ?? Data(), as: UTF8.self)
            let auth = request.headers["Authorization"] ?? ""
            return TransportResponse(
                status: 422, headers: ["Content-Type": "application/json"],
                body: try JSONEncoder().encode(["message": "rejected \(echoed) for \(auth)"]))
        }
        let observer = Observer(errors: Locked([]), headers: Locked([]))
        let api = APIClient(
            profile: TestProvider.profile(idempotent: false), authentication: .bearer(Secret(TestProvider.secret)),
            options: ClientOptions(transport: mock, middlewares: [observer]))
        let thrown = await captureError { try await api.send(Self.create()) }
        let seen = try #require(observer.errors.withLock { $0 }.first)
        let line = try #require(Self.privateKey.split(separator: "\n").dropFirst().first)
        for error in [seen, try #require(thrown)] {
            #expect(error.provider == .ahaSend)
            #expect(error.operation == "createDomain")
            #expect(error.kind == .validation)
            let text = "\(error) \(error.rawBody ?? "")"
            #expect(!text.contains(TestProvider.secret))
            #expect(!text.contains(line))
            #expect(text.contains("<redacted>"))
        }
        #expect(observer.headers.withLock { $0 }.allSatisfy { $0["Authorization"] == nil })
        #expect(mock.lastRequest?.headers["Authorization"] == "Bearer \(TestProvider.secret)")
    }

    @Test("An empty path segment is refused when the endpoint is built: nothing is sent")
    func emptySegment() async throws {
        let mock = MockTransport { _ in TransportResponse(status: 204) }
        let api = TestProvider.client(mock)
        let endpoint = Endpoint<Void>(.getDomain, .get, decoding: .ignoringBody) { .init(path: ["domains", ""]) }
        let error = try #require(await captureError { try await api.send(endpoint) })
        #expect(error.kind == .validation)
        #expect(error.fieldErrors.first?.field == "path")
        #expect(error.provider == .ahaSend)
        #expect(mock.requests.isEmpty)
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting

/// A provider profile for pipeline tests: `{ "message": … }` errors, keys on POST.
enum TestProvider {
    static let secret = "sk-test-SECRET-0123456789"

    static func profile(idempotent: Bool = true, rateLimit: RateLimit? = nil) -> ProviderProfile {
        ProviderProfile(
            id: .ahaSend,
            defaultBaseURL: BaseURL(trusted: "https://api.example.test"),
            defaultRateLimit: rateLimit,
            rateLimitHeaders: RateLimitHeaderNames(),
            idempotency: idempotent
                ? IdempotencySupport(headerName: "Idempotency-Key", replayedHeaderName: "Idempotent-Replayed") : nil,
            errorDecoder: { response in
                struct Body: Decodable {
                    let message: String?
                    let retryAfter: Double?
                }
                let body = try? JSONDecoder().decode(Body.self, from: response.body)
                return ProviderErrorDetails(
                    kind: response.status == 409 && response.headers["Idempotent-Replayed"] == "false"
                        ? .idempotencyInProgress : nil,
                    message: body?.message,
                    retryAfter: body?.retryAfter.flatMap { Duration.clampedSeconds($0) })
            })
    }

    static func client(
        _ transport: some Transport, clock: VirtualClock = VirtualClock(), policy: RetryPolicy? = nil,
        idempotent: Bool = true, rateLimit: RateLimit? = nil, logger: LogSink? = nil,
        keys: (@Sendable () -> IdempotencyKey)? = nil
    ) -> APIClient {
        var options = ClientOptions(
            transport: transport, retryPolicy: policy, logger: logger, timeSource: clock.timeSource)
        if let keys { options.makeIdempotencyKey = keys }
        return APIClient(
            profile: profile(idempotent: idempotent, rateLimit: rateLimit), authentication: .bearer(Secret(secret)),
            options: options)
    }

    static var get: Endpoint<Void> {
        Endpoint(.getDomain, .get, decoding: .ignoringBody) { .init(path: ["domains", "example.com"]) }
    }
    static var post: Endpoint<Void> {
        Endpoint(.createDomain, .post, decoding: .ignoringBody) { () throws(SendingDomainsError) in
            try .init(path: ["domains"], json: ["domain": "example.com"])
        }
    }
}

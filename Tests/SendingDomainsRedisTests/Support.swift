import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

/// Runs the test only where `redis-server` is installed (or CI requires it, and then fails).
let needsRedis = ConditionTrait.enabled(
    if: ExternalTool.redisServer.shouldRun, Comment(rawValue: ExternalTool.redisServer.skipReason))

/// The credential of the tests' clients; it must never reach Redis, a log or an error.
let credential = "as-live-Kq81xYz-credential-0042"

/// A client of the stand-in: AutoSend's profile and headers, no retries (so that every 429 is
/// seen), the given rate limiting and logger.
func client(
    _ provider: RateEnforcingServer, _ rateLimiting: ClientOptions.RateLimiting, logger: LogSink? = nil,
    limit: RateLimit
) throws -> APIClient {
    let profile = ProviderProfile(
        id: .autoSend, defaultBaseURL: try BaseURL(provider.server.baseURL), defaultRateLimit: limit,
        defaultRetryPolicy: .disabled,
        rateLimitHeaders: RateLimitHeaderNames(remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset"),
        errorDecoder: { _ in ProviderErrorDetails() })
    return APIClient(
        profile: profile, authentication: .bearer(Secret(credential)),
        options: ClientOptions(rateLimiting: rateLimiting, logger: logger))
}

func get(_ api: APIClient) async throws(SendingDomainsError) {
    _ = try await api.send(
        Endpoint<Void>(.getDomain, .get, decoding: .ignoringBody) { .init(path: ["domains", "d1"]) })
}

/// Log events, collected.
final class LogRecorder: Sendable {
    private let events = Locked<[LogSink.Event]>([])
    var sink: LogSink { LogSink(minimumLevel: .debug) { [events] event in events.withLock { $0.append(event) } } }
    var all: [LogSink.Event] { events.withLock { $0 } }
    func count(_ event: String) -> Int { all.filter { $0.metadata["event"] == event }.count }
}

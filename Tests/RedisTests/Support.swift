import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

/// Runs the test only where `redis-server` is installed (or CI requires it, and then fails).
let needsRedis = ConditionTrait.enabled(
    if: ExternalTool.redisServer.shouldRun, Comment(rawValue: ExternalTool.redisServer.skipReason))

/// The credential of the tests' clients; it must never reach Redis, a log or an error.
let credential = "as-live-Kq81xYz-credential-0042"

/// A provider stand-in that enforces a token bucket exactly — `rate` per second, bursts of
/// `burst` — and answers a request over it with 429, as a strict provider does. It records
/// when each request arrived and how it was answered.
final class EnforcingProvider: Sendable {
    struct Arrival: Sendable {
        let time: Double
        let status: Int
        let authorization: String?
    }

    let server: LoopbackServer
    private let state: Locked<(tokens: Double, last: Double, arrivals: [Arrival], forced: Int)>
    private static let origin = ContinuousClock.now

    /// - Parameter forced429s: How many of the first requests get a 429 with `Retry-After: 1`
    ///   whatever the bucket says.
    init(rate: Double, burst: Int, forced429s: Int = 0) throws {
        let state = Locked<(tokens: Double, last: Double, arrivals: [Arrival], forced: Int)>(
            (Double(burst), 0, [], forced429s))
        self.state = state
        server = try LoopbackServer { request in
            let now = (ContinuousClock.now - Self.origin).seconds
            let status = state.withLock { state -> Int in
                state.tokens = min(Double(burst), state.tokens + (now - state.last) * rate)
                state.last = now
                var status = 200
                if state.forced > 0 {
                    state.forced -= 1
                    status = 429
                } else if state.tokens >= 1 {
                    state.tokens -= 1
                } else {
                    status = 429
                }
                state.arrivals.append(
                    Arrival(time: now, status: status, authorization: request.headers["Authorization"]))
                return status
            }
            if status == 429 {
                return .response(
                    TransportResponse(
                        status: 429, headers: ["Retry-After": "1", "Content-Type": "application/json"],
                        body: Data(#"{"success":false,"error":{"message":"Too many requests"}}"#.utf8)))
            }
            return .response(
                TransportResponse(
                    status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"success":true}"#.utf8)))
        }
    }

    var arrivals: [Arrival] { state.withLock { $0.arrivals } }
    var tooManyRequests: Int { arrivals.filter { $0.status == 429 }.count }

    /// The largest excess over the limit in any window between two arrivals: the count in
    /// `[t_i, t_j]` less what a bucket of `rate` and `burst` allows there (≤ 0 when the limit
    /// held everywhere).
    func worstExcess(rate: Double, burst: Int) -> Double {
        let times = arrivals.map(\.time).sorted()
        var worst = -Double.infinity
        for i in times.indices {
            for j in i..<times.count {
                let allowed = Double(burst) + rate * (times[j] - times[i])
                worst = max(worst, Double(j - i + 1) - allowed)
            }
        }
        return worst
    }

    func stop() { server.stop() }
}

/// A client of the stand-in: AutoSend's profile and headers, no retries (so that every 429 is
/// seen), the given rate limiting and logger.
func client(
    _ provider: EnforcingProvider, _ rateLimiting: ClientOptions.RateLimiting, logger: LogSink? = nil,
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
    _ = try await api.send(APIOperation(name: .getDomain, method: .get, path: ["domains", "d1"]))
}

/// Log events, collected.
final class LogRecorder: Sendable {
    private let events = Locked<[LogEvent]>([])
    var sink: LogSink { LogSink(minimumLevel: .debug) { [events] event in events.withLock { $0.append(event) } } }
    var all: [LogEvent] { events.withLock { $0 } }
    func count(_ event: String) -> Int { all.filter { $0.metadata["event"] == event }.count }
}

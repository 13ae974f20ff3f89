import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

/// A store in memory, in virtual time: a GCRA bucket like the Redis script's, which can be made
/// to fail like an unreachable server.
final class FakeRateStore: SharedRateStore {
    let displayName = "fake store"
    let clock: VirtualClock
    private let state = Locked<
        (failing: Bool, calls: Int, tat: Duration, pauses: [(String, Duration)], keys: Set<String>)
    >(
        (false, 0, .zero, [], []))

    init(clock: VirtualClock) {
        self.clock = clock
    }

    var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }
    var calls: Int { state.withLock { $0.calls } }
    var pauses: [(String, Duration)] { state.withLock { $0.pauses } }
    var keys: Set<String> { state.withLock { $0.keys } }

    func reserve(key: String, limit: RateLimit) async throws(SendingDomainsError) -> Duration {
        let now = clock.now
        let wait = state.withLock { state -> Duration? in
            state.calls += 1
            state.keys.insert(key)
            if state.failing { return nil }
            let interval = Duration.seconds(1 / limit.rate)
            let tolerance = interval * (limit.burst - 1)
            let tat = max(state.tat, now)
            state.tat = tat + interval
            return max(.zero, tat - tolerance - now)
        }
        guard let wait else {
            throw SendingDomainsError(kind: .transport, message: "unreachable", transportFailure: .connectionRefused)
        }
        return wait
    }

    func pause(key: String, for duration: Duration) async throws(SendingDomainsError) {
        state.withLock { $0.pauses.append((key, duration)) }
    }
}

@Suite("The shared budget's pipeline side, in virtual time")
struct SharedBudgetTests {
    let secret = "as-live-virtual-secret-7731"

    func api(
        _ store: FakeRateStore, _ transport: MockTransport, _ rateLimiting: ClientOptions.RateLimiting,
        logger: LogSink? = nil
    ) throws -> APIClient {
        let profile = ProviderProfile(
            id: .autoSend, defaultBaseURL: try BaseURL("https://api.example.com"),
            defaultRateLimit: RateLimit(rate: 10, burst: 3), defaultRetryPolicy: .disabled,
            rateLimitHeaders: RateLimitHeaderNames(), errorDecoder: { _ in ProviderErrorDetails() })
        return APIClient(
            profile: profile, authentication: .bearer(Secret(secret)),
            options: ClientOptions(
                transport: transport, rateLimiting: rateLimiting, logger: logger, timeSource: store.clock.timeSource))
    }

    func get(_ api: APIClient) async throws(SendingDomainsError) {
        _ = try await api.send(Endpoint<Void>(.getDomain, .get, decoding: .ignoringBody) { .init(path: ["d"]) })
    }

    @Test("The budget aims under the limit: 90 % of the rate, one under the burst")
    func aim() async throws {
        let store = FakeRateStore(clock: VirtualClock())
        let api = try api(store, .always(.init(status: 200)), .shared(store))
        for _ in 0..<6 { try await get(api) }
        // Burst 2 at once, then one every 1/9 s.
        let interval = Duration.seconds(1 / 9.0)
        #expect(store.clock.sleeps.count == 4)
        for (index, sleep) in store.clock.sleeps.enumerated() {
            #expect(abs((sleep - interval).seconds) < 1e-6, "sleep \(index)")
        }
    }

    @Test("The key is the provider and the scope, or a hash of the credential — never the credential")
    func keys() async throws {
        let store = FakeRateStore(clock: VirtualClock())
        try await get(api(store, .always(.init(status: 200)), .shared(store, scope: "team a\n")))
        try await get(api(store, .always(.init(status: 200)), .shared(store)))
        let keys = store.keys.sorted()
        #expect(keys.count == 2)
        #expect(keys.contains("autosend:team_a_"))
        #expect(keys.contains { $0.hasPrefix("autosend:key-") && $0.count == "autosend:key-".count + 32 })
        #expect(!keys.contains { $0.contains(secret) })
    }

    @Test("A 429's hint and a spent quota go to the store as pauses, capped at 60 s")
    func pauses() async throws {
        let store = FakeRateStore(clock: VirtualClock())
        let responses = MockTransport.script([
            .respond(.init(status: 429, headers: ["Retry-After": "3"])),
            .respond(.init(status: 200, headers: ["RateLimit": #""default";r=0;t=7"#])),
            .respond(.init(status: 429, headers: ["Retry-After": "3600"])),
        ])
        let api = try api(store, responses, .shared(store, scope: "s"))
        try? await get(api)
        try await get(api)
        try? await get(api)
        #expect(store.pauses.map(\.1) == [.seconds(3), .seconds(7), .seconds(60)])
        #expect(store.pauses.allSatisfy { $0.0 == "autosend:s" })
    }

    @Test("An outage: the fallback bucket at its share, one warning, backoff between tries, one recovery")
    func outage() async throws {
        let clock = VirtualClock()
        let store = FakeRateStore(clock: clock)
        store.failing = true
        let events = Locked<[LogSink.Event]>([])
        let logger = LogSink(minimumLevel: .debug) { event in events.withLock { $0.append(event) } }
        let api = try api(
            store, .always(.init(status: 200)), .shared(store, scope: "s", whenUnavailable: .fallBack(share: 0.5)),
            logger: logger)
        for _ in 0..<5 { try await get(api) }
        // Tried at the first call; the others fall within the 0.5 s backoff… or after it, at
        // the fallback's rate (4.5/s, burst 1): no more than one try per backoff step.
        let tries = store.calls
        #expect(tries >= 1 && tries <= 3)
        let warnings = events.withLock { $0 }.filter { $0.metadata["event"] == "unavailable" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.level == .warning)
        #expect(warnings.first?.metadata["fallback"] == "local bucket at 50 % of the limit")
        // The fallback spaces calls at 4.5/s.
        #expect(clock.sleeps.allSatisfy { $0 <= .seconds(1 / 4.5) + .milliseconds(1) })
        store.failing = false
        clock.advance(by: .seconds(31))
        try await get(api)
        let recovered = events.withLock { $0 }.filter { $0.metadata["event"] == "recovered" }
        #expect(recovered.count == 1)
        for event in events.withLock({ $0 }) { #expect(!"\(event)".contains(secret)) }
    }

    @Test("The fail policy throws the store's kind and sends nothing")
    func fail() async throws {
        let store = FakeRateStore(clock: VirtualClock())
        store.failing = true
        let sent = Locked(0)
        let transport = MockTransport { _ in
            sent.withLock { $0 += 1 }
            return .init(status: 200)
        }
        let api = try api(store, transport, .shared(store, whenUnavailable: .fail))
        let error = await #expect(throws: SendingDomainsError.self) { try await get(api) }
        #expect(error?.kind == .transport)
        #expect(error?.message.contains("fake store") == true)
        #expect(sent.withLock { $0 } == 0)
    }

    @Test(
        "The IETF rate-limit fields: a spent quota pauses for its reset",
        arguments: [
            (["RateLimit": #""default";r=0;t=30"#], 30.0),
            (["RateLimit": "limit=100, remaining=0, reset=12"], 12.0),
            (["RateLimit-Remaining": "0", "RateLimit-Reset": "7"], 7.0),
            (["RateLimit": #""default";r=5;t=30"#], nil),
            (["RateLimit": "garbage"], nil),
            (["RateLimit-Remaining": "0"], nil),
        ] as [([String: String], Double?)])
    func standardFields(headers: [String: String], seconds: Double?) {
        var fields = HeaderFields()
        for (name, value) in headers { fields[name] = value }
        #expect(RateLimitStep.standardPause(fields) == seconds.flatMap { Duration.clampedSeconds($0) })
    }

    @Test("An epoch reset is read against the response's Date, the provider's clock")
    func resetAgainstDate() {
        // The local clock is 100 s ahead of the provider's.
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_800_000_100))
        let step = RateLimitStep(
            bucket: TokenBucket(rate: 1, burst: 1), headerNames: RateLimitHeaderNames(), timeSource: clock.timeSource)
        let response = TransportResponse(
            status: 200,
            headers: [
                "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1800000010",
                "Date": "Fri, 15 Jan 2027 08:00:00 GMT",
            ])
        // Fri, 15 Jan 2027 08:00:00 GMT is 1800000000.
        #expect(step.spentQuotaPause(response) == .seconds(10))
    }

    @Test("Rate-limiting choices compare by value, and shared ones by store identity")
    func equality() {
        let clock = VirtualClock()
        let one = FakeRateStore(clock: clock)
        let other = FakeRateStore(clock: clock)
        #expect(ClientOptions.RateLimiting.shared(one) == .shared(one))
        #expect(ClientOptions.RateLimiting.shared(one) != .shared(other))
        #expect(
            ClientOptions.RateLimiting.custom(RateLimit(rate: 1, burst: 1)) == .custom(RateLimit(rate: 1, burst: 1)))
        #expect(ClientOptions.RateLimiting.providerDefault != .disabled)
        #expect(ClientOptions.RateLimiting.shared(one).store === one)
    }
}

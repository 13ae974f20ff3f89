import Foundation

/// A client-side rate limiter: a token bucket that refills at ``rate`` tokens per second up
/// to ``burst``, shared by every call of one client.
///
/// Each request takes one token; when none is left the caller waits for the next one, in
/// arrival order. It also learns from the provider: ``pause(for:)`` holds every caller back
/// until a reported reset (remaining = 0, or a 429 with a hint), so that a client sharing its
/// quota with other processes slows down instead of collecting 429s.
///
/// ```swift
/// let bucket = TokenBucket(rate: 100, burst: 200)   // AhaSend's published limit
/// try await bucket.acquire()                          // returns at once for the first 200
/// ```
@_spi(ProviderAuthoring) public actor TokenBucket {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens the bucket holds, i.e. the largest instant burst.
    public let burst: Double
    private let timeSource: TimeSource
    private var tokens: Double
    private var lastRefill: Duration
    private var pausedUntil: Duration?

    /// Creates a full bucket. `rate` and `burst` below their minimum (a tiny positive rate, one
    /// token) are raised to it.
    public init(rate: Double, burst: Int, timeSource: TimeSource = .system) {
        self.rate = rate.isFinite ? max(rate, 0.001) : 1_000_000
        self.burst = Double(max(burst, 1))
        self.timeSource = timeSource
        self.tokens = Double(max(burst, 1))
        self.lastRefill = timeSource.now()
    }

    /// Takes one token, waiting first if none is available.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting; the token is
    ///   returned to the bucket.
    public func acquire() async throws {
        let wait = reserve()
        guard wait > .zero else { return }
        do {
            try await timeSource.sleep(wait)
        } catch {
            tokens = min(burst, tokens + 1)
            throw CancellationError()
        }
    }

    /// Takes one token now and returns how long the caller must wait before using it.
    public func reserve() -> Duration {
        let now = timeSource.now()
        refill(at: now)
        tokens -= 1
        var wait: Duration = .zero
        if tokens < 0 { wait = Duration.clampedSeconds(-tokens / rate) ?? .zero }
        if let pausedUntil, pausedUntil > now { wait = max(wait, pausedUntil - now) }
        return wait
    }

    /// Holds every caller back for `duration` from now, for example until the provider's
    /// reported reset. A shorter pause than one already in force changes nothing.
    public func pause(for duration: Duration) {
        let until = timeSource.now() + max(.zero, duration)
        pausedUntil = max(pausedUntil ?? until, until)
    }

    /// The tokens available now (negative while callers are queued).
    public var available: Double {
        refill(at: timeSource.now())
        return tokens
    }

    private func refill(at now: Duration) {
        let elapsed = (now - lastRefill).seconds
        if elapsed > 0 {
            tokens = min(burst, tokens + elapsed * rate)
            lastRefill = now
        }
    }
}

/// A client's rate-limit setting.
public struct RateLimit: Sendable, Hashable {
    /// Requests per second.
    public var rate: Double
    /// Requests that may go at once after a quiet period.
    public var burst: Int

    /// Creates a limit of `rate` requests per second with bursts of `burst`.
    public init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    /// `count` requests per `period`, all of which may go at once: a fixed-window limit such as
    /// Krafter's 100 per 60 s.
    public static func perWindow(_ count: Int, per period: Duration) -> RateLimit {
        RateLimit(rate: Double(count) / max(period.seconds, 0.001), burst: count)
    }
}

/// The response headers a provider uses to report its rate-limit state.
@_spi(ProviderAuthoring) public struct RateLimitHeaderNames: Sendable, Hashable {
    /// Requests left in the window, for example `X-RateLimit-Remaining`.
    public var remaining: String
    /// When the window resets, in epoch seconds, for example `X-RateLimit-Reset`.
    public var reset: String

    /// Creates the header names (matched case-insensitively).
    public init(remaining: String = "X-RateLimit-Remaining", reset: String = "X-RateLimit-Reset") {
        self.remaining = remaining
        self.reset = reset
    }
}

/// Takes a token from the client's ``TokenBucket`` (or its shared budget) before each attempt,
/// and pauses it when the provider says the quota is spent: remaining = 0 with a reset time
/// (the provider's own headers, or the IETF `RateLimit` field), or a 429 with a retry-after
/// hint.
@_spi(ProviderAuthoring) public struct RateLimitStep: Sendable {
    /// The shared bucket: the client's own, or with a shared budget the local fallback used
    /// while its store cannot be reached.
    public var bucket: TokenBucket
    /// Where the provider reports its state, if it does.
    public var headerNames: RateLimitHeaderNames?
    /// The clock, for reset dates.
    public var timeSource: TimeSource
    /// The longest pause learned from a header; longer reports are capped.
    public var maximumPause: Duration
    /// The budget shared through a store, when the options ask for one.
    package var shared: SharedBudget?

    /// Creates the step.
    public init(
        bucket: TokenBucket, headerNames: RateLimitHeaderNames?, timeSource: TimeSource = .system,
        maximumPause: Duration = .seconds(60)
    ) {
        self.bucket = bucket
        self.headerNames = headerNames
        self.timeSource = timeSource
        self.maximumPause = maximumPause
    }

    /// Waits for a token.
    package func acquire(_ context: MiddlewareContext) async throws(SendingDomainsError) {
        if let shared {
            try await shared.acquire(context)
            return
        }
        do {
            try await bucket.acquire()
        } catch {
            throw SendingDomainsError(
                kind: .cancelled, message: "The task was cancelled while waiting for the rate limiter",
                provider: context.provider, operation: context.operation)
        }
    }

    /// Pauses the bucket until the reset a response reports when it says no requests remain.
    package func learn(from response: TransportResponse) async {
        if let wait = spentQuotaPause(response) { await pause(for: wait) }
    }

    /// Pauses the bucket for a 429's hint.
    package func learn(from error: SendingDomainsError) async {
        if error.kind == .rateLimited, let hint = error.retryAfter { await pause(for: hint) }
    }

    private func pause(for duration: Duration) async {
        let duration = min(duration, maximumPause)
        guard duration > .zero else { return }
        if let shared {
            await shared.pause(for: duration)
        } else {
            await bucket.pause(for: duration)
        }
    }

    /// How long a response says to hold back: until the provider's reset when its headers say
    /// no requests remain, or `nil`. An epoch-seconds reset is on the provider's clock, so it
    /// is read against the response's `Date` where there is one.
    package func spentQuotaPause(_ response: TransportResponse) -> Duration? {
        if let headerNames, let remaining = response.headers[headerNames.remaining].flatMap({ Int($0) }),
            remaining <= 0, let reset = response.headers[headerNames.reset]
        {
            let now = response.headers["Date"].flatMap { RetryAfterParser.httpDate($0) } ?? timeSource.date()
            if let wait = RetryAfterParser.untilEpoch(reset, now: now) { return wait }
        }
        return Self.standardPause(response.headers)
    }

    /// The IETF rate-limit fields (draft-ietf-httpapi-ratelimit-headers): the structured
    /// `RateLimit: "default";r=0;t=30` of the later drafts, the earlier
    /// `RateLimit: limit=100, remaining=0, reset=30`, and the separate `RateLimit-Remaining` and
    /// `RateLimit-Reset` fields; resets are delta seconds. `nil` unless a quota is spent.
    package static func standardPause(_ headers: HeaderFields) -> Duration? {
        var remaining: Double?
        var reset: Double?
        if let field = headers["RateLimit"] {
            for part in field.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, let number = Double(pair[1]), number.isFinite, number >= 0 else { continue }
                switch pair[0].lowercased() {
                case "r", "remaining": remaining = min(remaining ?? number, number)
                case "t", "reset": reset = max(reset ?? number, number)
                default: break
                }
            }
        }
        if remaining == nil, let text = headers["RateLimit-Remaining"], let number = Double(text) {
            remaining = number
        }
        if reset == nil, let text = headers["RateLimit-Reset"], let number = Double(text), number.isFinite,
            number >= 0
        {
            reset = number
        }
        guard let remaining, remaining <= 0, let reset else { return nil }
        return Duration.clampedSeconds(reset)
    }
}

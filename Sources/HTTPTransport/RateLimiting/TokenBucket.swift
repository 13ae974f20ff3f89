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

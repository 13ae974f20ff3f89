import Foundation

/// The clock, sleep and random source the pipeline uses, injected so that tests run retries,
/// backoff and rate limiting in virtual time.
///
/// Production code uses ``system``. A test passes a source whose `sleep` only records the
/// duration and advances `now`, so that a retry test takes microseconds and can assert exact
/// delays (`SendingDomainsTesting.VirtualClock` does exactly that):
///
/// ```swift
/// let clock = VirtualClock()
/// let options = ClientOptions(transport: mock, timeSource: clock.timeSource)
/// ```
public struct TimeSource: Sendable {
    /// Monotonic time since an arbitrary origin. Only differences are meaningful.
    public var now: @Sendable () -> Duration
    /// The wall-clock date, for `Retry-After` HTTP-dates and epoch reset headers.
    public var date: @Sendable () -> Date
    /// Suspends for a duration. It must throw `CancellationError` promptly when the calling
    /// task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniformly distributed number in `0..<1`, for jitter.
    public var random: @Sendable () -> Double

    /// Creates a time source from its four parts.
    public init(
        now: @escaping @Sendable () -> Duration,
        date: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double
    ) {
        self.now = now
        self.date = date
        self.sleep = sleep
        self.random = random
    }

    private static let origin = ContinuousClock.now

    /// The real clock: `ContinuousClock`, `Date()`, `Task.sleep` and the system random generator.
    public static let system = TimeSource(
        now: { ContinuousClock.now - origin },
        date: { Date() },
        sleep: { duration in try await Task.sleep(for: duration) },
        random: { Double.random(in: 0..<1) }
    )
}

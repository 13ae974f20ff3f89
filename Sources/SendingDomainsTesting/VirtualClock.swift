import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// A clock for tests in which sleeping takes no real time: each sleep is recorded and moves
/// the clock forward by exactly its duration.
///
/// Pass its ``timeSource`` in `HTTPTransport/ClientOptions` to run retries, backoff and rate
/// limiting in microseconds and assert the exact delays:
///
/// ```swift
/// let clock = VirtualClock(random: 0.5)
/// let client = AhaSend.Client(apiKey: "k", accountID: id,
///                            options: .init(transport: mock, timeSource: clock.timeSource))
/// _ = try await client.getDomain(id: "example.com")
/// #expect(clock.sleeps == [.milliseconds(250)])
/// ```
public final class VirtualClock: Sendable {
    private struct State {
        var now: Duration = .zero
        var sleeps: [Duration] = []
        var randomValues: [Double]
        var randomIndex = 0
    }

    private let state: Locked<State>
    private let startDate: Date

    /// Creates a clock at time zero.
    ///
    /// - Parameters:
    ///   - date: The wall-clock date at time zero.
    ///   - random: The values the random source returns, in turn, cycling; `[0.5]` by default.
    public init(date: Date = Date(timeIntervalSince1970: 1_800_000_000), random: [Double] = [0.5]) {
        self.startDate = date
        self.state = Locked(State(randomValues: random.isEmpty ? [0.5] : random))
    }

    /// Creates a clock whose random source always returns `random`.
    public convenience init(random: Double) {
        self.init(random: [random])
    }

    /// Time elapsed since the clock was created.
    public var now: Duration { state.withLock { $0.now } }

    /// Every sleep requested so far, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves the clock forward without a sleep, as if time passed elsewhere.
    public func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
    }

    /// The time source to inject. `sleep` throws `CancellationError` if the task is cancelled.
    public var timeSource: TimeSource {
        TimeSource(
            now: { [state] in state.withLock { $0.now } },
            date: { [state, startDate] in startDate.addingTimeInterval(state.withLock { $0.now.seconds }) },
            sleep: { [state] duration in
                try Task.checkCancellation()
                state.withLock {
                    $0.sleeps.append(duration)
                    $0.now += duration
                }
                await Task.yield()
                try Task.checkCancellation()
            },
            random: { [state] in
                state.withLock { value in
                    let next = value.randomValues[value.randomIndex % value.randomValues.count]
                    value.randomIndex += 1
                    return next
                }
            }
        )
    }
}

/// A minimal lock-protected value (Foundation's `NSLock`), available on every platform the SDK
/// supports — for your tests; the SDK's own code uses the same lock underneath.
public final class Locked<Value: Sendable>: Sendable {
    private let state: LockedState<Value>

    /// Wraps an initial value.
    public init(_ value: Value) {
        state = LockedState(value)
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try state.withLock(body)
    }
}

import Foundation

/// A value behind a lock (Foundation's `NSLock`, on every platform the SDK supports): the one
/// locked-value helper the SDK's modules share.
package final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// A lock around `value`.
    package init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, under the lock.
    package func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Counts the attempts the pipeline sends while a task-local counter is bound, so that a caller
/// paced by its own rate-limit share (the `DomainWatcher`) can charge a call every attempt it
/// made — retries after a `429 Retry-After: 0` included.
package final class AttemptCounter: Sendable {
    private let count = LockedState(0)

    /// A counter at zero.
    package init() {}

    /// The counter the current task's calls report to, if any.
    @TaskLocal package static var current: AttemptCounter?

    /// The attempts counted so far.
    package var attempts: Int { count.withLock { $0 } }

    /// Counts one attempt.
    package func increment() {
        count.withLock { $0 += 1 }
    }
}

extension TaskLocal {
    /// `withValue(_:operation:)` for a body with a typed error: the one place the SDK's
    /// task-bound sinks (logging, metrics) bind a value around typed-throwing work.
    package func withValue<Result, Failure: Error>(
        _ value: Value, typedOperation body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = await withValue(
            value,
            operation: {
                do throws(Failure) {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            })
        return try outcome.get()
    }
}

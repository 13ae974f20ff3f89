@_spi(ProviderAuthoring) import HTTPTransport

/// Runs work with a deadline, without waiting for work that ignores cancellation: when the
/// deadline passes first, the work's task is cancelled and left to end on its own, and the
/// caller goes on at once. The one deadline the watcher's checks, its lease renewals and the DNS
/// preflight share.
enum Deadline {
    /// `work`'s result, or `nil` when `limit` passed first (or the caller was cancelled).
    ///
    /// - Parameter sleep: How the deadline is waited for: the real clock by default, a
    ///   `TimeSource`'s sleep where the caller's clock is injected.
    static func run<T: Sendable>(
        within limit: Duration,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        _ work: @escaping @Sendable () async -> T
    ) async -> T? {
        let race = Race<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                race.begin(continuation)
                race.add(Task { race.finish(await work()) })
                race.add(
                    Task {
                        // A sleep cut short by cancellation is no verdict: the other side finished.
                        guard (try? await sleep(limit)) != nil else { return }
                        race.finish(nil)
                    })
            }
        } onCancel: {
            race.finish(nil)
        }
    }

    /// The first of the work and the timer to finish resumes the caller and cancels the other.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T?, Never>?
            var tasks: [Task<Void, Never>] = []
            var done = false
            var early: T??
        }

        private let state = LockedState(State())

        func begin(_ continuation: CheckedContinuation<T?, Never>) {
            let early: T?? = state.withLock { state in
                if state.done { return state.early ?? .some(nil) }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }

        func add(_ task: Task<Void, Never>) {
            let cancel = state.withLock { state in
                if state.done { return true }
                state.tasks.append(task)
                return false
            }
            if cancel { task.cancel() }
        }

        func finish(_ value: T?) {
            let (continuation, tasks): (CheckedContinuation<T?, Never>?, [Task<Void, Never>]) = state.withLock {
                state in
                if state.done { return (nil, []) }
                state.done = true
                state.early = .some(value)
                let tasks = state.tasks
                state.tasks = []
                let continuation = state.continuation
                state.continuation = nil
                return (continuation, tasks)
            }
            for task in tasks { task.cancel() }
            continuation?.resume(returning: value)
        }
    }
}

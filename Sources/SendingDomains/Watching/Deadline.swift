@_spi(ProviderAuthoring) import HTTPTransport

/// Runs work with a deadline on the real clock, without waiting for work that ignores
/// cancellation: when the deadline passes first, the work's task is cancelled and left to end
/// on its own, and the caller goes on at once.
enum Deadline {
    /// `work`'s result, or `nil` when `limit` passed first (or the caller was cancelled).
    static func run<T: Sendable>(
        within limit: Duration, _ work: @escaping @Sendable () async -> T
    ) async -> T? {
        let race = Race<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                race.begin(continuation)
                race.add(Task { race.finish(await work()) })
                race.add(
                    Task {
                        try? await Task.sleep(for: limit)
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

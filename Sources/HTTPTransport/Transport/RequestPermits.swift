import Dispatch
import Foundation

/// At most `limit` requests in flight: the others wait, in order, before they start — before
/// their attempt's timer starts too, so that waiting for a turn is never taken for a slow
/// server. A waiter that is cancelled leaves the queue at once; one that has waited as long as
/// its attempt's timeout leaves it with a `timeout` error, so a call stays bounded in time.
final class RequestPermits: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let state: LockedState<State>
    private let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
        state = LockedState(State(available: self.limit))
    }

    /// Waits for a permit, at most `patience`; throws `CancellationError` when the task is
    /// cancelled first, and a `timeout` error (nothing was sent) when the wait passes `patience`.
    func acquire(within patience: Duration) async throws {
        let id: UInt64 = state.withLock {
            $0.nextID += 1
            return $0.nextID
        }
        let limit = self.limit
        let timer = DispatchWorkItem { [weak self] in
            self?.give(
                up: id,
                SendingDomainsError(
                    kind: .timeout,
                    message:
                        "The request waited \(patience.formattedSeconds) for a turn among the transport's \(limit) concurrent requests (maximumConcurrentRequests) and was not sent",
                    transportFailure: .timedOut))
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + patience.seconds, execute: timer)
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Under the lock, so that a cancellation either comes first (and is seen here) or
                // finds the waiter in the queue.
                let outcome: Bool? = state.withLock {
                    if Task.isCancelled { return false }
                    if $0.available > 0 {
                        $0.available -= 1
                        return true
                    }
                    $0.waiters.append((id, continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            give(up: id, CancellationError())
        }
    }

    /// Takes waiter `id` out of the queue, if it is still there, with `error`.
    private func give(up id: UInt64, _ error: any Error) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock {
            guard let index = $0.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return $0.waiters.remove(at: index).continuation
        }
        waiter?.resume(throwing: error)
    }

    /// Returns a permit: the longest waiter gets it.
    func release() {
        let next: CheckedContinuation<Void, any Error>? = state.withLock {
            if $0.waiters.isEmpty {
                $0.available += 1
                return nil
            }
            return $0.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}

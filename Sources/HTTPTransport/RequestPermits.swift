import Foundation

/// At most `limit` requests in flight: the others wait, in order, before they start — before
/// their attempt's timer starts too, so that waiting for a turn is never taken for a slow
/// server. A waiter that is cancelled leaves the queue at once.
final class RequestPermits: @unchecked Sendable {
    private let lock = NSLock()
    private var available: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    init(limit: Int) {
        available = max(1, limit)
    }

    /// Waits for a permit; throws `CancellationError` when the task is cancelled first.
    func acquire() async throws {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Under the lock, so that a cancellation either comes first (and is seen here) or
                // finds the waiter in the queue.
                let outcome: Bool? = lock.withLock {
                    if Task.isCancelled { return false }
                    if available > 0 {
                        available -= 1
                        return true
                    }
                    waiters.append((id, continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let cancelled: CheckedContinuation<Void, any Error>? = lock.withLock {
                guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return waiters.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Returns a permit: the longest waiter gets it.
    func release() {
        let next: CheckedContinuation<Void, any Error>? = lock.withLock {
            if waiters.isEmpty {
                available += 1
                return nil
            }
            return waiters.removeFirst().continuation
        }
        next?.resume()
    }
}

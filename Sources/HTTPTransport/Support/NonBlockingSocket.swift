import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waiting on a non-blocking socket from a Dispatch thread, in poll slices of at most 20 ms, so
/// that a task's cancellation (through ``CancelFlag``) is seen within one slice: the one copy
/// the DNS client and the Redis client share.
package enum NonBlockingSocket {
    /// Set by the task that started the work when it is cancelled; polled by the work.
    package final class CancelFlag: Sendable {
        private let value = LockedState(false)

        /// A flag not set.
        package init() {}

        /// Marks the work cancelled.
        package func set() { value.withLock { $0 = true } }

        /// Whether the work was cancelled.
        package var isSet: Bool { value.withLock { $0 } }
    }

    /// How a wait ended.
    package enum Readiness { case ready, timedOut, cancelled, failed }

    /// Polls `fd` until `events`, the deadline (`DispatchTime` nanoseconds) or cancellation.
    package static func wait(_ fd: Int32, for events: Int16, until deadline: UInt64, cancelled: CancelFlag) -> Readiness
    {
        while true {
            if cancelled.isSet { return .cancelled }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return .timedOut }
            let slice = Int32(min(20, max(1, (deadline - now) / 1_000_000)))
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, slice)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failed
            }
            if ready == 0 { continue }
            if descriptor.revents & events != 0 { return .ready }
            if descriptor.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return .failed }
        }
    }

    /// Writes all of `data` (without `SIGPIPE`), waiting for room as needed: `nil` once it is
    /// all sent, else how the wait for room ended (`.failed` for a broken connection).
    package static func sendAll(_ fd: Int32, _ data: Data, until deadline: UInt64, cancelled: CancelFlag) -> Readiness?
    {
        let bytes = [UInt8](data)
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let sent = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return send(fd, base + offset, buffer.count - offset, flags)
            }
            if sent > 0 {
                offset += sent
                continue
            }
            guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return .failed }
            let readiness = wait(fd, for: Int16(POLLOUT), until: deadline, cancelled: cancelled)
            if readiness != .ready { return readiness }
        }
        return nil
    }

    /// Runs blocking socket `work` on a Dispatch thread, so that waiting never holds a thread of
    /// Swift's cooperative pool; the work sees the task's cancellation through the flag it
    /// polls. The result crosses threads through a lock, which orders it for every observer
    /// (ThreadSanitizer does not see the ordering a continuation's resumption gives).
    ///
    /// - Parameter cancelled: The error when the work ended without a result.
    package static func run<T: Sendable>(
        _ work: @escaping @Sendable (CancelFlag) -> Result<T, SendingDomainsError>,
        cancelled: @autoclosure () -> SendingDomainsError
    ) async throws(SendingDomainsError) -> T {
        let flag = CancelFlag()
        let outcome = LockedState<Result<T, SendingDomainsError>?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    let result = work(flag)
                    outcome.withLock { $0 = result }
                    continuation.resume()
                }
            }
        } onCancel: {
            flag.set()
        }
        switch outcome.withLock({ $0 }) {
        case .success(let value): return value
        case .failure(let error): throw error
        case nil: throw cancelled()
        }
    }
}

import Dispatch
import Foundation
import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops a long command on SIGINT or SIGTERM: cancels `task`, and remembers the signal (a
/// second one ends the process at once).
final class StopSignals: Sendable {
    private let receivedSignal = LockedState<Int32?>(nil)
    private let sources: LockedState<[any DispatchSourceSignal]> = LockedState([])

    init(cancelling task: Task<some Sendable, some Error>) {
        let received = self.receivedSignal
        let made = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let again = received.withLock { received -> Bool in
                    defer { received = received ?? signalNumber }
                    return received != nil
                }
                if again { exit(128 + signalNumber) }
                task.cancel()
            }
            source.resume()
            return source
        }
        sources.withLock { $0 = made }
    }

    /// The first signal received, if any.
    var received: Int32? { receivedSignal.withLock { $0 } }

    /// Restores the default handlers.
    func stop() {
        sources.withLock { sources in
            sources.forEach { $0.cancel() }
            sources = []
        }
        for signalNumber in [SIGINT, SIGTERM] { signal(signalNumber, SIG_DFL) }
    }
}

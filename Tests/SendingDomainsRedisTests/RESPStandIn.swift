import Foundation
import SendingDomainsServing
import SendingDomainsTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP server that plays a broken or hostile Redis: for each connection it reads
/// what the client sends and writes what `behaviour` says, which a real server will not do on
/// request.
final class RESPStandIn: Sendable {
    enum Behaviour: Sendable {
        /// Answer the first command with these bytes, then keep the connection open.
        case reply(Data)
        /// Accept and never answer.
        case silent
    }

    let port: Int
    var url: String { "redis://127.0.0.1:\(port)" }
    private let listener: Int32
    private let state = Locked<(stopped: Bool, connections: [Int32], received: Data)>((false, [], Data()))

    init(_ behaviour: Behaviour) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0, let bound = SocketIO.bind(fd, address: "127.0.0.1", port: 0), listen(fd, 16) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        listener = fd
        port = Int(bound)
        let thread = Thread { [self] in acceptLoop(behaviour) }
        thread.start()
    }

    deinit { stop() }

    /// Everything clients sent, for checks that a secret never went where it should not.
    var received: Data { state.withLock { $0.received } }

    func stop() {
        let connections = state.withLock { state -> [Int32] in
            guard !state.stopped else { return [] }
            state.stopped = true
            return state.connections + [listener]
        }
        for fd in connections {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private func acceptLoop(_ behaviour: Behaviour) {
        while !state.withLock({ $0.stopped }) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections.append(connection)
                return true
            }
            guard accepted else {
                close(connection)
                return
            }
            let thread = Thread { [self] in serve(connection, behaviour) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32, _ behaviour: Behaviour) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var answered = false
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            state.withLock { $0.received.append(contentsOf: buffer[0..<count]) }
            if case .reply(let data) = behaviour, !answered {
                answered = true
                guard SocketIO.write(connection, data) else { return }
            }
        }
    }
}

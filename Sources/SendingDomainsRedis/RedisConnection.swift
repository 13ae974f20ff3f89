import Dispatch
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs blocking socket work on a Dispatch thread, so that waiting never holds a thread of
/// Swift's cooperative pool; the work sees the task's cancellation through a flag it polls.
enum Blocking {
    typealias Flag = NonBlockingSocket.CancelFlag

    static func run<T: Sendable>(
        _ work: @escaping @Sendable (Flag) -> Result<T, SendingDomainsError>
    ) async throws(SendingDomainsError) -> T {
        try await NonBlockingSocket.run(work, cancelled: RedisError.cancelled())
    }
}

/// The errors the Redis client throws: typed, with the server's address and never a password.
enum RedisError {
    static let operation = "redis"

    static func make(
        _ kind: SendingDomainsError.Kind, _ message: String, _ failure: SendingDomainsError.TransportFailure? = nil
    ) -> SendingDomainsError {
        SendingDomainsError(kind: kind, message: message, operation: operation, transportFailure: failure)
    }

    static func cancelled() -> SendingDomainsError { make(.cancelled, "The Redis command was cancelled") }

    /// Server text made safe for an error: control characters replaced, length capped, the
    /// password removed (a hostile server may echo it back).
    static func printable(_ text: String, redactor: Redactor) -> String {
        let capped = String(
            text.unicodeScalars.prefix(200).map { $0.value >= 0x20 && $0.value != 0x7F ? Character($0) : "?" })
        return redactor.redact(capped)
    }
}

/// One connection to a Redis server. The pool lends it to one command at a time; the lock over
/// its receive buffer, held for a whole round trip, makes that exclusive use explicit.
final class RedisConnection: Sendable {
    private let fd: Int32
    /// Bytes received and not yet parsed.
    private let received = LockedState<[UInt8]>([])
    private let limits: RESP.Limits
    private let server: String

    private init(fd: Int32, limits: RESP.Limits, server: String) {
        self.fd = fd
        self.limits = limits
        self.server = server
    }

    deinit { close(fd) }

    /// Connects, then sends `AUTH` and `SELECT` as the configuration asks; all within the
    /// connect timeout.
    static func open(
        _ configuration: RedisConfiguration, redactor: Redactor, cancelled: Blocking.Flag
    ) -> Result<RedisConnection, SendingDomainsError> {
        let deadline = deadline(after: configuration.connectTimeout)
        let server = configuration.address
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(configuration.host, String(configuration.port), &hints, &list) == 0, let first = list else {
            return .failure(
                RedisError.make(.transport, "The Redis host \(configuration.host) could not be resolved", .dnsFailure))
        }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var lastError = RedisError.make(.transport, "Redis at \(server) refused the connection", .connectionRefused)
        while let info = candidate {
            candidate = info.pointee.ai_next
            switch connect(info.pointee, server: server, until: deadline, cancelled: cancelled) {
            case .success(let fd):
                let connection = RedisConnection(
                    fd: fd, limits: RESP.Limits(maximumReplySize: configuration.maximumReplySize), server: server)
                if let problem = connection.handshake(
                    configuration, redactor: redactor, deadline: deadline, cancelled: cancelled)
                {
                    return .failure(problem)
                }
                return .success(connection)
            case .failure(let error):
                if error.kind == .cancelled || error.kind == .timeout { return .failure(error) }
                lastError = error
            }
        }
        return .failure(lastError)
    }

    private static func connect(
        _ info: addrinfo, server: String, until deadline: UInt64, cancelled: Blocking.Flag
    ) -> Result<Int32, SendingDomainsError> {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else {
            return .failure(RedisError.make(.transport, "No socket for Redis: out of descriptors", .other))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Glibc)
        let started = Glibc.connect(fd, info.ai_addr, info.ai_addrlen)
        #else
        let started = Darwin.connect(fd, info.ai_addr, info.ai_addrlen)
        #endif
        if started != 0 && errno != EINPROGRESS {
            close(fd)
            return .failure(
                RedisError.make(.transport, "Redis at \(server) refused the connection", .connectionRefused))
        }
        switch wait(fd, for: Int16(POLLOUT), until: deadline, cancelled: cancelled) {
        case .ready:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                close(fd)
                return .failure(
                    RedisError.make(.transport, "Redis at \(server) refused the connection", .connectionRefused))
            }
            return .success(fd)
        case .timedOut:
            close(fd)
            return .failure(
                RedisError.make(
                    .timeout, "Redis at \(server) did not accept the connection within the connect timeout", .timedOut))
        case .cancelled:
            close(fd)
            return .failure(RedisError.cancelled())
        case .failed:
            close(fd)
            return .failure(
                RedisError.make(.transport, "Redis at \(server) refused the connection", .connectionRefused))
        }
    }

    private func handshake(
        _ configuration: RedisConfiguration, redactor: Redactor, deadline: UInt64, cancelled: Blocking.Flag
    ) -> SendingDomainsError? {
        var commands: [[Data]] = []
        if let password = configuration.password {
            commands.append(
                [Data("AUTH".utf8)] + (configuration.username.map { [Data($0.utf8)] } ?? [])
                    + [Data(password.reveal().utf8)])
        }
        if configuration.database != 0 {
            commands.append([Data("SELECT".utf8), Data("\(configuration.database)".utf8)])
        }
        guard !commands.isEmpty else { return nil }
        switch roundTrip(commands, deadline: deadline, cancelled: cancelled, redactor: redactor) {
        case .failure(let error):
            return error
        case .success(let replies):
            for reply in replies {
                if case .error(let text) = reply {
                    let safe = RedisError.printable(text, redactor: redactor)
                    let upper = text.uppercased()
                    if upper.hasPrefix("WRONGPASS") || upper.hasPrefix("NOAUTH") || upper.contains("AUTH") {
                        return RedisError.make(
                            .authentication, "Redis at \(server) refused the credentials: \(safe)")
                    }
                    return RedisError.make(.server, "Redis at \(server) refused the connection setup: \(safe)")
                }
            }
            return nil
        }
    }

    static func deadline(after timeout: Duration) -> UInt64 {
        let nanoseconds = max(0, min(timeout.seconds, 86_400)) * 1e9
        return DispatchTime.now().uptimeNanoseconds &+ UInt64(nanoseconds)
    }

    /// Sends `commands` in one write and reads one reply for each, before `deadline`.
    func roundTrip(
        _ commands: [[Data]], deadline: UInt64, cancelled: Blocking.Flag, redactor: Redactor
    ) -> Result<[RESPValue], SendingDomainsError> {
        received.withLock { buffer in
            var message = Data()
            for command in commands { message.append(RESP.encode(command)) }
            if let problem = sendAll(message, until: deadline, cancelled: cancelled) { return .failure(problem) }
            var replies: [RESPValue] = []
            while replies.count < commands.count {
                switch readReply(&buffer, until: deadline, cancelled: cancelled, redactor: redactor) {
                case .success(let reply): replies.append(reply)
                case .failure(let error): return .failure(error)
                }
            }
            return .success(replies)
        }
    }

    private func readReply(
        _ buffer: inout [UInt8], until deadline: UInt64, cancelled: Blocking.Flag, redactor: Redactor
    ) -> Result<RESPValue, SendingDomainsError> {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if !buffer.isEmpty {
                let parsed = buffer.withUnsafeBytes { RESP.parse($0, limits: limits) }
                switch parsed {
                case .value(let value, let consumed):
                    buffer.removeFirst(consumed)
                    return .success(value)
                case .invalid(let reason):
                    return .failure(
                        RedisError.make(
                            .decoding,
                            "Redis at \(server) sent a reply that is not RESP2 or exceeds a limit: \(RedisError.printable(reason, redactor: redactor))"
                        ))
                case .incomplete:
                    if buffer.count > limits.maximumReplySize + limits.maximumLineLength {
                        return .failure(
                            RedisError.make(
                                .decoding,
                                "Redis at \(server) sent a reply larger than \(limits.maximumReplySize) bytes"))
                    }
                }
            }
            switch Self.wait(fd, for: Int16(POLLIN), until: deadline, cancelled: cancelled) {
            case .ready: break
            case .timedOut:
                return .failure(RedisError.make(.timeout, "Redis at \(server) did not answer in time", .timedOut))
            case .cancelled: return .failure(RedisError.cancelled())
            case .failed:
                return .failure(
                    RedisError.make(.transport, "The connection to Redis at \(server) failed", .connectionLost))
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return .failure(
                    RedisError.make(
                        .transport, "Redis at \(server) closed the connection before answering", .connectionLost))
            } else if !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return .failure(
                    RedisError.make(.transport, "The connection to Redis at \(server) failed", .connectionLost))
            }
        }
    }

    private func sendAll(_ data: Data, until deadline: UInt64, cancelled: Blocking.Flag) -> SendingDomainsError? {
        switch NonBlockingSocket.sendAll(fd, data, until: deadline, cancelled: cancelled) {
        case nil, .ready?: return nil
        case .timedOut?:
            return RedisError.make(.timeout, "Redis at \(server) did not take the command in time", .timedOut)
        case .cancelled?: return RedisError.cancelled()
        case .failed?:
            return RedisError.make(.transport, "The connection to Redis at \(server) was lost", .connectionLost)
        }
    }

    typealias Readiness = NonBlockingSocket.Readiness

    static func wait(_ fd: Int32, for events: Int16, until deadline: UInt64, cancelled: Blocking.Flag) -> Readiness {
        NonBlockingSocket.wait(fd, for: events, until: deadline, cancelled: cancelled)
    }
}

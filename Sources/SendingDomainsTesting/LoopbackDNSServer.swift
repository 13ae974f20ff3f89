import Dispatch
import Foundation
import HTTPTransport
import SendingDomainsDNS
import SendingDomainsServing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A DNS server on `127.0.0.1`, over UDP and TCP on the same port, answering from a `DNSZone`:
/// so that an app's onboarding flow can test its DNS preflight end to end, offline, and so that
/// the SDK's resolver meets what a real server will not do on request.
///
/// It stops when the last reference to it goes away (or on ``stop()``).
///
/// ```swift
/// var zone = DNSZone()
/// zone.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
/// let server = try LoopbackDNSServer(zone: zone)
/// let resolver = DNSResolver(servers: [server.address])
/// let answer = try await resolver.query("send.example.com", type: .txt)
/// ```
public final class LoopbackDNSServer: Sendable {
    /// How the server misbehaves, for the resolver's tests.
    ///
    /// An input: you choose one and the server acts it out. Later versions may add
    /// misbehaviours, so do not `switch` over it exhaustively.
    public enum Behavior: Sendable {
        /// Answers from the zone.
        case normal
        /// Answers UDP queries with an empty, truncated (TC) message, and TCP queries in full.
        case truncateUDP
        /// Never answers UDP (TCP still answers).
        case dropUDP
        /// Answers every query after `delay`.
        case delay(Duration)
        /// Answers every query with these bytes, whatever they are (the first two are replaced
        /// by the query's id unless `keepID`).
        case raw(Data, keepID: Bool)
        /// Answers with this response code and no records.
        case responseCode(DNSResponseCode)
        /// Answers with another id first (a forged or late datagram), then the real answer.
        case wrongIDFirst
    }

    /// How the server answers one question instead of from the zone, whatever its
    /// ``Behavior``: so that one name can fail while the rest of the zone answers.
    public enum Fault: Sendable, Hashable {
        /// Answers with this response code (`SERVFAIL`, `REFUSED`) and no records.
        case responseCode(DNSResponseCode)
        /// Never answers (over UDP or TCP): the resolver times out.
        case silence
    }

    /// Makes the server answer `name` (every type, or only `type`) with `fault` from now on;
    /// `nil` answers from the zone again.
    ///
    /// ```swift
    /// let server = try LoopbackDNSServer(zone: DNSZone())
    /// server.fail("send.example.com", with: .responseCode(.serverFailure))
    /// server.fail("_dmarc.example.com", type: .txt, with: .silence)
    /// ```
    public func fail(_ name: String, type: DNSRecordType? = nil, with fault: Fault?) {
        let key = DNSName.normalized(name) + " " + (type?.rawValue ?? "*")
        core.state.withLock { $0.faults[key] = fault }
    }

    /// The address to give a resolver.
    public let address: DNSServer
    private let core: Core

    /// Starts a server on an ephemeral loopback port.
    ///
    /// - Throws: `POSIXError` when the sockets cannot be bound.
    public init(zone: DNSZone, behavior: Behavior = .normal) throws {
        let (udp, tcp, port) = try Self.bind()
        core = Core(udp: udp, tcp: tcp, zone: zone, behavior: behavior)
        address = try DNSServer(host: "127.0.0.1", port: port)
        let core = core
        Thread.detachNewThread { core.serveUDP() }
        Thread.detachNewThread { core.serveTCP() }
    }

    deinit {
        core.stop()
    }

    /// The zone served; replace it to change what the server answers.
    public var zone: DNSZone {
        get { core.state.withLock { $0.zone } }
        set { core.state.withLock { $0.zone = newValue } }
    }

    /// How many queries the server has received, over both protocols.
    public var queryCount: Int { core.state.withLock { $0.queries } }

    /// Whether the last query asked for recursion (RD); `nil` before any query.
    public var lastQueryRecursionDesired: Bool? { core.state.withLock { $0.lastRecursionDesired } }

    /// How many queries arrived over TCP.
    public var tcpQueryCount: Int { core.state.withLock { $0.tcpQueries } }

    /// Stops serving and closes the sockets.
    public func stop() {
        core.stop()
    }

    /// Binds a UDP and a TCP socket on the same ephemeral port (retrying if TCP's is taken).
    private static func bind() throws -> (Int32, Int32, UInt16) {
        for _ in 0..<20 {
            #if canImport(Glibc)
            let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let udp = socket(AF_INET, SOCK_DGRAM, 0)
            let tcp = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard udp >= 0, tcp >= 0 else { throw POSIXError(.EMFILE) }
            var yes: Int32 = 1
            setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            if let port = SocketIO.bind(udp, address: "127.0.0.1", port: 0),
                SocketIO.bind(tcp, address: "127.0.0.1", port: port) != nil, listen(tcp, 64) == 0
            {
                return (udp, tcp, port)
            }
            close(udp)
            close(tcp)
        }
        throw POSIXError(.EADDRINUSE)
    }

    final class Core: Sendable {
        struct State: Sendable {
            var zone: DNSZone
            var queries = 0
            var tcpQueries = 0
            var lastRecursionDesired: Bool?
            var stopped = false
            var faults: [String: Fault] = [:]
        }

        let udp: Int32
        let tcp: Int32
        let behavior: Behavior
        let state: Locked<State>

        init(udp: Int32, tcp: Int32, zone: DNSZone, behavior: Behavior) {
            self.udp = udp
            self.tcp = tcp
            self.behavior = behavior
            state = Locked(State(zone: zone))
        }

        var isStopped: Bool { state.withLock { $0.stopped } }

        func stop() {
            let first = state.withLock { state -> Bool in
                defer { state.stopped = true }
                return !state.stopped
            }
            guard first else { return }
            shutdown(udp, Int32(SHUT_RDWR))
            shutdown(tcp, Int32(SHUT_RDWR))
        }

        /// Waits for `fd` to be readable in 20 ms slices; `false` once stopped.
        private func readable(_ fd: Int32) -> Bool {
            while !isStopped {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 20) > 0 { return !isStopped }
            }
            return false
        }

        func serveUDP() {
            defer { close(udp) }
            var buffer = [UInt8](repeating: 0, count: 65_535)
            while readable(udp) {
                var peer = sockaddr_storage()
                var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = withUnsafeMutablePointer(to: &peer) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                        buffer.withUnsafeMutableBytes {
                            recvfrom(udp, $0.baseAddress, $0.count, 0, generic, &peerLength)
                        }
                    }
                }
                guard count > 0 else { continue }
                let query = Data(buffer[0..<count])
                state.withLock { $0.queries += 1 }
                let replies = self.replies(to: query, tcp: false)
                let send = { (reply: Data) in
                    _ = withUnsafePointer(to: &peer) { pointer in
                        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                            reply.withUnsafeBytes { sendto(self.udp, $0.baseAddress, $0.count, 0, generic, peerLength) }
                        }
                    }
                }
                if case .delay(let delay) = behavior {
                    let peerCopy = peer
                    let length = peerLength
                    DispatchQueue.global().asyncAfter(deadline: .now() + delay.seconds) { [self] in
                        var peer = peerCopy
                        for reply in replies {
                            _ = withUnsafePointer(to: &peer) { pointer in
                                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                                    reply.withUnsafeBytes { sendto(udp, $0.baseAddress, $0.count, 0, generic, length) }
                                }
                            }
                        }
                    }
                } else {
                    for reply in replies { send(reply) }
                }
            }
        }

        func serveTCP() {
            defer { close(tcp) }
            while readable(tcp) {
                let connection = accept(tcp, nil, nil)
                guard connection >= 0 else { continue }
                Thread.detachNewThread { [self] in
                    defer { close(connection) }
                    while let query = readMessage(connection) {
                        state.withLock {
                            $0.queries += 1
                            $0.tcpQueries += 1
                        }
                        if case .delay(let delay) = behavior { Thread.sleep(forTimeInterval: delay.seconds) }
                        for reply in replies(to: query, tcp: true) {
                            var framed = Data()
                            framed.append(UInt8(reply.count >> 8 & 0xFF))
                            framed.append(UInt8(reply.count & 0xFF))
                            framed.append(reply)
                            SocketIO.write(connection, framed)
                        }
                    }
                }
            }
        }

        private func readMessage(_ fd: Int32) -> Data? {
            func exactly(_ count: Int) -> [UInt8]? {
                var out = [UInt8](repeating: 0, count: count)
                var filled = 0
                while filled < count {
                    guard readable(fd) else { return nil }
                    let got = out.withUnsafeMutableBytes { buffer -> Int in
                        guard let base = buffer.baseAddress else { return -1 }
                        return recv(fd, base + filled, count - filled, 0)
                    }
                    if got <= 0 { return nil }
                    filled += got
                }
                return out
            }
            guard let prefix = exactly(2) else { return nil }
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            return exactly(length).map { Data($0) }
        }

        /// What to send back for `query`.
        func replies(to query: Data, tcp: Bool) -> [Data] {
            guard let message = try? DNSMessage(decoding: query), let question = message.questions.first else {
                return []
            }
            let fault = state.withLock { state -> Fault? in
                state.lastRecursionDesired = message.recursionDesired
                let name = DNSName.normalized(question.name)
                return state.faults[name + " " + question.type.rawValue] ?? state.faults[name + " *"]
            }
            var response = DNSMessage(
                id: message.id, isResponse: true, isAuthoritative: true, recursionDesired: message.recursionDesired,
                recursionAvailable: false, questions: message.questions, udpPayloadSize: message.udpPayloadSize)
            switch fault {
            case .responseCode(let code)?:
                response.responseCode = code
                return [response.encoded()]
            case .silence?:
                return []
            case nil:
                break
            }
            switch behavior {
            case .truncateUDP where !tcp:
                response.isTruncated = true
                return [response.encoded()]
            case .dropUDP where !tcp:
                return []
            case .raw(let bytes, let keepID):
                var bytes = bytes
                if !keepID, bytes.count >= 2 {
                    bytes[bytes.startIndex] = UInt8(message.id >> 8)
                    bytes[bytes.startIndex + 1] = UInt8(message.id & 0xFF)
                }
                return [bytes]
            case .responseCode(let code):
                response.responseCode = code
                return [response.encoded()]
            default:
                break
            }
            let answer = state.withLock { $0.zone }.answer(question)
            response.responseCode = answer.responseCode
            response.answers = answer.records
            response.authorities = answer.authorities
            var encoded = response.encoded()
            let limit = Int(message.udpPayloadSize ?? 512)
            if !tcp, encoded.count > limit {
                response.answers = []
                response.authorities = []
                response.isTruncated = true
                encoded = response.encoded()
            }
            if case .wrongIDFirst = behavior, !tcp {
                var forged = encoded
                forged[forged.startIndex] ^= 0xFF
                return [forged, encoded]
            }
            return [encoded]
        }
    }
}

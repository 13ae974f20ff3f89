import Dispatch
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``LoopbackServer`` answers one request on the wire — including the ways a real network
/// or a hostile server misbehaves, for reliability tests.
///
/// An input: your handler returns one and the server acts it out. Later versions may add
/// misbehaviours, so do not `switch` over it exhaustively.
public enum LoopbackReply: Sendable {
    /// A complete response, framed by `Content-Length`; the connection stays open for the next
    /// request unless the client asked to close it.
    case response(TransportResponse)
    /// The headers (with the full `Content-Length`) and only the first `bytes` of the body, then
    /// the connection closes: a truncated body, or a reset in the middle of it.
    case truncated(TransportResponse, bytes: Int)
    /// Close the connection without answering.
    case close
    /// Never answer: hold the connection until the client gives up or the server stops.
    case hang
    /// Write whatever bytes the closure writes (a chunked body that never ends, a trickle, a
    /// compressed bomb), then close the connection. The closure runs on the connection's own
    /// thread; `LoopbackWire.write(_:)` returns `false` once the client has gone or the server
    /// stopped, so an endless writer ends by itself.
    case raw(@Sendable (LoopbackWire) -> Void)
}

/// The client connection a ``LoopbackReply/raw(_:)`` reply writes to.
public struct LoopbackWire: Sendable {
    fileprivate let socket: Int32
    fileprivate let core: LoopbackServer.Core

    /// Writes `data`; `false` when the client closed the connection or the server stopped.
    @discardableResult
    public func write(_ data: Data) -> Bool {
        !core.isStopped && LoopbackServer.write(socket, data)
    }

    /// Writes `text` as UTF-8; `false` when the client is gone or the server stopped.
    @discardableResult
    public func write(_ text: String) -> Bool { write(Data(text.utf8)) }

    /// Waits `seconds` (to trickle bytes); `false`, at once, when the server stops meanwhile.
    @discardableResult
    public func pause(_ seconds: Double) -> Bool {
        !core.waitForStop(seconds: seconds)
    }

    /// The head of a response: status line and headers, without a `Content-Length` unless
    /// `headers` has one.
    public static func head(status: Int, headers: HeaderFields) -> Data {
        var text = "HTTP/1.1 \(status) \(LoopbackServer.reason(status))\r\n"
        for field in headers { text += "\(field.name): \(field.value)\r\n" }
        return Data((text + "\r\n").utf8)
    }
}

/// One request as ``LoopbackServer`` received it: the parsed request, plus which connection it
/// came on, so a test can tell a reused keep-alive connection from a new one.
///
/// It forwards the request's properties, so `request.method` and `request.headers` read as on an
/// `HTTPTransport/TransportRequest`.
@dynamicMemberLookup
public struct LoopbackRequest: Sendable {
    /// The request.
    public var http: TransportRequest
    /// The request target exactly as it arrived on the request line, e.g. `/v1/domains%2Fx?q=1`.
    public var target: String
    /// The connection it arrived on: 1 for the server's first connection, 2 for the next …
    public var connection: Int
    /// Its place on that connection: 1 for the first request, 2 or more on a reused connection.
    public var sequenceOnConnection: Int

    /// Reads a property of the request.
    public subscript<Value>(dynamicMember keyPath: KeyPath<TransportRequest, Value>) -> Value {
        http[keyPath: keyPath]
    }
}

/// A small HTTP/1.1 server on the loopback interface for tests: it parses each request and
/// answers with whatever the handler returns, including hostile answers (``LoopbackReply``).
///
/// It binds only `127.0.0.1` (or `::1`), needs nothing but the OS sockets, and stops — closing
/// its listener and every open connection — on ``stop()`` or when it is released, so a test's
/// server ends with the test.
///
/// ```swift
/// let server = try LoopbackServer { request in
///     request.method == .get ? .response(.json(200, #"{"data": []}"#)) : .hang
/// }
/// let client = Krafter.Client(apiKey: "k", options: .init(baseURL: try BaseURL(server.baseURL)))
/// ```
///
/// `SendingDomainsSandbox` adds `LoopbackServer.serving(_:)`, which serves a provider simulator.
public final class LoopbackServer: Sendable {
    /// Produces the reply for a request.
    public typealias Handler = @Sendable (LoopbackRequest) async -> LoopbackReply

    /// The loopback address to listen on.
    ///
    /// Frozen: the two loopback addresses.
    public enum Address: Sendable {
        /// `127.0.0.1`.
        case ipv4
        /// `::1`.
        case ipv6
    }

    /// The port the server listens on.
    public let port: Int
    /// The address the server listens on.
    public let address: Address
    /// `http://127.0.0.1:<port>` or `http://[::1]:<port>`.
    public var baseURL: String {
        address == .ipv4 ? "http://127.0.0.1:\(port)" : "http://[::1]:\(port)"
    }

    fileprivate let core: Core

    /// Starts a server on a free loopback port.
    ///
    /// - Throws: `POSIXError` when the socket cannot be created, bound or listened on (for
    ///   ``Address/ipv6``, when the machine has no IPv6 loopback).
    public init(address: Address = .ipv4, handler: @escaping Handler) throws {
        let (fd, port) = try Self.bindListener(address)
        self.address = address
        self.port = port
        let core = Core(listener: fd, port: port, address: address, handler: handler)
        self.core = core
        let thread = Thread { core.acceptLoop() }
        thread.start()
    }

    deinit {
        core.stop()
    }

    /// Stops the server: closes the listener and every open connection, wakes every
    /// ``LoopbackReply/hang`` and trickling reply. Safe to call more than once.
    public func stop() {
        core.stop()
    }

    /// How many connections the server has accepted.
    public var connectionCount: Int { core.connectionCount }

    /// A loopback port on which nothing listens: bound, then closed at once. (Another process
    /// could take it in between; on a test machine that is vanishingly rare, and far safer than
    /// assuming a fixed port such as 9 is closed.)
    ///
    /// - Throws: `POSIXError` when no socket can be bound.
    public static func closedPort() throws -> Int {
        let (fd, port) = try bindListener(.ipv4)
        close(fd)
        return port
    }

    // MARK: - Sockets

    private static func bindListener(_ address: Address) throws -> (Int32, Int) {
        let family = address == .ipv4 ? AF_INET : AF_INET6
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var port = 0
        let bound: Bool
        switch address {
        case .ipv4:
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_addr.s_addr = inet_addr("127.0.0.1")
            bound = withUnsafeMutablePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                    guard bind(fd, generic, length) == 0, getsockname(fd, generic, &length) == 0 else { return false }
                    return true
                }
            }
            port = Int(UInt16(bigEndian: socketAddress.sin_port))
        case .ipv6:
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_addr = in6addr_loopback
            bound = withUnsafeMutablePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
                    guard bind(fd, generic, length) == 0, getsockname(fd, generic, &length) == 0 else { return false }
                    return true
                }
            }
            port = Int(UInt16(bigEndian: socketAddress.sin6_port))
        }
        guard bound, listen(fd, 128) == 0 else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (fd, port)
    }

    /// Writes all of `data`; `false` when the peer is gone.
    fileprivate static func write(_ socket: Int32, _ data: Data) -> Bool {
        SocketIO.write(socket, data)
    }

    fileprivate static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    // MARK: - The server's state, shared with its threads (which never hold the server itself)

    final class Core: Sendable {
        let listener: Int32
        let port: Int
        let address: Address
        let handler: Handler

        private struct State {
            var stopped = false
            var open: Set<Int32> = []
            var accepted = 0
            /// Threads in ``waitForStop(seconds:)``, woken by ``stop()``.
            var waiters: [DispatchSemaphore] = []
        }

        private let state = LockedState(State())

        init(listener: Int32, port: Int, address: Address, handler: @escaping Handler) {
            self.listener = listener
            self.port = port
            self.address = address
            self.handler = handler
        }

        var isStopped: Bool { state.withLock { $0.stopped } }
        var connectionCount: Int { state.withLock { $0.accepted } }

        /// Waits up to `seconds`; `true` when the server stopped meanwhile.
        func waitForStop(seconds: Double) -> Bool {
            let signal = DispatchSemaphore(value: 0)
            let stopped = state.withLock {
                if !$0.stopped { $0.waiters.append(signal) }
                return $0.stopped
            }
            if stopped { return true }
            if signal.wait(timeout: .now() + max(0, seconds)) == .success { return true }
            return state.withLock {
                $0.waiters.removeAll { $0 === signal }
                return $0.stopped
            }
        }

        func stop() {
            let stopping: (sockets: Set<Int32>, waiters: [DispatchSemaphore])? = state.withLock { state in
                guard !state.stopped else { return nil }
                state.stopped = true
                defer { state.waiters = [] }
                return (state.open, state.waiters)
            }
            guard let (sockets, waiters) = stopping else { return }
            for waiter in waiters { waiter.signal() }
            // Wakes the accept loop and every connection thread blocked in recv or send.
            shutdown(listener, Int32(SHUT_RDWR))
            for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
            wakeAccept()
        }

        /// Where shutting down a listener does not wake `accept` (Darwin), a connection does.
        private func wakeAccept() {
            #if canImport(Darwin)
            let family = address == .ipv4 ? AF_INET : AF_INET6
            let fd = socket(family, SOCK_STREAM, 0)
            guard fd >= 0 else { return }
            defer { close(fd) }
            if address == .ipv4 {
                var peer = sockaddr_in()
                peer.sin_family = sa_family_t(AF_INET)
                peer.sin_port = in_port_t(UInt16(port).bigEndian)
                peer.sin_addr.s_addr = inet_addr("127.0.0.1")
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            } else {
                var peer = sockaddr_in6()
                peer.sin6_family = sa_family_t(AF_INET6)
                peer.sin6_port = in_port_t(UInt16(port).bigEndian)
                peer.sin6_addr = in6addr_loopback
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            }
            #endif
        }

        func acceptLoop() {
            defer { close(listener) }
            while !isStopped {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    return
                }
                #if canImport(Darwin)
                var yes: Int32 = 1
                setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
                #endif
                let number: Int? = state.withLock {
                    guard !$0.stopped else { return nil }
                    $0.accepted += 1
                    $0.open.insert(connection)
                    return $0.accepted
                }
                guard let number else {
                    close(connection)
                    return
                }
                Thread { [self] in
                    serve(connection, number: number)
                    state.withLock { _ = $0.open.remove(connection) }
                    close(connection)
                }.start()
            }
        }

        private func serve(_ connection: Int32, number: Int) {
            var reader = RequestReader(socket: connection)
            var sequence = 0
            while !isStopped, let (request, target) = reader.next(baseURL: baseURL) {
                sequence += 1
                let received = LoopbackRequest(
                    http: request, target: target, connection: number, sequenceOnConnection: sequence)
                let handler = self.handler
                switch Blocking.run({ await handler(received) }) {
                case .response(let response):
                    guard LoopbackServer.write(connection, Self.framed(response, bodyBytes: response.body.count))
                    else { return }
                case .truncated(let response, let bytes):
                    _ = LoopbackServer.write(connection, Self.framed(response, bodyBytes: max(0, bytes)))
                    return
                case .close:
                    return
                case .hang:
                    var byte: UInt8 = 0
                    while !isStopped, recv(connection, &byte, 1, 0) > 0 {}
                    return
                case .raw(let writer):
                    writer(LoopbackWire(socket: connection, core: self))
                    return
                }
                if request.headers["Connection"]?.lowercased() == "close" { return }
            }
        }

        private var baseURL: URL {
            URL(string: address == .ipv4 ? "http://127.0.0.1:\(port)" : "http://[::1]:\(port)")
                ?? URL(fileURLWithPath: "/")
        }

        /// The head with the body's full `Content-Length`, and the first `bodyBytes` of the body.
        private static func framed(_ response: TransportResponse, bodyBytes: Int) -> Data {
            var headers = response.headers
            headers["Content-Length"] = "\(response.body.count)"
            return LoopbackWire.head(status: response.status, headers: headers) + response.body.prefix(bodyBytes)
        }
    }
}

/// Reads requests off one connection, keeping bytes that arrived early for the next request.
private struct RequestReader {
    let socket: Int32
    var buffer = Data()
    static let headerLimit = 1_048_576
    static let bodyLimit = 64 * 1_048_576

    init(socket: Int32) { self.socket = socket }

    /// Fills the buffer with one more chunk; `false` when the peer closed or the read failed.
    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// The next request and its raw target; `nil` when the peer closed or sent something
    /// unreadable.
    mutating func next(baseURL: URL) -> (TransportRequest, String)? {
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd = buffer.range(of: separator)
        while headerEnd == nil {
            guard buffer.count <= Self.headerLimit, fill() else { return nil }
            headerEnd = buffer.range(of: separator)
        }
        guard let end = headerEnd else { return nil }
        let lines = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers = HeaderFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers["Content-Length"] ?? "0") ?? 0
        guard length >= 0, length <= Self.bodyLimit else { return nil }
        buffer.removeSubrange(buffer.startIndex..<end.upperBound)
        while buffer.count < length {
            guard fill() else { return nil }
        }
        let body = Data(buffer.prefix(length))
        buffer.removeSubrange(buffer.startIndex..<(buffer.startIndex + length))
        let target = String(parts[1])
        let halves = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = (halves.first ?? "").split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        let query = (halves.count > 1 ? halves[1] : "").split(separator: "&").map { pair -> QueryItem in
            let sides = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            return QueryItem(name: sides.first ?? "", value: sides.count > 1 ? sides[1] : "")
        }
        let request = TransportRequest(
            method: RequestMethod(rawValue: String(parts[0])), baseURL: baseURL, path: path, query: query,
            headers: headers, body: length > 0 ? body : nil)
        return (request, target)
    }
}

/// Runs async work from a plain thread and waits for it.
private enum Blocking {
    static func run(_ work: @escaping @Sendable () async -> LoopbackReply) -> LoopbackReply {
        let semaphore = DispatchSemaphore(value: 0)
        let result = LockedState<LoopbackReply?>(nil)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            semaphore.signal()
        }
        semaphore.wait()
        return result.withLock { $0 } ?? .close
    }
}

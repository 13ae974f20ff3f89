import Dispatch
import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsServing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server for `domains ahasend webhook listen`: one request per connection,
/// `Content-Length` bodies only, every limit explicit, because whoever can reach the port can
/// send anything.
///
/// One thread reads every connection (`poll`), so that a connection that sends nothing, or one
/// byte at a time, costs a buffer and a slot but holds up no one else. Its bounds:
/// - **connections**: ``maximumConnections`` open at once; when a new one arrives with every
///   slot taken, the oldest connection whose headers are not complete yet is closed to make
///   room (it has had the longest to send them). Idle or trickling connections therefore
///   cannot keep a delivery out;
/// - **time**: ``headerDeadline`` to receive the complete headers, ``requestDeadline`` for the
///   whole request (408, then close);
/// - **memory**: the head (request line, headers and the blank line) at most
///   ``maximumHeaderBytes`` (431 beyond); at most ``maximumBodies`` bodies (each at most the
///   body cap, 413 beyond) being received at once, the oldest refused with 503 to make room;
///   at most ``maximumHandlers`` requests being answered at once (503 beyond), and as many
///   refusals answered gracefully (beyond, what fits is written and the connection closed).
final class WebhookServer: Sendable {
    struct Request {
        let method: String
        let path: String
        let headers: [(String, String)]
        let body: Data
    }

    struct Response {
        let status: Int
        let body: String
    }

    /// The most bytes of the head: request line, header lines and the blank line that ends them.
    static let maximumHeaderBytes = 16 * 1024
    /// Connections being read at once.
    static let maximumConnections = 512
    /// Bodies being received at once (each at most the body cap: 32 MiB with AhaSend's 1 MiB).
    static let maximumBodies = 32
    /// Requests being answered at once (the handler, the answer, the graceful close).
    static let maximumHandlers = 32
    /// From accepting a connection to its complete headers, in seconds.
    static let headerDeadline: Double = 3
    /// From accepting a connection to its complete request, in seconds.
    static let requestDeadline: Double = 10

    let listener: Int32
    let host: String
    let port: UInt16
    private let maximumBody: Int
    private let handler: @Sendable (Request) -> Response
    /// Threads answering complete requests, and threads answering refusals.
    private let handlers = LockedState(0)
    private let refusals = LockedState(0)

    struct Failure: Error {
        let message: String
    }

    /// Binds `host` (an IPv4 or IPv6 address) and `port` (0 for any free port).
    init(
        host: String, port: UInt16, maximumBody: Int, handler: @escaping @Sendable (Request) -> Response
    ) throws(Failure) {
        guard let address = DNSAddress.bytes(host) else {
            throw Failure(message: "--host \(Terminal.safe(host)) is not an IP address")
        }
        let family = address.count == 4 ? AF_INET : AF_INET6
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(message: "no socket available") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard let boundPort = SocketIO.bind(fd, address: host, port: port), listen(fd, 512) == 0 else {
            close(fd)
            throw Failure(
                message: "cannot listen on \(Terminal.safe(host)):\(port): \(String(cString: strerror(errno)))")
        }
        Self.setNonBlocking(fd)
        Self.raiseDescriptorLimit()
        listener = fd
        self.host = host
        self.port = boundPort
        self.maximumBody = maximumBody
        self.handler = handler
    }

    /// One connection being read.
    private struct Connection {
        let fd: Int32
        let accepted: UInt64
        var buffer = Data()
        /// Set once the headers are complete: the request so far and the body's length.
        var head: (method: String, path: String, headers: [(String, String)], length: Int)?

        var headerDeadline: UInt64 { accepted + WebhookServer.nanoseconds(WebhookServer.headerDeadline) }
        var requestDeadline: UInt64 { accepted + WebhookServer.nanoseconds(WebhookServer.requestDeadline) }
        var deadline: UInt64 { head == nil ? headerDeadline : requestDeadline }
    }

    /// What a read did to a connection.
    private enum Step {
        case reading
        case closed
        case answer(Response)
        case complete(Request)
    }

    /// Serves until the process ends.
    func run() -> Never {
        var connections: [Connection] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let now = Self.now()
            // Deadlines first: whoever has had its time is answered 408 and closed.
            var index = 0
            while index < connections.count {
                if connections[index].deadline <= now {
                    // No graceful close for a connection that has had its time: what fits, then gone.
                    finishNow(connections.remove(at: index).fd, Response(status: 408, body: "request timed out"))
                } else {
                    index += 1
                }
            }
            let evictable = connections.contains { $0.head == nil }
            let accepting = connections.count < Self.maximumConnections || evictable
            var descriptors = connections.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            descriptors.append(pollfd(fd: accepting ? listener : -1, events: Int16(POLLIN), revents: 0))
            let soonest = connections.map(\.deadline).min().map { $0 > now ? $0 - now : 0 } ?? 1_000_000_000
            let timeout = Int32(min(soonest / 1_000_000 + 1, 1_000))
            guard poll(&descriptors, nfds_t(descriptors.count), timeout) > 0 else { continue }

            // Every readable connection is read once per round: no connection waits for another.
            var closing: [Int] = []
            for (position, descriptor) in descriptors.dropLast().enumerated() where descriptor.revents != 0 {
                switch read(&connections[position], into: &chunk) {
                case .reading: continue
                case .closed:
                    close(connections[position].fd)
                case .answer(let response):
                    finish(connections[position].fd, response)
                case .complete(let request):
                    answer(connections[position].fd, request)
                }
                closing.append(position)
            }
            for position in closing.reversed() { connections.remove(at: position) }
            makeRoomForBodies(&connections)

            guard let listening = descriptors.last, listening.revents != 0 else { continue }
            // Accept what is waiting, a bounded number per round.
            for _ in 0..<64 {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else {
                    // Out of descriptors: the connection stays queued; do not spin on it.
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                    break
                }
                if connections.count >= Self.maximumConnections {
                    // Full: the oldest connection still sending headers makes room.
                    guard let oldest = connections.firstIndex(where: { $0.head == nil }) else {
                        close(fd)
                        break
                    }
                    close(connections.remove(at: oldest).fd)
                }
                Self.setNonBlocking(fd)
                connections.append(Connection(fd: fd, accepted: Self.now()))
            }
        }
    }

    /// At most ``maximumBodies`` connections past their headers: the oldest are refused (503)
    /// to make room, so that connections trickling a body cannot keep a delivery out either.
    private func makeRoomForBodies(_ connections: inout [Connection]) {
        var receiving = connections.indices.filter { connections[$0].head != nil }
        while receiving.count > Self.maximumBodies {
            let oldest = receiving.removeFirst()
            finish(connections[oldest].fd, Response(status: 503, body: "busy: send again"))
            connections.remove(at: oldest)
            receiving = receiving.map { $0 - 1 }
        }
    }

    /// Reads what `connection` has sent (at most one chunk) and says what follows.
    private func read(_ connection: inout Connection, into chunk: inout [UInt8]) -> Step {
        // Before the headers are complete, never read past the head's cap.
        let room =
            connection.head == nil
            ? Self.maximumHeaderBytes - connection.buffer.count
            : (connection.head?.length ?? 0) - connection.buffer.count + 1
        let wanted = min(chunk.count, max(1, room))
        let count = chunk.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, wanted, 0) }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .reading }
        guard count > 0 else { return .closed }
        connection.buffer.append(contentsOf: chunk[0..<count])
        if connection.head == nil {
            let limit = connection.buffer.startIndex + min(connection.buffer.count, Self.maximumHeaderBytes)
            guard let end = connection.buffer.range(of: Data("\r\n\r\n".utf8), in: connection.buffer.startIndex..<limit)
            else {
                return connection.buffer.count >= Self.maximumHeaderBytes
                    ? .answer(Response(status: 431, body: "headers too large")) : .reading
            }
            switch parseHead(connection.buffer[..<end.lowerBound]) {
            case .failure(let failure): return .answer(failure.response)
            case .success(let head): connection.head = head
            }
            connection.buffer = Data(connection.buffer[end.upperBound...])
        }
        guard let head = connection.head else { return .reading }
        if connection.buffer.count > head.length {
            return .answer(Response(status: 400, body: "more bytes than Content-Length"))
        }
        guard connection.buffer.count == head.length else { return .reading }
        return .complete(
            Request(method: head.method, path: head.path, headers: head.headers, body: connection.buffer))
    }

    private func parseHead(
        _ bytes: Data
    ) -> Result<(method: String, path: String, headers: [(String, String)], length: Int), ResponseFailure> {
        let head = String(decoding: bytes, as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else {
            return .failure(ResponseFailure(Response(status: 400, body: "malformed request line")))
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(ResponseFailure(Response(status: 400, body: "malformed header")))
            }
            headers.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
            return .failure(ResponseFailure(Response(status: 411, body: "send a Content-Length body")))
        }
        guard let lengthText = headers.first(where: { $0.0.lowercased() == "content-length" })?.1,
            let length = Int(lengthText), length >= 0
        else { return .failure(ResponseFailure(Response(status: 411, body: "Content-Length required"))) }
        guard length <= maximumBody else {
            return .failure(ResponseFailure(Response(status: 413, body: "body too large")))
        }
        return .success((String(requestLine[0]), String(requestLine[1]), headers, length))
    }

    /// A refusal while parsing.
    private struct ResponseFailure: Error {
        let response: Response
        init(_ response: Response) { self.response = response }
    }

    /// Answers a complete request on a thread of its own (the handler writes to stdout, which
    /// may be slow), or 503 when ``maximumHandlers`` are busy.
    private func answer(_ fd: Int32, _ request: Request) {
        guard reserve(handlers) else {
            return finishNow(fd, Response(status: 503, body: "busy: send again"))
        }
        Thread.detachNewThread { [self] in
            defer { release(handlers) }
            Self.setBlocking(fd)
            // The whole request was read: nothing is left to drain, so no lingering close — a
            // client that sends more after its body holds no thread.
            SocketIO.write(fd, Self.encode(handler(request)))
            close(fd)
        }
    }

    /// Answers a refusal and closes gracefully, on a thread of its own when one is free (so that
    /// a client still sending a refused body reads the answer), else at once. Refusals have
    /// their own ``maximumHandlers`` threads: a flood of bad requests never takes the threads
    /// that answer deliveries.
    private func finish(_ fd: Int32, _ response: Response) {
        guard reserve(refusals) else { return finishNow(fd, response) }
        Thread.detachNewThread { [self] in
            defer { release(refusals) }
            Self.setBlocking(fd)
            respond(fd, response)
            close(fd)
        }
    }

    /// Writes what fits without waiting and closes.
    private func finishNow(_ fd: Int32, _ response: Response) {
        let bytes = Self.encode(response)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        close(fd)
    }

    private func reserve(_ pool: LockedState<Int>) -> Bool {
        pool.withLock { count in
            guard count < Self.maximumHandlers else { return false }
            count += 1
            return true
        }
    }

    private func release(_ pool: LockedState<Int>) {
        pool.withLock { $0 -= 1 }
    }

    /// Every connection, handler and the process's own files need a descriptor: raises the
    /// soft limit towards the hard one when it is lower than that (often 1,024).
    private static func raiseDescriptorLimit() {
        let needed = rlim_t(maximumConnections + maximumHandlers + 64)
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < needed else { return }
        limit.rlim_cur = min(needed, limit.rlim_max)
        _ = setrlimit(resource, &limit)
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(seconds * 1e9) }

    private static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    private static func setBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Closes gracefully: stops sending, then reads and drops what the client still sends (at
    /// most 4 MiB, for at most a second), so that a client still sending a body it was refused
    /// reads the answer instead of a connection reset.
    private func lingeringClose(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let until = Date().addingTimeInterval(1)
        var drained = 0
        var sink = [UInt8](repeating: 0, count: 64 * 1024)
        while drained < 4 << 20, Date() < until {
            let count = sink.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            drained += count
        }
    }

    private func respond(_ fd: Int32, _ response: Response) {
        SocketIO.write(fd, Self.encode(response))
        lingeringClose(fd)
    }

    private static func encode(_ response: Response) -> Data {
        let reason =
            switch response.status {
            case 204: "No Content"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 405: "Method Not Allowed"
            case 408: "Request Timeout"
            case 411: "Length Required"
            case 413: "Content Too Large"
            case 431: "Request Header Fields Too Large"
            case 503: "Service Unavailable"
            default: "Status"
            }
        var text = "HTTP/1.1 \(response.status) \(reason)\r\nConnection: close\r\n"
        if response.status == 204 {
            text += "\r\n"
        } else {
            text +=
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(response.body.utf8.count + 1)\r\n\r\n\(response.body)\n"
        }
        return Data(text.utf8)
    }
}

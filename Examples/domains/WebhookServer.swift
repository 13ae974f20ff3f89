import Dispatch
import Foundation
import SendingDomains
import SendingDomainsDNS
@_spi(ProviderAuthoring) import SendingDomainsTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server for `domains ahasend webhook listen`: one request per connection,
/// `Content-Length` bodies only, every limit explicit — header bytes, body bytes, connections
/// at once, and time per request — because whoever can reach the port can send anything.
final class WebhookServer: @unchecked Sendable {
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

    static let maximumHeaderBytes = 16 * 1024
    static let maximumConnections = 32
    static let requestTimeout: Double = 10

    let listener: Int32
    let host: String
    let port: UInt16
    private let maximumBody: Int
    private let handler: @Sendable (Request) -> Response
    private let slots: DispatchSemaphore

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
        guard let boundPort = SocketIO.bind(fd, address: host, port: port), listen(fd, 64) == 0 else {
            close(fd)
            throw Failure(
                message: "cannot listen on \(Terminal.safe(host)):\(port): \(String(cString: strerror(errno)))")
        }
        listener = fd
        self.host = host
        self.port = boundPort
        self.maximumBody = maximumBody
        self.handler = handler
        slots = DispatchSemaphore(value: Self.maximumConnections)
    }

    /// Accepts connections until the process ends; beyond the connection cap, a connection
    /// waits in the listen queue.
    func run() -> Never {
        while true {
            slots.wait()
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                slots.signal()
                continue
            }
            Thread.detachNewThread { [self] in
                defer {
                    close(connection)
                    slots.signal()
                }
                serve(connection)
            }
        }
    }

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: Int(Self.requestTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = Date().addingTimeInterval(Self.requestTimeout)
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        func read() -> Bool {
            guard Date() < deadline else { return false }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            guard buffer.count <= Self.maximumHeaderBytes else {
                return respond(fd, Response(status: 431, body: "headers too large"))
            }
            guard read() else { return }
            headerEnd = buffer.range(of: Data("\r\n\r\n".utf8))
        }
        guard let end = headerEnd else { return }
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return respond(fd, Response(status: 400, body: "malformed request line")) }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                return respond(fd, Response(status: 400, body: "malformed header"))
            }
            headers.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
            return respond(fd, Response(status: 411, body: "send a Content-Length body"))
        }
        guard let lengthText = headers.first(where: { $0.0.lowercased() == "content-length" })?.1,
            let length = Int(lengthText), length >= 0
        else { return respond(fd, Response(status: 411, body: "Content-Length required")) }
        guard length <= maximumBody else { return respond(fd, Response(status: 413, body: "body too large")) }
        var body = Data(buffer[end.upperBound...])
        while body.count < length {
            let before = buffer.count
            guard read() else { return }
            body.append(buffer[before...])
        }
        guard body.count == length else {
            return respond(fd, Response(status: 400, body: "more bytes than Content-Length"))
        }
        respond(
            fd,
            handler(Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body))
        )
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
        let reason =
            switch response.status {
            case 204: "No Content"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 405: "Method Not Allowed"
            case 411: "Length Required"
            case 413: "Content Too Large"
            case 431: "Request Header Fields Too Large"
            default: "Status"
            }
        var text = "HTTP/1.1 \(response.status) \(reason)\r\nConnection: close\r\n"
        if response.status == 204 {
            text += "\r\n"
        } else {
            text +=
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(response.body.utf8.count + 1)\r\n\r\n\(response.body)\n"
        }
        SocketIO.write(fd, Data(text.utf8))
        lingeringClose(fd)
    }
}

import Dispatch
import Foundation
import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``LoopbackServer`` answers one request on the wire — including ways a real network
/// misbehaves, for reliability tests.
public enum LoopbackReply: Sendable {
    /// A complete response.
    case response(HTTPResponse)
    /// The headers (with the full `Content-Length`) and only the first `bytes` of the body, then
    /// the connection closes: a truncated body, or a reset in the middle of it.
    case truncated(HTTPResponse, bytes: Int)
    /// Close the connection without answering.
    case close
    /// Wait, then answer: headers slower than a client's timeout.
    case delayed(HTTPResponse, seconds: Double)
}

/// A small HTTP/1.1 server on `127.0.0.1` for tests: it parses each request into an
/// ``HTTPTransport/HTTPRequest`` and answers with whatever the handler returns. It binds only the
/// loopback address, serves until ``stop()`` (or deinit), and needs nothing but the OS sockets.
///
/// Serve a provider simulator over real HTTP:
///
/// ```swift
/// let simulator = ProviderSimulator.krafter()
/// let server = try LoopbackServer.serving(simulator)
/// let client = Krafter.Client(apiKey: ProviderSimulator.sandboxAPIKey,
///                             options: .init(baseURL: try BaseURL(server.baseURL)))
/// ```
public final class LoopbackServer: @unchecked Sendable {
    /// Produces the reply for a request.
    public typealias Handler = @Sendable (HTTPRequest) async -> LoopbackReply

    /// The port the server listens on.
    public let port: Int
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    private let handler: Handler
    private let stopped = Locked(false)

    /// Starts a server on a free loopback port.
    ///
    /// - Throws: `POSIXError` when the socket cannot be created, bound or listened on.
    public init(handler: @escaping Handler) throws {
        self.handler = handler
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [weak self] in self?.acceptLoop() }
        thread.start()
    }

    /// A server that answers every request with `simulator`.
    public static func serving(_ simulator: ProviderSimulator) throws -> LoopbackServer {
        try LoopbackServer { request in
            do {
                return .response(try await simulator.send(request))
            } catch {
                return .close
            }
        }
    }

    deinit {
        stop()
    }

    /// Stops accepting connections.
    public func stop() {
        let wasStopped = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.withLock({ $0 }) {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            #if canImport(Darwin)
            var yes: Int32 = 1
            setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let handler = self.handler
            let port = self.port
            Thread { Self.serve(connection, port: port, handler: handler) }.start()
        }
    }

    private static func serve(_ connection: Int32, port: Int, handler: @escaping Handler) {
        defer { close(connection) }
        while let request = read(connection, port: port) {
            let reply = Blocking.run { await handler(request) }
            switch reply {
            case .response(let response):
                write(connection, head(response, length: response.body.count) + response.body)
            case .truncated(let response, let bytes):
                write(connection, head(response, length: response.body.count) + response.body.prefix(max(0, bytes)))
                return
            case .close:
                return
            case .delayed(let response, let seconds):
                Thread.sleep(forTimeInterval: seconds)
                write(connection, head(response, length: response.body.count) + response.body)
            }
            if request.headers["Connection"]?.lowercased() == "close" { return }
        }
    }

    private static func head(_ response: HTTPResponse, length: Int) -> Data {
        var text = "HTTP/1.1 \(response.status) \(HTTPURLResponseReason.phrase(response.status))\r\n"
        for field in response.headers where field.name.lowercased() != "content-length" {
            text += "\(field.name): \(field.value)\r\n"
        }
        text += "Content-Length: \(length)\r\n\r\n"
        return Data(text.utf8)
    }

    private static func write(_ connection: Int32, _ data: Data) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                #if canImport(Glibc)
                let sent = send(connection, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let sent = send(connection, base + offset, buffer.count - offset, 0)
                #endif
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    /// Reads one request; `nil` when the peer closed or sent something unreadable.
    private static func read(_ connection: Int32, port: Int) -> HTTPRequest? {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            headerEnd = buffer.range(of: separator)
            if buffer.count > 1_048_576 { return nil }
        }
        guard let end = headerEnd else { return nil }
        let lines = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = (lines.first ?? "").split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers["Content-Length"] ?? "0") ?? 0
        var body = Data(buffer[end.upperBound...])
        while body.count < length {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            body.append(contentsOf: chunk[0..<count])
        }
        let target = String(parts[1])
        let pathPart = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let queryPart = target.contains("?") ? String(target.split(separator: "?", maxSplits: 1)[1]) : ""
        let path = pathPart.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        let query = queryPart.split(separator: "&").map { pair -> QueryItem in
            let halves = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            return QueryItem(name: halves.first ?? "", value: halves.count > 1 ? halves[1] : "")
        }
        guard let base = URL(string: "http://127.0.0.1:\(port)") else { return nil }
        return HTTPRequest(
            method: HTTPMethod(rawValue: String(parts[0])), baseURL: base, path: path, query: query, headers: headers,
            body: length > 0 ? body.prefix(length) : nil)
    }
}

/// Runs async work from a plain thread and waits for it.
private enum Blocking {
    static func run(_ work: @escaping @Sendable () async -> LoopbackReply) -> LoopbackReply {
        let semaphore = DispatchSemaphore(value: 0)
        let result = Locked<LoopbackReply?>(nil)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            semaphore.signal()
        }
        semaphore.wait()
        return result.withLock { $0 } ?? .close
    }
}

private enum HTTPURLResponseReason {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 301, 302: "Found"
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
}

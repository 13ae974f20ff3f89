import Dispatch
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A DNS server to ask: an IP address and a port.
///
/// ```swift
/// let local = try DNSServer(parsing: "127.0.0.1:5353")
/// let google = try DNSServer(parsing: "[2001:4860:4860::8888]:53")
/// ```
public struct DNSServer: Hashable, Sendable, CustomStringConvertible {
    /// The server's IPv4 or IPv6 address, in text form.
    public let host: String
    /// The port, 53 by default.
    public let port: UInt16

    /// A server at `host` (an IPv4 or IPv6 address; `localhost` means 127.0.0.1).
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError.Kind.validation` when
    ///   `host` is not an IP address: the resolver sends to addresses, so that finding the
    ///   resolver never needs a resolver.
    public init(host: String, port: UInt16 = 53) throws(SendingDomainsError) {
        let host = host == "localhost" ? "127.0.0.1" : host
        guard DNSAddress.bytes(host) != nil else {
            throw .invalidInput(field: "resolver", "\(Self.quoted(host)) is not an IPv4 or IPv6 address")
        }
        self.host = host
        self.port = port
    }

    /// Parses `HOST`, `HOST:PORT`, `IPV6` or `[IPV6]:PORT`.
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError.Kind.validation` naming
    ///   what is wrong.
    public init(parsing text: String) throws(SendingDomainsError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidInput(field: "resolver", "\(Self.quoted(text)) has no closing ]")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                try self.init(host: host)
            } else {
                guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), port > 0 else {
                    throw .invalidInput(field: "resolver", "\(Self.quoted(text)) has no valid port after ]:")
                }
                try self.init(host: host, port: port)
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            guard let port = UInt16(text[text.index(after: colon)...]), port > 0 else {
                throw .invalidInput(field: "resolver", "\(Self.quoted(text)) has no valid port (1–65535)")
            }
            try self.init(host: String(text[..<colon]), port: port)
        } else {
            try self.init(host: text)
        }
    }

    /// `host:port`, or `[host]:port` for IPv6.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func quoted(_ text: String) -> String {
        "\""
            + String(
                text.unicodeScalars.prefix(80).map {
                    $0.properties.isWhitespace || $0.value >= 0x20 ? Character($0) : "?"
                }) + "\""
    }
}

/// One exchange with a server over UDP or TCP, on a Dispatch thread so that waiting never holds
/// a thread of Swift's cooperative pool; cancellation is seen within a poll slice (20 ms).
package enum DNSSocket {
    static func exchange(
        _ query: Data, with server: DNSServer, tcp: Bool, timeout: Duration
    ) async throws(SendingDomainsError) -> Data {
        try await NonBlockingSocket.run(
            { cancelled in blockingExchange(query, server: server, tcp: tcp, timeout: timeout, cancelled: cancelled) },
            cancelled: SendingDomainsError(
                kind: .cancelled, message: "The DNS query was cancelled", operation: OperationName.dnsQuery.rawValue))
    }

    typealias Flag = NonBlockingSocket.CancelFlag

    private static func failure(
        _ kind: SendingDomainsError.Kind, _ message: String, _ failure: SendingDomainsError.TransportFailure? = nil
    ) -> SendingDomainsError {
        SendingDomainsError(
            kind: kind, message: message, operation: OperationName.dnsQuery.rawValue, transportFailure: failure)
    }

    private static func blockingExchange(
        _ query: Data, server: DNSServer, tcp: Bool, timeout: Duration, cancelled: Flag
    ) -> Result<Data, SendingDomainsError> {
        let deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, timeout.seconds) * 1e9)
        let protocolName = tcp ? "TCP" : "UDP"
        guard let address = DNSAddress.bytes(server.host) else {
            return .failure(failure(.validation, "\(server) is not an IP address"))
        }
        let family = address.count == 4 ? AF_INET : AF_INET6
        #if canImport(Glibc)
        let fd = socket(family, Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else {
            return .failure(failure(.transport, "No socket for \(server): out of descriptors", .other))
        }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)

        // Connect: a UDP socket then receives only this server's datagrams.
        let connected = withSocketAddress(address, port: server.port) { pointer, length in connect(fd, pointer, length)
        }
        if connected != 0 && errno != EINPROGRESS {
            return .failure(failure(.transport, "Could not reach \(server) over \(protocolName)", .connectionRefused))
        }
        if tcp {
            switch wait(fd, for: Int16(POLLOUT), until: deadline, cancelled: cancelled) {
            case .ready:
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                if error != 0 {
                    return .failure(failure(.transport, "\(server) refused a TCP connection", .connectionRefused))
                }
            case .timedOut: return .failure(timedOut(server, protocolName, timeout))
            case .cancelled: return .failure(failure(.cancelled, "The DNS query was cancelled"))
            case .failed: return .failure(failure(.transport, "TCP connection to \(server) failed", .connectionLost))
            }
        }

        var message = Data()
        if tcp { message.appendUInt16(UInt16(clamping: query.count)) }
        message.append(query)
        if let problem = sendAll(fd, message, until: deadline, cancelled: cancelled) {
            return .failure(
                problem == .timedOut
                    ? timedOut(server, protocolName, timeout)
                    : failure(.transport, "Could not send to \(server) over \(protocolName)", .connectionLost))
        }
        let queryID = query.count >= 2 ? UInt16(query[query.startIndex]) << 8 | UInt16(query[query.startIndex + 1]) : 0
        if tcp {
            guard let prefix = receive(fd, exactly: 2, until: deadline, cancelled: cancelled) else {
                return .failure(
                    cancelled.isSet
                        ? failure(.cancelled, "The DNS query was cancelled")
                        : timedOutOrClosed(server, deadline, timeout))
            }
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard let body = receive(fd, exactly: length, until: deadline, cancelled: cancelled) else {
                return .failure(
                    cancelled.isSet
                        ? failure(.cancelled, "The DNS query was cancelled")
                        : timedOutOrClosed(server, deadline, timeout))
            }
            return .success(Data(body))
        }
        var buffer = [UInt8](repeating: 0, count: DNSMessage.maximumSize)
        while true {
            switch wait(fd, for: Int16(POLLIN), until: deadline, cancelled: cancelled) {
            case .ready: break
            case .timedOut: return .failure(timedOut(server, protocolName, timeout))
            case .cancelled: return .failure(failure(.cancelled, "The DNS query was cancelled"))
            case .failed:
                return .failure(
                    failure(.transport, "\(server) refused the query (port unreachable)", .connectionRefused))
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return .failure(
                    failure(.transport, "\(server) refused the query (port unreachable)", .connectionRefused))
            }
            // A datagram with another id is not the answer (late, or forged): keep waiting.
            guard count >= 2, UInt16(buffer[0]) << 8 | UInt16(buffer[1]) == queryID else { continue }
            return .success(Data(buffer[0..<count]))
        }
    }

    private static func timedOut(
        _ server: DNSServer, _ protocolName: String, _ timeout: Duration
    ) -> SendingDomainsError {
        failure(.timeout, "No answer from \(server) over \(protocolName) within \(timeout.formattedSeconds)", .timedOut)
    }

    private static func timedOutOrClosed(
        _ server: DNSServer, _ deadline: UInt64, _ timeout: Duration
    ) -> SendingDomainsError {
        DispatchTime.now().uptimeNanoseconds >= deadline
            ? timedOut(server, "TCP", timeout)
            : failure(.transport, "\(server) closed the TCP connection before answering in full", .connectionLost)
    }

    typealias Readiness = NonBlockingSocket.Readiness

    static func wait(_ fd: Int32, for events: Int16, until deadline: UInt64, cancelled: Flag) -> Readiness {
        NonBlockingSocket.wait(fd, for: events, until: deadline, cancelled: cancelled)
    }

    private static func sendAll(_ fd: Int32, _ data: Data, until deadline: UInt64, cancelled: Flag) -> Readiness? {
        NonBlockingSocket.sendAll(fd, data, until: deadline, cancelled: cancelled)
    }

    /// Exactly `count` bytes from a stream, or `nil` on timeout, cancellation or an early close.
    private static func receive(_ fd: Int32, exactly count: Int, until deadline: UInt64, cancelled: Flag) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            guard wait(fd, for: Int16(POLLIN), until: deadline, cancelled: cancelled) == .ready else { return nil }
            let got = out.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return recv(fd, base + filled, count - filled, 0)
            }
            if got > 0 {
                filled += got
            } else if got == 0 || !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return nil
            }
        }
        return out
    }

    /// Calls `body` with a `sockaddr` for `address` (4 or 16 bytes) and `port`.
    package static func withSocketAddress<T>(
        _ address: [UInt8], port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T
    ) -> T {
        if address.count == 4 {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin_addr) { $0.copyBytes(from: address) }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        var socketAddress = sockaddr_in6()
        socketAddress.sin6_family = sa_family_t(AF_INET6)
        socketAddress.sin6_port = port.bigEndian
        withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: address) }
        return withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }
}

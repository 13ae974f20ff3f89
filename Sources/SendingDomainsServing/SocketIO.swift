import Foundation
import SendingDomainsDNS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking socket calls the loopback servers (and the `domains` command's webhook
/// listener) share.
package enum SocketIO {
    /// Writes all of `data` to a connected socket; `false` when the peer is gone. Never raises
    /// SIGPIPE.
    @discardableResult
    package static func write(_ socket: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                #if canImport(Glibc)
                let sent = send(socket, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let sent = send(socket, base + offset, buffer.count - offset, 0)
                #endif
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    /// Binds `fd` to `address` (IPv4 or IPv6, in text form) and `port` (0 for any free one);
    /// the port bound, or `nil` when `address` is not an IP address or the bind failed.
    package static func bind(_ fd: Int32, address: String, port: UInt16) -> UInt16? {
        guard let bytes = DNSAddress.bytes(address),
            DNSSocket.withSocketAddress(bytes, port: port, { bind(fd, $0, $1) }) == 0
        else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        return withUnsafeBytes(of: &storage) { raw in
            // sin_port and sin6_port sit at the same offset, in network order.
            UInt16(raw[2]) << 8 | UInt16(raw[3])
        }
    }

    /// `bind(2)`, named so that it does not clash with a type's own `bind`.
    package static func bind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        #if canImport(Glibc)
        Glibc.bind(fd, address, length)
        #else
        Darwin.bind(fd, address, length)
        #endif
    }
}

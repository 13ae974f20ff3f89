import Foundation

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

    /// `bind(2)`, named so that it does not clash with a type's own `bind`.
    package static func bind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        #if canImport(Glibc)
        Glibc.bind(fd, address, length)
        #else
        Darwin.bind(fd, address, length)
        #endif
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cloudflare's published address ranges (cloudflare.com/ips: ips-v4, ips-v6): the addresses a
/// proxied ("orange cloud") record answers with instead of its target's.
enum CloudflareRanges {
    static let ipv4 = [
        "173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22", "141.101.64.0/18",
        "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
        "162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
    ]
    static let ipv6 = [
        "2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32",
        "2a06:98c0::/29", "2c0f:f248::/32",
    ]

    private static let networks: [(bytes: [UInt8], prefix: Int)] = (ipv4 + ipv6).compactMap { range in
        let parts = range.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]), let bytes = address(String(parts[0])) else { return nil }
        return (bytes, prefix)
    }

    /// Whether `text` (an IPv4 or IPv6 address) is in one of the ranges; `false` for anything else.
    static func contains(_ text: String) -> Bool {
        guard let bytes = address(text) else { return false }
        return networks.contains { network in
            guard network.bytes.count == bytes.count, network.prefix <= bytes.count * 8 else { return false }
            for bit in 0..<network.prefix {
                let mask = UInt8(0x80) >> UInt8(bit % 8)
                if network.bytes[bit / 8] & mask != bytes[bit / 8] & mask { return false }
            }
            return true
        }
    }

    /// The address's bytes: 4 for IPv4, 16 for IPv6; `nil` when `text` is neither.
    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rules for the hosts discovery talks to. Those hosts come from DNS — from a zone whoever
/// owns the domain controls — so they are hostile until shown otherwise: `https` only, no IP
/// literal, no name whose addresses are private, loopback, link-local or otherwise not
/// public. Best effort: `URLSession` resolves the name again when it connects, so a name that
/// answers differently the second time (DNS rebinding) is not caught here.
struct EndpointPolicy: Sendable {
    /// Plain `http` and addresses on the loopback interface allowed: for tests only.
    var allowsInsecureLoopback: Bool

    /// A host and port, and the path prefix after them.
    struct Endpoint: Sendable, Hashable {
        var scheme: String
        var host: String
        var port: Int?
        var path: [String]

        var baseURL: URL? {
            var components = URLComponents()
            components.scheme = scheme
            components.host = host.contains(":") ? "[\(host)]" : host
            components.port = port
            let text = (components.url?.absoluteString ?? "") + path.map { "/" + DomainConnect.formEncode($0) }.joined()
            return URL(string: text)
        }

        var origin: String { "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")" }
    }

    static func refused(_ what: String, _ why: String) -> SendingDomainsError {
        SendingDomainsError(
            kind: .transport,
            message:
                "Refused the Domain Connect endpoint \(what): \(why). The endpoint comes from DNS, which the domain's owner controls",
            transportFailure: .other)
    }

    /// The endpoint a `_domainconnect` TXT value names: `host[:port][/path prefix]`.
    func endpoint(fromTXT value: String) throws(SendingDomainsError) -> Endpoint {
        var text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        var scheme = "https"
        if text.lowercased().hasPrefix("https://") {
            text = String(text.dropFirst(8))
        } else if text.lowercased().hasPrefix("http://") {
            scheme = "http"
            text = String(text.dropFirst(7))
        }
        let safeText = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(80))
        guard !text.isEmpty, text.utf8.count <= 512 else {
            throw Self.refused("\"\(safeText)\"", "the _domainconnect record is empty or too long")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:/[]~")
        guard text.allSatisfy({ allowed.contains($0) }) else {
            throw Self.refused("\"\(safeText)\"", "the _domainconnect record is not a host name and path")
        }
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        let authority = String(text[..<slash])
        let path = text[slash...].split(separator: "/").map(String.init)
        guard !path.contains(where: { $0 == "." || $0 == ".." }) else {
            throw Self.refused("\"\(safeText)\"", "its path climbs out of the prefix")
        }
        let (host, port) = try hostAndPort(authority, shown: safeText)
        // The spec's URL is https; a loopback server standing in for a DNS host in a test speaks http.
        if allowsInsecureLoopback && (IPAddress(host)?.isLoopback == true || host == "localhost") { scheme = "http" }
        return Endpoint(scheme: scheme, host: host, port: port, path: path)
    }

    /// The endpoint a URL from the settings names (`urlAPI`, `urlSyncUX`).
    func endpoint(fromURL text: String, field: String) throws(SendingDomainsError) -> Endpoint {
        let shown = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(120))
        guard text.utf8.count <= 2048, let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), var host = components.host, !host.isEmpty
        else {
            throw Self.refused("\(field) \"\(shown)\"", "it is not an absolute URL")
        }
        guard components.user == nil, components.password == nil, components.query == nil,
            components.fragment == nil
        else {
            throw Self.refused("\(field) \"\(shown)\"", "it carries credentials, a query or a fragment")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let path = components.path.split(separator: "/").map(String.init)
        guard !path.contains(where: { $0 == "." || $0 == ".." }) else {
            throw Self.refused("\(field) \"\(shown)\"", "its path climbs out of the prefix")
        }
        return Endpoint(scheme: scheme, host: host.lowercased(), port: components.port, path: path)
    }

    private func hostAndPort(_ authority: String, shown: String) throws(SendingDomainsError) -> (String, Int?) {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw Self.refused("\"\(shown)\"", "an unclosed IPv6 literal")
            }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else {
                throw Self.refused("\"\(shown)\"", "an invalid port")
            }
            return (host, port)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = parts.first, !first.isEmpty else {
            throw Self.refused("\"\(shown)\"", "not a host name")
        }
        var port: Int?
        if parts.count == 2 {
            guard let number = Int(parts[1]), (1...65535).contains(number) else {
                throw Self.refused("\"\(shown)\"", "an invalid port")
            }
            port = number
        }
        return (first.lowercased(), port)
    }

    /// Refuses `endpoint` unless it is `https` to a public name (or, when allowed, any scheme to
    /// loopback); `resolve` looks the name's addresses up.
    func vet(
        _ endpoint: Endpoint, what: String, resolve: (String) async throws(SendingDomainsError) -> [String]
    ) async throws(SendingDomainsError) {
        let shown = endpoint.origin
        guard ["https", "http"].contains(endpoint.scheme) else {
            throw Self.refused("\(what) \(shown)", "only https is used")
        }
        if let address = IPAddress(endpoint.host) {
            guard allowsInsecureLoopback, address.isLoopback else {
                throw Self.refused("\(what) \(shown)", "it is an IP address, not a host name")
            }
            return
        }
        let isLocalName = endpoint.host == "localhost" || endpoint.host.hasSuffix(".localhost")
        if isLocalName {
            guard allowsInsecureLoopback else { throw Self.refused("\(what) \(shown)", "it names this machine") }
            return
        }
        guard endpoint.scheme == "https" else {
            throw Self.refused("\(what) \(shown)", "only https is used")
        }
        guard Self.isHostName(endpoint.host) else {
            throw Self.refused("\(what) \(shown)", "it is not a valid host name")
        }
        let addresses = try await resolve(endpoint.host)
        guard !addresses.isEmpty else {
            throw SendingDomainsError(
                kind: .transport, message: "The Domain Connect \(what) \(shown) has no address in DNS",
                transportFailure: .dnsFailure)
        }
        for text in addresses {
            guard let address = IPAddress(text), address.isPublic else {
                throw Self.refused("\(what) \(shown)", "it resolves to \(text), which is not a public address")
            }
        }
    }
}

extension EndpointPolicy {
    /// Whether `name` is a host name of letter-digit-hyphen labels (underscores allowed), each
    /// 1 to 63 bytes, 253 bytes at most.
    static func isHostName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_")
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.lowercased().allSatisfy { allowed.contains($0) }
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }
    }
}

/// An IPv4 or IPv6 address, as 4 or 16 bytes.
struct IPAddress: Sendable, Hashable {
    let bytes: [UInt8]

    init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        if text.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if text.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `127.0.0.0/8` or `::1` (or `::ffff:127.x.x.x`).
    var isLoopback: Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        if let mapped { return mapped.isLoopback }
        return bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// An IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`), or NAT64's `64:ff9b::/96`.
    private var mapped: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let prefix = Array(bytes[0..<12])
        if prefix == [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]
            || prefix == [0x00, 0x64, 0xFF, 0x9B] + [UInt8](repeating: 0, count: 8)
        {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        return nil
    }

    /// Whether the address is globally routable: not private (RFC 1918, ULA), loopback,
    /// link-local, shared (CGNAT), documentation, benchmarking, multicast, reserved or
    /// unspecified.
    var isPublic: Bool {
        if bytes.count == 4 {
            let (a, b, c) = (bytes[0], bytes[1], bytes[2])
            switch a {
            case 0, 10, 127: return false
            case 100 where (64...127).contains(b): return false
            case 169 where b == 254: return false
            case 172 where (16...31).contains(b): return false
            case 192 where b == 168: return false
            case 192 where b == 0 && (c == 0 || c == 2): return false
            case 198 where b == 18 || b == 19: return false
            case 198 where b == 51 && c == 100: return false
            case 203 where b == 0 && c == 113: return false
            case 224...255: return false
            default: return true
            }
        }
        if let mapped { return mapped.isPublic }
        if bytes.allSatisfy({ $0 == 0 }) || isLoopback { return false }
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFF { return false }  // multicast
        // 2001:db8::/32 documentation
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }
        if bytes[0] == 0 { return false }  // ::/8 reserved (IPv4-compatible and the like)
        return true
    }
}

extension DomainConnect {
    /// Whether `address` (IPv4 or IPv6 text) is public, as discovery judges an API host's
    /// addresses; `false` for text that is no address.
    package static func isPublicAddress(_ address: String) -> Bool {
        IPAddress(address)?.isPublic ?? false
    }
}

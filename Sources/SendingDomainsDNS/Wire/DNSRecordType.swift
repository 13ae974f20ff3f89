import HTTPTransport

/// A DNS record type.
public enum DNSRecordType: OpenEnum {
    /// Text.
    case txt
    /// Canonical name.
    case cname
    /// Mail exchanger.
    case mx
    /// IPv4 address.
    case a
    /// IPv6 address.
    case aaaa
    /// Name server: the resolver asks for it to find a zone's authoritative servers.
    case ns
    /// Start of authority: the zone's apex and its negative-caching TTL.
    case soa
    /// Any other type.
    case unknown(String)

    /// The known types.
    public static let knownCases: [DNSRecordType] = [.txt, .cname, .mx, .a, .aaaa, .ns, .soa]
    /// The type as written in a zone file.
    public var rawValue: String {
        switch self {
        case .txt: "TXT"
        case .cname: "CNAME"
        case .mx: "MX"
        case .a: "A"
        case .aaaa: "AAAA"
        case .ns: "NS"
        case .soa: "SOA"
        case .unknown(let raw): raw.uppercased()
        }
    }
}

extension DNSRecordType {
    /// The type's code on the wire (RFC 1035 §3.2.2, RFC 3596), or `nil` for a type the
    /// resolver does not know how to ask for.
    ///
    /// ```swift
    /// let code = DNSRecordType.txt.code   // 16
    /// ```
    public var code: UInt16? {
        switch self {
        case .a: 1
        case .ns: 2
        case .cname: 5
        case .soa: 6
        case .mx: 15
        case .txt: 16
        case .aaaa: 28
        case .unknown(let raw):
            // `TYPE65` is how RFC 3597 writes a type without a mnemonic; a known mnemonic written
            // as `unknown("TXT")` (decoded by an older version) still has its code.
            raw.uppercased().hasPrefix("TYPE")
                ? UInt16(raw.dropFirst(4)) : DNSRecordType.knownCases.first { $0.rawValue == raw.uppercased() }?.code
        }
    }

    /// The type with wire code `code`: a known type, or `TYPE<code>` (RFC 3597).
    public init(code: UInt16) {
        switch code {
        case 1: self = .a
        case 2: self = .ns
        case 5: self = .cname
        case 6: self = .soa
        case 15: self = .mx
        case 16: self = .txt
        case 28: self = .aaaa
        default: self = .unknown("TYPE\(code)")
        }
    }
}

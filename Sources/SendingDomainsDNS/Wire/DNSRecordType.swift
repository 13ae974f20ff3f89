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
    /// Any other type.
    case unknown(String)

    /// The known types.
    public static let knownCases: [DNSRecordType] = [.txt, .cname, .mx, .a, .aaaa]
    /// The type as written in a zone file.
    public var rawValue: String {
        switch self {
        case .txt: "TXT"
        case .cname: "CNAME"
        case .mx: "MX"
        case .a: "A"
        case .aaaa: "AAAA"
        case .unknown(let raw): raw.uppercased()
        }
    }
}

extension DNSRecordType {
    /// Name server (`NS`), which the resolver asks for to find a zone's authoritative servers.
    public static var ns: DNSRecordType { .unknown("NS") }
    /// Start of authority (`SOA`): the zone's apex and its negative-caching TTL.
    public static var soa: DNSRecordType { .unknown("SOA") }

    /// The type's code on the wire (RFC 1035 §3.2.2, RFC 3596), or `nil` for a type the
    /// resolver does not know how to ask for.
    ///
    /// ```swift
    /// let code = DNSRecordType.txt.code   // 16
    /// ```
    public var code: UInt16? {
        switch rawValue {
        case "A": 1
        case "NS": 2
        case "CNAME": 5
        case "SOA": 6
        case "MX": 15
        case "TXT": 16
        case "AAAA": 28
        default:
            // `TYPE65` is how RFC 3597 writes a type without a mnemonic.
            rawValue.hasPrefix("TYPE") ? UInt16(rawValue.dropFirst(4)) : nil
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

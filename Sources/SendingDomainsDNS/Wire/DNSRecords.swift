import Foundation
import HTTPTransport

/// The data of a resource record, parsed for the types a record check reads.
///
/// Frozen: the shapes a record check reads, and ``other(_:)`` for every other type; a type
/// parsed later is read from `other`'s bytes by a new property, never added as a case.
public enum DNSRecordData: Hashable, Sendable {
    /// An IPv4 (`A`) or IPv6 (`AAAA`) address, in its text form.
    case address(String)
    /// A `CNAME` target or an `NS` host, lower-cased, without the trailing dot.
    case name(String)
    /// An `MX` record's preference and host.
    case mailExchange(preference: UInt16, exchange: String)
    /// A `TXT` record's character-strings, in order and unjoined.
    case text([String])
    /// An `SOA` record.
    case startOfAuthority(DNSStartOfAuthority)
    /// Data of another type, unparsed.
    case other(Data)

    /// The data as a record check compares it: an address, a host name, `"10 host"` for `MX`,
    /// the character-strings joined with no separator for `TXT` (RFC 7208 §3.3).
    public var value: String {
        switch self {
        case .address(let address): address
        case .name(let name): name
        case .mailExchange(let preference, let exchange): "\(preference) \(exchange)"
        case .text(let strings): strings.joined()
        case .startOfAuthority(let soa): "\(soa.primaryServer) \(soa.responsible) \(soa.serial)"
        case .other(let data): data.map { String(format: "%02x", $0) }.joined()
        }
    }
}

/// An `SOA` record (RFC 1035 §3.3.13).
public struct DNSStartOfAuthority: Hashable, Sendable {
    /// The zone's primary name server.
    public var primaryServer: String
    /// The responsible mailbox, as a name.
    public var responsible: String
    /// The zone's serial number.
    public var serial: UInt32
    /// How long a resolver caches a negative answer for a name of the zone (RFC 2308), in
    /// seconds: the smaller of this and the SOA record's own TTL.
    public var minimum: UInt32

    /// An SOA record.
    public init(primaryServer: String, responsible: String, serial: UInt32, minimum: UInt32) {
        self.primaryServer = primaryServer
        self.responsible = responsible
        self.serial = serial
        self.minimum = minimum
    }
}

/// One resource record of an answer.
public struct DNSResourceRecord: Hashable, Sendable {
    /// The owner name, lower-cased, without the trailing dot.
    public var name: String
    /// The type.
    public var type: DNSRecordType
    /// The time to live, in seconds.
    public var ttl: UInt32
    /// The data.
    public var data: DNSRecordData

    /// A record.
    public init(name: String, type: DNSRecordType, ttl: UInt32 = 300, data: DNSRecordData) {
        self.name = DNSName.normalized(name)
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// A question: a name and a type, class `IN`.
public struct DNSQuestion: Hashable, Sendable {
    /// The name, lower-cased, without the trailing dot.
    public var name: String
    /// The type asked for.
    public var type: DNSRecordType

    /// A question.
    public init(name: String, type: DNSRecordType) {
        self.name = DNSName.normalized(name)
        self.type = type
    }
}

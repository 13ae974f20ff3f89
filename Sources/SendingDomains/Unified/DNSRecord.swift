@_spi(ProviderAuthoring) import HTTPTransport

/// A DNS record to publish, normalised across providers.
///
/// ```swift
/// for record in domain.records ?? [] where record.required {
///     print(record.type, record.relativeName, record.value)   // TXT _dmarc v=DMARC1; p=none;
/// }
/// ```
public struct DNSRecord: Sendable, Hashable, Codable {
    /// The record type.
    public var type: DNSRecordType
    /// The fully qualified host name, without the trailing dot.
    public var name: String
    /// The host relative to the domain (`@` for the apex); the FQDN when outside the domain.
    public var relativeName: String
    /// The value exactly as the provider gave it.
    public var value: String
    /// The MX priority.
    public var priority: Int?
    /// The TTL.
    public var ttl: RecordTTL
    /// What the record is for.
    public var purpose: RecordPurpose
    /// Whether the provider needs it to verify the domain.
    public var required: Bool
    /// Whether the provider has seen it, where it reports that per record.
    public var status: RecordStatus?

    /// Creates a record; ``relativeName`` is derived from `name` and `domain`.
    public init(
        type: DNSRecordType, name: String, domain: String, value: String, priority: Int? = nil,
        ttl: RecordTTL = .automatic, purpose: RecordPurpose, required: Bool = true, status: RecordStatus? = nil
    ) {
        let fqdn = Self.trimmedName(name)
        self.type = type
        self.name = fqdn
        self.relativeName = Self.relative(fqdn, to: domain)
        self.value = value
        self.priority = priority
        self.ttl = ttl
        self.purpose = purpose
        self.required = required
        self.status = status
    }

    static func trimmedName(_ name: String) -> String {
        var name = name.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// The value as a DNS answer shows it (`DNSRecordData.value`): an `MX` record as
    /// `"10 host"` (its ``priority``, or the value's own when it carries one), any other record
    /// its ``value``. The preflight compares against it and reports it as `expected`.
    ///
    /// ```swift
    /// let mx = DNSRecord(type: .mx, name: "send.example.com", domain: "example.com",
    ///                    value: "feedback-smtp.us-east-1.amazonses.com", priority: 10, purpose: .returnPath)
    /// assert(mx.answerValue == "10 feedback-smtp.us-east-1.amazonses.com")
    /// ```
    public var answerValue: String {
        guard type == .mx, let priority, !value.contains(" ") else { return value }
        return "\(priority) \(Self.trimmedName(value))"
    }

    /// `name` relative to `domain`: `@` for the apex, the prefix for a name inside the domain,
    /// `name` itself otherwise.
    public static func relative(_ name: String, to domain: String) -> String {
        let name = trimmedName(name)
        let domain = trimmedName(domain)
        if name == domain { return "@" }
        if name.hasSuffix("." + domain) { return String(name.dropLast(domain.count + 1)) }
        return name
    }
}

/// What a record is for.
///
/// An extensible set of names, as `SendingDomainsError.Kind` is: a later version may add
/// purposes without breaking a `switch` over the ones you handle (give it a `default:`).
public struct RecordPurpose: RawRepresentable, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The purpose's code, e.g. `"dkim"` or `"return-path"`: what the JSON exports carry.
    public let rawValue: String

    /// A purpose by code; codes this version does not know are kept as they are.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Proves domain ownership (AutoSend `_autosend-verify`, Krafter `_amazonses`).
    public static let ownershipVerification = RecordPurpose(rawValue: "ownership")
    /// DKIM signing key.
    public static let dkim = RecordPurpose(rawValue: "dkim")
    /// SPF sender policy.
    public static let spf = RecordPurpose(rawValue: "spf")
    /// The return-path / MAIL FROM host (its MX or CNAME).
    public static let returnPath = RecordPurpose(rawValue: "return-path")
    /// DMARC policy.
    public static let dmarc = RecordPurpose(rawValue: "dmarc")
    /// Click and open tracking host.
    public static let tracking = RecordPurpose(rawValue: "tracking")
    /// Inbound mail (MX).
    public static let inbound = RecordPurpose(rawValue: "inbound")
    /// Anything else the provider lists.
    public static let other = RecordPurpose(rawValue: "other")

    /// The purposes this version knows.
    public static let allCases: [RecordPurpose] = [
        .ownershipVerification, .dkim, .spf, .returnPath, .dmarc, .tracking, .inbound, .other,
    ]

    /// The purpose in words (its code for a purpose this version does not know).
    public var description: String {
        switch self {
        case .ownershipVerification: "ownership verification"
        case .dkim: "DKIM"
        case .spf: "SPF"
        case .returnPath: "return path"
        case .dmarc: "DMARC"
        default: rawValue
        }
    }

    /// The purpose a record's shape suggests, for providers that do not label records:
    /// `_domainkey` → DKIM, `_dmarc` → DMARC, `v=spf1` → SPF, MX → return path, otherwise `other`.
    package static func infer(type: DNSRecordType, name: String, value: String) -> RecordPurpose {
        let name = name.lowercased()
        if name.contains("._domainkey") || name.hasPrefix("_domainkey") { return .dkim }
        if name.hasPrefix("_dmarc") { return .dmarc }
        if value.lowercased().hasPrefix("v=spf1") { return .spf }
        if value.lowercased().hasPrefix("v=dkim1") { return .dkim }
        if type == .mx { return .returnPath }
        return .other
    }
}

/// A record's TTL.
///
/// Frozen: a TTL is the DNS host's default or a number of seconds, and no other form will be
/// added, so a `switch` over it may be exhaustive.
public enum RecordTTL: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whatever the DNS host's default is (Krafter's `"Auto"`, and providers that give none).
    case automatic
    /// A TTL in seconds.
    case seconds(Int)

    /// `auto` or the number of seconds.
    public var description: String {
        switch self {
        case .automatic: "auto"
        case .seconds(let value): "\(value)"
        }
    }
}

/// Whether the provider has seen a record in DNS.
///
/// An extensible set of names, as `SendingDomainsError.Kind` is: give a `switch` over it a
/// `default:`.
public struct RecordStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The status's code, e.g. `"verified"`.
    public let rawValue: String

    /// A status by code; codes this version does not know are kept as they are.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Seen and correct.
    public static let verified = RecordStatus(rawValue: "verified")
    /// Not seen yet.
    public static let pending = RecordStatus(rawValue: "pending")
    /// Seen and wrong, or the check failed.
    public static let failed = RecordStatus(rawValue: "failed")

    /// The raw value.
    public var description: String { rawValue }
}

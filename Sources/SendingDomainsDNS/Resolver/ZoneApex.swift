@_spi(ProviderAuthoring) import HTTPTransport

/// The zone that holds a name: its apex — the closest enclosing name with an `SOA` record — and
/// the zone's name servers, as its `NS` records at the apex list them.
///
/// ```swift
/// let apex = try await DNSResolver.system().zoneApex(of: "mail.example.com")
/// print(apex.zone, apex.nameservers)   // "example.com" ["ada.ns.cloudflare.com", …]
/// ```
public struct DNSZoneApex: Sendable, Hashable {
    /// The zone's apex, lower-cased, without a trailing dot: `example.com` for
    /// `mail.example.com` unless `mail.example.com` is a zone of its own.
    public var zone: String
    /// The zone's name servers, lower-cased, without trailing dots, sorted, each once (at most
    /// ``DNSZoneApex/maximumNameservers``).
    public var nameservers: [String]

    /// The most name servers kept: 16 (a zone lists 2 to 8; a hostile answer may list hundreds).
    public static let maximumNameservers = 16

    /// A zone apex.
    public init(zone: String, nameservers: [String]) {
        self.zone = DNSName.normalized(zone)
        self.nameservers = nameservers
    }
}

extension DNSLookup {
    /// The zone that holds `name` and its name servers: usually two queries, `SOA` at `name`
    /// (answered either by the zone's own `SOA`, when `name` is the apex, or by a negative
    /// answer whose authority section carries it) and `NS` at the apex.
    ///
    /// When an answer carries no usable `SOA` (a resolver that strips the authority section, a
    /// name that is an alias), the parents of `name` are asked in turn, one query each, until
    /// one has an `SOA` record of its own.
    ///
    /// ```swift
    /// var zone = DNSZone()
    /// zone.add("example.com", .soa, "ns1.example.com hostmaster.example.com 1 300")
    /// let apex = try await zone.zoneApex(of: "send.example.com")   // zone "example.com"
    /// ```
    ///
    /// - Throws: what ``DNSLookup/query(_:type:)`` throws (a `SERVFAIL`, a timeout), and
    ///   `SendingDomainsError.Kind.notFound` when no enclosing name has an `SOA`.
    public func zoneApex(of name: String) async throws(SendingDomainsError) -> DNSZoneApex {
        let zone = try await zoneName(of: name)
        let answer = try await query(zone, type: .ns)
        var hosts = Set<String>()
        for record in answer.records where record.name == zone && record.type == .ns {
            if case .name(let host) = record.data, !host.isEmpty { hosts.insert(DNSName.normalized(host)) }
        }
        return DNSZoneApex(zone: zone, nameservers: Array(hosts.sorted().prefix(DNSZoneApex.maximumNameservers)))
    }

    /// The apex of the zone that holds `name`: the closest enclosing name with an `SOA` record.
    ///
    /// - Throws: see ``zoneApex(of:)``.
    public func zoneName(of name: String) async throws(SendingDomainsError) -> String {
        let start = DNSName.normalized(name)
        var current = start
        // One query per label at most: a name has at most 127 labels.
        while !current.isEmpty {
            let answer = try await query(current, type: .soa)
            let aliased = answer.records.contains { $0.name == current && $0.type == .cname }
            if !aliased {
                if answer.records.contains(where: { $0.name == current && $0.type == .soa }) { return current }
                // A negative answer names the zone in its authority section (RFC 2308 §3);
                // only an SOA at or above the name asked counts.
                if let owner = answer.authorities.first(where: {
                    $0.type == .soa && Self.encloses($0.name, current)
                })?.name {
                    return owner
                }
            }
            guard let dot = current.firstIndex(of: ".") else { break }
            current = String(current[current.index(after: dot)...])
        }
        throw SendingDomainsError(
            kind: .notFound, message: "No zone (no SOA record) was found above \(start)",
            operation: OperationName.dnsQuery.rawValue)
    }

    /// Whether `ancestor` is `name` or one of its parents, label by label.
    static func encloses(_ ancestor: String, _ name: String) -> Bool {
        let ancestor = DNSName.normalized(ancestor)
        guard !ancestor.isEmpty else { return false }
        return name == ancestor || name.hasSuffix("." + ancestor)
    }
}

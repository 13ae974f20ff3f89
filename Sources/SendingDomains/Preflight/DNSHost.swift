@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// Who serves a domain's zone — Cloudflare, Route 53, GoDaddy… — recognised from the zone's
/// name servers, with the zone itself: where the customer types the records, and how.
///
/// ```swift
/// let host = try await DNSHost.detect("mail.example.com", lookup: DNSResolver.system())
/// print(host.id, host.name, host.zone)   // cloudflare Cloudflare example.com
/// ```
///
/// A host not in the table (``DNSHostProfile/all``) is ``ID/unknown``; the zone and name
/// servers are still reported.
public struct DNSHost: Sendable, Hashable, Encodable {
    /// A DNS host's identifier: `cloudflare`, `route53`… Identifiers this version does not
    /// know are kept as they are.
    public struct ID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The identifier, e.g. `"cloudflare"`: stable, and what `domains check --json` prints.
        public let rawValue: String

        /// An identifier by name.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A host the table does not recognise.
        public static let unknown = ID(rawValue: "unknown")
        /// Cloudflare DNS.
        public static let cloudflare = ID(rawValue: "cloudflare")
        /// Amazon Route 53.
        public static let route53 = ID(rawValue: "route53")
        /// GoDaddy.
        public static let godaddy = ID(rawValue: "godaddy")
        /// Namecheap (BasicDNS / FreeDNS).
        public static let namecheap = ID(rawValue: "namecheap")
        /// Google Cloud DNS, or a Google Domains zone now at Squarespace: both use the same name
        /// servers.
        public static let google = ID(rawValue: "google")
        /// Azure DNS.
        public static let azure = ID(rawValue: "azure")
        /// DigitalOcean.
        public static let digitalOcean = ID(rawValue: "digitalocean")
        /// NS1 (IBM NS1 Connect).
        public static let ns1 = ID(rawValue: "ns1")
        /// DNSimple.
        public static let dnsimple = ID(rawValue: "dnsimple")
        /// Vercel.
        public static let vercel = ID(rawValue: "vercel")
        /// Hostinger.
        public static let hostinger = ID(rawValue: "hostinger")
        /// IONOS (1&1).
        public static let ionos = ID(rawValue: "ionos")
        /// Porkbun.
        public static let porkbun = ID(rawValue: "porkbun")
        /// Squarespace.
        public static let squarespace = ID(rawValue: "squarespace")

        /// The raw value.
        public var description: String { rawValue }

    }

    /// Which host, ``ID/unknown`` when the table does not recognise the name servers.
    public var id: ID
    /// The host's name for people: `Cloudflare`, `Amazon Route 53`, `unknown DNS host`.
    public var name: String
    /// The zone's apex (the closest enclosing name with an `SOA`), lower-cased, without a
    /// trailing dot: what the host field is relative to.
    public var zone: String
    /// The zone's name servers, fully qualified, without trailing dots.
    public var nameservers: [String]

    /// A host.
    public init(id: ID, name: String, zone: String, nameservers: [String] = []) {
        self.id = id
        self.name = name
        self.zone = DNSName.normalized(zone)
        self.nameservers = nameservers.map(DNSName.normalized)
    }

    /// The host of a table row, serving `zone`.
    public init(_ profile: DNSHostProfile, zone: String, nameservers: [String] = []) {
        self.init(id: profile.id, name: profile.name, zone: zone, nameservers: nameservers)
    }

    /// A host the table does not recognise, serving `zone`.
    public static func unknown(zone: String, nameservers: [String] = []) -> DNSHost {
        DNSHost(id: .unknown, name: "unknown DNS host", zone: zone, nameservers: nameservers)
    }

    /// The table row for this host: its host-field convention and quirks; ``DNSHostProfile/unknown``
    /// when it has none.
    public var profile: DNSHostProfile { DNSHostProfile.profile(for: id) ?? .unknown }

    /// Finds the zone that holds `domain` (the closest enclosing name with an `SOA`), reads its
    /// `NS` records, and recognises the host from ``DNSHostProfile/all``: two queries in the
    /// usual case (see `DNSLookup.zoneApex(of:)`).
    ///
    /// ```swift
    /// let host = try await DNSHost.detect("example.com", lookup: DNSResolver.system())
    /// if host.id == .cloudflare { print("Set the CNAMEs to DNS only") }
    /// ```
    ///
    /// - Throws: `SendingDomainsError`: what the lookup throws (kind `dns`: a `SERVFAIL`, a
    ///   timeout), `notFound` when no enclosing name has an `SOA`, `validation` for a name that
    ///   cannot be asked.
    public static func detect(_ domain: String, lookup: any DNSLookup) async throws(SendingDomainsError) -> DNSHost {
        do {
            try DNSName.validate(domain)
            let apex = try await lookup.zoneApex(of: domain)
            return recognize(apex)
        } catch {
            var error = error
            error.operation = OperationName.dnsHostDetection.rawValue
            throw error
        }
    }

    /// The host serving a zone with these name servers: the table row that matches the most of
    /// them (the first in table order on a tie), ``ID/unknown`` when none matches.
    ///
    /// ```swift
    /// let host = DNSHost.recognize(
    ///     DNSZoneApex(zone: "example.com", nameservers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]))
    /// assert(host.id == .cloudflare)
    /// ```
    public static func recognize(_ apex: DNSZoneApex) -> DNSHost {
        var best: (profile: DNSHostProfile, count: Int)?
        for profile in DNSHostProfile.all {
            let count = apex.nameservers.filter(profile.matches).count
            if count > 0, count > (best?.count ?? 0) { best = (profile, count) }
        }
        guard let best else { return .unknown(zone: apex.zone, nameservers: apex.nameservers) }
        return DNSHost(best.profile, zone: apex.zone, nameservers: apex.nameservers)
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, zone, nameservers
    }

    /// `{"id", "name", "zone", "nameservers": […]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.rawValue, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(zone, forKey: .zone)
        try container.encode(nameservers, forKey: .nameservers)
    }
}

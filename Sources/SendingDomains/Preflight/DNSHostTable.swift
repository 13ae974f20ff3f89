import SendingDomainsDNS

/// One row of the DNS host table: how a host is recognised from its name servers, how its
/// host field is filled in, its quirks, and where that is documented.
///
/// ```swift
/// let route53 = DNSHostProfile.route53
/// assert(route53.matches("ns-1234.awsdns-56.co.uk"))
/// assert(route53.txtEntry == .quotedChunks)
/// ```
///
/// The table goes stale as hosts change their name servers: a host that it does not recognise
/// is reported as ``DNSHost/ID/unknown``, and the report works the same.
public struct DNSHostProfile: Sendable, Hashable {
    /// How a TXT value is typed at a host.
    public struct TXTEntry: RawRepresentable, Sendable, Hashable {
        /// `single` or `quotedChunks`.
        public let rawValue: String

        /// An entry style by name.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The value as one string, however long: the host splits it into 255-byte strings.
        public static let single = TXTEntry(rawValue: "single")
        /// Strings of at most 255 bytes, each in double quotes, separated by a space
        /// (`"v=DKIM1; k=rsa; p=MIIB…" "…IDAQAB"`), as Route 53 wants them.
        public static let quotedChunks = TXTEntry(rawValue: "quotedChunks")
    }

    /// The host's identifier.
    public var id: DNSHost.ID
    /// The host's name for people.
    public var name: String
    /// The name-server patterns that recognise it: `*` stands for one or more characters,
    /// `#` for one or more digits.
    public var patterns: [String]
    /// What the host field takes for the zone's apex: `@`, or `""` where the field is left empty.
    public var apex: String
    /// Whether the host adds the zone to whatever is typed in the host field, so that a full
    /// name typed there lands at `name.zone.zone` (reason `zoneAppended`).
    public var appendsZone: Bool
    /// How a TXT value is typed.
    public var txtEntry: TXTEntry
    /// What to set beside a `CNAME`, where the host has such a setting (Cloudflare's proxy).
    public var cnameNote: String?
    /// Where the recognition and the conventions come from; `unsourced` says so.
    public var source: String

    /// A row.
    public init(
        id: DNSHost.ID, name: String, patterns: [String], apex: String = "@", appendsZone: Bool = false,
        txtEntry: TXTEntry = .single, cnameNote: String? = nil, source: String
    ) {
        self.id = id
        self.name = name
        self.patterns = patterns
        self.apex = apex
        self.appendsZone = appendsZone
        self.txtEntry = txtEntry
        self.cnameNote = cnameNote
        self.source = source
    }

    /// Whether `nameserver` matches one of ``patterns`` (case-insensitively, without the
    /// trailing dot).
    public func matches(_ nameserver: String) -> Bool {
        let name = Array(DNSName.normalized(nameserver).utf8)
        return patterns.contains { Self.glob(Array($0.utf8)[...], name[...]) }
    }

    /// `*`: one or more characters; `#`: one or more digits; anything else literally.
    private static func glob(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        let rest = pattern.dropFirst()
        switch first {
        case UInt8(ascii: "*"), UInt8(ascii: "#"):
            var index = name.startIndex
            while index < name.endIndex {
                if first == UInt8(ascii: "#"), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(name[index]) {
                    return false
                }
                index += 1
                if glob(rest, name[index...]) { return true }
            }
            return false
        default:
            guard name.first == first else { return false }
            return glob(rest, name.dropFirst())
        }
    }

    /// The row for `id`, `nil` for an identifier not in ``all``.
    public static func profile(for id: DNSHost.ID) -> DNSHostProfile? {
        all.first { $0.id == id }
    }

    /// No row: the conventions most hosts share (`@` for the apex, the name relative to the zone).
    public static let unknown = DNSHostProfile(
        id: .unknown, name: "unknown DNS host", patterns: [],
        source: "Most DNS hosts take the name relative to the zone and @ for the apex.")

    /// Cloudflare: `*.ns.cloudflare.com`. A proxied ("orange cloud") `CNAME` answers with
    /// Cloudflare's addresses; a mail `CNAME` must be "DNS only".
    public static let cloudflare = DNSHostProfile(
        id: .cloudflare, name: "Cloudflare", patterns: ["*.ns.cloudflare.com"],
        cnameNote:
            "Set the proxy status to DNS only (grey cloud): a proxied CNAME answers with Cloudflare's addresses.",
        source:
            "developers.cloudflare.com/dns/proxy-status (proxied CNAMEs); cloudflare.com/ips (address ranges); postalserver/postal #159"
    )
    /// Amazon Route 53: `ns-NNN.awsdns-NN.{com,net,org,co.uk}`; long TXT values in quoted chunks.
    public static let route53 = DNSHostProfile(
        id: .route53, name: "Amazon Route 53",
        patterns: ["ns-#.awsdns-#.com", "ns-#.awsdns-#.net", "ns-#.awsdns-#.org", "ns-#.awsdns-#.co.uk"],
        apex: "", txtEntry: .quotedChunks,
        source:
            "Route 53 Developer Guide, TXT record type (strings of at most 255 characters, each in quotes); DNSControl #992"
    )
    /// GoDaddy: `*.domaincontrol.com`; adds the zone to the host field.
    public static let godaddy = DNSHostProfile(
        id: .godaddy, name: "GoDaddy", patterns: ["*.domaincontrol.com"], appendsZone: true,
        source: "sendgrid/docs #3830, #6469, #6530; mailgun/documentation #344 (zone appended)")
    /// Namecheap: `*.registrar-servers.com`; adds the zone to the host field.
    public static let namecheap = DNSHostProfile(
        id: .namecheap, name: "Namecheap", patterns: ["*.registrar-servers.com"], appendsZone: true,
        source: "Namecheap knowledge base (host field without the domain); sendgrid/docs #3830")
    /// Google Cloud DNS, and Google Domains zones now at Squarespace: `ns-cloud-*.googledomains.com`
    /// serves both, so the name says so.
    public static let google = DNSHostProfile(
        id: .google, name: "Google Cloud DNS or Squarespace (former Google Domains)",
        patterns: ["ns-cloud-*.googledomains.com"],
        source:
            "Field notes (Google Cloud DNS ns-cloud-*.googledomains.com); support.squarespace.com: Google Domains registrations moved to Squarespace in 2023"
    )
    /// Azure DNS: `ns1-NN.azure-dns.{com,net,org,info}`.
    public static let azure = DNSHostProfile(
        id: .azure, name: "Azure DNS",
        patterns: ["ns#-#.azure-dns.com", "ns#-#.azure-dns.net", "ns#-#.azure-dns.org", "ns#-#.azure-dns.info"],
        source: "Field notes (Azure DNS name servers ns1-NN.azure-dns.{com,net,org,info})")
    /// DigitalOcean: `ns1.digitalocean.com`…; adds the zone to the host field.
    public static let digitalOcean = DNSHostProfile(
        id: .digitalOcean, name: "DigitalOcean", patterns: ["ns#.digitalocean.com"], appendsZone: true,
        source: "Field notes (ns{1,2,3}.digitalocean.com); DigitalOcean community (zone appended)")
    /// NS1: `*.nsone.net`.
    public static let ns1 = DNSHostProfile(
        id: .ns1, name: "NS1", patterns: ["*.nsone.net"], source: "Field notes (NS1 *.nsone.net)")
    /// DNSimple: `*.dnsimple.com`.
    public static let dnsimple = DNSHostProfile(
        id: .dnsimple, name: "DNSimple", patterns: ["*.dnsimple.com", "*.dnsimple-edge.net"], apex: "",
        source: "Field notes (DNSimple *.dnsimple.com); dnsimple-edge.net unsourced")
    /// Vercel: `*.vercel-dns.com`.
    public static let vercel = DNSHostProfile(
        id: .vercel, name: "Vercel", patterns: ["*.vercel-dns.com"], source: "Field notes (Vercel *.vercel-dns.com)")
    /// Hostinger: `*.dns-parking.com`.
    public static let hostinger = DNSHostProfile(
        id: .hostinger, name: "Hostinger", patterns: ["*.dns-parking.com"],
        source: "Field notes (Hostinger *.dns-parking.com)")
    /// IONOS: `nsNNNN.ui-dns.{com,de,org,biz}`.
    public static let ionos = DNSHostProfile(
        id: .ionos, name: "IONOS",
        patterns: ["ns#.ui-dns.com", "ns#.ui-dns.de", "ns#.ui-dns.org", "ns#.ui-dns.biz"],
        source: "IONOS help, name servers (ns1ZZZ.ui-dns.de, .biz, .org, .com): ionos.es/ayuda, ionos.it/aiuto")
    /// Porkbun: `*.ns.porkbun.com` (unsourced).
    public static let porkbun = DNSHostProfile(
        id: .porkbun, name: "Porkbun", patterns: ["*.ns.porkbun.com"], apex: "",
        source: "unsourced (Porkbun's default name servers as seen in zones: curitiba.ns.porkbun.com…)")
    /// Squarespace: no name-server pattern of its own was found; zones that came from Google
    /// Domains are recognised as ``google``. The row serves `--dns-host squarespace`.
    public static let squarespace = DNSHostProfile(
        id: .squarespace, name: "Squarespace", patterns: [],
        source:
            "unsourced pattern (Squarespace zones from Google Domains use ns-cloud-*.googledomains.com: see google)")

    /// The table, in the order rows are tried.
    public static let all: [DNSHostProfile] = [
        .cloudflare, .route53, .godaddy, .namecheap, .google, .azure, .digitalOcean, .ns1, .dnsimple, .vercel,
        .hostinger, .ionos, .porkbun, .squarespace,
    ]
}

/// The mistake a record's state comes from, where the preflight can name it: machine-readable,
/// beside the state, with ``PreflightReport/Record/detail`` saying it for people. An extensible
/// set of names — keep a `default:` branch when switching over it.
///
/// `zoneAppended` and `atApex` come with state `missing`, every other reason with `mismatch`;
/// an `ok` record has none, and a record can have none. A reason never changes what `ok` means.
///
/// ```swift
/// let report = try await DNSPreflight(lookup: DNSResolver.system()).check(domain)
/// for result in report.records where result.reason == .zoneAppended {
///     print("Type only \(result.enter?.host ?? "") in the host field")
/// }
/// ```
///
/// Encoded (and decoded) as its name, e.g. `"zoneAppended"`. Docs/DNSHosts.md says, for each,
/// what to tell the customer.
public struct PreflightReason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The reason's name, e.g. `"proxied"`: stable, and what `domains check --json` prints.
    public let rawValue: String

    /// A reason by name. Names this version does not know are kept as they are.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Missing at its name but present at `name.zone`: the DNS host added the zone to a full name
    /// typed in its host field (GoDaddy, Namecheap, DigitalOcean). State `missing`.
    public static let zoneAppended = PreflightReason(rawValue: "zoneAppended")
    /// A `CNAME` expected, and the name answers with addresses in Cloudflare's ranges while the
    /// target's own addresses are outside them: a proxied ("orange cloud") record. State `mismatch`.
    public static let proxied = PreflightReason(rawValue: "proxied")
    /// The TXT value published with literal quote characters or `\"` escapes in it. State `mismatch`.
    public static let quoted = PreflightReason(rawValue: "quoted")
    /// The published TXT value is a strict prefix of the expected one: a long value cut (a DKIM key
    /// over 255 bytes at a host that does not split it). State `mismatch`.
    public static let truncated = PreflightReason(rawValue: "truncated")
    /// An opaque token (a verification value) equal to the expected one once whitespace is
    /// ignored. Not for SPF, DMARC or DKIM, where whitespace is judged by their own rules.
    /// State `mismatch`.
    public static let whitespace = PreflightReason(rawValue: "whitespace")
    /// An `MX` with the right host and another priority. State `mismatch`.
    public static let priority = PreflightReason(rawValue: "priority")
    /// Missing at its name, and the expected value is published at the zone's apex instead (the
    /// MAIL FROM SPF record at `example.com` rather than `send.example.com`). State `missing`.
    public static let atApex = PreflightReason(rawValue: "atApex")

    /// The reasons this version knows.
    public static let allCases: [PreflightReason] = [
        .zoneAppended, .proxied, .quoted, .truncated, .whitespace, .priority, .atApex,
    ]

    /// The name.
    public var description: String { rawValue }

}

/// The state of one record: an extensible set of names (`ok`, `missing`, `mismatch`, `merge`,
/// `conflict`, `unknown`), so that a state added later does not break a `switch` — keep a
/// `default:` branch.
///
/// ```swift
/// let report = try await DNSPreflight(lookup: DNSResolver.system()).check(domain)
/// for result in report.records {
///     switch result.state {
///     case .ok: break
///     case .unknown: print("DNS could not say; check again")
///     default: print(result.detail)
///     }
/// }
/// ```
///
/// Encoded (and decoded) as its name, e.g. `"missing"`.
public struct PreflightState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The state's name, e.g. `"mismatch"`: stable, and what `domains check --json` prints.
    public let rawValue: String

    /// A state by name. Names this version does not know are kept as they are.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Published as expected (or, for SPF and DMARC, an existing record that already does the job).
    public static let ok = PreflightState(rawValue: "ok")
    /// `NXDOMAIN`, or no data of that type at the name.
    public static let missing = PreflightState(rawValue: "missing")
    /// Other data of that type at the name: a `CNAME` to another target, a different DKIM key.
    public static let mismatch = PreflightState(rawValue: "mismatch")
    /// The name already has one different SPF record: publish ``PreflightReport/Record/suggested``
    /// instead of adding a second one.
    public static let merge = PreflightState(rawValue: "merge")
    /// Something to fix before any record can work: two SPF or two DMARC records, a `CNAME`
    /// beside other data, or an SPF record (the merged one included) that receivers would
    /// treat as a permanent error (RFC 7208): more than 10 DNS lookups, more than 2 that find
    /// nothing, an include with no SPF record, a syntax error.
    public static let conflict = PreflightState(rawValue: "conflict")
    /// DNS could not say: a lookup failed after the resolver's retries (`SERVFAIL`, `REFUSED`,
    /// a timeout), for the record's own name or an SPF include's. No conclusion: check again.
    /// Waiting and watching never act on it.
    public static let unknown = PreflightState(rawValue: "unknown")

    /// The states this version knows, in the order above.
    public static let allCases: [PreflightState] = [.ok, .missing, .mismatch, .merge, .conflict, .unknown]

    /// The name.
    public var description: String { rawValue }

}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// Checks what the world's resolvers see of a domain's records before the provider is asked:
/// which record is missing, which differs, which SPF record must be merged rather than added,
/// and what must be fixed before any record can work.
///
/// Every record is looked up concurrently. TXT strings are joined before comparing; names
/// compare case-insensitively without trailing dots; `CNAME` chains are followed (at most 8
/// links) and a `CNAME` that the DNS host flattened counts when the name answers with the
/// target's data; `MX` compares host and preference.
///
/// ```swift
/// let preflight = try DNSPreflight(lookup: DNSResolver.system())
/// let report = try await preflight.check(domain)
/// if !report.ready {
///     for record in report.blocking { print(record.state, record.record.name, record.detail) }
/// }
/// ```
public struct DNSPreflight: Sendable {
    /// Where the lookups go.
    public var lookup: any DNSLookup
    /// The most `CNAME` links followed from a record's name.
    public var maximumCNAMEDepth: Int
    /// The SPF evaluation limit (RFC 7208 §4.6.4): 10 DNS-querying terms.
    public static let spfLookupLimit = 10
    /// How long a whole check may take, every lookup included (30 s by default; `nil` for no
    /// limit): see `check(_:domain:)`.
    public var deadline: Duration? = DNSPreflight.defaultDeadline
    /// The clock the deadline is measured on; tests inject a virtual one.
    public var timeSource: TimeSource = .system

    /// A check that asks `lookup`: a `DNSResolver` (the system's, given servers, DNS over
    /// HTTPS, or a zone's authoritative servers) or an in-memory `DNSZone`.
    public init(lookup: any DNSLookup, maximumCNAMEDepth: Int = 8) {
        self.lookup = lookup
        self.maximumCNAMEDepth = max(1, maximumCNAMEDepth)
    }

    /// Checks a domain's records as the provider reported them.
    ///
    /// - Throws: `SendingDomainsError`: `validation` when the
    ///   domain carries no records (call `getDomain(id:)` for them), and what `DNSLookup`
    ///   throws when DNS cannot be asked (a timeout, no reachable server, `SERVFAIL`).
    public func check(_ domain: SendingDomain) async throws(SendingDomainsError) -> PreflightReport {
        guard let records = domain.records else {
            throw SendingDomainsError(
                kind: .validation,
                message:
                    "The domain \(domain.name) carries no records (a list or verify response); get the domain first",
                provider: domain.provider, operation: "dnsPreflight")
        }
        return try await check(records, domain: domain.name)
    }

    /// Checks `records` of `domain`, each concurrently, without the deadline
    /// (`check(_:domain:)` in PreflightDeadline.swift adds it).
    func checkEach(_ records: [DNSRecord], domain: String) async throws(SendingDomainsError) -> PreflightReport {
        // Each (name, type) is asked once per report, however many records and SPF terms need it.
        let checker = Checker(lookup: ReportLookupCache(lookup), maximumDepth: maximumCNAMEDepth)
        let results: [PreflightReport.Record]
        do {
            results = try await withThrowingTaskGroup(of: (Int, PreflightReport.Record).self) { group in
                for (index, record) in records.enumerated() {
                    group.addTask { (index, try await checker.check(record)) }
                }
                var out = [PreflightReport.Record?](repeating: nil, count: records.count)
                for try await (index, result) in group { out[index] = result }
                return out.compactMap { $0 }
            }
        } catch {
            throw SendingDomainsError.wrapping(error, provider: nil, operation: "dnsPreflight")
        }
        return PreflightReport(domain: DNSName.normalized(domain), records: results, resolver: lookup.description)
    }
}

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
/// target's data; `MX` compares host and preference. The customer's DNS host is detected beside
/// the lookups (``PreflightReport/dnsHost``), a record that is not `ok` is probed for the mistake
/// behind it (``PreflightReport/Record/reason``), and every record says what to type at the host
/// (``PreflightReport/Record/enter``). A record whose lookups fail is `unknown`; the others are
/// checked all the same.
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
    /// The customer's DNS host, when known (`domains records --dns-host ID`): no detection is
    /// made, and every record's ``PreflightReport/Record/enter`` is for this host.
    public var dnsHost: DNSHost?
    /// Whether a check without ``dnsHost`` looks the host up: the zone through its `SOA`, then
    /// its `NS` records — two queries per report (`true` by default). A failed detection is a
    /// host ``DNSHost/ID/unknown`` whose zone is the domain; the report is made all the same.
    public var detectsHost = true

    /// A check that asks `lookup`: a `DNSResolver` (the system's, given servers, DNS over
    /// HTTPS, or a zone's authoritative servers) or an in-memory `DNSZone`.
    public init(lookup: any DNSLookup, maximumCNAMEDepth: Int = 8) {
        self.lookup = lookup
        self.maximumCNAMEDepth = max(1, maximumCNAMEDepth)
    }

    /// Checks a domain's records as the provider reported them.
    ///
    /// - Throws: `SendingDomainsError`: `validation` when the
    ///   domain carries no records (call `getDomain(id:)` for them), and what
    ///   `check(_:domain:)` throws. A record whose lookups fail (a timeout, no reachable
    ///   server, `SERVFAIL`) is `unknown` in the report instead.
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
    ///
    /// The host is detected beside the records' own lookups; a record that is not `ok` is then
    /// probed for the mistake behind it (``PreflightReason``), which needs the zone. A record
    /// whose lookups fail (after the resolver's retries) is `unknown`; the others are checked all
    /// the same.
    func checkEach(_ records: [DNSRecord], domain: String) async throws(SendingDomainsError) -> PreflightReport {
        // Each (name, type) is asked once per report, however many records and SPF terms need it.
        let cache = ReportLookupCache(lookup)
        let checker = Checker(lookup: cache, maximumDepth: maximumCNAMEDepth)
        let name = DNSName.normalized(domain)
        let chosen = dnsHost
        let detects = detectsHost
        let hostTask = Task { () -> DNSHost in
            if let chosen { return chosen }
            guard detects else { return .unknown(zone: name) }
            do {
                return try await DNSHost.detect(name, lookup: cache)
            } catch {
                return .unknown(zone: name)
            }
        }
        let results: [PreflightReport.Record]
        let host: DNSHost
        do {
            results = try await withTaskCancellationHandler {
                let checked = try await Self.each(records) { record throws(SendingDomainsError) in
                    try await checker.checkOrUnknown(record)
                }
                let host = await hostTask.value
                return try await Self.each(checked) { result throws(SendingDomainsError) in
                    var result = result
                    if result.state != .ok && result.state != .unknown {
                        result = await checker.diagnose(result, host: host)
                    }
                    result.enter = host.entry(for: result.record, value: result.suggested)
                    return result
                }
            } onCancel: {
                hostTask.cancel()
            }
            host = await hostTask.value
        } catch {
            throw SendingDomainsError.wrapping(error, provider: nil, operation: "dnsPreflight")
        }
        return PreflightReport(domain: name, records: results, resolver: lookup.description, dnsHost: host)
    }

    /// `transform` applied to each element concurrently, the results in order.
    private static func each<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) async throws(SendingDomainsError) -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            for (index, element) in elements.enumerated() {
                group.addTask { (index, try await transform(element)) }
            }
            var out = [Result?](repeating: nil, count: elements.count)
            for try await (index, result) in group { out[index] = result }
            return out.compactMap { $0 }
        }
    }
}

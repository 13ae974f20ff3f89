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

/// What a ``DNSPreflight`` found: a state per record, and whether every required record is in
/// place.
public struct PreflightReport: Sendable, Hashable, Encodable {
    /// The domain, lower-cased, without a trailing dot.
    public var domain: String
    /// One entry per record checked, in the order given.
    public var records: [Record]
    /// Who answered the queries (see Docs/Preflight.md on privacy).
    public var resolver: String

    /// A report.
    public init(domain: String, records: [Record], resolver: String) {
        self.domain = domain
        self.records = records
        self.resolver = resolver
    }

    /// Whether every required record is in place (`ok`). A `conflict` on a record that is not
    /// required still counts: it breaks the others (two SPF records, too many SPF lookups).
    public var ready: Bool { blocking.isEmpty }

    /// The records that keep the domain from verifying: required ones not `ok`, and every
    /// `conflict`.
    public var blocking: [Record] {
        records.filter { ($0.record.required && $0.state != .ok) || $0.state == .conflict }
    }

    /// One record's result.
    public struct Record: Sendable, Hashable, Encodable {
        /// The record expected, as the provider gave it.
        public var record: DNSRecord
        /// What was found.
        public var state: PreflightState
        /// The values found at the name for the record's type (TXT strings joined; `MX` as
        /// `"10 host"`; a `CNAME`'s target).
        public var observed: [String]
        /// The record to publish instead, where one can be computed (a merged SPF record).
        public var suggested: String?
        /// What was found and what to change at the DNS host, in a sentence.
        public var detail: String
        /// For an SPF record, what the record to publish costs receivers (the merged record
        /// where one is suggested, the existing one where it already does the job, the
        /// provider's where none is published); `nil` for other records.
        public var spf: SPFEvaluation?

        /// A result.
        public init(
            record: DNSRecord, state: PreflightState, observed: [String] = [], suggested: String? = nil,
            detail: String, spf: SPFEvaluation? = nil
        ) {
            self.record = record
            self.state = state
            self.observed = observed
            self.suggested = suggested
            self.detail = detail
            self.spf = spf
        }

        private enum CodingKeys: String, CodingKey {
            case type, name, expected, required, state, observed, suggested, detail, spf
        }

        /// `{"type", "name", "expected", "required", "state", "observed", "suggested"?, "detail",
        /// "spf": {…} | null}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(record.type.rawValue, forKey: .type)
            try container.encode(record.name, forKey: .name)
            try container.encode(record.answerValue, forKey: .expected)
            try container.encode(record.required, forKey: .required)
            try container.encode(state.rawValue, forKey: .state)
            try container.encode(observed, forKey: .observed)
            try container.encodeIfPresent(suggested, forKey: .suggested)
            try container.encode(detail, forKey: .detail)
            if let spf {
                try container.encode(spf, forKey: .spf)
            } else {
                try container.encodeNil(forKey: .spf)
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case domain, ready, records
    }

    /// `{"domain", "ready", "records": […]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(domain, forKey: .domain)
        try container.encode(ready, forKey: .ready)
        try container.encode(records, forKey: .records)
    }

}

/// The state of one record.
public enum PreflightState: String, Sendable, Hashable, CaseIterable, Encodable {
    /// Published as expected (or, for SPF and DMARC, an existing record that already does the job).
    case ok
    /// `NXDOMAIN`, or no data of that type at the name.
    case missing
    /// Other data of that type at the name: a `CNAME` to another target, a different DKIM key.
    case mismatch
    /// The name already has one different SPF record: publish ``PreflightReport/Record/suggested``
    /// instead of adding a second one.
    case merge
    /// Something to fix before any record can work: two SPF or two DMARC records, a `CNAME`
    /// beside other data, or an SPF record (the merged one included) that receivers would
    /// treat as a permanent error (RFC 7208): more than 10 DNS lookups, more than 2 that find
    /// nothing, an include with no SPF record, a syntax error.
    case conflict
    /// DNS failed while the record was judged (a `SERVFAIL` or a timeout at an SPF include's
    /// name): no conclusion, check again.
    case unknown
}

// MARK: - The checks

/// The per-record logic; one instance serves a whole report.
struct Checker: Sendable {
    let lookup: any DNSLookup
    let maximumDepth: Int

    func check(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        switch record.type {
        case .txt:
            if SPF.isSPF(record.value) { return try await checkSPF(record) }
            if record.name.hasPrefix("_dmarc.") || record.value.lowercased().hasPrefix("v=dmarc1") {
                return try await checkDMARC(record)
            }
            return try await checkTXT(record)
        case .cname: return try await checkCNAME(record)
        case .mx: return try await checkMX(record)
        case .a, .aaaa: return try await checkAddress(record)
        default:
            return .init(
                record: record, state: .missing,
                detail: "\(record.type.rawValue) records cannot be checked by the SDK; check \(record.name) by hand")
        }
    }

    /// The records of `type` at the end of `name`'s `CNAME` chain (at most `maximumDepth` links),
    /// the chain, and the answer's code.
    func resolve(
        _ name: String, _ type: DNSRecordType
    ) async throws(SendingDomainsError) -> (records: [DNSResourceRecord], chain: [String], code: DNSResponseCode) {
        let start = DNSName.normalized(name)
        var current = start
        var chain: [String] = []
        var code = DNSResponseCode.noError
        while chain.count < maximumDepth {
            let answer = try await lookup.query(current, type: type)
            code = answer.responseCode
            // Walk the chain as far as this answer goes.
            var steps = 0
            while chain.count < maximumDepth {
                let here = answer.records.filter { $0.name == current }
                let matching = here.filter { $0.type == type }
                // An NXDOMAIN answer's records are never taken as published (see
                // `publishedRecords`), whatever a lookup sent beside the code.
                if !matching.isEmpty { return (Self.publishedRecords(matching, type, code), chain, code) }
                guard type != .cname, let alias = here.first(where: { $0.type == .cname }),
                    case .name(let target) = alias.data, target != start, !chain.contains(target)
                else { break }
                chain.append(target)
                current = target
                steps += 1
            }
            // Nothing more in this answer: done, unless it stopped at an alias whose target it
            // did not include, which is asked for next.
            if steps == 0 { return ([], chain, code) }
        }
        return ([], chain, code)
    }

    // MARK: TXT

    func checkTXT(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, .txt)
        let observed = records.map(\.data.value)
        let expected = Self.normalizedTXT(record.value)
        let isDKIM = record.purpose == .dkim || record.name.contains("._domainkey.")
        if observed.contains(where: {
            Self.normalizedTXT($0) == expected || (isDKIM && DKIMKey.isSameKey($0, as: record.value))
        }) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if observed.isEmpty {
            return .init(
                record: record, state: .missing,
                detail: missingDetail(record, code))
        }
        // The same kind of record with another value (a DKIM key, a verification token of the
        // same provider) is a mismatch; unrelated TXT records at the name are not.
        let kind = Self.kind(of: record.value)
        let sameKind = observed.filter { Self.kind(of: $0) == kind && kind != nil }
        if !sameKind.isEmpty || record.name.contains("._domainkey.") {
            return .init(
                record: record, state: .mismatch, observed: observed,
                detail:
                    "\(record.name) has another \(kind ?? "TXT") value; replace it with the expected one (a DKIM key must be copied whole: spaces inside it do not matter, missing or changed characters do)"
            )
        }
        return .init(
            record: record, state: .missing, observed: observed,
            detail: "\(record.name) has other TXT records but not this one; add it beside them")
    }

    /// Whitespace around `;` and runs of whitespace do not matter (DKIM tag lists).
    static func normalizedTXT(_ value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\""), text.hasSuffix("\""), let strings = DNSZone.quotedStrings(text) {
            text = strings.joined()
        }
        let parts = text.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        var joined = parts.joined(separator: ";")
        while joined.hasSuffix(";") { joined.removeLast() }
        return joined
    }

    /// What a TXT value is: `v=DKIM1`, `google-site-verification`, `amazonses`… — the part
    /// before its first `=` or `:`; `nil` for a value without one.
    static func kind(of value: String) -> String? {
        let lower = value.lowercased().trimmingCharacters(in: .whitespaces)
        if lower.hasPrefix("v=") { return String(lower.prefix { $0 != ";" && $0 != " " }) }
        if lower.hasPrefix("k=") || lower.hasPrefix("p=") { return "v=dkim1" }
        guard let separator = lower.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        return String(lower[..<separator])
    }

    func missingDetail(_ record: DNSRecord, _ code: DNSResponseCode) -> String {
        let what =
            code == .nameError
            ? "\(record.name) does not exist (NXDOMAIN)" : "\(record.name) has no \(record.type.rawValue) record"
        return "\(what); add \(record.type.rawValue) \(record.relativeName) with the expected value at the DNS host. "
            + "A record published moments ago may look missing until resolvers' negative cache expires."
    }

    // MARK: CNAME

    func checkCNAME(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let name = DNSName.normalized(record.name)
        let target = DNSName.normalized(record.value)
        let answer = try await lookup.query(name, type: .cname)
        let aliases = answer.records.filter { $0.name == name && $0.type == .cname }.map(\.data.value)
        if let alias = aliases.first {
            // A CNAME must stand alone at its name (RFC 1034 §3.6.2).
            for type in [DNSRecordType.txt, .a] {
                let other = try await lookup.query(name, type: type)
                if other.records.contains(where: { $0.name == name && $0.type != .cname }) {
                    return .init(
                        record: record, state: .conflict, observed: aliases,
                        detail:
                            "\(name) has a CNAME beside \(type.rawValue) data; a CNAME must be alone at its name. Remove the other records."
                    )
                }
            }
            if alias == target {
                return .init(record: record, state: .ok, observed: aliases, detail: "Published.")
            }
            return .init(
                record: record, state: .mismatch, observed: aliases,
                detail: "\(name) is an alias of \(alias), not \(target); change the CNAME's target.")
        }
        if answer.responseCode == .nameError {
            return .init(record: record, state: .missing, detail: missingDetail(record, answer.responseCode))
        }
        // No CNAME: a DNS host may flatten it, answering with the target's data.
        var present: [String] = []
        for type in [DNSRecordType.txt, .a, .aaaa, .mx] {
            let here = try await lookup.query(name, type: type).records.filter { $0.type == type }.map(\.data.value)
            guard !here.isEmpty else { continue }
            present.append(contentsOf: here)
            let there = try await resolve(target, type).records.map(\.data.value)
            if Set(here) == Set(there) {
                return .init(
                    record: record, state: .ok, observed: here,
                    detail:
                        "\(name) answers with \(target)'s \(type.rawValue) data: the DNS host flattened the CNAME, which works while the target's data stays the same."
                )
            }
        }
        if !present.isEmpty {
            return .init(
                record: record, state: .conflict, observed: present,
                detail:
                    "\(name) already has other records, and a CNAME cannot be added beside them. Remove them, then add CNAME \(record.relativeName) → \(target)."
            )
        }
        return .init(record: record, state: .missing, detail: missingDetail(record, answer.responseCode))
    }

    // MARK: MX and addresses

    func checkMX(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        var host = DNSName.normalized(record.value)
        var preference = record.priority.map { UInt16(clamping: $0) }
        let parts = record.value.split(separator: " ")
        if parts.count == 2, let value = UInt16(parts[0]) {
            preference = value
            host = DNSName.normalized(String(parts[1]))
        }
        let (records, _, code) = try await resolve(record.name, .mx)
        let observed = records.map(\.data.value)
        let hosts = records.compactMap { record -> (UInt16, String)? in
            if case .mailExchange(let preference, let exchange) = record.data { return (preference, exchange) }
            return nil
        }
        if hosts.contains(where: { $0.1 == host && (preference == nil || $0.0 == preference) }) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if let same = hosts.first(where: { $0.1 == host }) {
            return .init(
                record: record, state: .mismatch, observed: observed,
                detail:
                    "\(record.name) points at \(host) with preference \(same.0), not \(preference ?? 10); change the preference."
            )
        }
        if hosts.isEmpty {
            return .init(record: record, state: .missing, observed: observed, detail: missingDetail(record, code))
        }
        return .init(
            record: record, state: .mismatch, observed: observed,
            detail:
                "\(record.name)'s mail goes to \(hosts.map(\.1).joined(separator: ", ")), not \(host); add or change the MX record."
        )
    }

    func checkAddress(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, record.type)
        let observed = records.map(\.data.value)
        if observed.contains(record.value.lowercased()) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if observed.isEmpty {
            return .init(record: record, state: .missing, detail: missingDetail(record, code))
        }
        return .init(
            record: record, state: .mismatch, observed: observed,
            detail: "\(record.name) has other addresses; change them to \(record.value).")
    }
}

// MARK: - SPF (RFC 7208)

enum SPF {
    static func isSPF(_ value: String) -> Bool {
        let lower = value.lowercased().trimmingCharacters(in: .whitespaces)
        return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
    }

    static func terms(_ value: String) -> [String] {
        Array(value.split(whereSeparator: \.isWhitespace).dropFirst().map(String.init))
    }

    static func normalized(_ value: String) -> String {
        value.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A term without its qualifier, lower-cased: `~all` → `all`.
    static func bare(_ term: String) -> String {
        var term = term.lowercased()
        if let first = term.first, "+-~?".contains(first) { term.removeFirst() }
        return term
    }

    /// The provider's mechanisms that `existing` lacks.
    static func missingTerms(existing: String, provider: String) -> [String] {
        let present = Set(terms(existing).map(bare))
        return terms(provider).filter { term in
            let bare = self.bare(term)
            return bare != "all" && !bare.hasPrefix("redirect=") && !bare.hasPrefix("exp=") && !present.contains(bare)
        }
    }

    /// The existing record with the provider's mechanisms added before its `all` (or its
    /// `redirect=`), duplicates dropped, the existing `all` qualifier kept. A `redirect=` beside
    /// an `all` is dropped: receivers never reach it (RFC 7208 §6.1).
    static func merge(existing: String, provider: String) -> String {
        var terms = self.terms(existing)
        if terms.contains(where: { bare($0) == "all" }) { terms.removeAll { bare($0).hasPrefix("redirect=") } }
        let added = missingTerms(existing: existing, provider: provider)
        let insertAt =
            terms.firstIndex { bare($0) == "all" } ?? terms.firstIndex { bare($0).hasPrefix("redirect=") }
            ?? terms.count
        terms.insert(contentsOf: added, at: insertAt)
        let hasEnd = terms.contains { bare($0) == "all" || bare($0).hasPrefix("redirect=") }
        if !hasEnd, let all = self.terms(provider).first(where: { bare($0) == "all" }) { terms.append(all) }
        return (["v=spf1"] + terms).joined(separator: " ")
    }
}

extension DNSZone {
    /// Publishes `records` as a customer would at their DNS host: TXT values longer than 255
    /// bytes split into several strings, `MX` with its preference, `CNAME` to its target.
    ///
    /// ```swift
    /// var zone = DNSZone()
    /// zone.publish(domain.records ?? [])
    /// let report = try await DNSPreflight(lookup: zone).check(domain)
    /// assert(report.ready)
    /// ```
    public mutating func publish(_ records: [DNSRecord]) {
        for record in records {
            add(record.name, record.type, record.answerValue)
        }
    }
}

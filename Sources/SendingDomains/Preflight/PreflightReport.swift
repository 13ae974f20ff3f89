import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// What a ``DNSPreflight`` found: a state per record, and whether every required record is in
/// place.
public struct PreflightReport: Sendable, Hashable, Encodable {
    /// The domain, lower-cased, without a trailing dot.
    public var domain: String
    /// One entry per record checked, in the order given.
    public var records: [Record]
    /// Who answered the queries (see Docs/Preflight.md on privacy).
    public var resolver: String
    /// The customer's DNS host and the zone that holds the domain (``DNSHost/ID/unknown`` when
    /// not recognised or not looked up); `nil` in a report made without one.
    public var dnsHost: DNSHost?

    /// A report.
    public init(domain: String, records: [Record], resolver: String, dnsHost: DNSHost? = nil) {
        self.domain = domain
        self.records = records
        self.resolver = resolver
        self.dnsHost = dnsHost
    }

    /// Whether every required record is in place (`ok`). A `conflict` on a record that is not
    /// required still counts: it breaks the others (two SPF records, too many SPF lookups).
    public var ready: Bool { blocking.isEmpty }

    /// The records that keep the domain from verifying: required ones not `ok`, and every
    /// `conflict`. A required `unknown` record is among them: it is not known to be in place.
    public var blocking: [Record] {
        records.filter { ($0.record.required && $0.state != .ok) || $0.state == .conflict }
    }

    /// Whether the report is a conclusion: no blocking record is `unknown`, or some blocking
    /// record is known to be wrong. `false` when nothing is known to be wrong but DNS could not
    /// say for a required record — check again rather than tell the customer to change anything.
    public var isConclusive: Bool {
        let blocking = self.blocking
        return blocking.isEmpty || blocking.contains { $0.state != .unknown }
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
        /// The mistake the state comes from, where it can be named (``PreflightReason``); `nil`
        /// for an `ok` record and where no known mistake explains the state.
        public var reason: PreflightReason?
        /// What to type at the report's DNS host (the suggested record's value where there is
        /// one); `nil` in a report made without a host.
        public var enter: EntryInstruction?

        /// A result.
        public init(
            record: DNSRecord, state: PreflightState, observed: [String] = [], suggested: String? = nil,
            detail: String, spf: SPFEvaluation? = nil, reason: PreflightReason? = nil, enter: EntryInstruction? = nil
        ) {
            self.record = record
            self.state = state
            self.observed = observed
            self.suggested = suggested
            self.detail = detail
            self.spf = spf
            self.reason = reason
            self.enter = enter
        }

        private enum CodingKeys: String, CodingKey {
            case type, name, expected, required, state, observed, suggested, detail, spf, reason, enter
        }

        /// `{"type", "name", "expected", "required", "state", "observed", "suggested"?, "detail",
        /// "spf": {…} | null, "reason": "…" | null, "enter": {…} | null}`.
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
            if let reason {
                try container.encode(reason.rawValue, forKey: .reason)
            } else {
                try container.encodeNil(forKey: .reason)
            }
            if let enter {
                try container.encode(enter, forKey: .enter)
            } else {
                try container.encodeNil(forKey: .enter)
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case domain, ready, records, dnsHost
    }

    /// `{"domain", "ready", "dnsHost": {…} | null, "records": […]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(domain, forKey: .domain)
        try container.encode(ready, forKey: .ready)
        if let dnsHost {
            try container.encode(dnsHost, forKey: .dnsHost)
        } else {
            try container.encodeNil(forKey: .dnsHost)
        }
        try container.encode(records, forKey: .records)
    }
}

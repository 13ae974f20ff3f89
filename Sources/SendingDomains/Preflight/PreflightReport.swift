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

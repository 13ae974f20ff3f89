import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// Something that changed with a domain, whoever noticed: a ``DomainWatcher`` polling the
/// provider (and DNS), or the provider itself by webhook (AhaSend's `domain.dns_error`).
///
/// ```swift
/// func handle(_ event: DomainEvent) {
///     let change = event.change
///     switch change.kind {
///     case .verified: print("\(event.domainName) can send")
///     case .failed, .dnsError: print("\(event.domainName) needs its DNS fixed")
///     case .statusChanged: print("\(event.domainName): \(change.from.map { "\($0)" } ?? "?") → \(change.to.map { "\($0)" } ?? "?")")
///     case .recordChanged: if let record = change.record { print(record.record.name, record.from ?? "?", "→", record.to) }
///     case .checkFailed: print("cannot check \(event.domainID): \(change.error?.kind.rawValue ?? "?")")
///     case .checkRecovered: print("checking \(event.domainID) works again")
///     default: print("\(event.domainName): \(change)")
///     }
/// }
/// ```
public struct DomainEvent: Sendable, Hashable {
    /// What changed: a ``Kind`` and the details that kind carries.
    ///
    /// Extensible, as `SendingDomainsError.Kind` is: a later version may add kinds of change
    /// without breaking a `switch` over ``kind`` (give it a `default:`). Make one with the
    /// static members (`.verified`, `.statusChanged(from:to:)`, …).
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        /// The kind of change.
        public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
            /// The kind's name, e.g. `"statusChanged"`: stable, and what the `domains` CLI's JSON
            /// events carry as `change`.
            public let rawValue: String

            /// A kind by name; names this version does not know are kept as they are.
            public init(rawValue: String) {
                self.rawValue = rawValue
            }

            /// The domain became verified: it can send.
            public static let verified = Kind(rawValue: "verified")
            /// Verification failed, or a verified domain stopped passing.
            public static let failed = Kind(rawValue: "failed")
            /// Another status change (`pending` → `verifying`, …): see ``Change/from`` and
            /// ``Change/to``.
            public static let statusChanged = Kind(rawValue: "statusChanged")
            /// A record's state changed, as the provider reports it per record or as the DNS
            /// preflight sees it: see ``Change/record``.
            public static let recordChanged = Kind(rawValue: "recordChanged")
            /// The provider reported DNS problems that will stop sending (AhaSend's
            /// `domain.dns_error` webhook): see ``Change/dnsErrorReport``.
            public static let dnsError = Kind(rawValue: "dnsError")
            /// The watcher could not check the domain (a revoked key, a provider outage after the
            /// retries, a check past its deadline): reported once per outage, with the first
            /// error in ``Change/error``.
            public static let checkFailed = Kind(rawValue: "checkFailed")
            /// A check worked again after a ``checkFailed``.
            public static let checkRecovered = Kind(rawValue: "checkRecovered")

            /// The name.
            public var description: String { rawValue }
        }

        /// The kind of change.
        public var kind: Kind
        /// For ``Kind/statusChanged``: the status before, `nil` when unknown.
        public var from: DomainStatus?
        /// For ``Kind/statusChanged``: the status now.
        public var to: DomainStatus?
        /// For ``Kind/recordChanged``: the record and its states.
        public var record: RecordChange?
        /// For ``Kind/dnsError``: what the provider's report says.
        public var dnsErrorReport: DNSErrorReport?
        /// For ``Kind/checkFailed``: the first error of the outage.
        public var error: SendingDomainsError?

        /// A change of `kind` with the details it carries.
        public init(
            kind: Kind, from: DomainStatus? = nil, to: DomainStatus? = nil, record: RecordChange? = nil,
            dnsErrorReport: DNSErrorReport? = nil, error: SendingDomainsError? = nil
        ) {
            self.kind = kind
            self.from = from
            self.to = to
            self.record = record
            self.dnsErrorReport = dnsErrorReport
            self.error = error
        }

        /// The domain became verified.
        public static let verified = Change(kind: .verified)
        /// Verification failed, or a verified domain stopped passing.
        public static let failed = Change(kind: .failed)
        /// A check worked again after a failed one.
        public static let checkRecovered = Change(kind: .checkRecovered)

        /// Another status change; `from` is `nil` when unknown.
        public static func statusChanged(from: DomainStatus?, to: DomainStatus) -> Change {
            Change(kind: .statusChanged, from: from, to: to)
        }

        /// A record's state changed.
        public static func recordChanged(_ change: RecordChange) -> Change {
            Change(kind: .recordChanged, record: change)
        }

        /// The provider reported DNS problems.
        public static func dnsError(_ report: DNSErrorReport) -> Change {
            Change(kind: .dnsError, dnsErrorReport: report)
        }

        /// The watcher could not check the domain.
        public static func checkFailed(_ error: SendingDomainsError) -> Change {
            Change(kind: .checkFailed, error: error)
        }

        /// The kind, with its details: `statusChanged(pending → verifying)`.
        public var description: String {
            switch kind {
            case .statusChanged: "statusChanged(\(from.map(\.description) ?? "?") → \(to?.description ?? "?"))"
            case .recordChanged:
                "recordChanged(\(record?.record.name ?? "?"): \(record?.from ?? "?") → \(record?.to ?? "?"))"
            case .checkFailed: "checkFailed(\(error?.kind.rawValue ?? "?"))"
            default: kind.rawValue
            }
        }
    }

    /// The event's id, to drop repeats: the same change has the same id whoever reports it
    /// (`"ahasend/example.com#7"`: provider, domain id, and the domain's event sequence number
    /// kept in the ``WatchSnapshot``; a webhook's events carry the delivery's id).
    public var id: String

    /// The provider.
    public var provider: ProviderID
    /// The domain's id at the provider (the name at AhaSend).
    public var domainID: String
    /// The domain's name; empty when a check failed before the name was known.
    public var domainName: String
    /// What changed.
    public var change: Change
    /// When the change was observed (or, for a webhook, when the provider checked).
    public var observedAt: Date
    /// The domain as the check that noticed the change returned it; `nil` for a webhook.
    public var domain: SendingDomain?

    /// An event; without an `id`, one made of the provider, the domain id and `observedAt`.
    public init(
        provider: ProviderID, domainID: String, domainName: String, change: Change, observedAt: Date,
        domain: SendingDomain? = nil, id: String? = nil
    ) {
        self.id = id ?? "\(provider.rawValue)/\(domainID)@\(observedAt.timeIntervalSince1970)"
        self.provider = provider
        self.domainID = domainID
        self.domainName = domainName
        self.change = change
        self.observedAt = observedAt
        self.domain = domain
    }

    /// The event an AhaSend webhook delivery means, or `nil` for a delivery that is not about a
    /// domain (`message.*`, `suppression.*`, …).
    ///
    /// ```swift
    /// let verifier = AhaSend.WebhookVerifier(secret: Secret("whsec_from_ahasend"))
    /// let body = Data()
    /// if let event = try? verifier.verify(body: body, headers: ["webhook-id": "msg_1"]), let change = DomainEvent(event) {
    ///     print(change.domainName, change.change)
    /// }
    /// ```
    public init?(_ webhook: AhaSend.WebhookEvent) {
        guard case .domainDNSError(let error) = webhook.payload else { return nil }
        self.init(
            provider: .ahaSend, domainID: error.domain, domainName: error.domain,
            change: .dnsError(
                DNSErrorReport(
                    spfValid: error.spfValid, dkimValid: error.dkimValid, dmarcValid: error.dmarcValid,
                    checkedAt: error.dnsLastCheckedAt)),
            observedAt: error.dnsLastCheckedAt ?? webhook.timestamp ?? webhook.deliveredAt,
            id: "ahasend/\(error.domain)#webhook:\(webhook.id)")
    }
}

/// A record whose state changed.
public struct RecordChange: Sendable, Hashable {
    /// Who saw the change.
    ///
    /// Extensible, as `SendingDomainsError.Kind` is: give a `switch` over it a `default:`.
    public struct Source: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The source's name, e.g. `"dns"`.
        public let rawValue: String

        /// A source by name; names this version does not know are kept as they are.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The provider's per-record status (`verified`, `pending`, `failed`).
        public static let provider = Source(rawValue: "provider")
        /// The DNS preflight's state (`ok`, `missing`, `mismatch`, `merge`, `conflict`, `unknown`).
        public static let dns = Source(rawValue: "dns")

        /// The name.
        public var description: String { rawValue }
    }

    /// The record.
    public var record: DNSRecord
    /// Who saw it.
    public var source: Source
    /// The state before; `nil` when unknown.
    public var from: String?
    /// The state now.
    public var to: String

    /// A change.
    public init(record: DNSRecord, source: Source, from: String?, to: String) {
        self.record = record
        self.source = source
        self.from = from
        self.to = to
    }
}

/// What a provider's DNS-error report says (`nil` where it says nothing).
public struct DNSErrorReport: Sendable, Hashable {
    /// Whether SPF passed.
    public var spfValid: Bool?
    /// Whether DKIM passed.
    public var dkimValid: Bool?
    /// Whether DMARC passed.
    public var dmarcValid: Bool?
    /// When the provider checked.
    public var checkedAt: Date?

    /// A report.
    public init(spfValid: Bool? = nil, dkimValid: Bool? = nil, dmarcValid: Bool? = nil, checkedAt: Date? = nil) {
        self.spfValid = spfValid
        self.dkimValid = dkimValid
        self.dmarcValid = dmarcValid
        self.checkedAt = checkedAt
    }
}

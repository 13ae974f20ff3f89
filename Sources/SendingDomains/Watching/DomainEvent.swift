import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// Something that changed with a domain, whoever noticed: a ``DomainWatcher`` polling the
/// provider (and DNS), or the provider itself by webhook (AhaSend's `domain.dns_error`).
///
/// ```swift
/// func handle(_ event: DomainEvent) {
///     switch event.change {
///     case .verified: print("\(event.domainName) can send")
///     case .failed, .dnsError: print("\(event.domainName) needs its DNS fixed")
///     case .statusChanged(let from, let to): print("\(event.domainName): \(from.map { "\($0)" } ?? "?") → \(to)")
///     case .recordChanged(let change): print(change.record.name, change.from ?? "?", "→", change.to)
///     case .checkFailed(let error): print("cannot check \(event.domainID): \(error.kind)")
///     case .checkRecovered: print("checking \(event.domainID) works again")
///     }
/// }
/// ```
public struct DomainEvent: Sendable, Hashable {
    /// What changed.
    public enum Change: Sendable, Hashable {
        /// The domain became verified: it can send.
        case verified
        /// Verification failed, or a verified domain stopped passing.
        case failed
        /// Another status change (`pending` → `verifying`, …); `from` is `nil` when unknown.
        case statusChanged(from: DomainStatus?, to: DomainStatus)
        /// A record's state changed, as the provider reports it per record or as the DNS
        /// preflight sees it.
        case recordChanged(RecordChange)
        /// The provider reported DNS problems that will stop sending (AhaSend's
        /// `domain.dns_error` webhook).
        case dnsError(DNSErrorReport)
        /// The watcher could not check the domain (a revoked key, a provider outage after the
        /// retries, a check past its deadline): reported once per outage, with the first error.
        case checkFailed(SendingDomainsError)
        /// A check worked again after ``checkFailed(_:)``.
        case checkRecovered
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
    public enum Source: String, Sendable, Hashable, Codable {
        /// The provider's per-record status (`verified`, `pending`, `failed`).
        case provider
        /// The DNS preflight's state (`ok`, `missing`, `mismatch`, `merge`, `conflict`).
        case dns
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

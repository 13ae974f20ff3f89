import AhaSendClient
import AutoSendClient
import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendKitClient

/// A sending domain, normalised across providers.
///
/// ``id`` is what later calls take: AhaSend's is the domain name, AutoSend's 24 hex
/// characters, Krafter's and SendKit's UUIDs, Cllavio's the domain name (it has no later calls).
/// What the unified model cannot say is in ``providerDomain``.
public struct SendingDomain: Sendable, Hashable {
    /// The id to pass to get, verify and delete.
    public var id: String
    /// The domain name.
    public var name: String
    /// The provider.
    public var provider: ProviderID
    /// The verification status, mapped from the provider's status or flags.
    public var status: DomainStatus
    /// The DNS records to publish, or `nil` when the provider's response carries none
    /// (Krafter's list and verify responses, an AutoSend domain listed without its records):
    /// call ``DomainProvisioning/getDomain(id:)`` for them. An empty array means the provider
    /// said there are no records.
    public var records: [DNSRecord]?
    /// When the domain was created, if the provider says.
    public var createdAt: Date?
    /// When it was last updated, if the provider says.
    public var updatedAt: Date?
    /// When it was verified, if the provider says.
    public var verifiedAt: Date?
    /// When the provider last checked its DNS, if it says.
    public var lastCheckedAt: Date?
    /// The provider's own model.
    public var providerDomain: ProviderDomain

    /// Creates a normalised domain.
    public init(
        id: String, name: String, provider: ProviderID, status: DomainStatus, records: [DNSRecord]?,
        createdAt: Date? = nil, updatedAt: Date? = nil, verifiedAt: Date? = nil, lastCheckedAt: Date? = nil,
        providerDomain: ProviderDomain
    ) {
        self.id = id
        self.name = name
        self.provider = provider
        self.status = status
        self.records = records
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.verifiedAt = verifiedAt
        self.lastCheckedAt = lastCheckedAt
        self.providerDomain = providerDomain
    }
}

/// A provider's own domain model, for what the unified ``SendingDomain`` cannot say.
///
/// One optional property per provider (set for ``provider``), rather than an enum with a case
/// per provider, so that a provider added later breaks no `switch`.
///
/// ```swift
/// if let raw = domain.providerDomain.ahaSend {
///     print(raw.rotationReady ?? false)
/// }
/// ```
public struct ProviderDomain: Sendable, Hashable {
    /// The provider whose model this is.
    public let provider: ProviderID
    /// The SendKit domain, when ``provider`` is SendKit.
    public let sendKit: SendKit.Domain?
    /// The AutoSend domain, when ``provider`` is AutoSend.
    public let autoSend: AutoSend.Domain?
    /// AutoSend's verify flags, when the domain came from verify.
    public let autoSendVerification: AutoSend.VerificationResult?
    /// The Krafter domain, when ``provider`` is Krafter.
    public let krafter: Krafter.Domain?
    /// Cllavio's generated records, when ``provider`` is Cllavio.
    public let cllavio: Cllavio.GeneratedDomain?
    /// The AhaSend domain, when ``provider`` is AhaSend.
    public let ahaSend: AhaSend.Domain?

    private init(
        provider: ProviderID, sendKit: SendKit.Domain? = nil, autoSend: AutoSend.Domain? = nil,
        autoSendVerification: AutoSend.VerificationResult? = nil, krafter: Krafter.Domain? = nil,
        cllavio: Cllavio.GeneratedDomain? = nil, ahaSend: AhaSend.Domain? = nil
    ) {
        self.provider = provider
        self.sendKit = sendKit
        self.autoSend = autoSend
        self.autoSendVerification = autoSendVerification
        self.krafter = krafter
        self.cllavio = cllavio
        self.ahaSend = ahaSend
    }

    /// A SendKit domain.
    public static func sendKit(_ domain: SendKit.Domain) -> ProviderDomain {
        ProviderDomain(provider: .sendKit, sendKit: domain)
    }

    /// An AutoSend domain, with the verify flags when it came from verify.
    public static func autoSend(_ domain: AutoSend.Domain, verification: AutoSend.VerificationResult?) -> ProviderDomain
    {
        ProviderDomain(provider: .autoSend, autoSend: domain, autoSendVerification: verification)
    }

    /// A Krafter domain.
    public static func krafter(_ domain: Krafter.Domain) -> ProviderDomain {
        ProviderDomain(provider: .krafter, krafter: domain)
    }

    /// Cllavio's generated records.
    public static func cllavio(_ domain: Cllavio.GeneratedDomain) -> ProviderDomain {
        ProviderDomain(provider: .cllavio, cllavio: domain)
    }

    /// An AhaSend domain.
    public static func ahaSend(_ domain: AhaSend.Domain) -> ProviderDomain {
        ProviderDomain(provider: .ahaSend, ahaSend: domain)
    }
}

/// A domain's verification status, unified.
///
/// | provider | source |
/// |---|---|
/// | SendKit | `status` (`not_started` → pending) |
/// | AutoSend | `verificationStatus`, `verificationInProgress` and the ownership/DKIM/MAIL FROM flags |
/// | Krafter | `status` |
/// | Cllavio | none published: always pending after generate |
/// | AhaSend | `dns_valid` and each record's `propagated` |
public struct DomainStatus: Sendable, Hashable, CustomStringConvertible {
    /// A stable code for the status, as the `domains` command's JSON and ``WatchSnapshot`` write
    /// it: `pending`, `verifying`, `verified`, `partially_verified`, `failed`,
    /// `temporary_failure`, or a provider's own status this SDK does not know.
    public let code: String

    /// The status with code `code`; a code this version does not know is kept as it is (a
    /// provider's own status).
    public init(code: String) {
        self.code = code
    }

    /// Records not (all) published yet.
    public static let pending = DomainStatus(code: "pending")
    /// A verification check is running.
    public static let verifying = DomainStatus(code: "verifying")
    /// Verified: the domain can send.
    public static let verified = DomainStatus(code: "verified")
    /// Some required records are verified, others not yet.
    public static let partiallyVerified = DomainStatus(code: "partially_verified")
    /// Verification failed.
    public static let failed = DomainStatus(code: "failed")
    /// A temporary failure; the provider will check again.
    public static let temporaryFailure = DomainStatus(code: "temporary_failure")

    /// The statuses this version knows.
    public static let known: [DomainStatus] = [
        .pending, .verifying, .verified, .partiallyVerified, .failed, .temporaryFailure,
    ]

    /// Whether the status is one this version knows (else a provider's own, kept in ``code``).
    public var isKnown: Bool { Self.known.contains(self) }

    /// Whether waiting longer cannot change the outcome (verified or failed).
    public var isTerminal: Bool { self == .verified || self == .failed }

    /// The status in words, e.g. `partially verified`; `unknown (<code>)` for a provider's own.
    public var description: String {
        switch self {
        case .partiallyVerified: "partially verified"
        case .temporaryFailure: "temporary failure"
        default: isKnown ? code : "unknown (\(code))"
        }
    }
}

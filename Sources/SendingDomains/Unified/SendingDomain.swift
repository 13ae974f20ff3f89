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
/// ```swift
/// if case .ahaSend(let raw) = domain.providerDomain {
///     print(raw.rotationReady ?? false)
/// }
/// ```
public enum ProviderDomain: Sendable, Hashable {
    /// A SendKit domain.
    case sendKit(SendKit.Domain)
    /// An AutoSend domain, with the verify flags when it came from verify.
    case autoSend(AutoSend.Domain, verification: AutoSend.VerificationResult?)
    /// A Krafter domain.
    case krafter(Krafter.Domain)
    /// Cllavio's generated records.
    case cllavio(Cllavio.GeneratedDomain)
    /// An AhaSend domain.
    case ahaSend(AhaSend.Domain)
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
public enum DomainStatus: Sendable, Hashable, CustomStringConvertible {
    /// Records not (all) published yet.
    case pending
    /// A verification check is running.
    case verifying
    /// Verified: the domain can send.
    case verified
    /// Some required records are verified, others not yet.
    case partiallyVerified
    /// Verification failed.
    case failed
    /// A temporary failure; the provider will check again.
    case temporaryFailure
    /// A provider status this SDK does not know.
    case unknown(String)

    /// Whether waiting longer cannot change the outcome (verified or failed).
    public var isTerminal: Bool {
        switch self {
        case .verified, .failed: true
        default: false
        }
    }

    /// The status in words, e.g. `partially verified`.
    public var description: String {
        switch self {
        case .pending: "pending"
        case .verifying: "verifying"
        case .verified: "verified"
        case .partiallyVerified: "partially verified"
        case .failed: "failed"
        case .temporaryFailure: "temporary failure"
        case .unknown(let raw): "unknown (\(raw))"
        }
    }
}

extension DomainStatus {
    /// A stable code for the status, as the `domains` command's JSON and ``WatchSnapshot`` write
    /// it: `pending`, `verifying`, `verified`, `partially_verified`, `failed`,
    /// `temporary_failure`, or a provider's own status.
    public var code: String {
        switch self {
        case .pending: "pending"
        case .verifying: "verifying"
        case .verified: "verified"
        case .partiallyVerified: "partially_verified"
        case .failed: "failed"
        case .temporaryFailure: "temporary_failure"
        case .unknown(let raw): raw
        }
    }

    /// The status with code `code`.
    public init(code: String) {
        self =
            switch code {
            case "pending": .pending
            case "verifying": .verifying
            case "verified": .verified
            case "partially_verified": .partiallyVerified
            case "failed": .failed
            case "temporary_failure": .temporaryFailure
            default: .unknown(code)
            }
    }
}

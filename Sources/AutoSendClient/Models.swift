import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension AutoSend {
    /// The body of `POST /domains`.
    public struct CreateDomainRequest: Codable, Hashable, Sendable {
        /// The domain's name (`domain` on the wire), e.g. `example.com` or `mail.example.com`:
        /// no protocol, path or trailing slash; at most 253 characters.
        public var name: String
        /// The AutoSend region key, e.g. `us-east-1`; `nil` for the project's primary region.
        public var regionKey: String?

        /// Creates a request.
        public init(name: String, regionKey: String? = nil) {
            self.name = name
            self.regionKey = regionKey
        }

        enum CodingKeys: String, CodingKey {
            case name = "domain"
            case regionKey
        }

        /// A copy with the domain normalised.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming `domain` or `regionKey`.
        public func validated() throws(SendingDomainsError) -> CreateDomainRequest {
            var copy = self
            copy.name = try DomainName.normalize(name, field: "domain")
            if let regionKey {
                let trimmed = regionKey.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
                else {
                    throw .invalidInput(field: "regionKey", "must be a region key such as us-east-1, or omitted")
                }
                copy.regionKey = trimmed
            }
            return copy
        }
    }

    /// A domain's verification status. AutoSend publishes `PENDING_CONFIGURATION` and
    /// `VERIFIED`; the others are kept as ``unknown(_:)`` until documented.
    public enum VerificationStatus: OpenEnum {
        /// Created; DNS records not yet verified.
        case pendingConfiguration
        /// Verified.
        case verified
        /// A status this SDK does not know.
        case unknown(String)

        /// The known statuses.
        public static let knownCases: [VerificationStatus] = [.pendingConfiguration, .verified]
        /// The wire value.
        public var rawValue: String {
            switch self {
            case .pendingConfiguration: "PENDING_CONFIGURATION"
            case .verified: "VERIFIED"
            case .unknown(let raw): raw
            }
        }
    }

    /// One DNS record: `name`, `value`, `type`, `purpose` and, for MX, `priority`.
    public struct DNSRecord: Codable, Hashable, Sendable {
        /// The fully qualified host name.
        public var name: String
        /// The record value.
        public var value: String
        /// The DNS type, e.g. `TXT` or `MX`.
        public var type: String
        /// AutoSend's description of the record's purpose.
        public var purpose: String?
        /// The MX priority.
        public var priority: Int?

        /// Creates a record.
        public init(name: String, value: String, type: String, purpose: String? = nil, priority: Int? = nil) {
            self.name = name
            self.value = value
            self.type = type
            self.purpose = purpose
            self.priority = priority
        }
    }

    /// The DNS records of a domain, keyed by role.
    public struct DNSRecords: Codable, Hashable, Sendable {
        /// The ownership TXT record (`_autosend-verify.<domain>`).
        public var ownership: DNSRecord?
        /// The DKIM TXT record.
        public var dkim: DNSRecord?
        /// The MAIL FROM records: an MX and an SPF TXT on the mail-from host.
        public var mailFrom: [DNSRecord]
        /// The DMARC TXT record.
        public var dmarc: DNSRecord?

        /// Creates a record set.
        public init(
            ownership: DNSRecord? = nil, dkim: DNSRecord? = nil, mailFrom: [DNSRecord] = [], dmarc: DNSRecord? = nil
        ) {
            self.ownership = ownership
            self.dkim = dkim
            self.mailFrom = mailFrom
            self.dmarc = dmarc
        }

        enum CodingKeys: String, CodingKey { case ownership, dkim, mailFrom, dmarc }

        /// Decodes leniently: any key may be missing; `mailFrom` may be one record or a list.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ownership = try c.decodeIfPresent(DNSRecord.self, forKey: .ownership)
            dkim = try c.decodeIfPresent(DNSRecord.self, forKey: .dkim)
            dmarc = try c.decodeIfPresent(DNSRecord.self, forKey: .dmarc)
            if let list = try? c.decodeIfPresent([DNSRecord].self, forKey: .mailFrom) {
                mailFrom = list
            } else {
                mailFrom = try c.decodeIfPresent(DNSRecord.self, forKey: .mailFrom).map { [$0] } ?? []
            }
        }

        /// Every record in a stable order: ownership, DKIM, MAIL FROM, DMARC.
        public var all: [DNSRecord] {
            [ownership, dkim].compactMap { $0 } + mailFrom + [dmarc].compactMap { $0 }
        }
    }

    /// A sending domain as AutoSend returns it.
    ///
    /// The create response is documented in full; list, get and verify bodies are only partly
    /// published, so everything but `id` and the name is optional.
    public struct Domain: Codable, Hashable, Sendable {
        /// The domain's id: 24 hexadecimal characters. Use it in later calls.
        public var id: String
        /// The domain's name (`domainName` on the wire).
        public var name: String
        /// The verification status.
        public var verificationStatus: VerificationStatus?
        /// Whether ownership is verified.
        public var ownershipVerified: Bool?
        /// Whether DKIM is verified and enabled.
        public var dkimEnabled: Bool?
        /// Whether the custom MAIL FROM is verified and enabled.
        public var mailFromEnabled: Bool?
        /// Whether DMARC is found.
        public var dmarcEnabled: Bool?
        /// The DNS records to publish.
        public var dnsRecords: DNSRecords?
        /// When the domain was created.
        public var createdAt: Date?
        /// When AutoSend last checked the DNS.
        public var lastCheckedAt: Date?
        /// When the domain was verified (on listed domains).
        public var verifiedAt: Date?
        /// The region key.
        public var regionKey: String?
        /// Whether a verification is running.
        public var verificationInProgress: Bool?

        /// Creates a domain value (for tests and simulators).
        public init(
            id: String, name: String, verificationStatus: VerificationStatus? = nil,
            ownershipVerified: Bool? = nil,
            dkimEnabled: Bool? = nil, mailFromEnabled: Bool? = nil, dmarcEnabled: Bool? = nil,
            dnsRecords: DNSRecords? = nil, createdAt: Date? = nil, lastCheckedAt: Date? = nil, verifiedAt: Date? = nil,
            regionKey: String? = nil, verificationInProgress: Bool? = nil
        ) {
            self.id = id
            self.name = name
            self.verificationStatus = verificationStatus
            self.ownershipVerified = ownershipVerified
            self.dkimEnabled = dkimEnabled
            self.mailFromEnabled = mailFromEnabled
            self.dmarcEnabled = dmarcEnabled
            self.dnsRecords = dnsRecords
            self.createdAt = createdAt
            self.lastCheckedAt = lastCheckedAt
            self.verifiedAt = verifiedAt
            self.regionKey = regionKey
            self.verificationInProgress = verificationInProgress
        }

        enum CodingKeys: String, CodingKey {
            case id
            case name = "domainName"
            case verificationStatus, ownershipVerified, dkimEnabled, mailFromEnabled, dmarcEnabled, dnsRecords,
                createdAt, lastCheckedAt, verifiedAt, regionKey, verificationInProgress
        }
    }

    /// The `data` of `POST /domains/{domainId}/verify`: the domain and the check's flags.
    public struct VerificationResult: Codable, Hashable, Sendable {
        /// The domain after the check.
        public var domain: Domain?
        /// Whether a verification is running.
        public var verificationInProgress: Bool?
        /// Whether ownership is verified.
        public var ownershipVerified: Bool?
        /// The verification status.
        public var verificationStatus: VerificationStatus?
        /// Whether DKIM is enabled.
        public var dkimEnabled: Bool?
        /// Whether the custom MAIL FROM is enabled.
        public var mailFromEnabled: Bool?
        /// Whether DMARC is found.
        public var dmarcEnabled: Bool?
        /// AutoSend's message, e.g. "Domain verification status updated" (from the envelope).
        public var message: String?

        /// Creates a result value (for tests and simulators).
        public init(
            domain: Domain? = nil, verificationInProgress: Bool? = nil, ownershipVerified: Bool? = nil,
            verificationStatus: VerificationStatus? = nil, dkimEnabled: Bool? = nil, mailFromEnabled: Bool? = nil,
            dmarcEnabled: Bool? = nil, message: String? = nil
        ) {
            self.domain = domain
            self.verificationInProgress = verificationInProgress
            self.ownershipVerified = ownershipVerified
            self.verificationStatus = verificationStatus
            self.dkimEnabled = dkimEnabled
            self.mailFromEnabled = mailFromEnabled
            self.dmarcEnabled = dmarcEnabled
            self.message = message
        }
    }

    struct DomainList: Decodable {
        let domains: [Domain]
    }
}

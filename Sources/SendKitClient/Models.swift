import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension SendKit {
    /// The body of `POST /domains`.
    public struct CreateDomainRequest: Codable, Hashable, Sendable {
        /// The domain name to add (required, at most 255 characters).
        public var name: String
        /// The AWS region for the domain, for example `"us-east-1"` (required; it cannot be
        /// changed later).
        public var region: String
        /// Enables open tracking; SendKit's default is `false`.
        public var openTracking: Bool?
        /// Enables click tracking; SendKit's default is `false`.
        public var clickTracking: Bool?
        /// The TLS delivery mode; SendKit's default is ``TLSMode/opportunistic``.
        public var tls: TLSMode?

        /// Creates a request. Options left `nil` are omitted, so SendKit applies its defaults.
        public init(
            name: String, region: String, openTracking: Bool? = nil, clickTracking: Bool? = nil, tls: TLSMode? = nil
        ) {
            self.name = name
            self.region = region
            self.openTracking = openTracking
            self.clickTracking = clickTracking
            self.tls = tls
        }

        enum CodingKeys: String, CodingKey {
            case name, region, tls
            case openTracking = "open_tracking"
            case clickTracking = "click_tracking"
        }

        /// The longest name SendKit accepts.
        public static let maximumNameLength = 255

        /// A copy with the name normalised, after checking every field.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming `name` or `region`.
        public func validated() throws(SendingDomainsError) -> CreateDomainRequest {
            var copy = self
            copy.name = try DomainName.normalize(name, field: "name", maximumLength: Self.maximumNameLength)
            let trimmedRegion = region.trimmingCharacters(in: .whitespaces)
            guard !trimmedRegion.isEmpty else {
                throw .invalidInput(field: "region", "is required, e.g. us-east-1", provider: .sendKit)
            }
            guard trimmedRegion.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw .invalidInput(
                    field: "region", "must be a region name such as us-east-1 (letters, digits, hyphens)",
                    provider: .sendKit)
            }
            copy.region = trimmedRegion
            return copy
        }
    }

    /// SendKit's TLS delivery modes.
    public enum TLSMode: OpenEnum {
        /// Use TLS when the receiving server offers it (SendKit's default).
        case opportunistic
        /// Refuse to deliver without TLS.
        case enforced
        /// A mode this SDK does not know yet.
        case unknown(String)

        /// The known modes.
        public static let knownCases: [TLSMode] = [.opportunistic, .enforced]
        /// The wire value.
        public var rawValue: String {
            switch self {
            case .opportunistic: "opportunistic"
            case .enforced: "enforced"
            case .unknown(let raw): raw
            }
        }
    }

    /// The verification status of a domain or of one of its records.
    public enum Status: OpenEnum {
        /// Verification has not started.
        case notStarted
        /// Waiting for DNS records.
        case pending
        /// Verified.
        case verified
        /// Some records are verified.
        case partiallyVerified
        /// Verification failed.
        case failed
        /// A temporary failure; SendKit will check again.
        case temporaryFailure
        /// A status this SDK does not know yet.
        case unknown(String)

        /// The known statuses.
        public static let knownCases: [Status] = [
            .notStarted, .pending, .verified, .partiallyVerified, .failed, .temporaryFailure,
        ]
        /// The wire value.
        public var rawValue: String {
            switch self {
            case .notStarted: "not_started"
            case .pending: "pending"
            case .verified: "verified"
            case .partiallyVerified: "partially_verified"
            case .failed: "failed"
            case .temporaryFailure: "temporary_failure"
            case .unknown(let raw): raw
            }
        }
    }

    /// A sending domain as SendKit returns it.
    public struct Domain: Codable, Hashable, Sendable {
        /// The domain's id (a UUID).
        public var id: String
        /// The domain name.
        public var name: String
        /// The verification status.
        public var status: Status?
        /// The AWS region.
        public var region: String?
        /// Whether open tracking is on.
        public var openTracking: Bool?
        /// Whether click tracking is on.
        public var clickTracking: Bool?
        /// The TLS delivery mode.
        public var tls: TLSMode?
        /// Whether sending is enabled.
        public var sendingEnabled: Bool?
        /// The DNS records to publish. Empty when the response had none.
        public var dnsRecords: [DNSRecord]
        /// When the domain was created (SendKit writes `2026-03-03 10:00:00`, read as UTC).
        public var createdAt: Date?
        /// When the domain was last updated.
        public var updatedAt: Date?

        /// Creates a domain value (for tests and simulators).
        public init(
            id: String, name: String, status: Status? = nil, region: String? = nil, openTracking: Bool? = nil,
            clickTracking: Bool? = nil, tls: TLSMode? = nil, sendingEnabled: Bool? = nil, dnsRecords: [DNSRecord] = [],
            createdAt: Date? = nil, updatedAt: Date? = nil
        ) {
            self.id = id
            self.name = name
            self.status = status
            self.region = region
            self.openTracking = openTracking
            self.clickTracking = clickTracking
            self.tls = tls
            self.sendingEnabled = sendingEnabled
            self.dnsRecords = dnsRecords
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, name, status, region, tls
            case openTracking = "open_tracking"
            case clickTracking = "click_tracking"
            case sendingEnabled = "sending_enabled"
            case dnsRecords = "dns_records"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        /// Decodes leniently: only `id` and `name` are required; `dns_records` may be absent or null.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            status = try c.decodeIfPresent(Status.self, forKey: .status)
            region = try c.decodeIfPresent(String.self, forKey: .region)
            openTracking = try c.decodeIfPresent(Bool.self, forKey: .openTracking)
            clickTracking = try c.decodeIfPresent(Bool.self, forKey: .clickTracking)
            tls = try c.decodeIfPresent(TLSMode.self, forKey: .tls)
            sendingEnabled = try c.decodeIfPresent(Bool.self, forKey: .sendingEnabled)
            dnsRecords = try c.decodeIfPresent([DNSRecord].self, forKey: .dnsRecords) ?? []
            createdAt = try c.decodeIfPresent(Date.self, forKey: .createdAt)
            updatedAt = try c.decodeIfPresent(Date.self, forKey: .updatedAt)
        }
    }

    /// What a SendKit DNS record is for. SendKit's `record_type` is this purpose label, **not**
    /// the DNS type: `DKIM` and `DMARC` are TXT records, `SPF` is a TXT record on the
    /// return-path host, `MX` is the return-path MX record.
    public enum RecordPurpose: OpenEnum {
        /// The DKIM public key (TXT at `sendkit._domainkey.<domain>`).
        case dkim
        /// The SPF record (TXT at `send.<domain>`).
        case spf
        /// The bounce MX record (MX at `send.<domain>`, priority 10).
        case mx
        /// The DMARC policy (TXT at `_dmarc.<domain>`, optional).
        case dmarc
        /// A label this SDK does not know yet.
        case unknown(String)

        /// The known labels.
        public static let knownCases: [RecordPurpose] = [.dkim, .spf, .mx, .dmarc]
        /// The wire value.
        public var rawValue: String {
            switch self {
            case .dkim: "DKIM"
            case .spf: "SPF"
            case .mx: "MX"
            case .dmarc: "DMARC"
            case .unknown(let raw): raw
            }
        }

        /// The DNS record type this purpose is published as, when known.
        public var dnsType: String? {
            switch self {
            case .dkim, .spf, .dmarc: "TXT"
            case .mx: "MX"
            case .unknown: nil
            }
        }
    }

    /// One DNS record to publish.
    public struct DNSRecord: Codable, Hashable, Sendable {
        /// The record's id.
        public var id: String?
        /// What the record is for (SendKit's `record_type`); see ``RecordPurpose/dnsType``.
        public var recordType: RecordPurpose
        /// The fully qualified host name.
        public var name: String
        /// The record value.
        public var value: String
        /// The TTL in seconds (SendKit uses 3600).
        public var ttl: Int?
        /// Whether SendKit has seen the record.
        public var status: Status?
        /// The MX priority.
        public var priority: Int?
        /// When the record was created.
        public var createdAt: Date?
        /// When the record was last updated.
        public var updatedAt: Date?

        /// Creates a record value (for tests and simulators).
        public init(
            id: String? = nil, recordType: RecordPurpose, name: String, value: String, ttl: Int? = nil,
            status: Status? = nil, priority: Int? = nil, createdAt: Date? = nil, updatedAt: Date? = nil
        ) {
            self.id = id
            self.recordType = recordType
            self.name = name
            self.value = value
            self.ttl = ttl
            self.status = status
            self.priority = priority
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, name, value, ttl, status, priority
            case recordType = "record_type"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }
}

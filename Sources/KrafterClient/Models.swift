import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension Krafter {
    /// The body of `POST /domains`.
    public struct CreateDomainRequest: Codable, Hashable, Sendable {
        /// The domain's name (`domain` on the wire), e.g. `example.com`.
        public var name: String
        /// The subdomain prefix for the custom MAIL FROM (`"send"` gives `send.example.com`);
        /// Krafter's default is `"send"`. It must start with a letter, contain only letters,
        /// digits and hyphens, and be at most 63 characters.
        public var returnPath: String?

        /// Creates a request.
        public init(name: String, returnPath: String? = nil) {
            self.name = name
            self.returnPath = returnPath
        }

        enum CodingKeys: String, CodingKey {
            case name = "domain"
            case returnPath = "return_path"
        }

        /// A copy with the domain normalised, after checking `return_path`'s rules.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming `domain` or `return_path`.
        public func validated() throws(SendingDomainsError) -> CreateDomainRequest {
            var copy = self
            copy.name = try DomainName.normalize(name, field: "domain")
            if let returnPath {
                guard let first = returnPath.unicodeScalars.first,
                    ("a"..."z").contains(first) || ("A"..."Z").contains(first)
                else {
                    throw .invalidInput(field: "return_path", "must start with a letter")
                }
                guard returnPath.count <= 63 else {
                    throw .invalidInput(field: "return_path", "must be at most 63 characters")
                }
                guard
                    returnPath.unicodeScalars.allSatisfy({
                        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                    })
                else {
                    throw .invalidInput(field: "return_path", "may contain only letters, digits and hyphens")
                }
            }
            return copy
        }
    }

    /// A domain's status.
    public enum Status: OpenEnum {
        /// Added; DNS records not verified yet.
        case pending
        /// A verification check is in flight.
        case verifying
        /// Every required record is in place; the domain can send.
        case verified
        /// Verification ran and at least one required record was missing or wrong.
        case failed
        /// A status this SDK does not know.
        case unknown(String)

        /// The known statuses.
        public static let knownCases: [Status] = [.pending, .verifying, .verified, .failed]
        /// The wire value.
        public var rawValue: String {
            switch self {
            case .pending: "pending"
            case .verifying: "verifying"
            case .verified: "verified"
            case .failed: "failed"
            case .unknown(let raw): raw
            }
        }
    }

    /// A record's category.
    public enum Category: OpenEnum {
        /// SES ownership verification.
        case verification
        /// DKIM, MX and SPF: needed to deliver.
        case delivery
        /// DMARC: optional, improves inbox placement.
        case recommended
        /// A category this SDK does not know.
        case unknown(String)

        /// The known categories.
        public static let knownCases: [Category] = [.verification, .delivery, .recommended]
        /// The wire value.
        public var rawValue: String {
            switch self {
            case .verification: "verification"
            case .delivery: "delivery"
            case .recommended: "recommended"
            case .unknown(let raw): raw
            }
        }
    }

    /// A record's TTL: Krafter sends the string `"Auto"` ("use your DNS provider's default").
    ///
    /// Frozen: `Auto`, a number, or any other text covers every value Krafter can send.
    public enum TTL: Codable, Hashable, Sendable, CustomStringConvertible {
        /// The DNS provider's default.
        case auto
        /// A TTL in seconds, should Krafter ever send a number.
        case seconds(Int)
        /// Any other text.
        case unknown(String)

        /// Decodes `"Auto"` (any case), a number, or any other string.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .seconds(number)
            } else {
                let text = try container.decode(String.self)
                self = text.lowercased() == "auto" ? .auto : Int(text).map(TTL.seconds) ?? .unknown(text)
            }
        }

        /// Encodes as Krafter writes it.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .auto: try container.encode("Auto")
            case .seconds(let value): try container.encode(value)
            case .unknown(let text): try container.encode(text)
            }
        }

        /// `Auto`, the number of seconds, or the text.
        public var description: String {
            switch self {
            case .auto: "Auto"
            case .seconds(let value): "\(value)"
            case .unknown(let text): text
            }
        }
    }

    /// One DNS record to publish.
    public struct DNSRecord: Codable, Hashable, Sendable {
        /// The DNS type: `TXT`, `CNAME` or `MX`.
        public var type: String
        /// The fully qualified host name.
        public var name: String
        /// The value.
        public var value: String
        /// Always ``TTL/auto`` today.
        public var ttl: TTL?
        /// 10 for the MX record, `nil` otherwise.
        public var priority: Int?
        /// Why the record matters, in words.
        public var purpose: String?
        /// Whether the domain needs it to work (`false` only for DMARC).
        public var required: Bool
        /// The record's category.
        public var category: Category?

        /// Creates a record (for tests and simulators).
        public init(
            type: String, name: String, value: String, ttl: TTL? = .auto, priority: Int? = nil, purpose: String? = nil,
            required: Bool = true, category: Category? = nil
        ) {
            self.type = type
            self.name = name
            self.value = value
            self.ttl = ttl
            self.priority = priority
            self.purpose = purpose
            self.required = required
            self.category = category
        }

        enum CodingKeys: String, CodingKey { case type, name, value, ttl, priority, purpose, required, category }

        /// Decodes leniently: `required` defaults to `true` when absent.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            name = try c.decode(String.self, forKey: .name)
            value = try c.decode(String.self, forKey: .value)
            ttl = try c.decodeIfPresent(TTL.self, forKey: .ttl)
            priority = try c.decodeIfPresent(Int.self, forKey: .priority)
            purpose = try c.decodeIfPresent(String.self, forKey: .purpose)
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
            category = try c.decodeIfPresent(Category.self, forKey: .category)
        }
    }

    /// A domain. `dnsRecords` is present on create and get, and `nil` on list and verify
    /// (Krafter omits it there: call get for the records).
    public struct Domain: Codable, Hashable, Sendable {
        /// The domain's id (a UUID).
        public var id: String
        /// The domain's name (`domain` on the wire).
        public var name: String
        /// The status.
        public var status: Status
        /// When it was verified.
        public var verifiedAt: Date?
        /// When it was added.
        public var createdAt: Date?
        /// The DNS records, when the endpoint returns them.
        public var dnsRecords: [DNSRecord]?

        /// Creates a domain (for tests and simulators).
        public init(
            id: String, name: String, status: Status, verifiedAt: Date? = nil, createdAt: Date? = nil,
            dnsRecords: [DNSRecord]? = nil
        ) {
            self.id = id
            self.name = name
            self.status = status
            self.verifiedAt = verifiedAt
            self.createdAt = createdAt
            self.dnsRecords = dnsRecords
        }

        enum CodingKeys: String, CodingKey {
            case id, status
            case name = "domain"
            case verifiedAt = "verified_at"
            case createdAt = "created_at"
            case dnsRecords = "dns_records"
        }
    }

    /// The body of a successful `DELETE /domains/:id`: `{ "deleted": true }`.
    public struct Deletion: Codable, Hashable, Sendable {
        /// Whether Krafter deleted the domain.
        public var deleted: Bool

        /// Creates a deletion result.
        public init(deleted: Bool) {
            self.deleted = deleted
        }
    }
}

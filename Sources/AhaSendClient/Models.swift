import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension AhaSend {
    /// The body of `POST /v2/accounts/{account_id}/domains` (`CreateDomainRequest`).
    public struct CreateDomainRequest: Codable, Hashable, Sendable {
        /// The fully qualified domain name (`domain` on the wire).
        public var name: String
        /// A PEM RSA private key (≥ 1024 bits; 2048 recommended). Platform Partner accounts only.
        public var dkimPrivateKey: Secret?
        /// A custom tracking subdomain (one DNS label); `nil` for the default.
        public var trackingSubdomain: String?
        /// A custom return-path subdomain; `nil` for the default.
        public var returnPathSubdomain: String?
        /// A custom subscription-management subdomain; `nil` for the default.
        public var subscriptionSubdomain: String?
        /// A custom media subdomain; `nil` for the default.
        public var mediaSubdomain: String?
        /// A custom DKIM rotation interval in days (managed DNS, eligible plans).
        public var dkimRotationIntervalDays: Int?
        /// A custom DKIM selector (Platform Partner accounts only): 1–62 lower-case letters,
        /// digits and hyphens; empty or `nil` for the default.
        public var dkimSelector: String?

        /// Creates a request.
        public init(
            name: String, dkimPrivateKey: Secret? = nil, trackingSubdomain: String? = nil,
            returnPathSubdomain: String? = nil, subscriptionSubdomain: String? = nil, mediaSubdomain: String? = nil,
            dkimRotationIntervalDays: Int? = nil, dkimSelector: String? = nil
        ) {
            self.name = name
            self.dkimPrivateKey = dkimPrivateKey
            self.trackingSubdomain = trackingSubdomain
            self.returnPathSubdomain = returnPathSubdomain
            self.subscriptionSubdomain = subscriptionSubdomain
            self.mediaSubdomain = mediaSubdomain
            self.dkimRotationIntervalDays = dkimRotationIntervalDays
            self.dkimSelector = dkimSelector
        }

        enum CodingKeys: String, CodingKey {
            case name = "domain"
            case dkimPrivateKey = "dkim_private_key"
            case trackingSubdomain = "tracking_subdomain"
            case returnPathSubdomain = "return_path_subdomain"
            case subscriptionSubdomain = "subscription_subdomain"
            case mediaSubdomain = "media_subdomain"
            case dkimRotationIntervalDays = "dkim_rotation_interval_days"
            case dkimSelector = "dkim_selector"
        }

        /// Encodes the wire body; the private key is revealed only here.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encodeIfPresent(dkimPrivateKey?.reveal(), forKey: .dkimPrivateKey)
            try c.encodeIfPresent(trackingSubdomain, forKey: .trackingSubdomain)
            try c.encodeIfPresent(returnPathSubdomain, forKey: .returnPathSubdomain)
            try c.encodeIfPresent(subscriptionSubdomain, forKey: .subscriptionSubdomain)
            try c.encodeIfPresent(mediaSubdomain, forKey: .mediaSubdomain)
            try c.encodeIfPresent(dkimRotationIntervalDays, forKey: .dkimRotationIntervalDays)
            try c.encodeIfPresent(dkimSelector, forKey: .dkimSelector)
        }

        /// Decodes the wire body (for simulators).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            dkimPrivateKey = try c.decodeIfPresent(String.self, forKey: .dkimPrivateKey).map { Secret($0) }
            trackingSubdomain = try c.decodeIfPresent(String.self, forKey: .trackingSubdomain)
            returnPathSubdomain = try c.decodeIfPresent(String.self, forKey: .returnPathSubdomain)
            subscriptionSubdomain = try c.decodeIfPresent(String.self, forKey: .subscriptionSubdomain)
            mediaSubdomain = try c.decodeIfPresent(String.self, forKey: .mediaSubdomain)
            dkimRotationIntervalDays = try c.decodeIfPresent(Int.self, forKey: .dkimRotationIntervalDays)
            dkimSelector = try c.decodeIfPresent(String.self, forKey: .dkimSelector)
        }

        /// A copy with the domain normalised, after checking every field.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming the field.
        public func validated() throws(SendingDomainsError) -> CreateDomainRequest {
            var copy = self
            copy.name = try DomainName.normalize(name, field: "domain")
            try Settings.check(
                tracking: trackingSubdomain, returnPath: returnPathSubdomain, subscription: subscriptionSubdomain,
                media: mediaSubdomain, rotation: dkimRotationIntervalDays, selector: dkimSelector)
            if let key = dkimPrivateKey, key.isBlank || !key.reveal().contains("PRIVATE KEY") {
                throw .invalidInput(field: "dkim_private_key", "must be a PEM-encoded RSA private key")
            }
            return copy
        }
    }

    /// The body of `PUT /v2/accounts/{account_id}/domains/{domain}` (`UpdateDomainRequest`).
    /// Fields left `nil` are omitted and keep their current value.
    public struct UpdateDomainRequest: Codable, Hashable, Sendable {
        /// A new tracking subdomain.
        public var trackingSubdomain: String?
        /// A new return-path subdomain.
        public var returnPathSubdomain: String?
        /// A new subscription-management subdomain.
        public var subscriptionSubdomain: String?
        /// A new media subdomain.
        public var mediaSubdomain: String?
        /// A new DKIM rotation interval in days (managed DNS, eligible plans).
        public var dkimRotationIntervalDays: Int?
        /// A new DKIM selector; `""` clears the override (Platform Partner accounts only).
        public var dkimSelector: String?

        /// Creates an update.
        public init(
            trackingSubdomain: String? = nil, returnPathSubdomain: String? = nil, subscriptionSubdomain: String? = nil,
            mediaSubdomain: String? = nil, dkimRotationIntervalDays: Int? = nil, dkimSelector: String? = nil
        ) {
            self.trackingSubdomain = trackingSubdomain
            self.returnPathSubdomain = returnPathSubdomain
            self.subscriptionSubdomain = subscriptionSubdomain
            self.mediaSubdomain = mediaSubdomain
            self.dkimRotationIntervalDays = dkimRotationIntervalDays
            self.dkimSelector = dkimSelector
        }

        enum CodingKeys: String, CodingKey {
            case trackingSubdomain = "tracking_subdomain"
            case returnPathSubdomain = "return_path_subdomain"
            case subscriptionSubdomain = "subscription_subdomain"
            case mediaSubdomain = "media_subdomain"
            case dkimRotationIntervalDays = "dkim_rotation_interval_days"
            case dkimSelector = "dkim_selector"
        }

        /// Checks every field.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming the field.
        public func validated() throws(SendingDomainsError) -> UpdateDomainRequest {
            try Settings.check(
                tracking: trackingSubdomain, returnPath: returnPathSubdomain, subscription: subscriptionSubdomain,
                media: mediaSubdomain, rotation: dkimRotationIntervalDays, selector: dkimSelector)
            return self
        }
    }

    enum Settings {
        static func check(
            tracking: String?, returnPath: String?, subscription: String?, media: String?, rotation: Int?,
            selector: String?
        ) throws(SendingDomainsError) {
            let labels = [
                ("tracking_subdomain", tracking), ("return_path_subdomain", returnPath),
                ("subscription_subdomain", subscription), ("media_subdomain", media),
            ]
            for case (let field, let value?) in labels {
                try DomainName.checkLabel(value, field: field)
            }
            if let rotation, rotation < 1 {
                throw .invalidInput(field: "dkim_rotation_interval_days", "must be a positive number of days")
            }
            if let selector {
                let trimmed = selector.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty {
                    try DomainName.checkLabel(trimmed, field: "dkim_selector", maximumLength: 62)
                    guard trimmed == trimmed.lowercased() else {
                        throw .invalidInput(field: "dkim_selector", "must be lower case")
                    }
                }
            }
        }
    }

    /// One DNS record (`DNSRecord`).
    public struct DNSRecord: Codable, Hashable, Sendable {
        /// The DNS type, e.g. `CNAME`, `TXT`, `MX`.
        public var type: String
        /// A human-readable label.
        public var label: String?
        /// The host name.
        public var host: String
        /// The value (`content` on the wire).
        public var value: String
        /// Whether verification needs it.
        public var required: Bool
        /// Whether AhaSend has seen it in DNS.
        public var propagated: Bool

        /// Creates a record (for tests and simulators).
        public init(
            type: String, label: String? = nil, host: String, value: String, required: Bool, propagated: Bool
        ) {
            self.type = type
            self.label = label
            self.host = host
            self.value = value
            self.required = required
            self.propagated = propagated
        }

        enum CodingKeys: String, CodingKey {
            case type, label, host, required, propagated
            case value = "content"
        }
    }

    /// A domain (`Domain`). AhaSend has no status enum: ``dnsValid`` says whether every
    /// required record is in place, and each record's `propagated` flag says which are.
    public struct Domain: Codable, Hashable, Sendable {
        /// The object type, `"domain"`.
        public var object: String?
        /// The domain's UUID. Paths use the domain **name**, not this id.
        public var id: String
        /// When it was created.
        public var createdAt: Date
        /// When it was last updated.
        public var updatedAt: Date
        /// The domain name (`domain` on the wire); the id to use in later calls.
        public var name: String
        /// The account it belongs to.
        public var accountID: String
        /// The records to publish.
        public var dnsRecords: [DNSRecord]
        /// When DNS was last checked.
        public var lastDNSCheckAt: Date?
        /// Whether every required record is in place.
        public var dnsValid: Bool
        /// The custom tracking subdomain; `nil` for the default.
        public var trackingSubdomain: String?
        /// The custom return-path subdomain; `nil` for the default.
        public var returnPathSubdomain: String?
        /// The custom subscription-management subdomain; `nil` for the default.
        public var subscriptionSubdomain: String?
        /// The custom media subdomain; `nil` for the default.
        public var mediaSubdomain: String?
        /// The custom DKIM rotation interval; `nil` for the account default.
        public var dkimRotationIntervalDays: Int?
        /// The per-domain DKIM selector override, if any.
        public var dkimSelector: String?
        /// Whether the standby DKIM slot is ready for rotation.
        public var rotationReady: Bool?
        /// The recipient of delivery status notifications, if any.
        public var dsnRecipient: String?

        /// Creates a domain (for tests and simulators).
        public init(
            object: String? = "domain", id: String, createdAt: Date, updatedAt: Date, name: String, accountID: String,
            dnsRecords: [DNSRecord], lastDNSCheckAt: Date? = nil, dnsValid: Bool, trackingSubdomain: String? = nil,
            returnPathSubdomain: String? = nil, subscriptionSubdomain: String? = nil, mediaSubdomain: String? = nil,
            dkimRotationIntervalDays: Int? = nil, dkimSelector: String? = nil, rotationReady: Bool? = nil,
            dsnRecipient: String? = nil
        ) {
            self.object = object
            self.id = id
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.name = name
            self.accountID = accountID
            self.dnsRecords = dnsRecords
            self.lastDNSCheckAt = lastDNSCheckAt
            self.dnsValid = dnsValid
            self.trackingSubdomain = trackingSubdomain
            self.returnPathSubdomain = returnPathSubdomain
            self.subscriptionSubdomain = subscriptionSubdomain
            self.mediaSubdomain = mediaSubdomain
            self.dkimRotationIntervalDays = dkimRotationIntervalDays
            self.dkimSelector = dkimSelector
            self.rotationReady = rotationReady
            self.dsnRecipient = dsnRecipient
        }

        enum CodingKeys: String, CodingKey {
            case object, id
            case name = "domain"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
            case accountID = "account_id"
            case dnsRecords = "dns_records"
            case lastDNSCheckAt = "last_dns_check_at"
            case dnsValid = "dns_valid"
            case trackingSubdomain = "tracking_subdomain"
            case returnPathSubdomain = "return_path_subdomain"
            case subscriptionSubdomain = "subscription_subdomain"
            case mediaSubdomain = "media_subdomain"
            case dkimRotationIntervalDays = "dkim_rotation_interval_days"
            case dkimSelector = "dkim_selector"
            case rotationReady = "rotation_ready"
            case dsnRecipient = "dsn_recipient"
        }
    }

    /// Cursor information of a list page (`PaginationInfo`).
    public struct Pagination: Codable, Hashable, Sendable {
        /// Whether more items follow this page.
        public var hasMore: Bool
        /// Pass as `after` for the next page.
        public var nextCursor: String?
        /// Pass as `before` for the previous page.
        public var previousCursor: String?

        /// Creates pagination info.
        public init(hasMore: Bool, nextCursor: String? = nil, previousCursor: String? = nil) {
            self.hasMore = hasMore
            self.nextCursor = nextCursor
            self.previousCursor = previousCursor
        }

        enum CodingKeys: String, CodingKey {
            case hasMore = "has_more"
            case nextCursor = "next_cursor"
            case previousCursor = "previous_cursor"
        }
    }

    /// One page of `GET …/domains` (`PaginatedDomainsResponse`).
    public struct DomainPage: Codable, Hashable, Sendable {
        /// The object type, `"list"`.
        public var object: String?
        /// The domains on this page.
        public var data: [Domain]
        /// Where to go next.
        public var pagination: Pagination

        /// Creates a page.
        public init(object: String? = "list", data: [Domain], pagination: Pagination) {
            self.object = object
            self.data = data
            self.pagination = pagination
        }
    }

    /// The query of `GET …/domains`.
    public struct ListDomainsQuery: Hashable, Sendable {
        /// Only domains whose DNS is valid (`true`) or not (`false`); `nil` for all.
        public var dnsValid: Bool?
        /// Page size, 1–100; AhaSend's default is 100.
        public var limit: Int?
        /// The cursor of the page to start after (a previous page's `next_cursor`).
        public var after: String?
        /// The cursor of the page to end before (a previous page's `previous_cursor`).
        public var before: String?

        /// Creates a query.
        public init(dnsValid: Bool? = nil, limit: Int? = nil, after: String? = nil, before: String? = nil) {
            self.dnsValid = dnsValid
            self.limit = limit
            self.after = after
            self.before = before
        }

        /// The query items, after checking the limit and the cursors.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming `limit` (outside 1–100) or `after` (given together with `before`).
        public func queryItems() throws(SendingDomainsError) -> [QueryItem] {
            if let limit, !(1...100).contains(limit) {
                throw .invalidInput(field: "limit", "must be between 1 and 100 (got \(limit))")
            }
            if after != nil, before != nil {
                throw .invalidInput(field: "after", "cannot be combined with before; page in one direction")
            }
            var items: [QueryItem] = []
            if let dnsValid { items.append(QueryItem(name: "dns_valid", value: dnsValid ? "true" : "false")) }
            if let limit { items.append(QueryItem(name: "limit", value: "\(limit)")) }
            if let after { items.append(QueryItem(name: "after", value: after)) }
            if let before { items.append(QueryItem(name: "before", value: before)) }
            return items
        }
    }

    /// The body of a successful delete (`SuccessResponse`).
    public struct SuccessMessage: Codable, Hashable, Sendable {
        /// AhaSend's message.
        public var message: String

        /// Creates a message.
        public init(message: String) {
            self.message = message
        }
    }
}

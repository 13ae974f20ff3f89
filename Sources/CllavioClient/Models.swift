import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension Cllavio {
    /// The body of `POST /api/v1/emails/domains/generate`.
    public struct GenerateDomainRequest: Codable, Hashable, Sendable {
        /// The sender address; the domain is the part after `@`.
        public var email: String
        /// An optional reply-to address.
        public var replyTo: String?
        /// Enables inbound mail; honoured only when the domain's MX already points at
        /// `inbound.sendtrim.com` or `smtp.sendtrim.com` (otherwise ignored, without error).
        /// Cllavio's default is `false`.
        public var inbound: Bool?

        /// Creates a request.
        public init(email: String, replyTo: String? = nil, inbound: Bool? = nil) {
            self.email = email
            self.replyTo = replyTo
            self.inbound = inbound
        }

        /// The sender's domain, normalised.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming `email`.
        public func domain() throws(SendingDomainsError) -> String {
            try EmailAddress.validate(email, field: "email").domain
        }

        /// A copy with the addresses normalised, after checking both.
        ///
        /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation`
        ///   naming `email` or `replyTo`.
        public func validated() throws(SendingDomainsError) -> GenerateDomainRequest {
            var copy = self
            copy.email = try EmailAddress.validate(email, field: "email").address
            if let replyTo {
                copy.replyTo = try EmailAddress.validate(replyTo, field: "replyTo").address
            }
            return copy
        }
    }

    /// What a generated record is for.
    ///
    /// Frozen: the record keys Cllavio's generate answer documents.
    public enum RecordRole: String, Codable, Hashable, Sendable {
        /// The SPF record, at the apex (response key `SPF`).
        case spf
        /// The DKIM key (response key `<selector>._domainkey.<domain>`).
        case dkim
        /// The DMARC policy (response key `_dmarc`, relative to the domain).
        case dmarc
        /// Any other key Cllavio may add.
        case other
    }

    /// One TXT record to publish, read from the response map.
    public struct Record: Codable, Hashable, Sendable {
        /// The key as Cllavio returned it, e.g. `"SPF"`, `"_dmarc"` or the DKIM name.
        public var key: String
        /// The fully qualified host to publish it at.
        public var host: String
        /// The TXT value.
        public var value: String
        /// What the record is for.
        public var role: RecordRole

        /// Creates a record.
        public init(key: String, host: String, value: String, role: RecordRole) {
            self.key = key
            self.host = host
            self.value = value
            self.role = role
        }
    }

    /// The 201 response: the map of record name → TXT value, and the records it describes.
    public struct GeneratedDomain: Hashable, Sendable {
        /// The name of the sender's domain the records are for.
        public var name: String
        /// The response exactly as returned.
        public var entries: [String: String]

        /// Creates a result from the response map.
        public init(name: String, entries: [String: String]) {
            self.name = name
            self.entries = entries
        }

        /// The records to publish, SPF first, then DKIM, DMARC and any others, each at its fully
        /// qualified host: `SPF` is the apex, `_dmarc` is relative to the domain, a DKIM key is
        /// already a full name, and any other relative key is placed under the domain.
        public var records: [Record] {
            entries.map { key, value in
                let lowered = key.lowercased()
                let role: RecordRole =
                    lowered == "spf"
                    ? .spf
                    : lowered.contains("._domainkey")
                        ? .dkim : lowered == "_dmarc" || lowered.hasPrefix("_dmarc.") ? .dmarc : .other
                let host: String
                if role == .spf {
                    host = name
                } else if lowered == name || lowered.hasSuffix("." + name) {
                    host = lowered
                } else {
                    host = lowered + "." + name
                }
                return Record(key: key, host: host, value: value, role: role)
            }
            .sorted { lhs, rhs in
                let order: [RecordRole] = [.spf, .dkim, .dmarc, .other]
                let (l, r) = (order.firstIndex(of: lhs.role) ?? 4, order.firstIndex(of: rhs.role) ?? 4)
                return l != r ? l < r : lhs.key < rhs.key
            }
        }
    }
}

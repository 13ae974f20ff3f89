import Foundation

/// The providers' documented examples, verbatim, and AhaSend documents built field by field from
/// its OpenAPI schemas (the spec publishes no response examples). The SDK's own tests use them as
/// test vectors, and the simulators are checked against them; use them in your tests too.
public enum DocumentedExamples {}

extension DocumentedExamples {
    /// SendKit.
    public enum SendKit {
        /// The documented create request body.
        public static let createRequest = """
            {
              "name": "yourdomain.com",
              "region": "us-east-1",
              "open_tracking": true,
              "click_tracking": true,
              "tls": "opportunistic"
            }
            """
        /// The documented create response body.
        public static let createResponse = """
            {
              "id": "550e8400-e29b-41d4-a716-446655440000",
              "name": "yourdomain.com",
              "status": "verified",
              "region": "us-east-1",
              "open_tracking": true,
              "click_tracking": true,
              "tls": "opportunistic",
              "sending_enabled": true,
              "dns_records": [
                {
                  "id": "550e8400-e29b-41d4-a716-446655440000",
                  "record_type": "DKIM",
                  "name": "sendkit._domainkey.yourdomain.com",
                  "value": "v=DKIM1; k=rsa; p=MIGfMA0...",
                  "ttl": 3600,
                  "status": "verified",
                  "priority": 10,
                  "created_at": "2026-03-03 10:00:00",
                  "updated_at": "2026-03-03 10:00:00"
                }
              ],
              "created_at": "2026-03-03 10:00:00",
              "updated_at": "2026-03-03 10:00:00"
            }
            """
    }
}

extension DocumentedExamples {
    /// AutoSend.
    public enum AutoSend {
        /// The documented create request body.
        public static let createRequest = #"{"domain": "example.com", "regionKey": "us-east-1"}"#
        /// The documented domain object.
        public static let domain = """
            {
            "id": "60d5ec49f1b2c72d9c8b2222",
            "domainName": "example.com",
            "verificationStatus": "PENDING_CONFIGURATION",
            "ownershipVerified": false,
            "dkimEnabled": false,
            "mailFromEnabled": false,
            "dmarcEnabled": false,
            "dnsRecords": {
            "ownership": {
            "name": "_autosend-verify.example.com",
            "value": "autosend-verify-d3b3f3481f3541b1b1d96e401ad89c91",
            "type": "TXT",
            "purpose": "Domain ownership verification"
            },
            "dkim": {
            "name": "autosend._domainkey.example.com",
            "value": "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ...",
            "type": "TXT",
            "purpose": "DKIM authentication"
            },
            "mailFrom": [
            {
            "name": "asend.example.com",
            "value": "feedback-smtp.us-east-1.amazonses.com",
            "type": "MX",
            "purpose": "Mail-from domain",
            "priority": 10
            },
            {
            "name": "asend.example.com",
            "value": "v=spf1 include:amazonses.com ~all",
            "type": "TXT",
            "purpose": "SPF record for mail-from domain"
            }
            ],
            "dmarc": {
            "name": "_dmarc.example.com",
            "value": "v=DMARC1; p=none;",
            "type": "TXT",
            "purpose": "DMARC policy"
            }
            },
            "createdAt": "2026-03-19T08:00:00.000Z",
            "lastCheckedAt": "2026-03-19T08:00:00.000Z",
            "regionKey": "us-east-1",
            "verificationInProgress": false
            }
            """
        /// The documented create response body.
        public static let createResponse = #"{"success": true, "data": \#(domain)}"#
        /// A list response in the documented shape.
        public static let listResponse =
            #"{"success": true, "data": {"domains": [\#(domain), {"id": "60d5ec49f1b2c72d9c8b3333", "domainName": "mail.example.org", "verificationStatus": "VERIFIED", "verifiedAt": "2026-03-20T09:30:00.000Z"}]}}"#
        /// A verify response in the documented shape.
        public static let verifyResponse = """
            {"success": true, "data": {"domain": \(domain), "verificationInProgress": true, "ownershipVerified": true,
             "verificationStatus": "PENDING_CONFIGURATION", "dkimEnabled": false, "mailFromEnabled": false, "dmarcEnabled": true},
             "message": "Domain verification status updated"}
            """
        /// The documented validation error body.
        public static let validationError =
            #"{"success": false, "error": {"message": "Validation failed", "code": "VALIDATION_FAILED", "details": [{"field": "domain", "message": "Invalid domain"}]}}"#
        /// The documented authentication error body.
        public static let unauthorized =
            #"{"success": false, "error": {"message": "Invalid API key", "code": "UNAUTHORIZED"}}"#
    }
}

extension DocumentedExamples {
    /// Krafter.
    public enum Krafter {
        /// The documented create request body.
        public static let createRequest = #"{"domain": "example.com", "return_path": "send"}"#
        /// The documented create response body.
        public static let createResponse = """
            {
              "data": {
                "id": "550e8400-e29b-41d4-a716-446655440000",
                "domain": "example.com",
                "status": "pending",
                "verified_at": null,
                "created_at": "2026-01-15T10:00:00Z",
                "dns_records": [
                  {"type": "TXT", "name": "_amazonses.example.com", "value": "abc123...", "ttl": "Auto", "priority": null,
                   "purpose": "Domain verification — proves you own this domain", "required": true, "category": "verification"},
                  {"type": "CNAME", "name": "token1._domainkey.example.com", "value": "token1.dkim.amazonses.com", "ttl": "Auto",
                   "priority": null, "purpose": "DKIM — cryptographic email signature", "required": true, "category": "delivery"},
                  {"type": "CNAME", "name": "token2._domainkey.example.com", "value": "token2.dkim.amazonses.com", "ttl": "Auto",
                   "priority": null, "purpose": "DKIM — cryptographic email signature", "required": true, "category": "delivery"},
                  {"type": "CNAME", "name": "token3._domainkey.example.com", "value": "token3.dkim.amazonses.com", "ttl": "Auto",
                   "priority": null, "purpose": "DKIM — cryptographic email signature", "required": true, "category": "delivery"},
                  {"type": "MX", "name": "send.example.com", "value": "feedback-smtp.eu-central-1.amazonses.com", "ttl": "Auto",
                   "priority": 10, "purpose": "Custom MAIL FROM — bounce handling", "required": true, "category": "delivery"},
                  {"type": "TXT", "name": "send.example.com", "value": "v=spf1 include:amazonses.com ~all", "ttl": "Auto",
                   "priority": null, "purpose": "SPF — authorizes SES to send on your behalf", "required": true, "category": "delivery"},
                  {"type": "TXT", "name": "_dmarc.example.com", "value": "v=DMARC1; p=none;", "ttl": "Auto", "priority": null,
                   "purpose": "DMARC — email authentication policy. Improves inbox placement.", "required": false,
                   "category": "recommended"}
                ]
              }
            }
            """
        /// A list response in the documented shape.
        public static let listResponse = """
            {
              "data": [
                {"id": "550e8400-e29b-41d4-a716-446655440000", "domain": "example.com", "status": "verified",
                 "verified_at": "2026-01-15T12:30:00Z", "created_at": "2026-01-15T10:00:00Z"},
                {"id": "660e8400-e29b-41d4-a716-446655440001", "domain": "anotherdomain.com", "status": "pending",
                 "verified_at": null, "created_at": "2026-01-16T14:00:00Z"}
              ]
            }
            """
        /// The documented get response body.
        public static let getResponse = """
            {
              "data": {
                "id": "550e8400-e29b-41d4-a716-446655440000", "domain": "example.com", "status": "verified",
                "verified_at": "2026-01-15T12:30:00Z", "created_at": "2026-01-15T10:00:00Z",
                "dns_records": [
                  {"type": "TXT", "name": "_amazonses.example.com", "value": "abc123...", "ttl": "Auto", "priority": null,
                   "purpose": "Domain verification — proves you own this domain", "required": true, "category": "verification"},
                  {"type": "CNAME", "name": "token1._domainkey.example.com", "value": "token1.dkim.amazonses.com", "ttl": "Auto",
                   "priority": null, "purpose": "DKIM — cryptographic email signature", "required": true, "category": "delivery"}
                ]
              }
            }
            """
        /// A verify response in the documented shape.
        public static let verifyResponse = """
            {"data": {"id": "550e8400-e29b-41d4-a716-446655440000", "domain": "example.com", "status": "verifying",
             "verified_at": null, "created_at": "2026-01-15T10:00:00Z"}}
            """
        /// The documented delete response body.
        public static let deleteResponse = #"{"data": { "deleted": true }}"#
    }
}

extension DocumentedExamples {
    /// Cllavio.
    public enum Cllavio {
        /// The documented request body.
        public static let request = """
            {
            "email": "noreply@example.com",
            "replyTo": "support@example.com",
            "inbound": false
            }
            """
        /// The documented 201 response body.
        public static let response = """
            {
            "SPF": "v=spf1 ip4:51.79.43.241 -all",
            "abc123._domainkey.example.com": "v=DKIM1; k=rsa; p=MIIBIjANBgkqhki...",
            "_dmarc": "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
            }
            """
    }
}

/// AhaSend test vectors: the spec's `CreateDomainRequest` example verbatim, and documents built
/// field by field from the spec's `Domain`, `DNSRecord` and `PaginatedDomainsResponse` schemas
extension DocumentedExamples {
    /// AhaSend.
    public enum AhaSend {
        /// The account id the AhaSend documents use.
        public static let accountID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

        /// `components.schemas.CreateDomainRequest.example`, verbatim.
        public static let createRequest = """
            {
              "domain": "example.com",
              "tracking_subdomain": "click",
              "return_path_subdomain": "mail",
              "subscription_subdomain": "preferences",
              "media_subdomain": "media",
              "dkim_rotation_interval_days": 45
            }
            """

        /// `components.schemas.UpdateDomainRequest.example`, verbatim.
        public static let updateRequest = """
            {
              "tracking_subdomain": "click",
              "return_path_subdomain": "mail",
              "subscription_subdomain": "preferences",
              "media_subdomain": "media",
              "dkim_rotation_interval_days": 45
            }
            """

        /// A `Domain` document built from the spec's schema.
        public static func domain(
            _ name: String = "example.com", id: String = "7f2c6a2e-8d1b-4c3a-9e5f-1a2b3c4d5e6f", valid: Bool = false
        ) -> String {
            """
            {
              "object": "domain",
              "id": "\(id)",
              "created_at": "2026-02-01T09:00:00Z",
              "updated_at": "2026-02-01T09:05:00.123Z",
              "domain": "\(name)",
              "account_id": "\(accountID)",
              "dns_records": [
                {"type": "CNAME", "label": "DKIM", "host": "ahasend._domainkey.\(name)", "content": "dkim.ahasend.com", "required": true, "propagated": \(valid)},
                {"type": "CNAME", "host": "mail.\(name)", "content": "rp.ahasend.com", "required": true, "propagated": \(valid)},
                {"type": "TXT", "host": "_dmarc.\(name)", "content": "v=DMARC1; p=none;", "required": false, "propagated": false}
              ],
              "last_dns_check_at": \(valid ? "\"2026-02-01T09:04:59Z\"" : "null"),
              "dns_valid": \(valid),
              "tracking_subdomain": "click",
              "return_path_subdomain": "mail",
              "subscription_subdomain": null,
              "media_subdomain": null,
              "dkim_rotation_interval_days": 45,
              "dkim_selector": null,
              "rotation_ready": false,
              "dsn_recipient": null
            }
            """
        }

        /// A `PaginatedDomainsResponse` page of domains named `names`.
        public static func page(
            _ names: [String], hasMore: Bool, next: String? = nil, previous: String? = nil
        ) -> String {
            var pagination = #""has_more": \#(hasMore)"#
            if let next { pagination += #", "next_cursor": "\#(next)""# }
            if let previous { pagination += #", "previous_cursor": "\#(previous)""# }
            let ids = names.enumerated().map { index, name in
                domain(name, id: "7f2c6a2e-8d1b-4c3a-9e5f-\(String(format: "%012d", index))")
            }
            return #"{"object": "list", "data": [\#(ids.joined(separator: ","))], "pagination": {\#(pagination)}}"#
        }

        /// A `SuccessResponse`, as delete returns it.
        public static let deleted = #"{"message": "Domain deleted successfully"}"#
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension AhaSend {
    /// Verifies AhaSend's webhook deliveries and returns their events, whatever web framework
    /// received them.
    ///
    /// AhaSend signs deliveries as Standard Webhooks does — headers `webhook-id`,
    /// `webhook-timestamp` (Unix seconds) and `webhook-signature` (space-separated `v1,<base64>`
    /// signatures of `<id>.<timestamp>.<raw body>` with HMAC-SHA256) — with one difference: the
    /// key is the literal UTF-8 bytes of the whole secret as AhaSend returned it (no base64
    /// decoding, no prefix stripping). Any of the `v1` signatures may match; they are compared
    /// in constant time; a timestamp more than ``tolerance`` from now, in either direction, is
    /// refused.
    ///
    /// A secret shorter than ``minimumSecretLength`` (16 bytes) is refused: every `verify`
    /// throws `secret_too_short` (kind `validation`) before looking at the delivery. AhaSend
    /// publishes no format for its secrets and generates long ones; a short one is a
    /// configuration mistake (a placeholder, a truncated copy) whose signatures could be guessed.
    /// Call ``validate(secret:)`` at startup to fail before the first delivery.
    ///
    /// Any clock value is safe: a `now` or a timestamp however far apart (even not finite) is
    /// `timestamp_out_of_tolerance`, never a crash; a negative ``tolerance`` refuses every delivery.
    ///
    /// ```swift
    /// let verifier = AhaSend.WebhookVerifier(secret: Secret("whsec_from_ahasend"))
    /// let body = Data(#"{"type":"domain.dns_error","timestamp":"2024-05-06T12:59:46.404433272Z","data":{}}"#.utf8)
    /// do {
    ///     let event = try verifier.verify(body: body, headers: ["webhook-id": "msg_1", "webhook-timestamp": "1715000000", "webhook-signature": "v1,…"])
    ///     print(event.id, event.type)   // drop an id you have already handled: deliveries are retried
    /// } catch {
    ///     print(error.code ?? "", error.message)   // which check failed; never the secret or the signature
    /// }
    /// ```
    public struct WebhookVerifier: Sendable, CustomStringConvertible {
        /// The webhook's signing secret.
        public let secret: Secret
        /// How far the delivery's timestamp may be from now, either way (5 minutes by default).
        public let tolerance: Duration
        /// The clock, for tests.
        public let now: @Sendable () -> Date
        /// The largest body accepted (1 MiB).
        public static let maximumBodySize = 1 << 20
        /// The shortest secret accepted, in UTF-8 bytes: 16, about 128 bits for a random secret
        /// (RFC 2104 recommends keys at least as long as the hash, 32 bytes for SHA-256).
        public static let minimumSecretLength = 16

        /// Checks that `secret` can be a webhook's signing secret: at least
        /// ``minimumSecretLength`` bytes.
        ///
        /// ```swift
        /// do {
        ///     try AhaSend.WebhookVerifier.validate(secret: Secret("whsec_from_ahasend"))
        /// } catch {
        ///     print(error.message)   // never the secret
        /// }
        /// ```
        ///
        /// - Throws: `SendingDomainsError` of kind `validation`, code `secret_too_short`.
        public static func validate(secret: Secret) throws(SendingDomainsError) {
            let length = secret.reveal().utf8.count
            guard length >= minimumSecretLength else {
                throw SendingDomainsError(
                    kind: .validation,
                    message:
                        "The webhook secret is \(length) bytes long, shorter than the \(minimumSecretLength) allowed: pass the whole secret AhaSend returned when the webhook was created",
                    provider: .ahaSend, operation: "verifyWebhook", code: "secret_too_short")
            }
        }

        /// A verifier for the webhook whose secret is `secret`.
        public init(
            secret: Secret, tolerance: Duration = .seconds(300), now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.secret = secret
            self.tolerance = tolerance
            self.now = now
        }

        /// `AhaSend.WebhookVerifier(secret: <redacted>)`.
        public var description: String { "AhaSend.WebhookVerifier(secret: \(Secret.placeholder))" }

        /// Verifies a delivery whose headers come as a dictionary (names in any case).
        ///
        /// - Throws: the same errors as the name–value pairs form.
        public func verify(body: Data, headers: [String: String]) throws(SendingDomainsError) -> WebhookEvent {
            try verify(body: body, headerPairs: headers.map { ($0.key, $0.value) })
        }

        /// Verifies a delivery whose headers come as name–value pairs (names in any case), as
        /// Vapor's `HTTPHeaders` and Hummingbird's `HTTPFields` iterate.
        ///
        /// - Throws: `SendingDomainsError` with `code` naming the check
        ///   that failed: `missing_header` or `malformed_timestamp` (kind `validation`: answer
        ///   400), `timestamp_out_of_tolerance` or `signature_mismatch` (kind `authentication`:
        ///   answer 401), `body_too_large` or `malformed_body` (kind `validation`), and
        ///   `secret_too_short` (kind `validation`: the verifier's own secret, see
        ///   ``validate(secret:)``; a configuration error, not the sender's). The message never
        ///   contains the secret or a signature.
        public func verify<Headers: Sequence<(String, String)>>(
            body: Data, headers: Headers
        ) throws(SendingDomainsError) -> WebhookEvent {
            try verify(body: body, headerPairs: Array(headers))
        }

        private func verify(body: Data, headerPairs: [(String, String)]) throws(SendingDomainsError) -> WebhookEvent {
            func header(_ name: String) -> String? {
                headerPairs.first { $0.0.lowercased() == name }?.1.trimmingCharacters(in: .whitespaces)
            }
            try Self.validate(secret: secret)
            guard body.count <= Self.maximumBodySize else {
                throw failure(.validation, "body_too_large", "The delivery's body is over 1 MiB")
            }
            guard let id = header("webhook-id"), !id.isEmpty else {
                throw failure(.validation, "missing_header", "The delivery has no webhook-id header")
            }
            guard let timestampText = header("webhook-timestamp"), !timestampText.isEmpty else {
                throw failure(.validation, "missing_header", "The delivery has no webhook-timestamp header")
            }
            guard let signatures = header("webhook-signature"), !signatures.isEmpty else {
                throw failure(.validation, "missing_header", "The delivery has no webhook-signature header")
            }
            guard timestampText.count <= 12, let seconds = Int64(timestampText) else {
                throw failure(
                    .validation, "malformed_timestamp", "The webhook-timestamp header is not a number of Unix seconds")
            }
            let delivered = Date(timeIntervalSince1970: TimeInterval(seconds))
            // Any clock value is a number here, never a trap: a skew that is not finite (a `now`
            // of infinity or NaN) is out of tolerance, and the message formats without `Int(_:)`.
            let skew = abs(delivered.timeIntervalSince(now()))
            guard skew.isFinite, skew <= tolerance.seconds else {
                throw failure(
                    .authentication, "timestamp_out_of_tolerance",
                    "The delivery's timestamp is \(Self.seconds(skew)) from now, more than the \(Self.seconds(tolerance.seconds)) allowed: a replay, or a clock out of sync"
                )
            }
            let expected = WebhookSigner(secret: secret).authenticationCode(
                id: id, timestamp: timestampText, body: body)
            var matched = false
            for candidate in signatures.split(separator: " ") {
                let parts = candidate.split(separator: ",", maxSplits: 1)
                guard parts.count == 2, parts[0] == "v1", let given = Data(base64Encoded: String(parts[1])) else {
                    continue
                }
                // Every candidate is compared, so the time taken does not say which matched.
                if HMACSHA256.constantTimeEqual(given, expected) { matched = true }
            }
            guard matched else {
                throw failure(
                    .authentication, "signature_mismatch",
                    "No v1 signature of the delivery matches the webhook's secret: check the secret, and that the body is passed exactly as received"
                )
            }
            return try WebhookEvent(id: id, deliveredAt: delivered, body: body)
        }

        /// `42 s`, `1e+19 s`, `an unknown number of s`: whole seconds for a message, for any value.
        static func seconds(_ value: Double) -> String {
            guard value.isFinite else { return "an unknown number of s" }
            guard abs(value) < 1e15 else { return String(format: "%.3g s", value) }
            return "\(Int64(value.rounded(.down))) s"
        }

        private func failure(_ kind: SendingDomainsError.Kind, _ code: String, _ message: String) -> SendingDomainsError
        {
            SendingDomainsError(
                kind: kind, message: message, provider: .ahaSend, operation: "verifyWebhook", code: code)
        }
    }

    /// One verified delivery.
    public struct WebhookEvent: Sendable, Hashable {
        /// The `webhook-id` header: the same for every retry of a delivery, so an app drops an id
        /// it has already handled (AhaSend retries 6 times).
        public var id: String
        /// When the delivery was signed (`webhook-timestamp`).
        public var deliveredAt: Date
        /// The event type, e.g. `domain.dns_error`.
        public var type: String
        /// The event's own timestamp (nanoseconds parsed), when it has one.
        public var timestamp: Date?
        /// The event.
        public var payload: Payload
        /// The delivery's body, as received.
        public var body: Data

        /// What a delivery carries.
        ///
        /// Frozen: a delivery this SDK models (`domain.dns_error`) or ``other(data:)``. Event types it
        /// learns to model later are read from `other`'s data by new properties, never added as cases.
        public enum Payload: Sendable, Hashable {
            /// `domain.dns_error`: AhaSend's checker found DNS problems that will stop sending.
            case domainDNSError(DomainDNSError)
            /// Any other event type (`message.*`, `suppression.*`, `route.*`…): its `data`, as JSON.
            case other(data: Data)
        }

        /// Parses a verified body.
        ///
        /// - Throws: `SendingDomainsError` of kind `validation`, code `malformed_body`, when the
        ///   body is not AhaSend's `{type, timestamp, data}` envelope or a `domain.dns_error` lacks
        ///   its fields.
        public init(id: String, deliveredAt: Date, body: Data) throws(SendingDomainsError) {
            struct Envelope: Decodable {
                let type: String
                let timestamp: String?
            }
            let decoder = JSONCoding.makeDecoder()
            guard let envelope = try? decoder.decode(Envelope.self, from: body) else {
                throw SendingDomainsError(
                    kind: .validation, message: "The delivery's body is not an AhaSend event ({type, timestamp, data})",
                    provider: .ahaSend, operation: "verifyWebhook", code: "malformed_body")
            }
            self.id = id
            self.deliveredAt = deliveredAt
            self.type = envelope.type
            self.timestamp = envelope.timestamp.flatMap(Timestamp.parse)
            self.body = body
            if envelope.type == "domain.dns_error" {
                struct DNSErrorEnvelope: Decodable { let data: DomainDNSError }
                do {
                    payload = .domainDNSError(try decoder.decode(DNSErrorEnvelope.self, from: body).data)
                } catch {
                    throw SendingDomainsError(
                        kind: .validation,
                        message: "The domain.dns_error event lacks a field: \(JSONCoding.describe(error))",
                        provider: .ahaSend, operation: "verifyWebhook", code: "malformed_body")
                }
            } else {
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
                let data = object?["data"].flatMap {
                    try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])
                }
                payload = .other(data: data ?? Data("null".utf8))
            }
        }
    }

    /// The `data` of a `domain.dns_error` event.
    public struct DomainDNSError: Sendable, Hashable, Codable {
        /// The domain.
        public var domain: String
        /// The account it belongs to.
        public var accountID: String
        /// Whether SPF was valid.
        public var spfValid: Bool
        /// Whether DKIM was valid.
        public var dkimValid: Bool
        /// Whether DMARC was valid.
        public var dmarcValid: Bool
        /// When AhaSend checked (nanoseconds parsed).
        public var dnsLastCheckedAt: Date?

        /// An event value (for tests).
        public init(
            domain: String, accountID: String, spfValid: Bool, dkimValid: Bool, dmarcValid: Bool,
            dnsLastCheckedAt: Date? = nil
        ) {
            self.domain = domain
            self.accountID = accountID
            self.spfValid = spfValid
            self.dkimValid = dkimValid
            self.dmarcValid = dmarcValid
            self.dnsLastCheckedAt = dnsLastCheckedAt
        }

        enum CodingKeys: String, CodingKey {
            case domain
            case accountID = "account_id"
            case spfValid = "spf_valid"
            case dkimValid = "dkim_valid"
            case dmarcValid = "dmarc_valid"
            case dnsLastCheckedAt = "dns_last_checked_at"
        }
    }
}

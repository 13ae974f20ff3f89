import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension AhaSend {
    /// Signs a webhook delivery as AhaSend does, so that a test of your webhook endpoint can
    /// send it a delivery that ``WebhookVerifier`` accepts — or, with another secret, one that
    /// it refuses.
    ///
    /// The signature is the one ``WebhookVerifier`` checks: HMAC-SHA256 of
    /// `<webhook-id>.<webhook-timestamp>.<raw body>` keyed with the UTF-8 bytes of the whole
    /// secret, base64-encoded after `v1,`. The signer refuses no secret; a verifier refuses one
    /// shorter than ``WebhookVerifier/minimumSecretLength``.
    ///
    /// ```swift
    /// let secret = Secret("whsec_test_secret_for_my_endpoint")
    /// let body = Data(#"{"type":"domain.dns_error","timestamp":"2024-05-06T12:59:46Z","data":{"domain":"example.com","account_id":"00000000-0000-4000-8000-000000000001","spf_valid":false,"dkim_valid":true,"dmarc_valid":true}}"#.utf8)
    /// let headers = AhaSend.WebhookSigner(secret: secret).headers(id: "msg_test_1", body: body)
    /// // POST `body` with `headers` to your endpoint, or verify it directly:
    /// let event = try AhaSend.WebhookVerifier(secret: secret).verify(body: body, headers: headers)
    /// assert(event.type == "domain.dns_error")
    /// ```
    public struct WebhookSigner: Sendable, CustomStringConvertible {
        /// The webhook's signing secret.
        public let secret: Secret

        /// A signer with the webhook's secret.
        public init(secret: Secret) {
            self.secret = secret
        }

        /// `AhaSend.WebhookSigner(secret: <redacted>)`.
        public var description: String { "AhaSend.WebhookSigner(secret: \(Secret.placeholder))" }

        /// The `webhook-signature` header's value for a delivery: `v1,<base64>`.
        ///
        /// - Parameters:
        ///   - id: The `webhook-id` header.
        ///   - timestamp: The `webhook-timestamp` header: Unix seconds.
        ///   - body: The body, byte for byte as it will be sent.
        public func signature(id: String, timestamp: Int64, body: Data) -> String {
            "v1," + authenticationCode(id: id, timestamp: String(timestamp), body: body).base64EncodedString()
        }

        /// The three headers of a signed delivery — `webhook-id`, `webhook-timestamp` and
        /// `webhook-signature` — signed at `date` (now by default; a date before 1970 or beyond
        /// year 30000 is clamped).
        public func headers(id: String, body: Data, at date: Date = Date()) -> [String: String] {
            let timestamp = Self.unixSeconds(date)
            return [
                "webhook-id": id, "webhook-timestamp": String(timestamp),
                "webhook-signature": signature(id: id, timestamp: timestamp, body: body),
            ]
        }

        /// The HMAC of a delivery whose timestamp header reads `timestamp`: what the verifier
        /// compares against, so both sides share one definition of the signed content.
        func authenticationCode(id: String, timestamp: String, body: Data) -> Data {
            var signed = Data("\(id).\(timestamp).".utf8)
            signed.append(body)
            return HMACSHA256.authenticationCode(for: signed, key: Data(secret.reveal().utf8))
        }

        /// Whole Unix seconds of `date`, clamped to 0…999,999,999,999 (what the verifier reads),
        /// never trapping on a date far away or not finite.
        static func unixSeconds(_ date: Date) -> Int64 {
            let seconds = date.timeIntervalSince1970
            guard seconds.isFinite else { return 0 }
            return Int64(min(max(seconds, 0), 999_999_999_999).rounded(.down))
        }
    }
}

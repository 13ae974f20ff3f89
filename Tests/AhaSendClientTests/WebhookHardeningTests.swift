import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import Testing

@Suite("AhaSend webhooks: any clock, a real secret, and a public signer")
struct WebhookHardeningTests {
    static let secret = "aha-whsec-Zm9vYmFy"
    static let body = Data(
        #"{"type":"domain.dns_error","timestamp":"2024-05-06T12:59:46.404433272Z","data":{"domain":"example.com","account_id":"00000000-0000-4000-8000-000000000001","spf_valid":false,"dkim_valid":true,"dmarc_valid":false}}"#
            .utf8)
    static let timestamp: Int64 = 1_715_000_000

    /// Signed independently of the SDK's signer (the portable HMAC), so that the signer is
    /// checked against the rule rather than against itself.
    static func reference(_ body: Data, id: String, timestamp: Int64, secret: String = secret) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return "v1," + HMACSHA256.portableAuthenticationCode(for: content, key: Data(secret.utf8)).base64EncodedString()
    }

    static var headers: [String: String] {
        [
            "webhook-id": "msg_1", "webhook-timestamp": "\(timestamp)",
            "webhook-signature": reference(body, id: "msg_1", timestamp: timestamp),
        ]
    }

    @Test(
        "a clock or tolerance however absurd is timestamp_out_of_tolerance, never a trap",
        arguments: [
            (1e19, 300.0), (-1e19, 300.0), (Double.greatestFiniteMagnitude, 300.0), (Double.infinity, 300.0),
            (-Double.infinity, 300.0), (Double.nan, 300.0), (1e19, -1.0),
        ])
    func absurdClock(now: Double, tolerance: Double) {
        let verifier = AhaSend.WebhookVerifier(
            secret: Secret(Self.secret), tolerance: .milliseconds(Int64(tolerance * 1000)),
            now: { Date(timeIntervalSince1970: now) })
        let error = #expect(throws: SendingDomainsError.self) {
            try verifier.verify(body: Self.body, headers: Self.headers)
        }
        #expect(error?.code == "timestamp_out_of_tolerance")
        #expect(error?.kind == .authentication)
    }

    @Test("the largest tolerance there is, and a timestamp at either end of its range, are numbers too")
    func extremeTolerance() throws {
        // Duration's largest whole seconds (Int64.max) is 2^63 as a Double: `Int(_:)` of it traps.
        let widest = AhaSend.WebhookVerifier(
            secret: Secret(Self.secret), tolerance: .seconds(Int64.max), now: { Date(timeIntervalSince1970: 5e18) })
        #expect(try widest.verify(body: Self.body, headers: Self.headers).id == "msg_1")
        let narrow = AhaSend.WebhookVerifier(
            secret: Secret(Self.secret), tolerance: .seconds(Int64.min), now: { Date(timeIntervalSince1970: 0) })
        for timestamp: Int64 in [999_999_999_999, -99_999_999_999] {
            let headers = [
                "webhook-id": "msg_1", "webhook-timestamp": "\(timestamp)",
                "webhook-signature": Self.reference(Self.body, id: "msg_1", timestamp: timestamp),
            ]
            let error = #expect(throws: SendingDomainsError.self) {
                try narrow.verify(body: Self.body, headers: headers)
            }
            #expect(error?.code == "timestamp_out_of_tolerance")
        }
    }

    @Test("a secret under 16 bytes is secret_too_short, at validate and at every verify; 16 is enough")
    func shortSecret() throws {
        for short in ["", "x", String(repeating: "k", count: 15)] {
            let validation = #expect(throws: SendingDomainsError.self) {
                try AhaSend.WebhookVerifier.validate(secret: Secret(short))
            }
            #expect(validation?.code == "secret_too_short")
            #expect(validation?.kind == .validation)
            // Even a delivery correctly signed with the short secret is refused.
            let verifier = AhaSend.WebhookVerifier(
                secret: Secret(short), now: { Date(timeIntervalSince1970: TimeInterval(Self.timestamp)) })
            let headers = AhaSend.WebhookSigner(secret: Secret(short))
                .headers(id: "msg_1", body: Self.body, at: Date(timeIntervalSince1970: TimeInterval(Self.timestamp)))
            let error = #expect(throws: SendingDomainsError.self) {
                try verifier.verify(body: Self.body, headers: headers)
            }
            #expect(error?.code == "secret_too_short")
            if !short.isEmpty { #expect(error.map { !$0.message.contains(short) } ?? false) }
        }
        let sixteen = String(repeating: "k", count: 16)
        try AhaSend.WebhookVerifier.validate(secret: Secret(sixteen))
        // Bytes, not characters: eight two-byte characters are 16 bytes.
        try AhaSend.WebhookVerifier.validate(secret: Secret(String(repeating: "é", count: 8)))
    }

    @Test("the public signer signs as AhaSend does: the verifier accepts it, another secret does not")
    func signer() throws {
        let signer = AhaSend.WebhookSigner(secret: Secret(Self.secret))
        #expect(
            signer.signature(id: "msg_1", timestamp: Self.timestamp, body: Self.body)
                == Self.reference(Self.body, id: "msg_1", timestamp: Self.timestamp))
        let at = Date(timeIntervalSince1970: TimeInterval(Self.timestamp) + 0.75)
        let headers = signer.headers(id: "msg_1", body: Self.body, at: at)
        #expect(headers == Self.headers)
        let verifier = AhaSend.WebhookVerifier(secret: Secret(Self.secret), now: { at })
        #expect(try verifier.verify(body: Self.body, headers: headers).type == "domain.dns_error")
        let other = AhaSend.WebhookVerifier(secret: Secret("another-secret-of-16+"), now: { at })
        let error = #expect(throws: SendingDomainsError.self) { try other.verify(body: Self.body, headers: headers) }
        #expect(error?.code == "signature_mismatch")
        // Dates the header cannot carry are clamped, not a trap.
        for date in [Date.distantFuture, Date(timeIntervalSince1970: 1e300), Date(timeIntervalSince1970: -1e300)] {
            #expect(signer.headers(id: "m", body: Self.body, at: date)["webhook-timestamp"]?.count ?? 99 <= 12)
        }
        #expect(!"\(signer)".contains(Self.secret))
        var dumped = ""
        dump(signer, to: &dumped)
        #expect(!dumped.contains(Self.secret))
    }
}

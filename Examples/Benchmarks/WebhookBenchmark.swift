import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains

/// Verifying a 2 KB AhaSend webhook delivery: headers, timestamp, HMAC-SHA256, constant-time
/// comparison and the typed event; baseline: the HMAC-SHA256 of the same signed content alone.
enum WebhookBenchmark {
    static func run(runs: Int, iterations: Int) async throws -> [Row] {
        let secret = "aha-whsec-benchmark-secret"
        let padding = String(repeating: "x", count: 1_700)
        let body = Data(
            #"{"type":"domain.dns_error","timestamp":"2024-05-06T12:59:46.404433272Z","data":{"domain":"example.com","account_id":"00000000-0000-4000-8000-000000000001","spf_valid":false,"dkim_valid":true,"dmarc_valid":true,"dns_last_checked_at":"2024-05-06T12:59:46.404433312Z","note":"\#(padding)"}}"#
                .utf8)
        let timestamp = 1_715_000_000
        var signed = Data("msg_1.\(timestamp).".utf8)
        signed.append(body)
        let signature = "v1," + HMACSHA256.authenticationCode(for: signed, key: Data(secret.utf8)).base64EncodedString()
        let headers = ["webhook-id": "msg_1", "webhook-timestamp": "\(timestamp)", "webhook-signature": signature]
        let verifier = AhaSend.WebhookVerifier(
            secret: Secret(secret), now: { Date(timeIntervalSince1970: TimeInterval(timestamp)) })
        let key = Data(secret.utf8)
        let verify = try await Measure.cpuPerCall(runs: runs, iterations: iterations) {
            _ = try verifier.verify(body: body, headers: headers)
        }
        let hmac = await Measure.cpuPerCall(runs: runs, iterations: iterations) {
            _ = HMACSHA256.authenticationCode(for: signed, key: key)
        }
        return [
            Row(
                benchmark: "verify a 2 KB AhaSend webhook delivery (\(body.count) bytes)", measured: verify,
                baseline: hmac, unit: "µs CPU (baseline: the HMAC-SHA256 alone)", target: "report")
        ]
    }
}

import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("AhaSend webhooks: Standard Webhooks signatures with AhaSend's key rule")
struct WebhookTests {
    static let secret = "aha-whsec-Zm9vYmFy"  // looks like base64 after a prefix: used whole, as UTF-8
    static let now = Date(timeIntervalSince1970: 1_715_000_000)
    static let body = Data(
        #"{"type":"domain.dns_error","webhook_id":"7b0c0b1e-4bd4-4f7b-9d4b-8e0b1f6a2c3d","timestamp":"2024-05-06T12:59:46.404433272Z","data":{"domain":"example.com","account_id":"00000000-0000-4000-8000-000000000001","spf_valid":false,"dkim_valid":true,"dmarc_valid":false,"dns_last_checked_at":"2024-05-06T12:59:46.404433312Z"}}"#
            .utf8)

    static func sign(
        _ body: Data, id: String = "msg_2Kq", timestamp: Int = 1_715_000_000, secret: String = secret
    ) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return "v1," + HMACSHA256.portableAuthenticationCode(for: content, key: Data(secret.utf8)).base64EncodedString()
    }

    static func headers(signature: String = sign(body), timestamp: Int = 1_715_000_000) -> [String: String] {
        ["Webhook-Id": "msg_2Kq", "WEBHOOK-TIMESTAMP": "\(timestamp)", "webhook-signature": signature]
    }

    let verifier = AhaSend.WebhookVerifier(secret: Secret(Self.secret), now: { Self.now })

    @Test("a signed domain.dns_error is verified and fully typed, nanoseconds parsed")
    func verified() throws {
        let event = try verifier.verify(body: Self.body, headers: Self.headers())
        #expect(event.id == "msg_2Kq")
        #expect(event.type == "domain.dns_error")
        #expect(event.deliveredAt == Self.now)
        guard case .domainDNSError(let error) = event.payload else {
            Issue.record("not a domain.dns_error: \(event.payload)")
            return
        }
        #expect(error.domain == "example.com")
        #expect(error.accountID == "00000000-0000-4000-8000-000000000001")
        #expect(!error.spfValid && error.dkimValid && !error.dmarcValid)
        let checked = try #require(error.dnsLastCheckedAt)
        #expect(abs(checked.timeIntervalSince1970 - 1_715_000_386.404433312) < 1e-5)
        #expect(abs((event.timestamp?.timeIntervalSince1970 ?? 0) - 1_715_000_386.404433272) < 1e-5)
    }

    @Test("headers as name–value pairs, in any case; any of several v1 signatures may match")
    func pairsAndSeveral() throws {
        let pairs: [(String, String)] = [
            ("WEBHOOK-ID", "msg_2Kq"), ("Webhook-Timestamp", "1715000000"),
            (
                "Webhook-Signature",
                "v1,\(Data(repeating: 7, count: 32).base64EncodedString()) v1a,ignored \(Self.sign(Self.body))"
            ),
        ]
        #expect(try verifier.verify(body: Self.body, headers: pairs).id == "msg_2Kq")
    }

    @Test(
        "every failed check is a typed error naming it, never echoing the secret or the signature",
        arguments: [
            ("signature_mismatch", [:] as [String: String], Data("{\"type\":\"x\"}".utf8)),
            ("signature_mismatch", ["webhook-signature": sign(body, secret: "another")], body),
            ("signature_mismatch", ["webhook-signature": "v2," + sign(body).dropFirst(3)], body),
            ("timestamp_out_of_tolerance", ["webhook-timestamp": "1714999699"], body),
            ("timestamp_out_of_tolerance", ["webhook-timestamp": "1715000301"], body),
            ("malformed_timestamp", ["webhook-timestamp": "soon"], body),
            ("missing_header", ["webhook-signature": ""], body),
        ])
    func failures(_ code: String, _ changes: [String: String], _ body: Data) {
        var headers = Self.headers()
        for (name, value) in changes {
            headers = headers.filter { $0.key.lowercased() != name }
            headers[name] = value
        }
        let error = #expect(throws: SendingDomainsError.self) { try verifier.verify(body: body, headers: headers) }
        #expect(error?.code == code)
        #expect(
            error?.kind == (code.hasPrefix("missing") || code.hasPrefix("malformed") ? .validation : .authentication))
        let text = "\(error.map { String(describing: $0) } ?? "") \(error?.message ?? "")"
        #expect(!text.contains(Self.secret))
        #expect(!text.contains(String(Self.sign(Self.body).dropFirst(3))))
    }

    @Test("the timestamp check allows exactly the tolerance, either way")
    func tolerance() throws {
        for offset in [-300, 300] {
            let timestamp = 1_715_000_000 + offset
            let headers = Self.headers(signature: Self.sign(Self.body, timestamp: timestamp), timestamp: timestamp)
            #expect(try verifier.verify(body: Self.body, headers: headers).id == "msg_2Kq")
        }
    }

    @Test("another event type is kept as its type and raw data, never a failure")
    func otherType() throws {
        let body = Data(
            #"{"type":"message.delivered","timestamp":"2024-05-06T12:00:00Z","data":{"id":"m1","to":"a@b.c"}}"#.utf8)
        let event = try verifier.verify(body: body, headers: Self.headers(signature: Self.sign(body)))
        #expect(event.type == "message.delivered")
        guard case .other(let data) = event.payload else {
            Issue.record("typed as a domain event")
            return
        }
        #expect(try JSONValue(data: data) == JSONValue(json: #"{"id":"m1","to":"a@b.c"}"#))
    }

    @Test("a signed body that is not an AhaSend event is a malformed delivery (400), not a crash")
    func malformedBody() {
        for body in [Data("not json".utf8), Data(#"{"type":"domain.dns_error","data":{"domain":"x"}}"#.utf8)] {
            let error = #expect(throws: SendingDomainsError.self) {
                try verifier.verify(body: body, headers: Self.headers(signature: Self.sign(body)))
            }
            #expect(error?.code == "malformed_body")
            #expect(error?.kind == .validation)
        }
    }

    @Test("the verifier prints no secret")
    func redacted() {
        #expect(!"\(verifier)".contains(Self.secret))
        var dumped = ""
        dump(verifier, to: &dumped)
        #expect(!dumped.contains(Self.secret))
    }
}

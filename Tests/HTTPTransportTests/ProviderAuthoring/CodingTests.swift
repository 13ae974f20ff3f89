import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import Testing

@Suite("Timestamps, Retry-After, headers and JSON")
struct CodingTests {
    @Test(
        "timestamps in every provider's format",
        arguments: [
            ("2026-03-03 10:00:00", 1_772_532_000.0), ("2026-03-19T08:00:00.000Z", 1_773_907_200.0),
            ("2026-01-15T10:00:00Z", 1_768_471_200.0), ("2023-12-25T10:30:00+02:00", 1_703_493_000.0),
            ("2026-01-15T10:00:00.123456Z", 1_768_471_200.123456), ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ])
    func timestamps(text: String, epoch: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 1e-5)
    }

    @Test(
        "malformed timestamps are refused",
        arguments: [
            "", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01", "yesterday",
            "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00.",
        ])
    func badTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("Retry-After forms")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)
        #expect(RetryAfterParser.parse("120", now: now) == .seconds(120))
        #expect(RetryAfterParser.parse("1.5", now: now) == .milliseconds(1_500))
        #expect(RetryAfterParser.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfterParser.parse("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
        #expect(RetryAfterParser.parse("-1", now: now) == nil)
        #expect(RetryAfterParser.parse("soon", now: now) == nil)
        #expect(RetryAfterParser.untilEpoch("1445412490", now: now) == .seconds(10))
        #expect(RetryAfterParser.untilEpoch("1445412490000", now: now) == .seconds(10))
    }

    @Test("headers are case-insensitive and setting replaces every field of a name")
    func headers() {
        var headers: HeaderFields = ["Content-Type": "a"]
        headers.add(name: "content-type", value: "b")
        #expect(headers.values(for: "CONTENT-TYPE") == ["a", "b"])
        headers["content-TYPE"] = "c"
        #expect(headers.values(for: "Content-Type") == ["c"])
        headers["Content-Type"] = nil
        #expect(headers.count == 0)
    }

    @Test("decoding failures name the path, not the values")
    func decodingError() {
        struct Model: Decodable { let name: String; let count: Int }
        let response = TransportResponse(status: 200, body: Data(#"{"name":"secret-value","count":"x"}"#.utf8))
        #expect(throws: SendingDomainsError.self) { try JSONCoding.decode(Model.self, from: response) }
        do {
            _ = try JSONCoding.decode(Model.self, from: response)
        } catch {
            #expect(error.kind == .decoding)
            #expect(error.message.contains("count"))
            #expect(!error.message.contains("secret-value"))
        }
        let truncated = TransportResponse(status: 200, body: Data(#"{"name":"#.utf8))
        #expect(throws: SendingDomainsError.self) { try JSONCoding.decode(Model.self, from: truncated) }
    }

    @Test("error descriptions say what to do")
    func description() {
        let error = SendingDomainsError(
            kind: .rateLimited, message: "Too many requests", provider: .autoSend, operation: "listDomains",
            status: 429,
            retryAfter: .seconds(2), attempts: 3)
        #expect(
            error.description
                == "AutoSend listDomains failed: rate limited (HTTP 429): Too many requests. Retry after 2s. After 3 attempts. What to do: \(SendingDomainsError.Kind.rateLimited.recoverySuggestion)"
        )
    }
}

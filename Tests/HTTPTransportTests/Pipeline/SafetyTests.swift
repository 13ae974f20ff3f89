import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("Safety: path encoding, https enforcement, redaction")
struct SafetyTests {
    static let hostile = [
        "../", "..", ".", "/", "a/b", "?x=1", "#frag", "%2F", "%", "a\r\nX-Evil: 1", "ü.example", "a b", "😀", "\u{0}",
    ]

    @Test("hostile path segments are encoded and never change the path", arguments: hostile)
    func hostileSegment(segment: String) throws {
        let request = TransportRequest(
            method: .get, baseURL: try #require(URL(string: "https://api.example.test/v2")),
            path: ["domains", segment, "check-dns"])
        let url = try request.url()
        #expect(url.host == "api.example.test")
        #expect(url.query == nil)
        #expect(url.fragment == nil)
        let encoded = try #require(
            url.absoluteString.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3).map(String.init)
                as [String]?)
        #expect(encoded.count == 4, "\(url.absoluteString)")
        #expect(encoded.first == "v2")
        #expect(encoded.last == "check-dns")
        #expect(encoded[2] != "." && encoded[2] != "..")
        #expect(encoded[2].removingPercentEncoding == segment || segment == "\u{0}")
        #expect(!url.absoluteString.contains("\r") && !url.absoluteString.contains("\n"))
    }

    @Test("query names and values are encoded")
    func query() throws {
        let request = TransportRequest(
            method: .get, baseURL: try #require(URL(string: "https://api.example.test")), path: ["domains"],
            query: [QueryItem(name: "after", value: "a&b=c#d e+f")])
        #expect(try request.url().absoluteString == "https://api.example.test/domains?after=a%26b%3Dc%23d%20e%2Bf")
    }

    @Test("an empty segment is refused")
    func emptySegment() throws {
        let request = TransportRequest(
            method: .get, baseURL: try #require(URL(string: "https://api.example.test")), path: ["domains", ""])
        #expect(throws: SendingDomainsError.self) { try request.url() }
    }

    @Test(
        "https is required except on loopback",
        arguments: [
            ("https://api.ahasend.com", true), ("https://proxy.internal:8443/aha", true),
            ("http://127.0.0.1:8080", true), ("http://127.1.2.3", true), ("http://localhost:9000/v1", true),
            ("http://[::1]:8080", true), ("http://api.ahasend.com", false), ("http://127.0.0.1.evil.com", false),
            ("http://10.0.0.1", false), ("ftp://api.example.com", false), ("api.example.com", false),
            ("https://user:pw@api.example.com", false), ("https://api.example.com?x=1", false),
        ])
    func httpsOnly(url: String, accepted: Bool) {
        let result = Result { () throws(SendingDomainsError) in try BaseURL(url) }
        switch result {
        case .success: #expect(accepted)
        case .failure(let error):
            #expect(!accepted)
            #expect(error.kind == .validation)
            #expect(error.fieldErrors.first?.field == "baseURL")
        }
    }

    @Test("a secret never appears in a description, an error or a log line")
    func redaction() async throws {
        let secret = TestProvider.secret
        let key = Secret(secret)
        #expect("\(key)" == "<redacted>")
        #expect(String(reflecting: key) == "<redacted>")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(secret))

        let lines = Locked<[String]>([])
        let logger = LogSink(minimumLevel: .debug) { event in lines.withLock { $0.append(event.description) } }
        // A hostile provider echoes the key back in its error body and a header.
        let mock = MockTransport.always(
            .json(401, #"{"message":"Invalid key \#(secret)"}"#, headers: ["X-Echo": "Bearer \(secret)"]))
        let client = TestProvider.client(mock, logger: logger)
        let error = try #require(await captureError { try await client.send(TestProvider.get) })
        #expect(error.kind == .authentication)
        for text in [error.description, error.message, error.rawBody ?? "", String(reflecting: error)]
            + lines.withLock({ $0 })
        {
            #expect(!text.contains(secret), "leaked in: \(text)")
        }
        #expect(lines.withLock { $0 }.contains { $0.contains("Authorization: <redacted>") })
        #expect(mock.requests[0].headers["Authorization"] == "Bearer \(secret)")
    }

    @Test("a secret echoed in a body that fails to decode is scrubbed from the decoding error")
    func redactionWhenDecoding() async throws {
        struct Model: Decodable { let id: Int }
        let mock = MockTransport.always(.json(200, #"{"id": "not a number", "echo": "\#(TestProvider.secret)"}"#))
        let error = try #require(
            await captureError {
                try await TestProvider.client(mock).call(
                    Endpoint<Model>(.getDomain, .get, decoding: .json) { .init(path: ["domains", "example.com"]) })
            })
        #expect(error.kind == .decoding)
        #expect(error.provider == .ahaSend && error.operation == "getDomain")
        #expect(error.rawBody?.contains("<redacted>") == true)
        #expect(
            !error.description.contains(TestProvider.secret) && error.rawBody?.contains(TestProvider.secret) == false)
    }

    @Test("redacted headers hide credentials whatever their case")
    func headerRedaction() {
        let headers: HeaderFields = ["authorization": "Bearer x", "X-API-SECRET-TOKEN": "y", "Accept": "a"]
        let redacted = headers.redacted(HeaderFields.alwaysSensitive)
        #expect(redacted["Authorization"] == "<redacted>")
        #expect(redacted["x-api-secret-token"] == "<redacted>")
        #expect(redacted["accept"] == "a")
    }

    @Test(
        "idempotency keys are validated",
        arguments: [
            ("abc-123", true), ("", false), (String(repeating: "k", count: 255), true),
            (String(repeating: "k", count: 256), false), ("has space", false), ("tab\t", false), ("ünï", false),
        ])
    func idempotencyKey(raw: String, valid: Bool) {
        #expect((try? IdempotencyKey(raw)) != nil ? valid : !valid)
    }

    @Test(
        "domain names: ASCII and IDN names normalise; UTS #46 maps compatibility forms",
        arguments: [
            ("Mail.Example.COM.", "mail.example.com"), ("bücher.example", "xn--bcher-kva.example"),
            ("\u{FF45}\u{FF58}\u{FF41}\u{FF4D}\u{FF50}\u{FF4C}\u{FF45}.com", "example.com"),
            ("ＥＸＡＭＰＬＥ．ＣＯＭ", "example.com"), ("例え。テスト", "xn--r8jz45g.xn--zckzah"),
            ("ｍａｉｌ１２３.example", "mail123.example"),
        ])
    func domainNames(input: String, expected: String) throws {
        #expect(try DomainName.normalize(input) == expected)
    }

    @Test(
        "UTS #46: invisible characters, bidi controls and symbols are refused, naming the character and where",
        arguments: [
            ("exam\u{200B}ple.com", "U+200B (ZERO WIDTH SPACE) at position 5", "invisible"),
            ("\u{202E}moc.elpmaxe", "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 1", "bidirectional"),
            ("pay\u{00AD}pal.com", "U+00AD (SOFT HYPHEN) at position 4", "invisible"),
            ("mail\u{200D}.example.com", "U+200D (ZERO WIDTH JOINER) at position 5", "invisible"),
            ("\u{2603}.example.com", "U+2603 (SNOWMAN) at position 1", "IDNA does not allow"),
            ("shop\u{1F600}.example.com", "U+1F600 (GRINNING FACE) at position 5", "IDNA does not allow"),
            ("a\u{2066}b.example.com", "U+2066 (LEFT-TO-RIGHT ISOLATE) at position 2", "bidirectional"),
        ])
    func uts46(input: String, names: String, rule: String) {
        let error = normalizationError(input)
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == "domain")
        #expect(error?.message.contains(names) == true, "\(String(describing: error?.message))")
        #expect(error?.message.contains(rule) == true, "\(String(describing: error?.message))")
    }
}

/// The error normalising `input` throws.
private func normalizationError(_ input: String) -> SendingDomainsError? {
    do {
        _ = try DomainName.normalize(input)
        return nil
    } catch {
        return error
    }
}

import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("Cllavio client")
struct CllavioClientTests {
    static let access = "cl-access-0123456789"
    static let secret = "cl-secret-9876543210"

    func client(_ transport: MockTransport) -> Cllavio.Client {
        Cllavio.Client(
            accessToken: Self.access, secretToken: Self.secret,
            options: ClientOptions(transport: transport, timeSource: VirtualClock().timeSource))
    }

    @Test("generate: documented request, both token headers, and the flat map read as records")
    func generate() async throws {
        let mock = MockTransport.always(.json(201, DocumentedExamples.Cllavio.response))
        let result = try await client(mock).generateDomain(
            .init(email: "noreply@example.com", replyTo: "support@example.com", inbound: false))
        let request = try #require(mock.lastRequest)
        #expect(request.method == .post)
        #expect(try request.url().absoluteString == "https://api-marketing.cllavio.com/api/v1/emails/domains/generate")
        #expect(request.headers["X-Api-Access-Token"] == Self.access)
        #expect(request.headers["X-Api-Secret-Token"] == Self.secret)
        #expect(request.headers["Authorization"] == nil)
        #expect(try JSONValue(data: try #require(request.body)) == JSONValue(json: DocumentedExamples.Cllavio.request))

        #expect(result.name == "example.com")
        #expect(result.entries.count == 3)
        #expect(result.entries["SPF"] == "v=spf1 ip4:51.79.43.241 -all")
        #expect(
            result.records == [
                .init(key: "SPF", host: "example.com", value: "v=spf1 ip4:51.79.43.241 -all", role: .spf),
                .init(
                    key: "abc123._domainkey.example.com", host: "abc123._domainkey.example.com",
                    value: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhki...", role: .dkim),
                .init(
                    key: "_dmarc", host: "_dmarc.example.com", value: "v=DMARC1; p=none; rua=mailto:dmarc@example.com",
                    role: .dmarc),
            ])
    }

    @Test("a subdomain sender puts SPF at the subdomain and _dmarc under it")
    func subdomain() async throws {
        let body = #"{"SPF":"v=spf1 -all","s1._domainkey.mail.example.com":"v=DKIM1; p=x","_dmarc":"v=DMARC1; p=none"}"#
        let result = try await client(MockTransport.always(.json(201, body))).generateDomain(
            .init(email: "hi@Mail.Example.com"))
        #expect(result.name == "mail.example.com")
        #expect(
            result.records.map(\.host) == [
                "mail.example.com", "s1._domainkey.mail.example.com", "_dmarc.mail.example.com",
            ])
    }

    @Test(
        "documented errors",
        arguments: [
            (400, #""Invalid sender address: bad@""#, SendingDomainsError.Kind.validation, "email"),
            (400, #""Invalid reply-to address: nope""#, .validation, "replyTo"),
            (401, #""Missing API credentials""#, .authentication, nil),
            (401, #""Invalid API credentials""#, .authentication, nil),
            (409, #""Domain is already taken""#, .conflict, nil),
            (409, #""Email is already taken""#, .conflict, nil),
            (500, #"{ "error": "Failed to generate DNS records." }"#, .server, nil),
        ] as [(Int, String, SendingDomainsError.Kind, String?)])
    func errors(status: Int, body: String, kind: SendingDomainsError.Kind, field: String?) async {
        let error = await captureError {
            try await client(MockTransport.always(.json(status, body))).generateDomain(
                .init(email: "noreply@example.com"))
        }
        #expect(error?.kind == kind)
        let expected: String? =
            switch JSONValue(json: body) {
            case .string(let text): text
            case .object(let members): members["error"].map { "\($0)".trimmingCharacters(in: ["\""]) }
            default: nil
            }
        #expect(error?.message == expected)
        #expect(error?.fieldErrors.first?.field == field)
    }

    @Test("a plain-text error body is read as the message")
    func plainText() async {
        let response = TransportResponse(
            status: 401, headers: ["Content-Type": "text/plain"], body: Data("Invalid API credentials".utf8))
        let error = await captureError {
            try await client(MockTransport.always(response)).generateDomain(.init(email: "a@example.com"))
        }
        #expect(error?.message == "Invalid API credentials")
    }

    @Test(
        "addresses are validated before sending",
        arguments: [
            ("", nil, "email"), ("noreply", nil, "email"), ("noreply@", nil, "email"), ("@example.com", nil, "email"),
            ("a b@example.com", nil, "email"), ("noreply@example", nil, "email"),
            ("noreply@exa_mple.com", nil, "email"),
            ("noreply@example.com", "support", "replyTo"), ("noreply@example.com", "x@@example.com", "replyTo"),
        ] as [(String, String?, String)])
    func validation(email: String, replyTo: String?, field: String) async {
        let mock = MockTransport.always(.json(201, DocumentedExamples.Cllavio.response))
        let error = await captureError { try await client(mock).generateDomain(.init(email: email, replyTo: replyTo)) }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == field)
        #expect(mock.requests.isEmpty)
    }

    @Test("both tokens are required")
    func blankToken() async {
        let mock = MockTransport.always(.json(201, DocumentedExamples.Cllavio.response))
        let client = Cllavio.Client(
            accessToken: "cl-access-0123456789", secretToken: "", options: .init(transport: mock))
        let error = await captureError { try await client.generateDomain(.init(email: "a@example.com")) }
        #expect(error?.kind == .authentication)
        #expect(mock.requests.isEmpty)
    }

    @Test("tokens never leak into errors or logs")
    func redaction() async throws {
        let lines = Locked<[String]>([])
        let mock = MockTransport.always(.json(401, "\"Invalid API credentials \(Self.access) / \(Self.secret)\""))
        let client = Cllavio.Client(
            accessToken: Self.access, secretToken: Self.secret,
            options: .init(
                transport: mock,
                logger: LogSink(minimumLevel: .debug) { event in lines.withLock { $0.append("\(event)") } }))
        let error = try #require(await captureError { try await client.generateDomain(.init(email: "a@example.com")) })
        for text in [error.description, error.rawBody ?? ""] + lines.withLock({ $0 }) {
            #expect(!text.contains(Self.access) && !text.contains(Self.secret), "\(text)")
        }
    }

    @Test("hostile bodies give typed errors", arguments: HostileResponses.all.map(\.name))
    func hostile(name: String) async throws {
        let response = try #require(HostileResponses.all.first { $0.name == name }?.response)
        let error = await captureError {
            try await client(MockTransport.always(response)).generateDomain(.init(email: "a@example.com"))
        }
        #expect(error.map { [.decoding, .server].contains($0.kind) } == true, "\(String(describing: error))")
    }
}

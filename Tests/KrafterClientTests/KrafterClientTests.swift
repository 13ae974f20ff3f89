import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendingDomainsTesting
import Testing

@Suite("Krafter client")
struct KrafterClientTests {
    static let key = "kr_live_abc123def456"
    static let id = "550e8400-e29b-41d4-a716-446655440000"

    func client(_ transport: MockTransport, clock: VirtualClock = VirtualClock()) -> Krafter.Client {
        Krafter.Client(apiKey: Self.key, options: ClientOptions(transport: transport, timeSource: clock.timeSource))
    }

    @Test("create: documented request and all seven records")
    func create() async throws {
        let mock = MockTransport.always(.json(201, DocumentedExamples.Krafter.createResponse))
        let domain = try await client(mock).createDomain(.init(name: "example.com", returnPath: "send"))
        let request = try #require(mock.lastRequest)
        #expect(request.method == .post)
        #expect(try request.url().absoluteString == "https://app.krafter.dev/api/v1/domains")
        #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(
            try JSONValue(data: try #require(request.body)) == JSONValue(json: DocumentedExamples.Krafter.createRequest)
        )

        #expect(domain.id == Self.id)
        #expect(domain.name == "example.com")
        #expect(domain.status == .pending)
        #expect(domain.verifiedAt == nil)
        #expect(domain.createdAt == Timestamp.parse("2026-01-15T10:00:00Z"))
        let records = try #require(domain.dnsRecords)
        #expect(records.count == 7)
        #expect(records.map(\.type) == ["TXT", "CNAME", "CNAME", "CNAME", "MX", "TXT", "TXT"])
        #expect(records.allSatisfy { $0.ttl == .auto })
        #expect(records.map(\.priority) == [nil, nil, nil, nil, 10, nil, nil])
        #expect(records.map(\.required) == [true, true, true, true, true, true, false])
        #expect(
            records.map(\.category) == [
                .verification, .delivery, .delivery, .delivery, .delivery, .delivery, .recommended,
            ])
        #expect(
            records[0]
                == .init(
                    type: "TXT", name: "_amazonses.example.com", value: "abc123...", ttl: .auto,
                    purpose: "Domain verification — proves you own this domain", required: true, category: .verification
                ))
        #expect(records[4].name == "send.example.com")
        #expect(records[4].value == "feedback-smtp.eu-central-1.amazonses.com")
        #expect(records[6].purpose == "DMARC — email authentication policy. Improves inbox placement.")
    }

    @Test(
        "a DNS check (POST …/verify) is replayed after a 503, a create (POST) is not: the endpoint says which is idempotent"
    )
    func endpointIdempotency() async throws {
        let verify = MockTransport.script([
            .respond(.json(503, #"{"error":"busy"}"#)),
            .respond(.json(200, DocumentedExamples.Krafter.verifyResponse)),
        ])
        let checked = try await client(verify).verifyDomain(id: Self.id)
        #expect(checked.id == Self.id)
        #expect(verify.requests.count == 2)
        #expect(verify.requests.allSatisfy { $0.isReplayable && $0.method == .post })

        let create = MockTransport.always(.json(503, #"{"error":"busy"}"#))
        let error = await captureError { try await client(create).createDomain(.init(name: "example.com")) }
        #expect(error?.kind == .server)
        #expect(create.requests.count == 1)
        #expect(create.requests.first?.isReplayable == false)
    }

    @Test("a malformed id is refused before anything is sent, stamped with the operation")
    func malformedIDNothingSent() async {
        let mock = MockTransport.always(.json(200, "{}"))
        for (operation, call) in [
            ("getDomain", { () async throws -> Void in _ = try await client(mock).getDomain(id: "nope") }),
            ("verifyDomain", { () async throws -> Void in _ = try await client(mock).verifyDomain(id: "nope") }),
            ("deleteDomain", { () async throws -> Void in try await client(mock).deleteDomain(id: "nope") }),
        ] {
            let error = await captureError(call)
            #expect(error?.kind == .validation)
            #expect(error?.operation == operation)
            #expect(error?.provider == .krafter)
        }
        #expect(mock.requests.isEmpty)
    }

    @Test("list, get, verify, delete: methods, paths and documented bodies")
    func operations() async throws {
        let mock = MockTransport { request in
            switch (request.method, request.encodedPath) {
            case (.get, "/domains"): .json(200, DocumentedExamples.Krafter.listResponse)
            case (.get, "/domains/\(Self.id)"): .json(200, DocumentedExamples.Krafter.getResponse)
            case (.post, "/domains/\(Self.id)/verify"): .json(200, DocumentedExamples.Krafter.verifyResponse)
            case (.delete, "/domains/\(Self.id)"): .json(200, DocumentedExamples.Krafter.deleteResponse)
            default: .json(404, #"{"error":"Not found"}"#)
            }
        }
        let client = client(mock)
        let list = try await client.listDomains()
        #expect(list.map(\.name) == ["example.com", "anotherdomain.com"])
        #expect(list.map(\.status) == [.verified, .pending])
        #expect(list[0].verifiedAt == Timestamp.parse("2026-01-15T12:30:00Z"))
        #expect(list.allSatisfy { $0.dnsRecords == nil })

        let domain = try await client.getDomain(id: Self.id)
        #expect(domain.status == .verified)
        #expect(domain.dnsRecords?.count == 2)

        let verifying = try await client.verifyDomain(id: Self.id)
        #expect(verifying.status == .verifying)
        #expect(verifying.dnsRecords == nil)

        try await client.deleteDomain(id: Self.id)
        #expect(mock.requests.map(\.method) == [.get, .get, .post, .delete])
        #expect(mock.requests.allSatisfy { $0.headers["Authorization"] == "Bearer \(Self.key)" })
    }

    @Test(
        "the four documented error shapes",
        arguments: [
            (401, #"{ "error": "Invalid or missing API key" }"#, SendingDomainsError.Kind.authentication),
            (403, #"{ "error": "Insufficient scope" }"#, .permission),
            (403, #"{ "error": "Domain limit reached", "code": "plan_limit" }"#, .permission),
            (
                422,
                #"{ "error": "Validation failed", "details": { "domain": ["is invalid", "is taken"], "return_path": ["is too long"] } }"#,
                .validation
            ),
            (429, #"{ "error": "Rate limit exceeded", "retry_after": 30 }"#, .rateLimited),
        ])
    func errors(status: Int, body: String, kind: SendingDomainsError.Kind) async {
        let mock = MockTransport.always(.json(status, body))
        let error = await captureError {
            try await client(mock).createDomain(.init(name: "example.com"))
        }
        #expect(error?.kind == kind)
        #expect(error?.message == JSONValue(json: body)?["error"].map { "\($0)".trimmingCharacters(in: ["\""]) })
        if status == 403, body.contains("code") { #expect(error?.code == "plan_limit") }
        if status == 422 {
            #expect(
                error?.fieldErrors == [
                    .init(field: "domain", message: "is invalid"), .init(field: "domain", message: "is taken"),
                    .init(field: "return_path", message: "is too long"),
                ])
        }
        if status == 429 { #expect(error?.retryAfter == .seconds(30)) }
    }

    @Test(
        "return_path rules are checked before sending",
        arguments: ["1send", "-send", "se nd", "send.mail", String(repeating: "a", count: 64), "", "sénd"])
    func returnPath(value: String) async {
        let mock = MockTransport.always(.json(201, DocumentedExamples.Krafter.createResponse))
        let error = await captureError {
            try await client(mock).createDomain(.init(name: "example.com", returnPath: value))
        }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == "return_path")
        #expect(mock.requests.isEmpty)
    }

    @Test("valid return paths pass", arguments: ["send", "Bounce-1", "m", String(repeating: "a", count: 63)])
    func returnPathValid(value: String) async throws {
        let mock = MockTransport.always(.json(201, DocumentedExamples.Krafter.createResponse))
        _ = try await client(mock).createDomain(.init(name: "example.com", returnPath: value))
        #expect(mock.requests.count == 1)
    }

    @Test("ids must be UUIDs", arguments: ["", "example.com", "550e8400", "550e8400-e29b-41d4-a716-44665544000g"])
    func ids(id: String) async {
        let mock = MockTransport.always(.json(200, DocumentedExamples.Krafter.getResponse))
        let error = await captureError { try await client(mock).deleteDomain(id: id) }
        #expect(error?.kind == .validation)
        #expect(mock.requests.isEmpty)
    }

    @Test("lowercase x-ratelimit headers pause the limiter; Retry-After on a 429 is honoured")
    func rateLimits() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 10_000))
        let mock = MockTransport.script([
            .respond(.json(429, #"{"error":"Rate limit exceeded","retry_after":7}"#, headers: ["Retry-After": "7"])),
            .respond(
                .json(
                    200, DocumentedExamples.Krafter.listResponse,
                    headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "10060"])),
            .respond(.json(200, DocumentedExamples.Krafter.listResponse)),
        ])
        let client = client(mock, clock: clock)
        _ = try await client.listDomains()
        _ = try await client.listDomains()
        // 7 s for the 429 (the limiter is paused just as long, so the retry waits once), then until the reset: 60 − 7 = 53 s
        #expect(clock.sleeps == [.seconds(7), .seconds(53)])
    }

    @Test("unknown status and TTL forms are kept")
    func lenient() async throws {
        let body = DocumentedExamples.Krafter.verifyResponse.replacingOccurrences(
            of: "\"verifying\"", with: "\"suspended\"")
        let domain = try await client(MockTransport.always(.json(200, body))).verifyDomain(id: Self.id)
        #expect(domain.status == .unknown("suspended"))
        let record = #"{"type":"TXT","name":"a.example.com","value":"v","ttl":300,"required":true,"category":"bimi"}"#
        let decoded = try JSONCoding.makeDecoder().decode(Krafter.DNSRecord.self, from: Data(record.utf8))
        #expect(decoded.ttl == .seconds(300))
        #expect(decoded.category == .unknown("bimi"))
    }

    @Test("hostile bodies give typed errors", arguments: HostileResponses.all.map(\.name))
    func hostile(name: String) async throws {
        let response = try #require(HostileResponses.all.first { $0.name == name }?.response)
        let error = await captureError { try await client(MockTransport.always(response)).getDomain(id: Self.id) }
        #expect(error.map { [.decoding, .server].contains($0.kind) } == true, "\(String(describing: error))")
    }
}

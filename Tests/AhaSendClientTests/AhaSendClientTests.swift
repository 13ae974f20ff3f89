import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

@Suite("AhaSend client")
struct AhaSendClientTests {
    static let key = "aha-sk-test-0123456789abcdef0123456789abcdef"
    static let account = DocumentedExamples.AhaSend.accountID
    static let base = "https://api.ahasend.com/v2/accounts/\(DocumentedExamples.AhaSend.accountID)/domains"

    func client(
        _ transport: MockTransport, clock: VirtualClock = VirtualClock(), keys: [String]? = nil
    ) -> AhaSend.Client {
        var options = ClientOptions(transport: transport, timeSource: clock.timeSource)
        if let keys {
            let counter = Locked(0)
            options.makeIdempotencyKey = {
                let index = counter.withLock { value in
                    defer { value += 1 }
                    return value
                }
                return (try? IdempotencyKey(keys[index % keys.count])) ?? .random()
            }
        }
        return AhaSend.Client(apiKey: Self.key, accountID: Self.account, options: options)
    }

    @Test("create: the spec's example request, an idempotency key, and every Domain field")
    func create() async throws {
        let mock = MockTransport.always(
            .json(201, DocumentedExamples.AhaSend.domain(), headers: ["Idempotent-Replayed": "false"]))
        let domain = try await client(mock, keys: ["key-1"]).createDomain(
            .init(
                name: "example.com", trackingSubdomain: "click", returnPathSubdomain: "mail",
                subscriptionSubdomain: "preferences", mediaSubdomain: "media", dkimRotationIntervalDays: 45))
        let request = try #require(mock.lastRequest)
        #expect(request.method == .post)
        #expect(try request.url().absoluteString == Self.base)
        #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(request.headers["Idempotency-Key"] == "key-1")
        #expect(
            try JSONValue(data: try #require(request.body)) == JSONValue(json: DocumentedExamples.AhaSend.createRequest)
        )

        #expect(domain.object == "domain")
        #expect(domain.id == "7f2c6a2e-8d1b-4c3a-9e5f-1a2b3c4d5e6f")
        #expect(domain.createdAt == Timestamp.parse("2026-02-01T09:00:00Z"))
        #expect(domain.updatedAt == Timestamp.parse("2026-02-01T09:05:00.123Z"))
        #expect(domain.name == "example.com")
        #expect(domain.accountID == Self.account)
        #expect(domain.lastDNSCheckAt == nil)
        #expect(domain.dnsValid == false)
        #expect(domain.trackingSubdomain == "click")
        #expect(domain.returnPathSubdomain == "mail")
        #expect(domain.subscriptionSubdomain == nil)
        #expect(domain.mediaSubdomain == nil)
        #expect(domain.dkimRotationIntervalDays == 45)
        #expect(domain.dkimSelector == nil)
        #expect(domain.rotationReady == false)
        #expect(domain.dsnRecipient == nil)
        #expect(
            domain.dnsRecords == [
                .init(
                    type: "CNAME", label: "DKIM", host: "ahasend._domainkey.example.com", value: "dkim.ahasend.com",
                    required: true, propagated: false),
                .init(
                    type: "CNAME", label: nil, host: "mail.example.com", value: "rp.ahasend.com", required: true,
                    propagated: false),
                .init(
                    type: "TXT", label: nil, host: "_dmarc.example.com", value: "v=DMARC1; p=none;", required: false,
                    propagated: false),
            ])
    }

    @Test("request bodies and fixtures conform to ahasend-openapi.yaml", SchemaValidator.enabled)
    func schemaConformance() async throws {
        let mock = MockTransport.always(.json(201, DocumentedExamples.AhaSend.domain()))
        let client = client(mock)
        _ = try await client.createDomain(.init(name: "example.com", trackingSubdomain: "t", dkimSelector: "s1"))
        _ = try await client.updateDomain(id: "example.com", .init(mediaSubdomain: "media", dkimSelector: ""))
        let bodies = mock.requests.compactMap(\.body)
        #expect(
            try await SchemaValidator.validate(
                "CreateDomainRequest", [bodies[0], Data(DocumentedExamples.AhaSend.createRequest.utf8)])
                == "ok 2")
        #expect(
            try await SchemaValidator.validate(
                "UpdateDomainRequest", [bodies[1], Data(DocumentedExamples.AhaSend.updateRequest.utf8)])
                == "ok 2")
        #expect(
            try await SchemaValidator.validate(
                "Domain",
                [
                    Data(DocumentedExamples.AhaSend.domain().utf8),
                    Data(DocumentedExamples.AhaSend.domain(valid: true).utf8),
                ]) == "ok 2"
        )
        #expect(
            try await SchemaValidator.validate(
                "PaginatedDomainsResponse",
                [Data(DocumentedExamples.AhaSend.page(["a.com"], hasMore: true, next: "c1").utf8)])
                == "ok 1")
        #expect(
            try await SchemaValidator.validate("SuccessResponse", [Data(DocumentedExamples.AhaSend.deleted.utf8)])
                == "ok 1")
        // The validator can fail: a Domain without its required fields is refused.
        #expect(try await SchemaValidator.validate("Domain", [Data(#"{"id": "x"}"#.utf8)]) != "ok 1")
    }

    @Test("the simulator's answers conform to ahasend-openapi.yaml too", SchemaValidator.enabled)
    func simulatorConformance() async throws {
        let simulator = ProviderSimulator.ahaSend(apiKey: Self.key, accountID: Self.account)
        let responses = Locked<[Data]>([])
        let mock = MockTransport { request in
            let response = try await simulator.send(request)
            responses.withLock { $0.append(response.body) }
            return response
        }
        let client = client(mock)
        _ = try await client.createDomain(.init(name: "example.com", trackingSubdomain: "click"))
        _ = try await client.createDomain(.init(name: "example.org"))
        _ = try await client.verifyDomain(id: "example.com")
        _ = try await client.updateDomain(id: "example.org", .init(returnPathSubdomain: "bounce"))
        _ = try await client.domainPage(.init(limit: 1))
        _ = try await client.deleteDomain(id: "example.org")
        let bodies = responses.withLock { $0 }
        #expect(bodies.count == 6)
        #expect(try await SchemaValidator.validate("Domain", Array(bodies[0..<4])) == "ok 4")
        #expect(try await SchemaValidator.validate("PaginatedDomainsResponse", [bodies[4]]) == "ok 1")
        #expect(try await SchemaValidator.validate("SuccessResponse", [bodies[5]]) == "ok 1")
    }

    @Test("get, update, delete and check-dns address the domain by name, encoded")
    func operations() async throws {
        let mock = MockTransport { request in
            switch (
                request.method,
                request.encodedPath.replacingOccurrences(of: "/v2/accounts/\(Self.account)/domains", with: "")
            ) {
            case (.get, "/example.com"), (.put, "/example.com"): .json(200, DocumentedExamples.AhaSend.domain())
            case (.post, "/example.com/check-dns"): .json(200, DocumentedExamples.AhaSend.domain(valid: true))
            case (.delete, "/example.com"): .json(200, DocumentedExamples.AhaSend.deleted)
            default: .json(404, #"{"message":"Domain not found"}"#)
            }
        }
        let client = client(mock)
        #expect(try await client.getDomain(id: "Example.COM.").name == "example.com")
        #expect(
            try await client.updateDomain(id: "example.com", .init(trackingSubdomain: "click")).trackingSubdomain
                == "click"
        )
        #expect(
            try JSONValue(data: try #require(mock.lastRequest?.body))
                == JSONValue(json: #"{"tracking_subdomain":"click"}"#))
        let checked = try await client.verifyDomain(id: "example.com")
        #expect(checked.dnsValid)
        #expect(checked.lastDNSCheckAt == Timestamp.parse("2026-02-01T09:04:59Z"))
        #expect(mock.lastRequest?.body == nil)
        #expect(mock.lastRequest?.headers["Idempotency-Key"] != nil)
        try await client.deleteDomain(id: "example.com")
        #expect(mock.requests.map(\.method) == [.get, .put, .post, .delete])
        #expect(mock.requests.filter { $0.method != .post }.allSatisfy { $0.headers["Idempotency-Key"] == nil })
    }

    @Test("list: query parameters and one page")
    func listPage() async throws {
        let mock = MockTransport.always(
            .json(200, DocumentedExamples.AhaSend.page(["a.com", "b.com"], hasMore: true, next: "c2", previous: "c0")))
        let page = try await client(mock).domainPage(.init(dnsValid: false, limit: 2, after: "c1"))
        #expect(
            mock.lastRequest?.query == [
                .init(name: "dns_valid", value: "false"), .init(name: "limit", value: "2"),
                .init(name: "after", value: "c1"),
            ])
        #expect(page.object == "list")
        #expect(page.data.map(\.name) == ["a.com", "b.com"])
        #expect(page.pagination == .init(hasMore: true, nextCursor: "c2", previousCursor: "c0"))
    }

    @Test("the AsyncSequence fetches pages lazily and stops at the end")
    func sequence() async throws {
        let mock = MockTransport { request in
            switch request.query.first(where: { $0.name == "after" })?.value {
            case nil: .json(200, DocumentedExamples.AhaSend.page(["a.com", "b.com"], hasMore: true, next: "p2"))
            case "p2": .json(200, DocumentedExamples.AhaSend.page(["c.com"], hasMore: true, next: "p3"))
            default: .json(200, DocumentedExamples.AhaSend.page([], hasMore: false))
            }
        }
        let client = client(mock)
        var iterator = client.domains(dnsValid: true, pageSize: 2).makeAsyncIterator()
        #expect(try await iterator.next()?.name == "a.com")
        #expect(mock.requests.count == 1)
        #expect(try await iterator.next()?.name == "b.com")
        #expect(mock.requests.count == 1)
        #expect(try await iterator.next()?.name == "c.com")
        #expect(mock.requests.count == 2)
        #expect(try await iterator.next() == nil)
        #expect(mock.requests.count == 3)
        #expect(
            mock.requests.allSatisfy {
                $0.query.contains(.init(name: "dns_valid", value: "true"))
                    && $0.query.contains(.init(name: "limit", value: "2"))
            })

        var names: [String] = []
        for try await domain in client.domains() { names.append(domain.name) }
        #expect(names == ["a.com", "b.com", "c.com"])
    }

    @Test("a page that repeats its cursor serves its items, then ends the iteration with a typed error")
    func cursorLoop() async throws {
        let mock = MockTransport.always(
            .json(200, DocumentedExamples.AhaSend.page(["a.com"], hasMore: true, next: "same")))
        var count = 0
        let error = await captureError {
            for try await _ in client(mock).domains() { count += 1 }
        }
        #expect(error?.kind == .decoding)
        #expect(count == 2)
        #expect(mock.requests.count == 2)
    }

    @Test("409 in progress is retried after Retry-After with the same key; then the replay succeeds")
    func inProgress() async throws {
        let clock = VirtualClock()
        let mock = MockTransport.script([
            .respond(
                .json(
                    409, #"{"message":"A request with this idempotency key is already in progress"}"#,
                    headers: ["Idempotent-Replayed": "false", "Retry-After": "2"])),
            .respond(.json(201, DocumentedExamples.AhaSend.domain(), headers: ["Idempotent-Replayed": "true"])),
        ])
        _ = try await client(mock, clock: clock).createDomain(.init(name: "example.com"))
        #expect(clock.sleeps == [.seconds(2)])
        #expect(mock.requests.count == 2)
        #expect(mock.requests[0].headers["Idempotency-Key"] == mock.requests[1].headers["Idempotency-Key"])
    }

    @Test(
        "409 already exists, 412 and 422 surface as their own kinds without retrying",
        arguments: [
            (409, [:], #"{"message":"Domain already exists"}"#, SendingDomainsError.Kind.conflict),
            (
                412, ["Idempotent-Replayed": "false"],
                #"{"message":"The original request with this idempotency key failed and cannot be retried"}"#, .conflict
            ),
            (
                422, [:], #"{"message":"idempotency key was already used with a different request payload"}"#,
                .idempotencyMismatch
            ),
            (400, [:], #"{"message":"Bad request"}"#, .validation),
            (401, [:], #"{"message":"Unauthorized"}"#, .authentication),
            (403, [:], #"{"message":"Forbidden"}"#, .permission),
        ] as [(Int, HeaderFields, String, SendingDomainsError.Kind)])
    func conflicts(status: Int, headers: HeaderFields, body: String, kind: SendingDomainsError.Kind) async {
        let mock = MockTransport.always(.json(status, body, headers: headers))
        let error = await captureError { try await client(mock).createDomain(.init(name: "example.com")) }
        #expect(error?.kind == kind)
        #expect(error?.message == JSONValue(json: body)?["message"].map { "\($0)".trimmingCharacters(in: ["\""]) })
        #expect(mock.requests.count == 1)
    }

    @Test("a 5xx on create is retried with the same key (AhaSend does not store 5xx responses)")
    func serverErrorRetried() async throws {
        let clock = VirtualClock(random: 0.5)
        let mock = MockTransport.script([
            .respond(.json(500, #"{"message":"Internal server error"}"#)),
            .respond(.json(503, #"{"message":"Unavailable"}"#, headers: ["X-Request-Id": "r-2"])),
            .respond(.json(201, DocumentedExamples.AhaSend.domain())),
        ])
        _ = try await client(mock, clock: clock).createDomain(.init(name: "example.com"))
        // the Go SDK's backoff with random 0.5 (±25 % centred): 1 s, then 2 s
        #expect(clock.sleeps == [.seconds(1), .seconds(2)])
        #expect(Set(mock.requests.compactMap { $0.headers["Idempotency-Key"] }).count == 1)
    }

    @Test("a 429 with the documented body waits for Retry-After")
    func rateLimited() async throws {
        let clock = VirtualClock()
        let mock = MockTransport.script([
            .respond(.json(429, #"{ "message": "Too many requests, rate limited." }"#, headers: ["Retry-After": "1"])),
            .respond(.json(200, DocumentedExamples.AhaSend.domain())),
        ])
        _ = try await client(mock, clock: clock).getDomain(id: "example.com")
        #expect(clock.sleeps == [.seconds(1)])
    }

    @Test(
        "validation before sending",
        arguments: [
            (AhaSend.CreateDomainRequest(name: "https://example.com"), "domain"),
            (AhaSend.CreateDomainRequest(name: "example.com", trackingSubdomain: "click.me"), "tracking_subdomain"),
            (AhaSend.CreateDomainRequest(name: "example.com", returnPathSubdomain: "-mail"), "return_path_subdomain"),
            (AhaSend.CreateDomainRequest(name: "example.com", subscriptionSubdomain: ""), "subscription_subdomain"),
            (
                AhaSend.CreateDomainRequest(name: "example.com", mediaSubdomain: String(repeating: "m", count: 64)),
                "media_subdomain"
            ),
            (
                AhaSend.CreateDomainRequest(name: "example.com", dkimRotationIntervalDays: 0),
                "dkim_rotation_interval_days"
            ),
            (
                AhaSend.CreateDomainRequest(name: "example.com", dkimSelector: String(repeating: "s", count: 63)),
                "dkim_selector"
            ),
            (AhaSend.CreateDomainRequest(name: "example.com", dkimSelector: "Upper"), "dkim_selector"),
            (AhaSend.CreateDomainRequest(name: "example.com", dkimPrivateKey: "not a key"), "dkim_private_key"),
        ])
    func validation(request: AhaSend.CreateDomainRequest, field: String) async {
        let mock = MockTransport.always(.json(201, DocumentedExamples.AhaSend.domain()))
        let error = await captureError { try await client(mock).createDomain(request) }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == field)
        #expect(mock.requests.isEmpty)
    }

    @Test("list limits and the account id are checked")
    func listValidation() async {
        let mock = MockTransport.always(.json(200, DocumentedExamples.AhaSend.page([], hasMore: false)))
        for query in [AhaSend.ListDomainsQuery(limit: 0), .init(limit: 101), .init(after: "a", before: "b")] {
            let error = await captureError { try await client(mock).domainPage(query) }
            #expect(error?.kind == .validation)
        }
        let wrongAccount = AhaSend.Client(apiKey: Self.key, accountID: "../../admin", options: .init(transport: mock))
        let error = await captureError { try await wrongAccount.getDomain(id: "example.com") }
        #expect(error?.fieldErrors.first?.field == "account_id")
        #expect(mock.requests.isEmpty)
    }

    @Test("the DKIM private key never appears in a description")
    func privateKeyRedacted() {
        let request = AhaSend.CreateDomainRequest(
            name: "example.com", dkimPrivateKey: "-----BEGIN RSA PRIVATE KEY-----abc")
        #expect(!"\(request)".contains("BEGIN RSA"))
        #expect(!String(reflecting: request).contains("BEGIN RSA"))
    }

    @Test("hostile bodies give typed errors", arguments: HostileResponses.all.map(\.name))
    func hostile(name: String) async throws {
        let response = try #require(HostileResponses.all.first { $0.name == name }?.response)
        let error = await captureError { try await client(MockTransport.always(response)).getDomain(id: "example.com") }
        #expect(error.map { [.decoding, .server].contains($0.kind) } == true, "\(String(describing: error))")
    }
}

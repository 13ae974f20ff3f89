import AutoSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("AutoSend client")
struct AutoSendClientTests {
    static let key = "as_test_0123456789abcdef"
    static let id = "60d5ec49f1b2c72d9c8b2222"

    func client(_ transport: MockTransport, clock: VirtualClock = VirtualClock()) -> AutoSend.Client {
        AutoSend.Client(apiKey: Self.key, options: ClientOptions(transport: transport, timeSource: clock.timeSource))
    }

    func checkDocumentedDomain(_ domain: AutoSend.Domain) {
        let date = Timestamp.parse("2026-03-19T08:00:00.000Z")
        #expect(domain.id == Self.id)
        #expect(domain.name == "example.com")
        #expect(domain.verificationStatus == .pendingConfiguration)
        #expect(domain.ownershipVerified == false)
        #expect(domain.dkimEnabled == false)
        #expect(domain.mailFromEnabled == false)
        #expect(domain.dmarcEnabled == false)
        #expect(domain.createdAt == date)
        #expect(domain.lastCheckedAt == date)
        #expect(domain.regionKey == "us-east-1")
        #expect(domain.verificationInProgress == false)
        let records = domain.dnsRecords
        #expect(
            records?.ownership
                == .init(
                    name: "_autosend-verify.example.com", value: "autosend-verify-d3b3f3481f3541b1b1d96e401ad89c91",
                    type: "TXT", purpose: "Domain ownership verification"))
        #expect(
            records?.dkim
                == .init(
                    name: "autosend._domainkey.example.com", value: "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ...",
                    type: "TXT",
                    purpose: "DKIM authentication"))
        #expect(
            records?.mailFrom == [
                .init(
                    name: "asend.example.com", value: "feedback-smtp.us-east-1.amazonses.com", type: "MX",
                    purpose: "Mail-from domain", priority: 10),
                .init(
                    name: "asend.example.com", value: "v=spf1 include:amazonses.com ~all", type: "TXT",
                    purpose: "SPF record for mail-from domain"),
            ])
        #expect(
            records?.dmarc
                == .init(name: "_dmarc.example.com", value: "v=DMARC1; p=none;", type: "TXT", purpose: "DMARC policy"))
        #expect(records?.all.count == 5)
    }

    @Test("create: documented request and response")
    func create() async throws {
        let mock = MockTransport.always(.json(200, DocumentedExamples.AutoSend.createResponse))
        let domain = try await client(mock).createDomain(.init(name: "example.com", regionKey: "us-east-1"))
        let request = try #require(mock.lastRequest)
        #expect(request.method == .post)
        #expect(try request.url().absoluteString == "https://api.autosend.com/v1/domains")
        #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(
            try JSONValue(data: try #require(request.body))
                == JSONValue(json: DocumentedExamples.AutoSend.createRequest))
        checkDocumentedDomain(domain)
    }

    @Test("list, get, verify and delete: method, path, envelope")
    func operations() async throws {
        let mock = MockTransport { request in
            switch (request.method, request.encodedPath) {
            case (.get, "/domains"): .json(200, DocumentedExamples.AutoSend.listResponse)
            case (.get, "/domains/\(Self.id)"): .json(200, DocumentedExamples.AutoSend.createResponse)
            case (.post, "/domains/\(Self.id)/verify"): .json(200, DocumentedExamples.AutoSend.verifyResponse)
            case (.delete, "/domains/\(Self.id)"): TransportResponse(status: 204)
            default: .json(404, #"{"success":false,"error":{"message":"Not found","code":"NOT_FOUND"}}"#)
            }
        }
        let client = client(mock)
        let list = try await client.listDomains()
        #expect(list.count == 2)
        checkDocumentedDomain(list[0])
        #expect(list[1].verificationStatus == .verified)
        #expect(list[1].verifiedAt == Timestamp.parse("2026-03-20T09:30:00.000Z"))
        #expect(list[1].dnsRecords == nil)

        checkDocumentedDomain(try await client.getDomain(id: Self.id))

        let verify = try await client.verifyDomain(id: Self.id)
        #expect(verify.verificationInProgress == true)
        #expect(verify.ownershipVerified == true)
        #expect(verify.dmarcEnabled == true)
        #expect(verify.message == "Domain verification status updated")
        checkDocumentedDomain(try #require(verify.domain))
        #expect(mock.lastRequest?.body == nil)

        try await client.deleteDomain(id: Self.id)
        #expect(mock.requests.map(\.method) == [.get, .get, .post, .delete])
    }

    @Test(
        "ids are checked before sending",
        arguments: [
            "", "example.com", "60d5ec49f1b2c72d9c8b222", "60d5ec49f1b2c72d9c8b222z", "../60d5ec49f1b2c72d9c8b",
        ])
    func badID(id: String) async {
        let mock = MockTransport.always(.json(200, DocumentedExamples.AutoSend.createResponse))
        let error = await captureError { try await client(mock).getDomain(id: id) }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == "domainId")
        #expect(mock.requests.isEmpty)
    }

    @Test("documented errors: details become field errors")
    func errors() async {
        let validation = await captureError {
            try await client(MockTransport.always(.json(400, DocumentedExamples.AutoSend.validationError)))
                .createDomain(
                    .init(name: "example.com"))
        }
        #expect(validation?.kind == .validation)
        #expect(validation?.code == "VALIDATION_FAILED")
        #expect(validation?.message == "Validation failed")
        #expect(validation?.fieldErrors == [.init(field: "domain", message: "Invalid domain")])

        let auth = await captureError {
            try await client(MockTransport.always(.json(401, DocumentedExamples.AutoSend.unauthorized))).listDomains()
        }
        #expect(auth?.kind == .authentication)
        #expect(auth?.code == "UNAUTHORIZED")

        for (status, kind) in [
            (402, SendingDomainsError.Kind.permission), (403, .permission), (404, .notFound), (500, .server),
        ] {
            let error = await captureError {
                try await client(MockTransport.always(.json(status, #"{"success":false,"error":{"message":"x"}}"#)))
                    .getDomain(id: Self.id)
            }
            #expect(error?.kind == kind, "HTTP \(status)")
        }
    }

    @Test("a 429 body's retryAfter is honoured, and X-RateLimit-* pause the limiter")
    func rateLimits() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 2_000))
        let mock = MockTransport.script([
            .respond(
                .json(
                    429,
                    #"{"success":false,"error":{"message":"Too many requests","code":"RATE_LIMITED"},"retryAfter":2}"#)),
            .respond(
                .json(
                    200, DocumentedExamples.AutoSend.listResponse,
                    headers: ["X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2005"])),
            .respond(.json(200, DocumentedExamples.AutoSend.listResponse)),
        ])
        let client = client(mock, clock: clock)
        _ = try await client.listDomains()
        // the retry waited 2 s (body hint); the 2/s limiter had a token for it
        #expect(clock.sleeps == [.seconds(2)])
        _ = try await client.listDomains()
        // remaining 0, reset at 2005, now 2002 → paused 3 s
        #expect(clock.sleeps == [.seconds(2), .seconds(3)])
    }

    @Test("the 2 requests/s default limit spaces a burst")
    func defaultLimit() async throws {
        let clock = VirtualClock()
        let client = client(MockTransport.always(.json(200, DocumentedExamples.AutoSend.listResponse)), clock: clock)
        for _ in 0..<4 { _ = try await client.listDomains() }
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)])
    }

    @Test("a 200 with success: false is an error, not a domain")
    func errorEnvelopeIn200() async {
        let error = await captureError {
            try await client(MockTransport.always(.json(200, DocumentedExamples.AutoSend.validationError)))
                .createDomain(
                    .init(name: "example.com"))
        }
        #expect(error?.kind == .validation)
        #expect(error?.message == "Validation failed")
    }

    @Test("a success: false envelope echoing the key is scrubbed like any other error")
    func errorEnvelopeRedacted() async {
        let body = #"{"success": false, "error": {"message": "bad key \#(Self.key)", "code": "UNAUTHORIZED"}}"#
        let error = await captureError { try await client(MockTransport.always(.json(200, body))).listDomains() }
        #expect(error?.kind == .authentication)
        #expect(error?.operation == "listDomains")
        #expect(error?.message == "bad key <redacted>")
        #expect(error?.rawBody?.contains(Self.key) == false)
    }

    @Test("hostile bodies give typed errors", arguments: HostileResponses.all.map(\.name))
    func hostile(name: String) async throws {
        let response = try #require(HostileResponses.all.first { $0.name == name }?.response)
        let error = await captureError { try await client(MockTransport.always(response)).listDomains() }
        #expect(error.map { [.decoding, .server].contains($0.kind) } == true, "\(String(describing: error))")
    }

    @Test(
        "validation: the domain and region key",
        arguments: ["", "http://example.com", "example.com/", "example", "a..b.com"])
    func validation(domain: String) async {
        let mock = MockTransport.always(.json(200, DocumentedExamples.AutoSend.createResponse))
        let error = await captureError { try await client(mock).createDomain(.init(name: domain)) }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == "domain")
        #expect(mock.requests.isEmpty)
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendKitClient
import SendingDomainsTesting
import Testing

@Suite("SendKit client")
struct SendKitClientTests {
    static let key = "sk_test_0123456789abcdef"

    func client(_ transport: MockTransport, clock: VirtualClock = VirtualClock()) -> SendKit.Client {
        SendKit.Client(apiKey: Self.key, options: ClientOptions(transport: transport, timeSource: clock.timeSource))
    }

    @Test("create: the documented request goes out exactly, and the documented response decodes field by field")
    func create() async throws {
        let mock = MockTransport.always(.json(201, DocumentedExamples.SendKit.createResponse))
        let domain = try await client(mock).createDomain(
            .init(
                name: "yourdomain.com", region: "us-east-1", openTracking: true, clickTracking: true,
                tls: .opportunistic))

        let request = try #require(mock.lastRequest)
        #expect(request.method == .post)
        #expect(try request.url().absoluteString == "https://api.sendkit.dev/domains")
        #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Idempotency-Key"] == nil)
        #expect(
            try JSONValue(data: try #require(request.body)) == JSONValue(json: DocumentedExamples.SendKit.createRequest)
        )

        let created = Timestamp.parse("2026-03-03 10:00:00")
        #expect(domain.id == "550e8400-e29b-41d4-a716-446655440000")
        #expect(domain.name == "yourdomain.com")
        #expect(domain.status == .verified)
        #expect(domain.region == "us-east-1")
        #expect(domain.openTracking == true)
        #expect(domain.clickTracking == true)
        #expect(domain.tls == .opportunistic)
        #expect(domain.sendingEnabled == true)
        #expect(domain.createdAt == created)
        #expect(domain.updatedAt == created)
        let record = try #require(domain.dnsRecords.first)
        #expect(domain.dnsRecords.count == 1)
        #expect(record.id == "550e8400-e29b-41d4-a716-446655440000")
        #expect(record.recordType == .dkim)
        #expect(record.recordType.dnsType == "TXT")
        #expect(record.name == "sendkit._domainkey.yourdomain.com")
        #expect(record.value == "v=DKIM1; k=rsa; p=MIGfMA0...")
        #expect(record.ttl == 3600)
        #expect(record.status == .verified)
        #expect(record.priority == 10)
        #expect(record.createdAt == created)
        #expect(record.updatedAt == created)
    }

    @Test("options left nil are omitted so SendKit applies its defaults")
    func defaultsOmitted() async throws {
        let mock = MockTransport.always(.json(201, DocumentedExamples.SendKit.createResponse))
        _ = try await client(mock).createDomain(.init(name: "Example.COM.", region: "eu-west-1"))
        #expect(
            try JSONValue(data: try #require(mock.lastRequest?.body))
                == JSONValue(json: #"{"name":"example.com","region":"eu-west-1"}"#))
    }

    @Test("unknown statuses and record labels are kept, not fatal")
    func unknownValues() async throws {
        let body = DocumentedExamples.SendKit.createResponse
            .replacingOccurrences(
                of: "\"status\": \"verified\",\n  \"region\"", with: "\"status\": \"quarantined\",\n  \"region\""
            )
            .replacingOccurrences(of: "\"DKIM\"", with: "\"BIMI\"")
        let domain = try await client(MockTransport.always(.json(201, body))).createDomain(
            .init(name: "yourdomain.com", region: "us-east-1"))
        #expect(domain.status == .unknown("quarantined"))
        #expect(domain.dnsRecords.first?.recordType == .unknown("BIMI"))
        #expect(domain.dnsRecords.first?.recordType.dnsType == nil)
    }

    @Test(
        "validation happens before sending",
        arguments: [
            ("", "us-east-1", "name"), ("https://example.com", "us-east-1", "name"),
            ("example.com/path", "us-east-1", "name"),
            ("exa mple.com", "us-east-1", "name"),
            (
                String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + "."
                    + String(repeating: "c", count: 63) + "." + String(repeating: "d", count: 64) + ".com", "us-east-1",
                "name"
            ),
            ("example.com", "", "region"), ("example.com", "us east", "region"),
        ])
    func validation(name: String, region: String, field: String) async {
        let mock = MockTransport.always(.json(201, DocumentedExamples.SendKit.createResponse))
        let error = await captureError { try await client(mock).createDomain(.init(name: name, region: region)) }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == field)
        #expect(error?.provider == .sendKit)
        #expect(error?.operation == "createDomain")
        #expect(mock.requests.isEmpty)
    }

    @Test(
        "documented errors map to kinds",
        arguments: [
            (
                422, #"{"name":"validation_error","message":"The name field is required."}"#,
                SendingDomainsError.Kind.validation, "validation_error"
            ),
            (401, #"{"name":"unauthorized","message":"Invalid API key"}"#, .authentication, "unauthorized"),
            (
                429, #"{"name":"rate_limit_exceeded","message":"Too many requests"}"#, .rateLimited,
                "rate_limit_exceeded"
            ),
        ])
    func errors(status: Int, body: String, kind: SendingDomainsError.Kind, code: String) async {
        let mock = MockTransport.always(.json(status, body, headers: ["Retry-After": "120"]))
        let error = await captureError {
            try await client(mock).createDomain(.init(name: "example.com", region: "us-east-1"))
        }
        #expect(error?.kind == kind)
        #expect(error?.code == code)
        #expect(error?.status == status)
        #expect(
            error?.message
                == JSONValue(json: body)?["message"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        if status == 429 { #expect(error?.retryAfter == .seconds(120)) }
    }

    @Test("a 429 is retried after Retry-After even though create is a POST")
    func retryAfter429() async throws {
        let clock = VirtualClock()
        let mock = MockTransport.script([
            .respond(
                .json(429, #"{"name":"rate_limit_exceeded","message":"slow down"}"#, headers: ["Retry-After": "3"])),
            .respond(.json(201, DocumentedExamples.SendKit.createResponse)),
        ])
        _ = try await client(mock, clock: clock).createDomain(.init(name: "yourdomain.com", region: "us-east-1"))
        #expect(clock.sleeps == [.seconds(3)])
    }

    @Test("a 503 on create is not retried: the domain may exist")
    func noUnsafeRetry() async {
        let mock = MockTransport.always(.json(503, "{}"))
        let error = await captureError {
            try await client(mock).createDomain(.init(name: "example.com", region: "us-east-1"))
        }
        #expect(error?.kind == .server)
        #expect(mock.requests.count == 1)
    }

    @Test("hostile bodies give typed errors", arguments: HostileResponses.all.map(\.name))
    func hostile(name: String) async throws {
        let response = try #require(HostileResponses.all.first { $0.name == name }?.response)
        let error = await captureError {
            try await client(MockTransport.always(response)).createDomain(
                .init(name: "example.com", region: "us-east-1"))
        }
        #expect(error?.kind == .decoding || error?.kind == .server)
    }
}

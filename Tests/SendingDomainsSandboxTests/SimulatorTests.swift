import AhaSendClient
import AutoSendClient
import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendKitClient
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// Whether `actual` has the documented shape of `documented`: every documented key present with
/// a value of the same JSON type (null matches anything: the docs show nulls where values also
/// occur), recursively, and no key the docs do not show.
func sameShape(_ actual: JSONValue, _ documented: JSONValue, path: String = "$") -> [String] {
    switch (actual, documented) {
    case (_, .null), (.null, _): return []
    case (.object(let a), .object(let d)):
        var problems: [String] = []
        for key in d.keys.sorted() where a[key] == nil { problems.append("\(path).\(key) missing") }
        for key in a.keys.sorted() where d[key] == nil { problems.append("\(path).\(key) not documented") }
        for (key, value) in d { if let other = a[key] { problems += sameShape(other, value, path: "\(path).\(key)") } }
        return problems
    case (.array(let a), .array(let d)):
        guard let first = d.first else { return [] }
        return a.enumerated().flatMap { index, item in
            sameShape(item, index < d.count ? d[index] : first, path: "\(path)[\(index)]")
        }
    case (.string, .string), (.number, .number), (.bool, .bool): return []
    default: return ["\(path): \(actual) is not shaped like \(documented)"]
    }
}

@Suite("Simulators answer in the documented shapes")
struct SimulatorShapeTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func send(
        _ simulator: ProviderSimulator, _ method: RequestMethod, _ path: [String], body: String? = nil,
        headers: HeaderFields = ["Authorization": "Bearer \(ProviderSimulator.sandboxAPIKey)"]
    ) async throws -> (Int, JSONValue) {
        let request = TransportRequest(
            method: method, baseURL: try #require(URL(string: "https://sandbox.invalid")), path: path, headers: headers,
            body: body.map { Data($0.utf8) })
        let response = try await simulator.send(request)
        return (response.status, (try? JSONValue(data: response.body)) ?? .null)
    }

    @Test("SendKit create matches the documented example")
    func sendKit() async throws {
        let simulator = ProviderSimulator.sendKit(now: { now })
        let (status, body) = try await send(
            simulator, .post, ["domains"], body: DocumentedExamples.SendKit.createRequest)
        #expect(status == 201)
        #expect(sameShape(body, try #require(JSONValue(json: DocumentedExamples.SendKit.createResponse))) == [])
        #expect(body["created_at"] == "2026-09-21 14:13:20")
        let decoded = try JSONCoding.decode(SendKit.Domain.self, from: .json(201, "\(body)"))
        #expect(decoded.dnsRecords.map(\.recordType) == [.dkim, .spf, .mx, .dmarc])
    }

    @Test("AutoSend create, list and verify match the documented examples")
    func autoSend() async throws {
        let simulator = ProviderSimulator.autoSend(now: { now })
        let (status, created) = try await send(
            simulator, .post, ["domains"], body: DocumentedExamples.AutoSend.createRequest)
        #expect(status == 201)
        #expect(sameShape(created, try #require(JSONValue(json: DocumentedExamples.AutoSend.createResponse))) == [])
        let id = try #require(created["data"]?["id"]?.stringValue)
        let (_, verified) = try await send(simulator, .post, ["domains", id, "verify"])
        var documentedVerify = try #require(JSONValue(json: DocumentedExamples.AutoSend.verifyResponse))
        if case .object(var fields) = documentedVerify {
            fields["message"] = "Domain verification status updated"; documentedVerify = .object(fields)
        }
        #expect(sameShape(verified, documentedVerify).filter { !$0.contains("verifiedAt") } == [])
        let (_, list) = try await send(simulator, .get, ["domains"])
        #expect(list["data"]?["domains"].map { if case .array(let items) = $0 { items.count } else { 0 } } == 1)
    }

    @Test("Krafter create, list, get, verify and delete match the documented examples")
    func krafter() async throws {
        let simulator = ProviderSimulator.krafter(now: { now })
        let (status, created) = try await send(
            simulator, .post, ["domains"], body: DocumentedExamples.Krafter.createRequest)
        #expect(status == 201)
        #expect(sameShape(created, try #require(JSONValue(json: DocumentedExamples.Krafter.createResponse))) == [])
        let id = try #require(created["data"]?["id"]?.stringValue)
        #expect(
            sameShape(
                try await send(simulator, .get, ["domains"]).1,
                try #require(JSONValue(json: DocumentedExamples.Krafter.listResponse))) == [])
        #expect(
            sameShape(
                try await send(simulator, .get, ["domains", id]).1,
                try #require(JSONValue(json: DocumentedExamples.Krafter.getResponse))) == [])
        #expect(
            sameShape(
                try await send(simulator, .post, ["domains", id, "verify"]).1,
                try #require(JSONValue(json: DocumentedExamples.Krafter.verifyResponse))) == [])
        #expect(
            try await send(simulator, .delete, ["domains", id]).1
                == JSONValue(json: DocumentedExamples.Krafter.deleteResponse))
    }

    @Test("Cllavio generate matches the documented example")
    func cllavio() async throws {
        let simulator = ProviderSimulator.cllavio(now: { now })
        let headers: HeaderFields = [
            "X-Api-Access-Token": ProviderSimulator.sandboxAPIKey,
            "X-Api-Secret-Token": ProviderSimulator.sandboxSecretToken,
        ]
        let (status, body) = try await send(
            simulator, .post, ["api", "v1", "emails", "domains", "generate"], body: DocumentedExamples.Cllavio.request,
            headers: headers)
        #expect(status == 201)
        guard case .object(let entries) = body else {
            Issue.record("not a map")
            return
        }
        #expect(entries.keys.contains("SPF") && entries.keys.contains("_dmarc"))
        #expect(entries.keys.contains { $0.hasSuffix("._domainkey.example.com") })
        #expect(entries.values.allSatisfy { $0.stringValue != nil })
        // the same domain again: the same records
        let again = try await send(
            simulator, .post, ["api", "v1", "emails", "domains", "generate"], body: #"{"email":"other@example.com"}"#,
            headers: headers)
        #expect(again.0 == 201 && again.1 == body)
    }

    @Test("the DKIM keys are well-formed base64 DER of an RSA key")
    func dkimKey() async throws {
        let simulator = ProviderSimulator.autoSend(now: { now })
        let (_, created) = try await send(simulator, .post, ["domains"], body: #"{"domain":"example.com"}"#)
        let key = try #require(created["data"]?["dnsRecords"]?["dkim"]?["value"]?.stringValue)
        let der = try #require(Data(base64Encoded: key))
        #expect(der.count > 150)
        #expect(der.first == 0x30)
        // the rsaEncryption OID 1.2.840.113549.1.1.1
        #expect(der.range(of: Data([0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01])) != nil)
    }

    @Test("the simulators refuse bad credentials in each provider's own shape")
    func credentials() async throws {
        let wrong: HeaderFields = ["Authorization": "Bearer nope"]
        #expect(try await send(.sendKit(), .post, ["domains"], body: "{}", headers: wrong).1["name"] == "unauthorized")
        #expect(try await send(.autoSend(), .get, ["domains"], headers: wrong).1["error"]?["code"] == "UNAUTHORIZED")
        #expect(
            try await send(.krafter(), .get, ["domains"], headers: [:]).1
                == JSONValue(json: #"{"error": "Invalid or missing API key"}"#))
        #expect(
            try await send(.cllavio(), .post, ["api", "v1", "emails", "domains", "generate"], body: "{}", headers: [:])
                .1 == "Missing API credentials")
        let aha = try await send(
            .ahaSend(), .get, ["v2", "accounts", ProviderSimulator.sandboxAccountID, "domains"], headers: wrong)
        #expect(aha.0 == 401 && aha.1["message"] != nil)
    }
}

@Suite("Simulator behaviour: idempotency, faults, state")
struct SimulatorBehaviourTests {
    let key = ProviderSimulator.sandboxAPIKey
    let account = ProviderSimulator.sandboxAccountID

    @Test("AhaSend replays a keyed create, refuses a key reused with another body, and plays in-progress")
    func idempotency() async throws {
        let simulator = ProviderSimulator.ahaSend()
        let mock = MockTransport { try await simulator.send($0) }
        let clock = VirtualClock()
        let client = AhaSend.Client(
            apiKey: key, accountID: account, options: .init(transport: mock, timeSource: clock.timeSource))
        let idempotencyKey = try IdempotencyKey("create-example")
        let first = try await client.createDomain(.init(name: "example.com"), idempotencyKey: idempotencyKey)
        let replay = try await client.createDomain(.init(name: "example.com"), idempotencyKey: idempotencyKey)
        #expect(first == replay)
        let mismatch = await captureError {
            try await client.createDomain(.init(name: "other.com"), idempotencyKey: idempotencyKey)
        }
        #expect(mismatch?.kind == .idempotencyMismatch)
        let duplicate = await captureError { try await client.createDomain(.init(name: "example.com")) }
        #expect(duplicate?.kind == .conflict)

        await simulator.failNext(1, with: .status(409))
        let created = try await client.createDomain(.init(name: "second.com"))
        #expect(created.name == "second.com")
        #expect(clock.sleeps == [.seconds(1)])
        #expect(await simulator.domainNames == ["example.com", "second.com"])
    }

    @Test("a connection lost after the server created the domain is safe to retry with a key")
    func lostAfterProcessing() async throws {
        let simulator = ProviderSimulator.ahaSend()
        await simulator.failNext(1, with: .connectionLost)
        let client = AhaSend.Client(
            apiKey: key, accountID: account, options: .init(transport: simulator, timeSource: VirtualClock().timeSource)
        )
        let domain = try await client.createDomain(.init(name: "example.com"))
        #expect(domain.name == "example.com")
        #expect(await simulator.requestCount == 2)
        #expect(await simulator.domainNames == ["example.com"])
    }

    @Test("fault injection: statuses, 429 with the provider's hint, refused connections")
    func faults() async throws {
        let simulator = ProviderSimulator.krafter()
        await simulator.failNext(2, with: .status(503))
        await simulator.failNext(1, with: .rateLimited(retryAfter: 4))
        await simulator.failNext(1, with: .connectionRefused)
        let clock = VirtualClock(random: 1)
        let client = Krafter.Client(
            apiKey: key,
            options: .init(transport: simulator, retryPolicy: .init(maximumAttempts: 5), timeSource: clock.timeSource))
        let domains = try await client.listDomains()
        #expect(domains.isEmpty)
        #expect(await simulator.requestCount == 5)
        // backoff 0.5 s and 1 s, the 429's 4 s hint, then backoff 0.5 s × 2³ = 4 s
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(4), .seconds(4)])
    }

    @Test("latency is slept with the injected sleep")
    func latency() async throws {
        let slept = Locked<[Duration]>([])
        let simulator = ProviderSimulator.sendKit(sleep: { duration in slept.withLock { $0.append(duration) } })
        await simulator.setLatency(.milliseconds(250))
        let client = SendKit.Client(apiKey: key, options: .init(transport: simulator))
        _ = try await client.createDomain(.init(name: "example.com", region: "us-east-1"))
        #expect(slept.withLock { $0 } == [.milliseconds(250)])
    }

    @Test("AhaSend pages with cursors and filters by dns_valid")
    func paging() async throws {
        let simulator = ProviderSimulator.ahaSend(checksToVerify: 1)
        let client = AhaSend.Client(apiKey: key, accountID: account, options: .init(transport: simulator))
        for index in 0..<5 { _ = try await client.createDomain(.init(name: "d\(index).example.com")) }
        _ = try await client.verifyDomain(id: "d3.example.com")
        let first = try await client.domainPage(.init(limit: 2))
        #expect(first.data.map(\.name) == ["d0.example.com", "d1.example.com"])
        #expect(first.pagination.hasMore)
        let second = try await client.domainPage(.init(limit: 2, after: first.pagination.nextCursor))
        #expect(second.data.map(\.name) == ["d2.example.com", "d3.example.com"])
        let back = try await client.domainPage(.init(limit: 2, before: second.pagination.previousCursor))
        #expect(back.data.map(\.name) == ["d0.example.com", "d1.example.com"])
        #expect(try await client.domains(pageSize: 2).collect().count == 5)
        #expect(try await client.domains(dnsValid: true).collect().map(\.name) == ["d3.example.com"])
    }

    @Test("Cllavio: a taken domain and a reused sender are 409s; bad addresses are 400s")
    func cllavio() async throws {
        let simulator = ProviderSimulator.cllavio(takenDomains: ["taken.com"])
        let client = Cllavio.Client(
            accessToken: key, secretToken: ProviderSimulator.sandboxSecretToken, options: .init(transport: simulator))
        _ = try await client.generateDomain(.init(email: "a@example.com"))
        #expect(
            await captureError { try await client.generateDomain(.init(email: "a@example.com")) }?.message
                == "Email is already taken")
        #expect(
            await captureError { try await client.generateDomain(.init(email: "a@taken.com")) }?.message
                == "Domain is already taken")
    }

    @Test(
        "a sandbox domain stays pending, never partially verified, until its records are published",
        arguments: [ProviderID.autoSend, .krafter, .ahaSend])
    func oneRule(provider: ProviderID) async throws {
        let clock = VirtualClock()
        let simulator = ProviderSimulator.sandbox(for: provider, now: clock.timeSource.date)
        let provisioner = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: provider),
            options: ClientOptions(transport: simulator, timeSource: clock.timeSource))
        let domain = try await provisioner.createDomain(DomainRequest(name: "example.com"))
        for _ in 0..<5 {
            let checked = try await provisioner.verifyDomain(id: domain.id)
            #expect(checked.status != .partiallyVerified && checked.status != .verified, "\(checked.status)")
            #expect(try await provisioner.getDomain(id: domain.id).status != .partiallyVerified)
        }
        await simulator.publishRecords(for: "example.com")
        let final = try await provisioner.waitUntilVerified(id: domain.id, timeout: .seconds(120))
        #expect(final.status == .verified)
        // Checked again and again after verification: still verified, no overflow.
        for _ in 0..<3 {
            _ = try await provisioner.verifyDomain(id: domain.id)
            #expect(try await provisioner.getDomain(id: domain.id).status == .verified)
        }
    }

    @Test("AutoSend verification moves the status, and the rate-limit headers are present")
    func autoSendVerify() async throws {
        let simulator = ProviderSimulator.autoSend(checksToVerify: 2)
        let mock = MockTransport { try await simulator.send($0) }
        let client = AutoSend.Client(
            apiKey: key, options: .init(transport: mock, timeSource: VirtualClock().timeSource))
        let domain = try await client.createDomain(.init(name: "example.com"))
        #expect(try await client.verifyDomain(id: domain.id).verificationStatus == .pendingConfiguration)
        #expect(try await client.verifyDomain(id: domain.id).verificationStatus == .verified)
        #expect(try await client.getDomain(id: domain.id).verifiedAt != nil)
        try await client.deleteDomain(id: domain.id)
        #expect(await captureError { try await client.getDomain(id: domain.id) }?.kind == .notFound)
    }
}

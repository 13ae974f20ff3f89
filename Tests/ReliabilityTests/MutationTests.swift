import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
@_spi(ProviderAuthoring) import SendingDomainsTesting
import Testing

enum Mutator {
    static let fragments: [[UInt8]] = [
        Array("null".utf8), Array("true".utf8), Array("-1".utf8), Array("1e309".utf8), Array("\"\"".utf8),
        Array("[]".utf8),
        Array("{}".utf8), Array("\"\\u0000\"".utf8), Array("\"2026-13-45 99:99:99\"".utf8), [0xFF, 0xFE],
        Array("\\".utf8),
        Array(String(repeating: "9", count: 40).utf8),
    ]

    /// One mutation of `document`: a byte deleted, replaced or inserted, a cut, a fragment spliced
    /// in, or a value replaced.
    static func mutate(_ document: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = document
        guard !bytes.isEmpty else { return bytes }
        let position = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: bytes.remove(at: position)
        case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 2: bytes.insert(UInt8.random(in: 0x20...0x7E, using: &random), at: position)
        case 3: bytes = Array(bytes.prefix(position))
        case 4: bytes.insert(contentsOf: fragments.randomElement(using: &random) ?? [], at: position)
        default:
            // replace the value after a colon with a fragment
            if let colon = bytes[position...].firstIndex(of: UInt8(ascii: ":")),
                let end = bytes[(colon + 1)...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") }
                )
            {
                bytes.replaceSubrange((colon + 1)..<end, with: fragments.randomElement(using: &random) ?? [])
            }
        }
        return bytes
    }
}

/// Answers every request with one response, counting the requests.
struct FixedTransport: Transport {
    let response: TransportResponse
    let sent = Locked(0)
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        sent.withLock { $0 += 1 }
        return response
    }
}

@Suite("Reliability: seeded mutation testing of every decoder")
struct MutationTests {
    static let seed: UInt64 = 0x5E4D_1A60_2026_1123
    static let variants = 400

    /// Each documented response, with the call that decodes it.
    static let documents: [(name: String, provider: ProviderID, body: String, status: Int)] = [
        ("SendKit create", .sendKit, DocumentedExamples.SendKit.createResponse, 201),
        ("AutoSend create", .autoSend, DocumentedExamples.AutoSend.createResponse, 200),
        ("AutoSend list", .autoSend, DocumentedExamples.AutoSend.listResponse, 200),
        ("AutoSend verify", .autoSend, DocumentedExamples.AutoSend.verifyResponse, 200),
        ("AutoSend error", .autoSend, DocumentedExamples.AutoSend.validationError, 400),
        ("Krafter create", .krafter, DocumentedExamples.Krafter.createResponse, 201),
        ("Krafter list", .krafter, DocumentedExamples.Krafter.listResponse, 200),
        ("Krafter get", .krafter, DocumentedExamples.Krafter.getResponse, 200),
        ("Krafter verify", .krafter, DocumentedExamples.Krafter.verifyResponse, 200),
        ("Krafter error", .krafter, #"{"error": "Validation failed", "details": {"domain": ["is invalid"]}}"#, 422),
        ("Cllavio generate", .cllavio, DocumentedExamples.Cllavio.response, 201),
        ("Cllavio error", .cllavio, #""Invalid sender address: x""#, 400),
        ("AhaSend domain", .ahaSend, DocumentedExamples.AhaSend.domain(), 200),
        ("AhaSend page", .ahaSend, DocumentedExamples.AhaSend.page(["a.com", "b.com"], hasMore: true, next: "c"), 200),
        ("AhaSend error", .ahaSend, #"{"message": "Domain not found"}"#, 404),
    ]

    static func provisioner(_ provider: ProviderID, _ transport: FixedTransport) throws -> any DomainProvisioning {
        let options = ClientOptions(
            transport: transport, retryPolicy: .disabled, rateLimiting: .disabled,
            logger: LogSink(minimumLevel: .debug) { record($0.description) })
        let credentials = ProviderSimulator.credentials(
            for: provider, apiKey: FaultyProvider.secret, secretToken: FaultyProvider.secondSecret)
        return ProviderFactory.make(credentials, options: options)
    }

    /// Calls every operation the document could answer; each must return or throw a typed error.
    static func exercise(_ provisioner: any DomainProvisioning) async -> (values: Int, errors: Int) {
        var values = 0
        var errors = 0
        func tally(_ error: SendingDomainsError?) {
            if let error {
                errors += 1
                record(error.description)
            } else {
                values += 1
            }
        }
        var request = DomainRequest(name: "example.com")
        if provisioner.provider == .sendKit { request.region = "us-east-1" }
        if provisioner.provider == .cllavio { request.senderAddress = "noreply@example.com" }
        tally(await captureError { try await provisioner.createDomain(request) })
        if provisioner.capabilities.supports(.get) {
            let id =
                switch provisioner.provider {
                case .autoSend: "60d5ec49f1b2c72d9c8b2222"
                case .ahaSend: "example.com"
                default: "550e8400-e29b-41d4-a716-446655440000"
                }
            tally(await captureError { try await provisioner.getDomain(id: id) })
            tally(await captureError { try await provisioner.verifyDomain(id: id) })
            tally(await captureError { try await provisioner.listDomains().collect() })
        }
        return (values, errors)
    }

    @Test("thousands of mutated documents through every decoder: a value or a typed error, never a crash")
    func mutations() async throws {
        var random = SeededRandom(state: Self.seed)
        var totals = (values: 0, errors: 0, sent: 0, calls: 0)
        for document in Self.documents {
            let capabilities = try #require(ProviderFactory.capabilities[document.provider])
            totals.calls += Self.variants * (capabilities.supports(.get) ? 4 : 1)
            let original = Array(document.body.utf8)
            var distinct = Set<[UInt8]>()
            for _ in 0..<Self.variants {
                let mutated = Mutator.mutate(original, using: &random)
                if mutated != original { distinct.insert(mutated) }
                let transport = FixedTransport(
                    response: TransportResponse(
                        status: document.status, headers: ["Content-Type": "application/json"], body: Data(mutated)))
                let outcome = await Self.exercise(try Self.provisioner(document.provider, transport))
                totals.values += outcome.values
                totals.errors += outcome.errors
                totals.sent += transport.sent.withLock { $0 }
                await Task.yield()  // share the cooperative pool with the loopback suites
            }
            // The documents really were mutated, and rarely into the same bytes.
            #expect(distinct.count >= Self.variants / 2, "\(document.name): \(distinct.count) distinct")
        }
        // Every call ended in a value or an error, and every one went through the transport.
        #expect(totals.values + totals.errors == totals.calls)
        #expect(totals.sent >= totals.calls)
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(totals.values > 0)
        #expect(totals.errors > 0)
    }

    @Test("the mutator is reproducible from its seed")
    func reproducible() {
        var first = SeededRandom(state: 42)
        var second = SeededRandom(state: 42)
        let document = Array(DocumentedExamples.Krafter.getResponse.utf8)
        #expect(
            (0..<50).map { _ in Mutator.mutate(document, using: &first) }
                == (0..<50).map { _ in Mutator.mutate(document, using: &second) })
    }
}

@_spi(ProviderAuthoring) import AhaSendClient
@_spi(ProviderAuthoring) import AutoSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
@_spi(ProviderAuthoring) import KrafterClient
@_spi(ProviderAuthoring) import SendKitClient
import SendingDomainsTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A transport that answers instantly with a fixed response and keeps no record.
struct StaticTransport: Transport {
    let response: TransportResponse
    func send(_ request: TransportRequest) async throws -> TransportResponse { response }
}

/// Per-call CPU of create, get and list through each provider client, against a hand-written
/// Foundation baseline doing the same work: build the `URLRequest`, encode the body with
/// `JSONEncoder`, decode the same payload into the same model with `JSONDecoder` — no middleware.
enum ClientBenchmarks {
    static let key = "bench-key-0123456789"

    static func options(_ body: String, status: Int = 200) -> ClientOptions {
        ClientOptions(transport: StaticTransport(response: .json(status, body)), rateLimiting: .disabled)
    }

    struct Envelope<T: Decodable>: Decodable { let data: T }
    struct AutoSendEnvelope<T: Decodable>: Decodable {
        let success: Bool
        let data: T
    }
    struct AutoSendList: Decodable { let domains: [AutoSend.Domain] }

    /// The baseline: what a hand-written client does for one call.
    static func baseline<T: Decodable>(
        _ type: T.Type, method: String, url: String, body: (some Encodable)?, payload: Data, decoder: JSONDecoder
    ) throws -> T {
        guard let url = URL(string: url) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONEncoder().encode(body)
        }
        return try decoder.decode(T.self, from: payload)
    }

    /// One compared call: the SDK's and the baseline's version of the same work.
    struct Case {
        let name: String
        let sdk: () async throws -> Void
        let baseline: () throws -> Void
    }

    static func run(runs: Int, iterations: Int) async throws -> [Row] {
        var rows: [Row] = []
        for item in cases() {
            // interleave so that machine noise hits both sides alike
            var sdkSamples: [Double] = []
            var baseSamples: [Double] = []
            for _ in 0..<runs {
                sdkSamples.append(try await Measure.cpuPerCall(runs: 1, iterations: iterations, item.sdk))
                baseSamples.append(
                    try await Measure.cpuPerCall(runs: 1, iterations: iterations) { try item.baseline() })
            }
            rows.append(
                Row(
                    benchmark: item.name, measured: Measure.median(sdkSamples), baseline: Measure.median(baseSamples),
                    unit: "µs CPU/call", target: "≤ 1.15×"))
        }
        return rows
    }

    /// Runs one side of one case `calls` times, for counting allocations under valgrind's DHAT.
    static func runOnly(_ name: String, side: String, calls: Int) async throws {
        guard let item = cases().first(where: { $0.name == name }) else {
            FileHandle.standardError.write(Data("no case named \(name)\n".utf8))
            exit(2)
        }
        for _ in 0..<calls {
            if side == "baseline" { try item.baseline() } else { try await item.sdk() }
        }
    }

    static func cases() -> [Case] {
        var cases: [Case] = []
        let decoder = JSONCoding.makeDecoder()
        func compare(_ name: String, sdk: @escaping () async throws -> Void, baseline: @escaping () throws -> Void) {
            cases.append(Case(name: name, sdk: sdk, baseline: baseline))
        }

        // Krafter: create, get, list
        let krafter = Krafter.Client(
            apiKey: key, options: options(DocumentedExamples.Krafter.createResponse, status: 201))
        let krafterGet = Krafter.Client(apiKey: key, options: options(DocumentedExamples.Krafter.getResponse))
        let krafterList = Krafter.Client(apiKey: key, options: options(DocumentedExamples.Krafter.listResponse))
        let krafterCreatePayload = Data(DocumentedExamples.Krafter.createResponse.utf8)
        let krafterGetPayload = Data(DocumentedExamples.Krafter.getResponse.utf8)
        let krafterListPayload = Data(DocumentedExamples.Krafter.listResponse.utf8)
        let id = "550e8400-e29b-41d4-a716-446655440000"
        compare(
            "Krafter create",
            sdk: { _ = try await krafter.createDomain(.init(name: "example.com", returnPath: "send")) },
            baseline: {
                _ = try baseline(
                    Envelope<Krafter.Domain>.self, method: "POST", url: "https://app.krafter.dev/api/v1/domains",
                    body: Krafter.CreateDomainRequest(name: "example.com", returnPath: "send"),
                    payload: krafterCreatePayload,
                    decoder: decoder)
            })
        compare(
            "Krafter get", sdk: { _ = try await krafterGet.getDomain(id: id) },
            baseline: {
                _ = try baseline(
                    Envelope<Krafter.Domain>.self, method: "GET", url: "https://app.krafter.dev/api/v1/domains/\(id)",
                    body: String?.none, payload: krafterGetPayload, decoder: decoder)
            })
        compare(
            "Krafter list", sdk: { _ = try await krafterList.listDomains() },
            baseline: {
                _ = try baseline(
                    Envelope<[Krafter.Domain]>.self, method: "GET", url: "https://app.krafter.dev/api/v1/domains",
                    body: String?.none, payload: krafterListPayload, decoder: decoder)
            })

        // AutoSend: create, get, list
        let autoSendDomain = Data(DocumentedExamples.AutoSend.createResponse.utf8)
        let autoSendList = Data(DocumentedExamples.AutoSend.listResponse.utf8)
        let autoSend = AutoSend.Client(apiKey: key, options: options(DocumentedExamples.AutoSend.createResponse))
        let autoSendLister = AutoSend.Client(apiKey: key, options: options(DocumentedExamples.AutoSend.listResponse))
        let hexID = "60d5ec49f1b2c72d9c8b2222"
        compare(
            "AutoSend create",
            sdk: { _ = try await autoSend.createDomain(.init(name: "example.com", regionKey: "us-east-1")) },
            baseline: {
                _ = try baseline(
                    AutoSendEnvelope<AutoSend.Domain>.self, method: "POST", url: "https://api.autosend.com/v1/domains",
                    body: AutoSend.CreateDomainRequest(name: "example.com", regionKey: "us-east-1"),
                    payload: autoSendDomain,
                    decoder: decoder)
            })
        compare(
            "AutoSend get", sdk: { _ = try await autoSend.getDomain(id: hexID) },
            baseline: {
                _ = try baseline(
                    AutoSendEnvelope<AutoSend.Domain>.self, method: "GET",
                    url: "https://api.autosend.com/v1/domains/\(hexID)",
                    body: String?.none, payload: autoSendDomain, decoder: decoder)
            })
        compare(
            "AutoSend list", sdk: { _ = try await autoSendLister.listDomains() },
            baseline: {
                _ = try baseline(
                    AutoSendEnvelope<AutoSendList>.self, method: "GET", url: "https://api.autosend.com/v1/domains",
                    body: String?.none, payload: autoSendList, decoder: decoder)
            })

        // AhaSend: create (with its idempotency key), get, list
        let account = DocumentedExamples.AhaSend.accountID
        let ahaDomain = DocumentedExamples.AhaSend.domain()
        let ahaPage = DocumentedExamples.AhaSend.page(["a.example.com", "b.example.com"], hasMore: false)
        let aha = AhaSend.Client(apiKey: key, accountID: account, options: options(ahaDomain, status: 201))
        let ahaLister = AhaSend.Client(apiKey: key, accountID: account, options: options(ahaPage))
        let ahaDomainPayload = Data(ahaDomain.utf8)
        let ahaPagePayload = Data(ahaPage.utf8)
        let base = "https://api.ahasend.com/v2/accounts/\(account)/domains"
        compare(
            "AhaSend create", sdk: { _ = try await aha.createDomain(.init(name: "example.com")) },
            baseline: {
                _ = UUID().uuidString  // the baseline mints a key too
                _ = try baseline(
                    AhaSend.Domain.self, method: "POST", url: base,
                    body: AhaSend.CreateDomainRequest(name: "example.com"),
                    payload: ahaDomainPayload, decoder: decoder)
            })
        compare(
            "AhaSend get", sdk: { _ = try await aha.getDomain(id: "example.com") },
            baseline: {
                _ = try baseline(
                    AhaSend.Domain.self, method: "GET", url: "\(base)/example.com", body: String?.none,
                    payload: ahaDomainPayload, decoder: decoder)
            })
        // The same get with a metrics sink that records nothing, and with that and a log sink
        // below its level: what the hooks cost when set; "AhaSend get" is their cost unset.
        var metered = options(ahaDomain, status: 201)
        metered.metrics = MetricsSink(attemptFinished: { _ in }, limiterWaited: { _ in })
        let ahaMetered = AhaSend.Client(apiKey: key, accountID: account, options: metered)
        metered.logger = LogSink(minimumLevel: .warning) { _ in }
        let ahaObserved = AhaSend.Client(apiKey: key, accountID: account, options: metered)
        for (name, client) in [("AhaSend get +metrics", ahaMetered), ("AhaSend get +metrics+log", ahaObserved)] {
            compare(
                name, sdk: { _ = try await client.getDomain(id: "example.com") },
                baseline: {
                    _ = try baseline(
                        AhaSend.Domain.self, method: "GET", url: "\(base)/example.com", body: String?.none,
                        payload: ahaDomainPayload, decoder: decoder)
                })
        }
        compare(
            "AhaSend list", sdk: { _ = try await ahaLister.domainPage() },
            baseline: {
                _ = try baseline(
                    AhaSend.DomainPage.self, method: "GET", url: base, body: String?.none, payload: ahaPagePayload,
                    decoder: decoder)
            })

        // SendKit: create only
        let sendKit = SendKit.Client(
            apiKey: key, options: options(DocumentedExamples.SendKit.createResponse, status: 201))
        let sendKitPayload = Data(DocumentedExamples.SendKit.createResponse.utf8)
        compare(
            "SendKit create",
            sdk: { _ = try await sendKit.createDomain(.init(name: "example.com", region: "us-east-1")) },
            baseline: {
                _ = try baseline(
                    SendKit.Domain.self, method: "POST", url: "https://api.sendkit.dev/domains",
                    body: SendKit.CreateDomainRequest(name: "example.com", region: "us-east-1"),
                    payload: sendKitPayload,
                    decoder: decoder)
            })
        return cases
    }
}

/// The cost of the middleware pipeline alone: an empty transport, a GET with no body to decode.
enum PipelineBenchmark {
    static func run(runs: Int, iterations: Int) async throws -> [Row] {
        let empty = TransportResponse(status: 204)
        let client = APIClient(
            profile: Krafter.profile, authentication: .bearer("bench-key-0123456789"),
            options: ClientOptions(transport: StaticTransport(response: empty), rateLimiting: .disabled))
        let limited = APIClient(
            profile: AhaSend.profile, authentication: .bearer("bench-key-0123456789"),
            options: ClientOptions(
                transport: StaticTransport(response: empty),
                rateLimiting: .custom(RateLimit(rate: 1e9, burst: 1_000_000_000))))
        let path = ["domains", "550e8400-e29b-41d4-a716-446655440000"]
        let operation = Endpoint<Void>(.getDomain, .get, decoding: .ignoringBody) { .init(path: path) }
        let transport = StaticTransport(response: empty)
        let request = TransportRequest(method: .get, baseURL: Krafter.productionBaseURL.url, path: path)
        let bare = try await Measure.cpuPerCall(runs: runs, iterations: iterations) {
            _ = try await transport.send(request)
        }
        let pipeline = try await Measure.cpuPerCall(runs: runs, iterations: iterations) {
            _ = try await client.send(operation)
        }
        let withLimiter = try await Measure.cpuPerCall(runs: runs, iterations: iterations) {
            _ = try await limited.send(operation)
        }
        return [
            Row(
                benchmark: "pipeline, no limiter", measured: pipeline, baseline: nil,
                unit: "µs CPU/call (bare transport: \(String(format: "%.3f", bare)))", target: "report"),
            Row(
                benchmark: "pipeline + token bucket", measured: withLimiter, baseline: nil,
                unit: "µs CPU/call (bare transport: \(String(format: "%.3f", bare)))",
                target: "report"),
        ]
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// What the loopback server does to one request.
enum WireFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case connectionRefused, resetMidBody, slowHeaders, truncatedBody, serverErrorBurst, rateLimited, redirectToHTTP,
        oversizedBody

    var testDescription: String { rawValue }
}

/// Every description, error and log line the suite produces, for the secret scan.
let transcript = Locked<[String]>([])

func record(_ text: String) { transcript.withLock { $0.append(text) } }

/// A provider behind a real loopback HTTP server that can misbehave on the wire.
final class FaultyProvider: Sendable {
    static let secret = "sk-reliability-SECRET-7f3a9c"
    static let secondSecret = "st-reliability-SECRET-2b81"

    let provider: ProviderID
    let simulator: ProviderSimulator
    let server: LoopbackServer
    let plan = Locked<[WireFault]>([])
    let requests = Locked<[TransportRequest]>([])

    init(_ provider: ProviderID) throws {
        self.provider = provider
        let simulator: ProviderSimulator =
            switch provider {
            case .ahaSend: .ahaSend(apiKey: Self.secret)
            case .cllavio: .cllavio(accessToken: Self.secret, secretToken: Self.secondSecret)
            case .autoSend: .autoSend(apiKey: Self.secret)
            case .krafter: .krafter(apiKey: Self.secret)
            default: .sendKit(apiKey: Self.secret)
            }
        self.simulator = simulator
        let plan = self.plan
        let requests = self.requests
        server = try LoopbackServer { received in
            let request = received.http
            requests.withLock { $0.append(request) }
            let fault = plan.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            guard let fault else {
                return (try? await simulator.send(request)).map(LoopbackReply.response) ?? .close
            }
            switch fault {
            case .redirectToHTTP:
                return .response(
                    TransportResponse(status: 302, headers: ["Location": "http://insecure.example.invalid/v1"]))
            case .serverErrorBurst, .rateLimited, .connectionRefused:
                return (try? await simulator.send(request)).map(LoopbackReply.response) ?? .close
            default: break
            }
            // The server does the work, then the wire misbehaves.
            guard let response = try? await simulator.send(request) else { return .close }
            var padded = response
            if padded.body.count < 400 { padded.body += Data(String(repeating: " ", count: 400).utf8) }
            switch fault {
            case .resetMidBody: return .truncated(padded, bytes: padded.body.count / 3)
            case .truncatedBody: return .truncated(padded, bytes: padded.body.count - 5)
            case .slowHeaders: return .hang
            case .oversizedBody: return .response(padded)
            default: return .response(response)
            }
        }
    }

    func provisioner(
        maximumBodySize: Int = ClientOptions.defaultMaximumBodySize, refused: Bool = false
    ) throws
        -> any DomainProvisioning
    {
        let base = refused ? "http://127.0.0.1:\(try LoopbackServer.closedPort())" : server.baseURL
        let options = ClientOptions(
            baseURL: try BaseURL(base),
            transport: URLSessionTransport(configuration: .init(defaultTimeout: .milliseconds(2_500))),
            retryPolicy: RetryPolicy(
                initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100), deadline: .seconds(90)),
            timeout: .milliseconds(2_500), maximumBodySize: maximumBodySize,
            logger: LogSink(minimumLevel: .debug) { record($0.description) })
        let credentials = ProviderSimulator.credentials(
            for: provider, apiKey: Self.secret, secretToken: FaultyProvider.secondSecret)
        return ProviderFactory.make(credentials, options: options)
    }

    func request(_ domain: String) -> DomainRequest {
        var request = DomainRequest(name: domain)
        if provider == .sendKit { request.region = "us-east-1" }
        if provider == .cllavio { request.senderAddress = "noreply@\(domain)" }
        return request
    }

    /// Queues the fault for the next requests.
    func arm(_ fault: WireFault) async {
        switch fault {
        case .serverErrorBurst: await simulator.failNext(2, with: .status(503))
        case .rateLimited: await simulator.failNext(1, with: .rateLimited(retryAfter: 1))
        case .connectionRefused: break
        default: plan.withLock { $0 = [fault] }
        }
    }
}

@Suite("Reliability: a fault matrix over real loopback HTTP", .serialized, .timeLimit(.minutes(5)))
struct FaultMatrixTests {
    static let cases: [(ProviderID, WireFault)] = ProviderID.all.flatMap { provider in
        WireFault.allCases.map { (provider, $0) }
    }

    @Test(
        "create under each fault ends in success or one typed error, in time, without unsafe replays", arguments: cases)
    func create(provider: ProviderID, fault: WireFault) async throws {
        let faulty = try FaultyProvider(provider)
        await faulty.arm(fault)
        let provisioner = try faulty.provisioner(
            maximumBodySize: fault == .oversizedBody ? 300 : ClientOptions.defaultMaximumBodySize,
            refused: fault == .connectionRefused)
        let outcome = await captureError { try await provisioner.createDomain(faulty.request("example.com")) }
        record(outcome?.description ?? "success")
        let posts = faulty.requests.withLock { $0 }.filter { $0.method == .post }
        let idempotent = provider == .ahaSend
        switch fault {
        case .connectionRefused:
            #expect(outcome?.transportFailure == .connectionRefused)
            #expect(outcome?.attempts == 3)
        case .rateLimited:
            // a 429 proves the server did not process it: retried whatever the method
            #expect(outcome == nil, "\(String(describing: outcome))")
            #expect(posts.count == 2)
        case .redirectToHTTP:
            #expect(outcome?.transportFailure == .redirected)
            #expect(posts.count == 1)
        case .oversizedBody:
            #expect(outcome?.kind == .decoding)
            #expect(posts.count == 1)
        case .resetMidBody, .truncatedBody, .slowHeaders, .serverErrorBurst:
            if idempotent {
                // replayed with the same key: the stored response (or the retry) succeeds
                #expect(outcome == nil, "\(String(describing: outcome))")
                #expect(Set(posts.compactMap { $0.headers["Idempotency-Key"] }).count == 1)
                #expect(posts.count >= 2)
            } else {
                // never replayed: the domain may exist
                #expect(outcome != nil)
                #expect(posts.count == 1, "an unsafe POST was replayed \(posts.count) times")
                #expect(outcome.map { [.transport, .timeout, .server, .decoding].contains($0.kind) } == true)
            }
        }
        if let outcome { #expect(outcome.provider == provider) }
    }

    @Test(
        "reads under each fault are retried to success or end in one typed error",
        arguments: cases.filter {
            ProviderFactory.capabilities[$0.0]?.supports(.list) == true
        })
    func list(provider: ProviderID, fault: WireFault) async throws {
        let faulty = try FaultyProvider(provider)
        let provisioner = try faulty.provisioner(
            maximumBodySize: fault == .oversizedBody ? 300 : ClientOptions.defaultMaximumBodySize,
            refused: fault == .connectionRefused)
        _ = try await faulty.provisioner().createDomain(faulty.request("example.com"))
        faulty.requests.withLock { $0.removeAll() }
        await faulty.arm(fault)
        let outcome = await captureError { try await provisioner.listDomains().collect() }
        record(outcome?.description ?? "success")
        switch fault {
        case .connectionRefused: #expect(outcome?.kind == .transport)
        case .redirectToHTTP: #expect(outcome?.transportFailure == .redirected)
        case .oversizedBody: #expect(outcome?.kind == .decoding)
        default:
            // GET is idempotent: every transient fault is retried to success
            #expect(outcome == nil, "\(fault): \(String(describing: outcome))")
        }
    }
}

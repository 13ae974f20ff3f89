import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

@Suite("Reliability: cancellation and secret hygiene", .serialized, .timeLimit(.minutes(1)))
struct HygieneAndCancellationTests {
    @Test("cancelling a task during a request ends it with cancelled, without waiting for the server or retrying")
    func cancelInRequest() async throws {
        let seen = Locked(0)
        let onTheWire = Signal()
        let server = try LoopbackServer { _ in
            seen.withLock { $0 += 1 }
            onTheWire.fire()
            return .hang  // a server that never answers: only cancellation can end the call
        }
        let client = KrafterProvisioner(
            .init(
                apiKey: FaultyProvider.secret,
                options: .init(
                    baseURL: try BaseURL(server.baseURL), transport: URLSessionTransport(), timeout: .seconds(600))))
        let task = Task { await captureError { try await client.listDomains().collect() } }
        await onTheWire.wait()
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(error?.attempts == 1)
        #expect(seen.withLock { $0 } == 1)
    }

    @Test("cancelling a task during a backoff ends it with cancelled, with no further attempt")
    func cancelInBackoff() async throws {
        let simulator = ProviderSimulator.krafter(apiKey: FaultyProvider.secret)
        await simulator.failNext(5, with: .status(503))
        let server = try LoopbackServer.serving(simulator)
        let backingOff = Signal()
        let client = KrafterProvisioner(
            .init(
                apiKey: FaultyProvider.secret,
                options: .init(
                    baseURL: try BaseURL(server.baseURL), transport: URLSessionTransport(),
                    retryPolicy: RetryPolicy(
                        initialBackoff: .seconds(600), maximumBackoff: .seconds(600), deadline: nil, jitter: .none),
                    logger: LogSink(minimumLevel: .info) { event in
                        if event.message.contains("retrying in") { backingOff.fire() }
                    })
            ))
        let task = Task { await captureError { try await client.listDomains().collect() } }
        await backingOff.wait()
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(await simulator.requestCount == 1)
    }

    @Test("no test credential appears in any description, error or log line the suites produced")
    func secretScan() async throws {
        // Produce a fresh batch here too, so the scan never runs on an empty transcript.
        let faulty = try FaultyProvider(.cllavio)
        await faulty.simulator.failNext(1, with: .status(401))
        let provisioner = try faulty.provisioner()
        let error = await captureError { try await provisioner.createDomain(faulty.request("example.com")) }
        record(error?.description ?? "success")
        record(String(reflecting: error as Any))
        let lines = transcript.withLock { $0 }
        #expect(lines.count > 10)
        let leaks = lines.filter { $0.contains(FaultyProvider.secret) || $0.contains(FaultyProvider.secondSecret) }
        #expect(leaks.isEmpty, "\(leaks.prefix(3))")
        // …while the requests really carried them.
        #expect(
            faulty.requests.withLock { $0 }.contains { $0.headers["X-Api-Secret-Token"] == FaultyProvider.secondSecret }
        )
    }
}

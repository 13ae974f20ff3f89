import Foundation
import SendingDomains
import SendingDomainsTesting
import Testing

@Suite("Reliability: cancellation and secret hygiene", .serialized)
struct HygieneAndCancellationTests {
    @Test("cancelling a task during a request ends it promptly with cancelled, with no further attempt")
    func cancelInRequest() async throws {
        let seen = Locked(0)
        let server = try LoopbackServer { _ in
            seen.withLock { $0 += 1 }
            return .delayed(.json(200, #"{"data": []}"#), seconds: 3)
        }
        let client = KrafterProvisioner(
            .init(
                apiKey: FaultyProvider.secret,
                options: .init(
                    baseURL: try BaseURL(server.baseURL), transport: URLSessionTransport(), timeout: .seconds(10))))
        let task = Task { await captureError { try await client.listDomains().collect() } }
        // wait until the request is on the wire (a loaded machine can take a while to send it)
        let deadline = Date().addingTimeInterval(10)
        while seen.withLock({ $0 }) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(seen.withLock { $0 } == 1)
        let started = Date()
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(Date().timeIntervalSince(started) < 1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(seen.withLock { $0 } == 1)
    }

    @Test("cancelling a task during a backoff ends it promptly with cancelled, with no further attempt")
    func cancelInBackoff() async throws {
        let simulator = ProviderSimulator.krafter(apiKey: FaultyProvider.secret)
        await simulator.failNext(5, with: .status(503))
        let server = try LoopbackServer.serving(simulator)
        let client = KrafterProvisioner(
            .init(
                apiKey: FaultyProvider.secret,
                options: .init(
                    baseURL: try BaseURL(server.baseURL), transport: URLSessionTransport(),
                    retryPolicy: RetryPolicy(initialBackoff: .seconds(30), maximumBackoff: .seconds(30), jitter: .none))
            ))
        let task = Task { await captureError { try await client.listDomains().collect() } }
        while await simulator.requestCount < 1 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        let started = Date()
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(Date().timeIntervalSince(started) < 1)
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

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A `domains` process left running (`webhook listen`, `watch`), whose output is collected as it
/// comes.
final class RunningCLI: Sendable {
    /// The port `webhook listen` announced on stderr: `listening on 127.0.0.1:PORT`, or with
    /// `--json` the line `{"notice": "listening", "port": PORT, …}`.
    static func listeningPort(_ errors: String) -> UInt16? {
        for line in errors.split(separator: "\n") {
            if line.hasPrefix("listening on 127.0.0.1:") { return UInt16(line.split(separator: ":").last ?? "") }
            if let notice = JSONValue(json: String(line)), notice["notice"] == "listening",
                case .number(let port)? = notice["port"]
            {
                return UInt16(exactly: port)
            }
        }
        return nil
    }

    let process = Process()
    let stdout = Locked(Data())
    let stderr = Locked(Data())

    init(_ cli: CLI, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = CLI.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasSuffix("_API_KEY") && !$0.key.hasPrefix("AHASEND") && !$0.key.hasPrefix("CLLAVIO")
        }
        env["SENDINGDOMAINS_SANDBOX_DIR"] = cli.sandbox.path
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // One reading thread per pipe, until the process closes it.
        for (handle, sink) in [(out.fileHandleForReading, stdout), (err.fileHandleForReading, stderr)] {
            Thread.detachNewThread {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    sink.withLock { $0.append(data) }
                }
            }
        }
    }

    var output: String { String(decoding: stdout.withLock { $0 }, as: UTF8.self) }
    var errors: String { String(decoding: stderr.withLock { $0 }, as: UTF8.self) }

    /// Waits until `condition` holds on the output so far (the test's time limit bounds it).
    func wait(until condition: (RunningCLI) -> Bool) async throws {
        while !condition(self) {
            guard process.isRunning else { return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

@Suite("The domains command: webhooks and watch", .serialized)
struct WebhookAndWatchCLITests {
    static let secret = "aha-whsec-cli-test"
    static let body = Data(
        #"{"type":"domain.dns_error","timestamp":"2024-05-06T12:59:46.404433272Z","data":{"domain":"example.com","account_id":"00000000-0000-4000-8000-000000000001","spf_valid":false,"dkim_valid":true,"dmarc_valid":true,"dns_last_checked_at":"2024-05-06T12:59:46.404433312Z"}}"#
            .utf8)

    static func signature(_ body: Data, id: String, timestamp: Int, secret: String = secret) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return "v1," + HMACSHA256.authenticationCode(for: content, key: Data(secret.utf8)).base64EncodedString()
    }

    @Test("webhook verify: exit 0 and the event; a bad signature exit 1 with the check; no secret: exit 2")
    func verify() async throws {
        var cli = try CLI()
        cli.environment["AHASEND_WEBHOOK_SECRET"] = Self.secret
        // Saved deliveries, checked as of a fixed moment (--at): no dependence on the clock.
        let now = 1_715_000_000
        let at = ["--at", "\(now + 60)"]
        let file = cli.sandbox.appendingPathComponent("delivery.json")
        try Self.body.write(to: file)
        let good = try await cli.run(
            [
                "ahasend", "webhook", "verify", "--header", "webhook-id: msg_1", "--header",
                "Webhook-Timestamp: \(now)",
                "--header", "webhook-signature: \(Self.signature(Self.body, id: "msg_1", timestamp: now))", "--body",
                file.path, "--json",
            ] + at)
        #expect(good.status == 0, "\(good.stderr)")
        let event = try #require(JSONValue(json: good.stdout))
        #expect(event["id"] == "msg_1")
        #expect(event["type"] == "domain.dns_error")
        #expect(event["data"]?["spf_valid"] == false)

        let bad = try await cli.run(
            [
                "ahasend", "webhook", "verify", "--header", "webhook-id: msg_1", "--header",
                "webhook-timestamp: \(now)",
                "--header",
                "webhook-signature: \(Self.signature(Self.body, id: "msg_1", timestamp: now, secret: "other"))",
            ] + at, input: Self.body)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("signature_mismatch"))
        #expect(!bad.stderr.contains(Self.secret))

        let stale = try await cli.run(
            [
                "ahasend", "webhook", "verify", "--header", "webhook-id: msg_1", "--header",
                "webhook-timestamp: \(now - 3_600)",
                "--header", "webhook-signature: \(Self.signature(Self.body, id: "msg_1", timestamp: now - 3_600))",
            ] + at, input: Self.body)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("timestamp_out_of_tolerance"))
        // The same delivery within a tolerance of two hours is fine.
        let tolerated = try await cli.run(
            [
                "ahasend", "webhook", "verify", "--header", "webhook-id: msg_1", "--header",
                "webhook-timestamp: \(now - 3_600)", "--tolerance", "7200",
                "--header", "webhook-signature: \(Self.signature(Self.body, id: "msg_1", timestamp: now - 3_600))",
            ] + at, input: Self.body)
        #expect(tolerated.status == 0, "\(tolerated.stderr)")

        let unset = try await CLI().run(["ahasend", "webhook", "verify"], input: Self.body)
        #expect(unset.status == 2)
        #expect(unset.stderr.contains("AHASEND_WEBHOOK_SECRET"))
        #expect(try await CLI().run(["krafter", "webhook", "listen"]).status == 2)
    }

    @Test(
        "webhook listen: 204 verified, 401 bad signature, 400 malformed, 413 too large; each event a JSON line",
        .timeLimit(.minutes(1)))
    func listen() async throws {
        let cli = try CLI()
        let server = try RunningCLI(
            // A listener checks timestamps against the real clock; the deliveries below carry a fixed
            // 2024 timestamp, so the tolerance is wide instead (about 31 years): the test never
            // depends on what time it is. The tolerance check itself is tested with --at above.
            cli, ["ahasend", "webhook", "listen", "--json", "--tolerance", "1000000000"],
            environment: ["AHASEND_WEBHOOK_SECRET": Self.secret])
        try await server.wait { RunningCLI.listeningPort($0.errors) != nil }
        let port = try #require(RunningCLI.listeningPort(server.errors).map(Int.init))
        let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let transport = URLSessionTransport()
        func post(_ body: Data, _ headers: HeaderFields) async throws -> Int {
            try await transport.send(
                TransportRequest(method: .post, baseURL: base, path: ["hooks"], headers: headers, body: body)
            ).status
        }
        let now = 1_715_000_000
        let signed: HeaderFields = [
            "webhook-id": "msg_9", "webhook-timestamp": "\(now)",
            "webhook-signature": Self.signature(Self.body, id: "msg_9", timestamp: now),
        ]
        #expect(try await post(Self.body, signed) == 204)
        var forged = signed
        forged["webhook-signature"] = Self.signature(Self.body, id: "msg_9", timestamp: now, secret: "guess")
        #expect(try await post(Self.body, forged) == 401)
        #expect(try await post(Self.body, ["webhook-id": "msg_9"]) == 400)
        let future = now + 4_000_000_000  // beyond even that tolerance
        var early = signed
        early["webhook-timestamp"] = "\(future)"
        early["webhook-signature"] = Self.signature(Self.body, id: "msg_9", timestamp: future)
        #expect(try await post(Self.body, early) == 401)
        #expect(try await post(Data(repeating: 0x20, count: 2 << 20), signed) == 413)
        try await server.wait { $0.output.contains("msg_9") }
        let events = server.output.split(separator: "\n").compactMap { JSONValue(json: String($0)) }
        #expect(events.count == 1)
        #expect(events.first?["id"] == "msg_9")
        #expect(!server.errors.contains(Self.secret))
        server.stop()
    }

    @Test("watch: prints each change as it happens, once", .timeLimit(.minutes(1)))
    func watch() async throws {
        let cli = try CLI()
        #expect(try await cli.run(["ahasend", "create", "example.com"]).status == 0)
        // The banner on stderr says the baseline (status and DNS) is taken: a change after it is
        // reported.
        let watcher = try RunningCLI(cli, ["ahasend", "watch", "example.com", "--interval", "0.05"])
        try await watcher.wait { $0.errors.contains("watching 1 domain") }
        #expect(try await cli.run(["ahasend", "publish", "example.com"]).status == 0)
        try await watcher.wait { $0.output.contains("DNS: TXT example.com missing → ok") }
        #expect(try await cli.run(["ahasend", "verify", "example.com"]).status == 0)
        try await watcher.wait { $0.output.split(separator: "\n").contains { $0.hasSuffix("  verified") } }
        #expect(watcher.output.split(separator: "\n").filter { $0.hasSuffix("  verified") }.count == 1)
        #expect(watcher.process.isRunning)
        watcher.stop()
        // SIGTERM ends the watch gracefully: exit status 143, not death by the signal.
        #expect(watcher.process.terminationReason == .exit)
        #expect(watcher.process.terminationStatus == 143)
    }

    @Test(
        "watch --json: a revoked key is one checkFailed event with its error, every line with eventId",
        .timeLimit(.minutes(1)))
    func watchCheckFailed() async throws {
        let simulator = ProviderSimulator.krafter(apiKey: "kr_live_watch_secret_123456")
        let revoked = Locked(false)
        let server = try LoopbackServer { request in
            if revoked.withLock({ $0 }) {
                return .response(
                    TransportResponse.json(401, #"{"error":{"code":"unauthorized","message":"Invalid API key"}}"#))
            }
            do {
                return .response(try await simulator.send(request.http))
            } catch {
                return .response(TransportResponse(status: 500))
            }
        }
        var cli = try CLI()
        cli.environment = ["KRAFTER_API_KEY": "kr_live_watch_secret_123456"]
        let created = try await cli.run(["krafter", "create", "example.com", "--base-url", server.baseURL, "--json"])
        let id = try #require(JSONValue(json: created.stdout)?["id"]?.stringValue, "\(created.stderr)")
        let watcher = try RunningCLI(
            cli, ["krafter", "watch", id, "--interval", "0.05", "--json", "--base-url", server.baseURL],
            environment: ["KRAFTER_API_KEY": "kr_live_watch_secret_123456"])
        try await watcher.wait { $0.errors.contains("\"watching\"") }
        revoked.withLock { $0 = true }
        try await watcher.wait { $0.output.contains("checkFailed") }
        // Give it several more failing checks: still one event for the outage.
        try await Task.sleep(for: .milliseconds(400))
        let events = watcher.output.split(separator: "\n").compactMap { JSONValue(json: String($0)) }
        let failures = events.filter { $0["change"] == "checkFailed" }
        #expect(failures.count == 1, "\(watcher.output)")
        #expect(failures.first?["error"]?["kind"] == "authentication")
        #expect(failures.first?["error"]?["status"] == 401)
        #expect(failures.first?["eventId"]?.stringValue?.hasPrefix("krafter/\(id)#") == true)
        #expect(failures.first?["sandbox"] == false)
        #expect(!watcher.output.contains("kr_live_watch_secret_123456"))
        #expect(
            watcher.errors.split(separator: "\n").allSatisfy { JSONValue(json: String($0)) != nil }, "\(watcher.errors)"
        )
        revoked.withLock { $0 = false }
        try await watcher.wait { $0.output.contains("checkRecovered") }
        watcher.stop()
    }

    @Test(
        "watch --coordinate: one active process per name; when it is killed the standby takes over",
        .enabled(if: ExternalTool.redisServer.shouldRun, Comment(rawValue: ExternalTool.redisServer.skipReason)),
        .timeLimit(.minutes(1)))
    func coordinatedWatch() async throws {
        let redis = try await LoopbackRedis.started()
        defer { redis.stop() }
        let cli = try CLI()
        #expect(try await cli.run(["ahasend", "create", "example.com"]).status == 0)
        let arguments = [
            "ahasend", "watch", "example.com", "--interval", "0.05", "--json", "--coordinate", redis.url,
            "--name", "customers", "--lease", "1",
        ]
        func roles(_ process: RunningCLI) -> [String] {
            process.errors.split(separator: "\n").compactMap { JSONValue(json: String($0))?["watch"]?.stringValue }
        }
        let first = try RunningCLI(cli, arguments)
        try await first.wait { roles($0).contains("active") }
        let second = try RunningCLI(cli, arguments)
        try await second.wait { roles($0).contains("standby") }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!roles(second).contains("active"), "two active watchers: \(second.errors)")
        // Killed: no release; the standby takes over once the lease expires.
        kill(first.process.processIdentifier, SIGKILL)
        try await second.wait { roles($0).contains("active") }
        #expect(try await cli.run(["ahasend", "publish", "example.com"]).status == 0)
        #expect(try await cli.run(["ahasend", "verify", "example.com"]).status == 0)
        try await second.wait { $0.output.contains("\"verified\"") }
        let events = second.output.split(separator: "\n").compactMap { JSONValue(json: String($0)) }
        #expect(events.allSatisfy { $0["eventId"]?.stringValue?.hasPrefix("ahasend/example.com#") == true })
        #expect(second.errors.split(separator: "\n").allSatisfy { JSONValue(json: String($0)) != nil })
        second.stop()
        let usage = try await cli.run(["ahasend", "watch", "example.com", "--coordinate", redis.url])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--name"))
    }
}

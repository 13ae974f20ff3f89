import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// An AhaSend stand-in over its simulator that counts the domains it created, per name (an
/// answer replayed for a repeated idempotency key is not a creation).
final class CountingAhaSend: Sendable {
    static let key = "aha-bulk-secret-123456"
    let simulator = ProviderSimulator.ahaSend(apiKey: CountingAhaSend.key)
    let created = Locked([String: Int]())
    let server: LoopbackServer

    init(latency: Duration = .zero) async throws {
        let simulator = simulator
        let created = created
        await simulator.setLatency(latency)
        server = try LoopbackServer { request in
            do {
                let response = try await simulator.send(request.http)
                if request.http.method == .post, (200..<300).contains(response.status),
                    response.headers["Idempotent-Replayed"] != "true",
                    let body = request.http.body, let name = (try? JSONValue(data: body))?["domain"]?.stringValue
                {
                    created.withLock { $0[name, default: 0] += 1 }
                }
                return .response(response)
            } catch {
                return .close
            }
        }
    }

    var environment: [String: String] {
        ["AHASEND_API_KEY": Self.key, "AHASEND_ACCOUNT_ID": ProviderSimulator.sandboxAccountID]
    }

    deinit { server.stop() }
}

@Suite("domains bulk-create", .serialized)
struct BulkCreateCLITests {
    func write(_ text: String, in cli: CLI, name: String = "names.txt") throws -> String {
        let path = cli.sandbox.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("--json: the summary's keys, an invalid name failed with its line, exit 1; a clean run exits 0")
    func summary() async throws {
        let cli = try CLI()
        let file = try write("a.example\n\nbad name\n# comment\nb.example\na.example\n", in: cli)
        let result = try await cli.run(["autosend", "bulk-create", file, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderrIsJSONLines, "\(result.stderr)")
        let summary = try #require(JSONValue(json: result.stdout), "\(result.stdout)")
        guard case .object(let members) = summary else {
            Issue.record("not an object: \(result.stdout)")
            return
        }
        #expect(Set(members.keys) == ["total", "created", "existing", "failed", "uncertain"])
        #expect(summary["total"] == 3 && summary["created"] == 2 && summary["existing"] == 0)
        #expect(summary["failed"]?.arrayValue?.first?["line"] == 3)
        #expect(summary["failed"]?.arrayValue?.first?["name"] == "bad name")
        #expect(summary["failed"]?.arrayValue?.first?["error"]?["kind"] == "validation")
        #expect(summary["uncertain"] == .array([]))
        let progress = result.stderrLines.compactMap { $0?["progress"] }
        #expect(progress.last?["done"] == 3 && progress.last?["total"] == 3 && progress.last?["failed"] == 1)
        #expect(FileManager.default.fileExists(atPath: file + ".journal"))

        let clean = try write("c.example\nd.example\n", in: cli, name: "clean.txt")
        let ok = try await cli.run(["autosend", "bulk-create", clean])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("2 created"))
    }

    @Test("usage errors exit 2: an empty input, Cllavio, --idempotency-key, other create options on resume")
    func usage() async throws {
        let cli = try CLI()
        let empty = try write("# nothing\n\n", in: cli, name: "empty.txt")
        #expect(try await cli.run(["krafter", "bulk-create", empty]).status == 2)
        let file = try write("a.example\n", in: cli)
        let cllavio = try await cli.run(["cllavio", "bulk-create", file, "--sender", "a@a.example"])
        #expect(cllavio.status == 2)
        #expect(cllavio.stderr.contains("active sender"))
        let keyed = try await cli.run(["ahasend", "bulk-create", file, "--idempotency-key", "k1"])
        #expect(keyed.status == 2)
        #expect(keyed.stderr.contains("--idempotency-key"))
        #expect(try await cli.run(["krafter", "bulk-create", file]).status == 0)
        let other = try await cli.run(["krafter", "bulk-create", file, "--return-path", "bounce", "--json"])
        #expect(other.status == 2, "\(other.stderr)")
        #expect(other.jsonError?["message"]?.stringValue?.contains("other create options") == true)
    }

    @Test("a journal in use by another run is refused")
    func locked() async throws {
        let cli = try CLI()
        let file = try write("a.example\n", in: cli)
        let journal = try JSONLinesJournal(path: file + ".journal")
        defer { journal.close() }
        let result = try await cli.run(["krafter", "bulk-create", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("in use by another run"))
    }

    @Test(
        "SIGTERM during a run: exit 143, the journal flushed; the same command resumes, each domain created once",
        .timeLimit(.minutes(2)))
    func sigterm() async throws {
        let standIn = try await CountingAhaSend(latency: .milliseconds(40))
        var cli = try CLI()
        cli.environment = standIn.environment
        let names = (1...60).map { "n\($0).example" }
        let file = try write(names.joined(separator: "\n") + "\n", in: cli)
        let journal = file + ".journal"
        let arguments = [
            "ahasend", "bulk-create", file, "--base-url", standIn.server.baseURL, "--concurrency", "2", "--json",
        ]
        let running = try RunningCLI(cli, arguments, environment: cli.environment)
        func createdLines() -> Int {
            let text = (try? String(contentsOfFile: journal, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.contains(#""step":"created""#) }.count
        }
        while createdLines() < 5 && running.process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(running.process.isRunning, "the run ended before it was interrupted: \(running.errors)")
        running.stop()
        #expect(running.process.terminationReason == .exit)
        #expect(running.process.terminationStatus == 143)
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(text.split(separator: "\n").allSatisfy { JSONValue(json: String($0)) != nil })
        let before = standIn.created.withLock { $0.count }
        #expect(before < 60)

        // Waited for without blocking a thread: the stand-in answers on this process's threads.
        let resumed = try RunningCLI(cli, arguments, environment: cli.environment)
        while resumed.process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(resumed.process.terminationStatus == 0, "\(resumed.errors)")
        // The reading threads reach the end of the pipe (the test's time limit bounds the wait).
        while JSONValue(json: resumed.output) == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(JSONValue(json: resumed.output)?["created"] == 60, "\(resumed.output)")
        let counts = standIn.created.withLock { $0 }
        #expect(counts.count == 60)
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
    }
}

import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `domains ahasend bulk-create` of 1,000 domains against a loopback AhaSend stand-in that
/// enforces AhaSend's published limit exactly (100/s, bursts of 200; a request over it is a
/// 429): the achieved rate against the limit, the 429s, and — killed (`SIGKILL`) at a random
/// point and run again — whether every domain was created exactly once at the stand-in.
enum BulkBenchmark {
    /// The stand-in: a token bucket in front of the AhaSend simulator, counting creates per name.
    final class StandIn: Sendable {
        let server: LoopbackServer
        let simulator = ProviderSimulator.ahaSend()
        /// Arrival time of every create answered 2xx, and the 429 count.
        let state = Locked((created: [String: Int](), arrivals: [Double](), tooMany: 0))

        init(rate: Double, burst: Int) throws {
            let simulator = simulator
            let state = state
            let bucket = Locked((tokens: Double(burst), last: 0.0))
            let origin = ContinuousClock.now
            server = try LoopbackServer { request in
                let allowed = bucket.withLock { bucket -> Bool in
                    // The clock is read under the lock: arrivals are judged in the order they are counted.
                    let now = (ContinuousClock.now - origin).seconds
                    bucket.tokens = min(Double(burst), bucket.tokens + max(0, now - bucket.last) * rate)
                    bucket.last = now
                    guard bucket.tokens >= 1 else { return false }
                    bucket.tokens -= 1
                    return true
                }
                guard allowed else {
                    state.withLock { $0.tooMany += 1 }
                    return .response(
                        TransportResponse.json(
                            429, #"{"message":"Too many requests"}"#, headers: ["Retry-After": "1"]))
                }
                guard let response = try? await simulator.send(request.http) else { return .close }
                let now = (ContinuousClock.now - origin).seconds
                // A replayed answer (the same idempotency key) is not a creation.
                if request.http.method == .post, (200..<300).contains(response.status),
                    response.headers["Idempotent-Replayed"] != "true",
                    let body = request.http.body, let name = (try? JSONValue(data: body))?["domain"]?.stringValue
                {
                    state.withLock {
                        $0.created[name, default: 0] += 1
                        $0.arrivals.append(now)
                    }
                }
                return .response(response)
            }
        }
    }

    /// The `domains` executable: next to this one, else the debug build's (a release build of
    /// `domains` crashes Swift 6.3.1's optimizer; its pace is its rate limiter's either way).
    static var domainsExecutable: URL {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            folder.appendingPathComponent("domains"),
            folder.deletingLastPathComponent().appendingPathComponent("debug/domains"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    static func launch(_ arguments: [String], folder: URL) throws -> Process {
        let process = Process()
        process.executableURL = domainsExecutable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasSuffix("_API_KEY") && !$0.key.hasPrefix("AHASEND")
        }
        environment["SENDINGDOMAINS_SANDBOX_DIR"] = folder.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func run(quick: Bool) async throws -> [Row] {
        guard FileManager.default.isExecutableFile(atPath: domainsExecutable.path) else {
            progress("bulk: build the domains executable first (swift build --product domains); skipped")
            return []
        }
        let count = 1_000
        let limit = AhaSend.rateLimit
        var rates: [Double] = []
        var tooMany = 0
        var tooManyResumed = 0
        var exactlyOnce = 0
        let runs = quick ? 1 : 3
        for run in 0..<(runs * 2) {
            let killed = run % 2 == 1
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "bulk-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("names.txt")
            try Data((1...count).map { "customer\($0).example" }.joined(separator: "\n").utf8).write(to: file)
            let standIn = try StandIn(rate: limit.rate, burst: limit.burst)
            defer { standIn.server.stop() }
            let arguments = ["ahasend", "bulk-create", file.path, "--base-url", standIn.server.baseURL, "--json"]
            if killed {
                let process = try launch(arguments, folder: folder)
                // A random point of the ~8 s run.
                try await Task.sleep(for: .milliseconds(Int.random(in: 500...7_000)))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            let process = try launch(arguments, folder: folder)
            process.waitUntilExit()
            let (created, arrivals, rejected) = standIn.state.withLock { ($0.created, $0.arrivals, $0.tooMany) }
            if killed { tooManyResumed += rejected } else { tooMany += rejected }
            // The journal: one `created` line per name.
            let journal = (try? String(contentsOf: file.appendingPathExtension("journal"), encoding: .utf8)) ?? ""
            var journaled: [String: Int] = [:]
            for line in journal.split(separator: "\n") {
                guard let entry = try? JSONValue(data: Data(line.utf8)), entry["step"] == "created",
                    let name = entry["name"]?.stringValue
                else { continue }
                journaled[name, default: 0] += 1
            }
            let consistent = journaled.count == count && journaled.values.allSatisfy { $0 == 1 }
            let once =
                created.count == count && created.values.allSatisfy { $0 == 1 } && process.terminationStatus == 0
                && consistent
            if once { exactlyOnce += 1 }
            if !killed, let first = arrivals.min(), let last = arrivals.max(), last > first {
                // What the limit allows for these creates: the burst at once, then `rate` per second.
                rates.append(Double(arrivals.count - limit.burst) / (last - first))
            }
            progress(
                "bulk: run \(run + 1)\(killed ? " (killed, resumed)" : ""): \(created.count) names, \(rejected) 429s, exactly once: \(once)"
            )
        }
        let rate = rates.sorted()[rates.count / 2]
        return [
            Row(
                benchmark: "bulk-create 1,000 domains, AhaSend stand-in enforcing 100/s burst 200", measured: rate,
                baseline: limit.rate, unit: "creates/s after the burst (baseline: the limit)",
                target: "≥ 0.95× of the limit"),
            Row(
                benchmark: "bulk-create: 429s from the stand-in, uninterrupted runs", measured: Double(tooMany),
                baseline: nil, unit: "responses", target: "0"),
            Row(
                benchmark: "bulk-create: 429s when resumed at once after the kill (the killed run drained the bucket)",
                measured: Double(tooManyResumed), baseline: nil, unit: "responses (each retried after Retry-After)",
                target: "report"),
            Row(
                benchmark:
                    "bulk-create killed at a random point and resumed: runs with every domain created exactly once",
                measured: Double(exactlyOnce), baseline: Double(runs * 2), unit: "runs (baseline: runs made)",
                target: "all"),
        ]
    }
}

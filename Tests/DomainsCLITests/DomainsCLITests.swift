import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// Runs the built `domains` executable.
struct CLI {
    let sandbox: URL
    var environment: [String: String] = [:]

    init() throws {
        sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("domains-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
    }

    static var executable: URL {
        // The test bundle sits in the build products folder, next to the `domains` executable.
        let products =
            Bundle.main.bundleURL.pathExtension == "xctest"
            ? Bundle.main.bundleURL.deletingLastPathComponent()
            : URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("domains") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// Each stderr line parsed as JSON (`nil` for a line that is not JSON).
        var stderrLines: [JSONValue?] {
            stderr.split(separator: "\n").map { JSONValue(json: String($0)) }
        }

        /// Whether every stderr line is one JSON object: the `--json` rule.
        var stderrIsJSONLines: Bool {
            stderrLines.allSatisfy { line in
                if case .object? = line { return true }
                return false
            }
        }

        /// The `--json` error object: the last stderr line's `error`.
        var jsonError: JSONValue? { stderrLines.last??["error"] }
    }

    /// Runs the command and waits for it on a Dispatch thread — never on one of the cooperative
    /// pool's threads (two on a two-core machine), which the tests running beside it need.
    func run(_ arguments: [String], input: Data? = nil) async throws -> Result {
        let cli = self
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result { try cli.runBlocking(arguments, input: input) })
            }
        }
    }

    private func runBlocking(_ arguments: [String], input: Data?) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasSuffix("_API_KEY") && !$0.key.hasPrefix("AHASEND") && !$0.key.hasPrefix("CLLAVIO")
        }
        env["SENDINGDOMAINS_SANDBOX_DIR"] = sandbox.path
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes at once: a full stderr pipe must not stall the process while stdout is read.
        let stderr = Locked(Data())
        let done = DispatchSemaphore(value: 0)
        let errorHandle = err.fileHandleForReading
        Thread {
            let data = errorHandle.readDataToEndOfFile()
            stderr.withLock { $0 = data }
            done.signal()
        }.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr.withLock { $0 }, as: UTF8.self))
    }
}

@Suite("The domains command, end to end", .serialized)
struct DomainsCLITests {
    static let providers = ["sendkit", "autosend", "krafter", "cllavio", "ahasend"]

    func createArguments(_ provider: String) -> [String] {
        switch provider {
        case "sendkit": ["sendkit", "create", "example.com", "--region", "us-east-1"]
        case "cllavio": ["cllavio", "create", "example.com", "--sender", "noreply@example.com"]
        default: [provider, "create", "example.com"]
        }
    }

    @Test("every subcommand in sandbox mode", arguments: providers)
    func sandbox(provider: String) async throws {
        let cli = try CLI()
        let created = try await cli.run(createArguments(provider) + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stderrIsJSONLines, "with --json, every stderr line is a JSON object: \(created.stderr)")
        #expect(created.stderrLines.first??["notice"] == "sandbox", "the sandbox is never silent")
        #expect(created.stderrLines.first??["provider"] == .string(provider))
        let domain = try #require(JSONValue(json: created.stdout), "\(created.stdout)")
        #expect(domain["name"] == "example.com")
        #expect(domain["provider"] == .string(provider))
        let id = try #require(domain["id"]?.stringValue)
        guard case .array(let records)? = domain["records"] else {
            Issue.record("no records")
            return
        }
        #expect(!records.isEmpty)

        let human = try await cli.run(
            createArguments(provider).map {
                $0 == "example.com"
                    ? "second.example.com" : $0 == "noreply@example.com" ? "noreply@second.example.com" : $0
            })
        #expect(human.status == 0)
        #expect(human.stdout.contains("DNS records to publish") && human.stdout.contains("TYPE"))
        #expect(human.stderr.contains("offline") && human.stderr.split(separator: "\n").count == 1)

        let supportsRest = provider != "sendkit" && provider != "cllavio"
        for arguments in [
            ["list"], ["get", id], ["verify", id], ["records", id, "--format", "zone"],
            ["records", id, "--format", "json"], ["publish", id], ["check", id],
            ["wait", id, "--timeout", "30", "--interval", "0.01"], ["delete", id],
        ] {
            let result = try await cli.run([provider] + arguments)
            if supportsRest {
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            } else {
                #expect(result.status == 2, "\(arguments)")
                #expect(result.stderr.contains("does not offer"), "\(result.stderr)")
                #expect(result.stderr.contains("it offers create"), "\(result.stderr)")
                #expect(!result.stderr.contains("offline"), "\(result.stderr)")
            }
        }
        if supportsRest {
            let zone = try await cli.run([provider, "records", id, "--format", "zone"])
            #expect(zone.status == 1)  // deleted above
            let list = try await cli.run([provider, "list", "--json"])
            let names = (JSONValue(json: list.stdout)?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(names == ["second.example.com"])
            _ = try await cli.run([
                provider, "delete", (JSONValue(json: list.stdout)?.arrayValue?.first?["id"]?.stringValue) ?? "",
            ])
            #expect(try await cli.run([provider, "list", "--json"]).stdout == "[]\n")
        }
    }

    @Test("records in every format; wait reports progress and reaches verified")
    func recordsAndWait() async throws {
        let cli = try CLI()
        _ = try await cli.run(["krafter", "create", "example.com"])
        let list = try await cli.run(["krafter", "list", "--json"])
        let id = try #require(JSONValue(json: list.stdout)?.arrayValue?.first?["id"]?.stringValue)
        let zone = try await cli.run(["krafter", "records", id, "--format", "zone"])
        #expect(zone.stdout.contains("$ORIGIN example.com."))
        #expect(zone.stdout.contains("IN MX    10 feedback-smtp.eu-central-1.amazonses.com."))
        let table = try await cli.run(["krafter", "records", id])
        #expect(table.stdout.hasPrefix("TYPE"))
        let json = try await cli.run(["krafter", "records", id, "--json"])
        #expect(JSONValue(json: json.stdout) != nil)
        #expect(try await cli.run(["krafter", "publish", id]).status == 0)
        let wait = try await cli.run(["krafter", "wait", id, "--interval", "0.01", "--json"])
        #expect(wait.status == 0)
        #expect(wait.stderrIsJSONLines, "\(wait.stderr)")
        #expect(wait.stderrLines.contains { $0?["progress"]?["check"] == 1 }, "\(wait.stderr)")
        let human = try await cli.run(["krafter", "wait", id, "--interval", "0.01"])
        #expect(human.stderr.contains("check 1:"), "\(human.stderr)")
        #expect(JSONValue(json: wait.stdout)?["status"] == "verified")
    }

    @Test("check: exit 3 until the records are published in the sandbox's zone, then 0; the JSON shape")
    func checkAndPublish() async throws {
        let cli = try CLI()
        #expect(try await cli.run(["ahasend", "create", "example.com"]).status == 0)
        let missing = try await cli.run(["ahasend", "check", "example.com"])
        #expect(missing.status == 3, "\(missing.stderr)")
        #expect(missing.stdout.contains("NOT READY"))
        #expect(missing.stdout.contains("MISSING"))
        let json = try await cli.run(["ahasend", "check", "example.com", "--json"])
        #expect(json.status == 3)
        let report = try #require(JSONValue(json: json.stdout))
        #expect(report["domain"] == "example.com")
        #expect(report["ready"] == false)
        let first = try #require(report["records"]?.arrayValue?.first)
        for key in ["type", "name", "expected", "required", "state", "observed", "detail"] {
            #expect(first[key] != nil, "\(key)")
        }
        #expect(first["state"] == "missing")
        #expect(first["suggested"] == nil)

        // Not verified while nothing is published, whatever the number of checks.
        _ = try await cli.run(["ahasend", "verify", "example.com"])
        let unverified = try #require(
            JSONValue(json: try await cli.run(["ahasend", "verify", "example.com", "--json"]).stdout))
        #expect(unverified["status"] != "verified")

        #expect(try await cli.run(["ahasend", "publish", "example.com"]).status == 0)
        let ready = try await cli.run(["ahasend", "check", "example.com", "--json"])
        #expect(ready.status == 0)
        #expect(JSONValue(json: ready.stdout)?["ready"] == true)
        let verified = try #require(
            JSONValue(json: try await cli.run(["ahasend", "verify", "example.com", "--json"]).stdout))
        #expect(verified["status"] == "verified")
    }

    @Test("check --records FILE: either JSON form, against a loopback DNS server; exit 3 with a merge suggestion")
    func checkRecordsFile() async throws {
        let cli = try CLI()
        let created = try await cli.run(["sendkit", "create", "example.com", "--region", "us-east-1", "--json"])
        let domain = try #require(JSONValue(json: created.stdout))
        let records = try #require(domain["records"]?.arrayValue)
        let objectFile = cli.sandbox.appendingPathComponent("created.json")
        try Data(created.stdout.utf8).write(to: objectFile)

        // A zone where everything is published, except that the SPF name already has another SPF record.
        var zone = DNSZone()
        for record in records {
            guard let type = record["type"]?.stringValue, let name = record["name"]?.stringValue,
                let value = record["value"]?.stringValue
            else { continue }
            let priority = record["priority"]?.intValue.map { "\($0) " } ?? ""
            if value.hasPrefix("v=spf1") {
                zone.add(name, .txt, "v=spf1 include:_spf.google.com ~all")
            } else {
                zone.add(name, DNSRecordType(rawValue: type), priority + value)
            }
        }
        zone.add("_spf.google.com", .txt, "v=spf1 ip4:192.0.2.0/24 ~all")
        let server = try LoopbackDNSServer(zone: zone)
        let result = try await cli.run([
            "check", "--records", objectFile.path, "--resolver", server.address.description, "--json",
        ])
        #expect(result.status == 3, "\(result.stderr)")
        let report = try #require(JSONValue(json: result.stdout))
        let states = report["records"]?.arrayValue?.compactMap { $0["state"]?.stringValue } ?? []
        #expect(states.contains("merge"))
        #expect(states.filter { $0 != "merge" }.allSatisfy { $0 == "ok" }, "\(states)")
        let merge = report["records"]?.arrayValue?.first { $0["state"] == "merge" }
        #expect(merge?["suggested"]?.stringValue?.hasPrefix("v=spf1 include:_spf.google.com include:") == true)
        // The SPF record's evaluation; `null` for every other record.
        let spf = try #require(merge?["spf"])
        #expect(spf["permerror"] == .null)
        #expect(spf["path"] == JSONValue.array([]))
        #expect(spf["costs"]?.arrayValue?.first?["term"] == "include:_spf.google.com")
        #expect(spf["costs"]?.arrayValue?.first?["lookups"]?.intValue == 1)
        #expect((spf["lookups"]?.intValue ?? 0) >= 2)
        #expect(spf["voidLookups"]?.intValue != nil)
        let others = report["records"]?.arrayValue?.filter { $0["state"] != "merge" } ?? []
        #expect(!others.isEmpty && others.allSatisfy { $0["spf"] == .null })

        // The array form (`records --format json`), from stdin, all published: exit 0.
        let arrayForm = try JSONEncoder().encode(records)
        var published = zone
        for record in records where record["value"]?.stringValue?.hasPrefix("v=spf1") == true {
            published.remove(record["name"]?.stringValue ?? "", .txt)
            published.add(record["name"]?.stringValue ?? "", .txt, record["value"]?.stringValue ?? "")
        }
        server.zone = published
        let fine = try await cli.run(
            ["check", "--records", "-", "--resolver", server.address.description], input: arrayForm)
        #expect(fine.status == 0, "\(fine.stdout)\(fine.stderr)")
        #expect(fine.stdout.contains("READY"))
    }

    @Test(
        "check usage and DNS failures: exit 2 and 1",
        arguments: [
            (["check"], Int32(2)), (["check", "--records"], 2), (["check", "extra", "--records", "x"], 2),
            (["ahasend", "list", "--resolver", "1.1.1.1"], 2),
            (["ahasend", "check", "x.com", "--resolver", "dns.google"], 2),
            (["sendkit", "check", "x.com"], 2), (["check", "--records", "/nonexistent.json"], 1),
        ] as [([String], Int32)])
    func checkUsage(_ arguments: [String], _ status: Int32) async throws {
        let result = try await CLI().run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
    }

    @Test(
        "usage errors exit 2 with help",
        arguments: [
            [], ["mailgun", "list"], ["ahasend"], ["ahasend", "fly"], ["ahasend", "get"], ["ahasend", "list", "extra"],
            ["ahasend", "records", "x.com", "--format", "yaml"], ["ahasend", "create", "x.com", "--bogus"],
            ["sendkit", "create", "example.com"], ["krafter", "create", "example.com", "--region", "eu"],
            ["ahasend", "wait", "x.com", "--timeout", "soon"],
            ["ahasend", "list", "--base-url", "http://api.example.com"],
        ])
    func usage(arguments: [String]) async throws {
        let result = try await CLI().run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("USAGE"))
        #expect(result.stdout.isEmpty)
    }

    @Test(
        "--help on every level",
        arguments: [
            ["--help"], ["ahasend", "--help"], ["cllavio", "create", "--help"], ["-h"], ["sandbox", "--help"],
            ["krafter", "wait", "--help"], ["ahasend", "records", "--help"],
        ])
    func help(arguments: [String]) async throws {
        let result = try await CLI().run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
        #expect(result.stdout.contains("OPTIONS"))
    }

    @Test("a command's --help lists its own options")
    func commandHelp() async throws {
        let cli = try CLI()
        let create = try await cli.run(["sendkit", "create", "--help"]).stdout
        for option in [
            "--region NAME   (required)", "--open-tracking", "--click-tracking", "--json", "--request-timeout",
        ] {
            #expect(create.contains(option), "\(option) in \(create)")
        }
        #expect(try await cli.run(["ahasend", "create", "--help"]).stdout.contains("--idempotency-key"))
        #expect(try await cli.run(["krafter", "wait", "--help"]).stdout.contains("--interval SECONDS"))
        #expect(try await cli.run(["krafter", "records", "--help"]).stdout.contains("--format table|zone|json"))
        // bulk-create is parsed apart from the other commands; a provider's help still lists it,
        // and Cllavio's says it does not offer it.
        let krafter = try await cli.run(["krafter", "--help"]).stdout
        #expect(krafter.contains("connect, bulk-create\n"), "\(krafter)")
        let cllavio = try await cli.run(["cllavio", "--help"]).stdout
        #expect(cllavio.contains("webhook, bulk-create)"), "\(cllavio)")
    }

    @Test("sandbox: a second create names get and reset; reset forgets; state is per folder")
    func sandboxReset() async throws {
        let cli = try CLI()
        #expect(try await cli.run(["ahasend", "create", "example.com"]).status == 0)
        let again = try await cli.run(["ahasend", "create", "example.com"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("`domains ahasend find example.com`"), "\(again.stderr)")
        #expect(again.stderr.contains("`domains sandbox reset ahasend`"), "\(again.stderr)")
        let krafter = try await cli.run(["krafter", "create", "example.com"])
        #expect(krafter.status == 0)
        let krafterAgain = try await cli.run(["krafter", "create", "example.com", "--json"])
        #expect(krafterAgain.jsonError?["kind"] == "conflict")
        #expect(krafterAgain.stderr.contains("domains krafter find example.com"))

        let reset = try await cli.run(["sandbox", "reset", "ahasend", "--json"])
        #expect(reset.status == 0)
        #expect(JSONValue(json: reset.stdout)?["reset"] == .array(["ahasend"]))
        #expect(try await cli.run(["ahasend", "create", "example.com"]).status == 0)
        // krafter's state was left alone
        #expect(try await cli.run(["krafter", "create", "example.com"]).status == 1)
        let all = try await cli.run(["sandbox", "reset"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("AhaSend") && all.stdout.contains("Krafter"))
        #expect(try await cli.run(["krafter", "create", "example.com"]).status == 0)
        #expect(try await cli.run(["sandbox", "reset", "mailgun"]).status == 2)
    }

    @Test("a sandbox folder that cannot be written fails loudly, before anything is created")
    func unwritableSandbox() async throws {
        var cli = try CLI()
        let blocker = cli.sandbox.appendingPathComponent("a-file")
        try Data("not a folder".utf8).write(to: blocker)
        cli.environment = ["SENDINGDOMAINS_SANDBOX_DIR": blocker.appendingPathComponent("sandbox").path]
        let result = try await cli.run(["ahasend", "create", "example.com"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("SENDINGDOMAINS_SANDBOX_DIR"), "\(result.stderr)")
        let json = try await cli.run(["ahasend", "create", "example.com", "--json"])
        #expect(json.status == 1)
        #expect(json.jsonError?["kind"] == "sandbox")

        // a state file that cannot be replaced (here: a folder in its place)
        var blocked = try CLI()
        try FileManager.default.createDirectory(
            at: blocked.sandbox.appendingPathComponent("krafter.json"), withIntermediateDirectories: true)
        blocked.environment = [:]
        let stuck = try await blocked.run(["krafter", "create", "example.com"])
        #expect(stuck.status == 1)
        #expect(stuck.stdout.isEmpty)
        #expect(stuck.stderr.contains("sandbox reset krafter"), "\(stuck.stderr)")
    }

    @Test("--json errors are one object on stderr whose kind a script can branch on")
    func jsonErrors() async throws {
        let cli = try CLI()
        func error(_ arguments: [String]) async throws -> (Int32, JSONValue?) {
            let result = try await cli.run(arguments + ["--json"])
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderrIsJSONLines, "\(arguments): \(result.stderr)")
            return (result.status, result.jsonError)
        }
        _ = try await cli.run(["ahasend", "create", "example.com"])
        let (conflictStatus, conflict) = try await error(["ahasend", "create", "example.com"])
        #expect(conflictStatus == 1)
        #expect(conflict?["kind"] == "conflict")
        #expect(conflict?["status"] == 409)
        #expect(conflict?["provider"] == "ahasend")
        #expect(conflict?["operation"] == "createDomain")
        #expect(conflict?["requestId"] == .null)
        #expect(conflict?["message"]?.stringValue?.contains("already exists") == true)

        let (validationStatus, validation) = try await error(["autosend", "get", "example.com"])
        #expect(validationStatus == 1)
        #expect(validation?["kind"] == "validation")
        #expect(validation?["status"] == .null)

        let (notFoundStatus, notFound) = try await error(["krafter", "get", "550e8400-e29b-41d4-a716-446655440000"])
        #expect(notFoundStatus == 1)
        #expect(notFound?["kind"] == "notFound")
        #expect(notFound?["status"] == 404)

        let (usageStatus, usage) = try await error(["ahasend", "fly"])
        #expect(usageStatus == 2)
        #expect(usage?["kind"] == "usage")
    }

    @Test("an operation the provider does not offer is a usage error: exit 2, nothing sent, no banner")
    func unsupportedOperation() async throws {
        let requests = Locked(0)
        let server = try LoopbackServer { _ in
            requests.withLock { $0 += 1 }
            return .close
        }
        let cli = try CLI()
        for arguments in [["sendkit", "list"], ["cllavio", "get", "example.com"], ["sendkit", "delete", "x"]] {
            let result = try await cli.run(arguments + ["--json", "--base-url", server.baseURL])
            #expect(result.status == 2, "\(arguments)")
            let error = result.jsonError
            #expect(error?["kind"] == "unsupportedOperation", "\(result.stderr)")
            #expect(error?["message"]?.stringValue?.contains("it offers create") == true)
            #expect(!result.stderr.contains("offline"))
            let plain = try await cli.run(arguments)
            #expect(plain.status == 2)
            #expect(!plain.stderr.contains("offline"), "\(plain.stderr)")
        }
        #expect(requests.withLock { $0 } == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.sandbox.appendingPathComponent("sendkit.json").path))
    }

    @Test("--json shapes: ttl a number or null, every key present, records null when the response has none")
    func jsonShapes() async throws {
        let cli = try CLI()
        let created = try await cli.run(["krafter", "create", "example.com", "--json"])
        let domain = try #require(JSONValue(json: created.stdout))
        for key in ["id", "name", "provider", "status", "createdAt", "verifiedAt", "lastCheckedAt", "records"] {
            #expect(domain[key] != nil, "\(key) missing")
        }
        let records = try #require(domain["records"]?.arrayValue)
        for record in records {
            for key in ["type", "name", "host", "value", "priority", "ttl", "purpose", "required", "status"] {
                #expect(record[key] != nil, "\(key) missing in \(record)")
            }
            switch record["ttl"] {
            case .number?, .null?: break
            default: Issue.record("ttl is \(String(describing: record["ttl"]))")
            }
        }
        let id = try #require(domain["id"]?.stringValue)
        let verified = try #require(JSONValue(json: try await cli.run(["krafter", "verify", id, "--json"]).stdout))
        #expect(verified["records"] == .null)
        let human = try await cli.run(["krafter", "verify", id])
        #expect(human.stdout.contains("carries no records"))
        let sendKit = try #require(
            JSONValue(
                json: try await cli.run(["sendkit", "create", "example.com", "--region", "us-east-1", "--json"]).stdout)
        )
        #expect(sendKit["records"]?.arrayValue?.allSatisfy { $0["ttl"] == 3600 } == true)
        let ahaSend = try #require(
            JSONValue(json: try await cli.run(["ahasend", "create", "example.com", "--json"]).stdout))
        #expect(ahaSend["records"]?.arrayValue?.allSatisfy { $0["ttl"] == .null } == true)
    }

    @Test("text a server supplies never reaches the terminal with control characters")
    func terminalSafety() async throws {
        let hostile = "evil\u{1B}]0;pwned\u{07}\r\u{1B}[2J\u{9B}31mCreated example.com"
        let server = try LoopbackServer { request in
            if request.method == .get {
                return .response(
                    TransportResponse(status: 404, body: JSONValue.object(["error": .string(hostile)]).data))
            }
            let domain: JSONValue = [
                "id": "550e8400-e29b-41d4-a716-446655440000", "domain": .string("x\u{1B}[31m.com"),
                "status": .string(hostile),
                "dns_records": [
                    [
                        "type": .string("TX\u{9B}2JT"), "name": .string("_v.x.com\u{7F}\u{1B}]0;pwned\u{07}"),
                        "value": .string("v\u{9B}31m\npwned READY"), "ttl": "Auto", "priority": nil,
                        "purpose": "verification", "required": true, "category": "verification",
                    ]
                ],
                "created_at": "2026-01-01T00:00:00Z",
            ]
            return .response(TransportResponse(status: 201, body: JSONValue.object(["data": domain]).data))
        }
        let cli = try CLI()
        for arguments in [
            ["krafter", "create", "example.com"], ["krafter", "get", "550e8400-e29b-41d4-a716-446655440000"],
            ["krafter", "get", "550e8400-e29b-41d4-a716-446655440000", "--verbose"],
            ["krafter", "create", "example.com", "--json"],
            ["krafter", "records", "550e8400-e29b-41d4-a716-446655440000", "--format", "json"],
            ["krafter", "records", "550e8400-e29b-41d4-a716-446655440000", "--format", "zone"],
            ["krafter", "records", "550e8400-e29b-41d4-a716-446655440000"],
        ] {
            let result = try await cli.run(arguments + ["--base-url", server.baseURL])
            for text in [result.stdout, result.stderr] {
                let controls = text.unicodeScalars.filter {
                    $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value)
                }
                #expect(controls.isEmpty, "\(arguments): \(controls.map(\.value))")
            }
            #expect(result.stdout.contains("pwned") || result.stderr.contains("pwned"), "\(arguments)")
        }
    }

    @Test("a create that timed out at a provider without idempotency keys says it may have succeeded")
    func createTimeoutHint() async throws {
        let server = try LoopbackServer { _ in .hang }
        let cli = try CLI()
        let result = try await cli.run([
            "krafter", "create", "example.com", "--base-url", server.baseURL, "--request-timeout", "0.5",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("timed out"), "\(result.stderr)")
        #expect(result.stderr.contains("may have succeeded"), "\(result.stderr)")
        #expect(result.stderr.contains("`domains krafter find example.com`"), "\(result.stderr)")
        let json = try await cli.run([
            "krafter", "create", "example.com", "--base-url", server.baseURL, "--request-timeout", "0.5", "--json",
        ])
        #expect(json.jsonError?["kind"] == "timeout")
    }

    @Test("API errors exit 1 with a clear message and no secret")
    func apiError() async throws {
        let cli = try CLI()
        let missing = try await cli.run(["krafter", "get", "550e8400-e29b-41d4-a716-446655440000"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not found"))
        let badID = try await cli.run(["autosend", "get", "example.com"])
        #expect(badID.status == 1)
        #expect(badID.stderr.contains("24 hexadecimal"))
    }

    @Test(
        "--base-url: every subcommand against each provider's simulator behind a loopback server", arguments: providers)
    func baseURLEveryProvider(provider: String) async throws {
        let id = try #require(ProviderID(named: provider))
        // Verified at the second check without publishing: `wait` below must finish.
        let server = try LoopbackServer.serving(ProviderSimulator.sandbox(for: id, checksToVerify: 2))
        let cli = try CLI()
        let created = try await cli.run(createArguments(provider) + ["--base-url", server.baseURL, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!created.stderr.contains("offline"))
        let domainID = try #require(JSONValue(json: created.stdout)?["id"]?.stringValue)
        guard ProviderFactory.capabilities[id]?.supports(.get) == true else { return }
        for arguments in [
            ["list"], ["get", domainID], ["verify", domainID], ["records", domainID, "--format", "zone"],
            ["wait", domainID, "--interval", "0.01"], ["delete", domainID],
        ] {
            let result = try await cli.run([provider] + arguments + ["--base-url", server.baseURL])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
    }

    @Test("--base-url against a loopback server, with credentials from the environment, --verbose redacted")
    func baseURL() async throws {
        let simulator = ProviderSimulator.krafter(apiKey: "kr_live_cli_secret_123456")
        let server = try LoopbackServer.serving(simulator)
        var cli = try CLI()
        cli.environment = ["KRAFTER_API_KEY": "kr_live_cli_secret_123456"]
        let created = try await cli.run([
            "krafter", "create", "example.com", "--base-url", server.baseURL, "--verbose", "--json",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!created.stderr.contains("offline"))
        #expect(created.stderr.contains("→ POST /domains"))
        #expect(created.stderr.contains("Authorization: <redacted>"))
        #expect(
            !created.stderr.contains("kr_live_cli_secret_123456")
                && !created.stdout.contains("kr_live_cli_secret_123456"))
        let listed = try await cli.run(["krafter", "list", "--base-url", server.baseURL])
        #expect(listed.stdout.contains("example.com"))

        cli.environment = ["KRAFTER_API_KEY": "kr_live_wrong_key_0000"]
        let denied = try await cli.run(["krafter", "list", "--base-url", server.baseURL])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("authentication failed"))
        #expect(!denied.stderr.contains("kr_live_wrong_key_0000"))
    }
}

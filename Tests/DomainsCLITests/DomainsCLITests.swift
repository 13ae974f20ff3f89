import Foundation
import SendingDomains
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
    }

    func run(_ arguments: [String]) throws -> Result {
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
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
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
    func sandbox(provider: String) throws {
        let cli = try CLI()
        let created = try cli.run(createArguments(provider) + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stderr.contains("offline") && created.stderr.split(separator: "\n").count == 1)
        let domain = try #require(JSONValue(json: created.stdout), "\(created.stdout)")
        #expect(domain["name"] == "example.com")
        #expect(domain["provider"] == .string(provider))
        let id = try #require(domain["id"]?.stringValue)
        guard case .array(let records)? = domain["records"] else {
            Issue.record("no records")
            return
        }
        #expect(!records.isEmpty)

        let human = try cli.run(
            createArguments(provider).map {
                $0 == "example.com"
                    ? "second.example.com" : $0 == "noreply@example.com" ? "noreply@second.example.com" : $0
            })
        #expect(human.status == 0)
        #expect(human.stdout.contains("DNS records to publish") && human.stdout.contains("TYPE"))

        let supportsRest = provider != "sendkit" && provider != "cllavio"
        for arguments in [
            ["list"], ["get", id], ["verify", id], ["records", id, "--format", "zone"],
            ["records", id, "--format", "json"], ["wait", id, "--timeout", "30", "--interval", "0.01"], ["delete", id],
        ] {
            let result = try cli.run([provider] + arguments)
            if supportsRest {
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            } else {
                #expect(result.status == 1, "\(arguments)")
                #expect(result.stderr.contains("does not offer"), "\(result.stderr)")
            }
        }
        if supportsRest {
            let zone = try cli.run([provider, "records", id, "--format", "zone"])
            #expect(zone.status == 1)  // deleted above
            let list = try cli.run([provider, "list", "--json"])
            let names = (JSONValue(json: list.stdout)?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(names == ["second.example.com"])
            _ = try cli.run([
                provider, "delete", (JSONValue(json: list.stdout)?.arrayValue?.first?["id"]?.stringValue) ?? "",
            ])
            #expect(try cli.run([provider, "list", "--json"]).stdout == "[]\n")
        }
    }

    @Test("records in every format; wait reports progress and reaches verified")
    func recordsAndWait() throws {
        let cli = try CLI()
        _ = try cli.run(["krafter", "create", "example.com"])
        let list = try cli.run(["krafter", "list", "--json"])
        let id = try #require(JSONValue(json: list.stdout)?.arrayValue?.first?["id"]?.stringValue)
        let zone = try cli.run(["krafter", "records", id, "--format", "zone"])
        #expect(zone.stdout.contains("$ORIGIN example.com."))
        #expect(zone.stdout.contains("IN MX    10 feedback-smtp.eu-central-1.amazonses.com."))
        let table = try cli.run(["krafter", "records", id])
        #expect(table.stdout.hasPrefix("TYPE"))
        let json = try cli.run(["krafter", "records", id, "--json"])
        #expect(JSONValue(json: json.stdout) != nil)
        let wait = try cli.run(["krafter", "wait", id, "--interval", "0.01", "--json"])
        #expect(wait.status == 0)
        #expect(wait.stderr.contains("check 1:"))
        #expect(JSONValue(json: wait.stdout)?["status"] == "verified")
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
    func usage(arguments: [String]) throws {
        let result = try CLI().run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("USAGE"))
        #expect(result.stdout.isEmpty)
    }

    @Test(
        "--help on every level",
        arguments: [["--help"], ["ahasend", "--help"], ["cllavio", "create", "--help"], ["-h"]])
    func help(arguments: [String]) throws {
        let result = try CLI().run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
    }

    @Test("API errors exit 1 with a clear message and no secret")
    func apiError() throws {
        let cli = try CLI()
        let missing = try cli.run(["krafter", "get", "550e8400-e29b-41d4-a716-446655440000"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not found"))
        let badID = try cli.run(["autosend", "get", "example.com"])
        #expect(badID.status == 1)
        #expect(badID.stderr.contains("24 hexadecimal"))
    }

    @Test(
        "--base-url: every subcommand against each provider's simulator behind a loopback server", arguments: providers)
    func baseURLEveryProvider(provider: String) throws {
        let id = try #require(ProviderID(named: provider))
        let server = try LoopbackServer.serving(ProviderSimulator.sandbox(for: id))
        let cli = try CLI()
        let created = try cli.run(createArguments(provider) + ["--base-url", server.baseURL, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!created.stderr.contains("offline"))
        let domainID = try #require(JSONValue(json: created.stdout)?["id"]?.stringValue)
        guard ProviderFactory.capabilities[id]?.supports(.get) == true else { return }
        for arguments in [
            ["list"], ["get", domainID], ["verify", domainID], ["records", domainID, "--format", "zone"],
            ["wait", domainID, "--interval", "0.01"], ["delete", domainID],
        ] {
            let result = try cli.run([provider] + arguments + ["--base-url", server.baseURL])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
    }

    @Test("--base-url against a loopback server, with credentials from the environment, --verbose redacted")
    func baseURL() throws {
        let simulator = ProviderSimulator.krafter(apiKey: "kr_live_cli_secret_123456")
        let server = try LoopbackServer.serving(simulator)
        var cli = try CLI()
        cli.environment = ["KRAFTER_API_KEY": "kr_live_cli_secret_123456"]
        let created = try cli.run([
            "krafter", "create", "example.com", "--base-url", server.baseURL, "--verbose", "--json",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(!created.stderr.contains("offline"))
        #expect(created.stderr.contains("→ POST /domains"))
        #expect(created.stderr.contains("Authorization: <redacted>"))
        #expect(
            !created.stderr.contains("kr_live_cli_secret_123456")
                && !created.stdout.contains("kr_live_cli_secret_123456"))
        let listed = try cli.run(["krafter", "list", "--base-url", server.baseURL])
        #expect(listed.stdout.contains("example.com"))

        cli.environment = ["KRAFTER_API_KEY": "kr_live_wrong_key_0000"]
        let denied = try cli.run(["krafter", "list", "--base-url", server.baseURL])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("authentication failed"))
        #expect(!denied.stderr.contains("kr_live_wrong_key_0000"))
    }
}

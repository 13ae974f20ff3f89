import Foundation
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// Issue #17's contract: the offline sandbox is never chosen silently, and `--json` stderr is
/// JSON lines.
@Suite("The domains command: the sandbox made explicit", .serialized)
struct SandboxContractTests {
    func sandboxFiles(_ cli: CLI) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cli.sandbox.path)) ?? []).sorted()
    }

    @Test(
        "some but not all credential variables set: exit 2 naming the missing ones, nothing sent, sandbox untouched",
        arguments: [
            (["AHASEND_API_KEY": "aha-real-key-123456"], "ahasend", "AHASEND_ACCOUNT_ID"),
            (["AHASEND_ACCOUNT_ID": "00000000-0000-4000-8000-000000000001"], "ahasend", "AHASEND_API_KEY"),
            (["CLLAVIO_ACCESS_TOKEN": "cl-access-123456"], "cllavio", "CLLAVIO_SECRET_TOKEN"),
            (
                ["AHASEND_API_KEY": "aha-real-key-123456", "AHASEND_ACCOUNT_ID": "  \n"], "ahasend",
                "AHASEND_ACCOUNT_ID"
            ),
        ])
    func partialCredentials(environment: [String: String], provider: String, missing: String) async throws {
        var cli = try CLI()
        cli.environment = environment
        let extra = provider == "cllavio" ? ["--sender", "noreply@real-customer.com"] : []
        for json in [false, true] {
            let result = try await cli.run(
                [provider, "create", "real-customer.com"] + extra + (json ? ["--json"] : []))
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.isEmpty, "nothing that looks like a domain: \(result.stdout)")
            #expect(result.stderr.contains(missing), "\(result.stderr)")
            for value in environment.values where value.count > 4 {
                #expect(!result.stderr.contains(value), "never a credential's value")
            }
            #expect(!result.stderr.contains("using the offline"), "no sandbox notice: \(result.stderr)")
            if json {
                #expect(result.stderrIsJSONLines)
                #expect(result.jsonError?["kind"] == "usage")
            }
        }
        #expect(sandboxFiles(cli).isEmpty, "the sandbox state is untouched: \(sandboxFiles(cli))")
    }

    @Test("--no-sandbox and SENDINGDOMAINS_NO_SANDBOX turn no credentials into exit 2, with or without --base-url")
    func noSandbox() async throws {
        var cli = try CLI()
        let refused = try await cli.run(["krafter", "list", "--no-sandbox"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("KRAFTER_API_KEY"), "\(refused.stderr)")
        let withBase = try await cli.run([
            "krafter", "list", "--no-sandbox", "--base-url", "http://127.0.0.1:9", "--json",
        ])
        #expect(withBase.status == 2)
        #expect(withBase.jsonError?["kind"] == "usage")
        for value in ["1", "true", "YES"] {
            cli.environment = ["SENDINGDOMAINS_NO_SANDBOX": value]
            #expect(try await cli.run(["ahasend", "list"]).status == 2, "SENDINGDOMAINS_NO_SANDBOX=\(value)")
        }
        cli.environment = ["SENDINGDOMAINS_NO_SANDBOX": "0"]
        #expect(try await cli.run(["ahasend", "list"]).status == 0)
        #expect(sandboxFiles(cli) == ["ahasend.json"])
    }

    @Test("in the sandbox a notice goes to stderr always; every domain and report object says sandbox: true")
    func sandboxNoticeAndKey() async throws {
        let cli = try CLI()
        let human = try await cli.run(["ahasend", "create", "example.com"])
        #expect(human.status == 0)
        #expect(human.stderr.contains("offline AhaSend sandbox"))
        let created = try await cli.run(["krafter", "create", "example.com", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stderrIsJSONLines)
        let notice = try #require(created.stderrLines.first ?? nil)
        #expect(notice["notice"] == "sandbox")
        #expect(notice["provider"] == "krafter")
        #expect(notice["state"]?.stringValue?.hasSuffix("krafter.json") == true)
        let domain = try #require(JSONValue(json: created.stdout))
        #expect(domain["sandbox"] == true)
        let id = try #require(domain["id"]?.stringValue)
        for arguments in [["get", id], ["find", "example.com"], ["verify", id]] {
            let result = try await cli.run(["krafter"] + arguments + ["--json"])
            #expect(JSONValue(json: result.stdout)?["sandbox"] == true, "\(arguments): \(result.stdout)")
        }
        let list = try await cli.run(["krafter", "list", "--json"])
        #expect(JSONValue(json: list.stdout)?.arrayValue?.allSatisfy { $0["sandbox"] == true } == true)
        let check = try await cli.run(["krafter", "check", id, "--json"])
        #expect(check.status == 3)
        #expect(JSONValue(json: check.stdout)?["sandbox"] == true, "\(check.stdout)")
        #expect(JSONValue(json: check.stdout)?["domain"] == "example.com")

        let records = try await cli.run(["krafter", "records", id, "--format", "json"])
        let file = cli.sandbox.appendingPathComponent("records.json")
        try Data(records.stdout.utf8).write(to: file)
        // An empty zone on a loopback DNS server: nothing is published, so exit 3 with a report.
        let dns = try LoopbackDNSServer(zone: DNSZone())
        let fromFile = try await cli.run(["check", "--records", file.path, "--resolver", "\(dns.address)", "--json"])
        #expect(fromFile.status == 3, "\(fromFile.stderr)")
        #expect(JSONValue(json: fromFile.stdout)?["sandbox"] == false, "\(fromFile.stdout)")
    }

    @Test("find <name>: the domain as get prints it, notFound is exit 1, a provider without reads exit 2")
    func find() async throws {
        let cli = try CLI()
        #expect(try await cli.run(["autosend", "create", "Example.com"]).status == 0)
        let found = try await cli.run(["autosend", "find", "EXAMPLE.com.", "--json"])
        #expect(found.status == 0, "\(found.stderr)")
        let domain = try #require(JSONValue(json: found.stdout))
        #expect(domain["name"] == "example.com")
        let got = try await cli.run(["autosend", "get", domain["id"]?.stringValue ?? "", "--json"])
        #expect(JSONValue(json: got.stdout) == domain, "find prints the domain as get does")
        let missing = try await cli.run(["autosend", "find", "other.example.com", "--json"])
        #expect(missing.status == 1)
        #expect(missing.jsonError?["kind"] == "notFound")
        let sendKit = try await cli.run(["sendkit", "find", "example.com", "--json"])
        #expect(sendKit.status == 2)
        #expect(sendKit.jsonError?["kind"] == "unsupportedOperation")
        #expect(sendKit.stdout.isEmpty)
        let invalid = try await cli.run(["ahasend", "find", "https://example.com"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("scheme"), "\(invalid.stderr)")
    }

    @Test("a usage error prints the command's short usage and a did-you-mean, not the whole help")
    func shortUsage() async throws {
        let cli = try CLI()
        let command = try await cli.run(["ahasend", "craete", "example.com"])
        #expect(command.status == 2)
        #expect(command.stderr.contains("did you mean create?"), "\(command.stderr)")
        #expect(command.stderr.split(separator: "\n").count <= 8, "\(command.stderr)")
        let flag = try await cli.run(["ahasend", "list", "--jsn"])
        #expect(flag.stderr.contains("did you mean --json?"), "\(flag.stderr)")
        #expect(flag.stderr.contains("domains ahasend list --help"), "\(flag.stderr)")
        #expect(flag.stderr.split(separator: "\n").count <= 8, "\(flag.stderr)")
        let provider = try await cli.run(["ahasnd", "list"])
        #expect(provider.stderr.contains("did you mean ahasend?"), "\(provider.stderr)")
        let far = try await cli.run(["ahasend", "list", "--zzzzzzzz"])
        #expect(!far.stderr.contains("did you mean"), "\(far.stderr)")
    }
}

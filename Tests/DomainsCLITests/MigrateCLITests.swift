import Foundation
import SendingDomains
import SendingDomainsTesting
import Testing

@Suite("domains migrate", .serialized)
struct MigrateCLITests {
    @Test("--json: exactly the plan's keys, records in the check --json shape; exit 0, 3 on a conflict, 2 usage")
    func plan() async throws {
        let cli = try CLI()
        let created = try await cli.run(["krafter", "create", "example.com", "--json"])
        let id = try #require(JSONValue(json: created.stdout)?["id"]?.stringValue, "\(created.stderr)")
        #expect(try await cli.run(["krafter", "publish", id]).status == 0)

        let result = try await cli.run(["migrate", "krafter", id, "--to", "ahasend", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderrIsJSONLines, "\(result.stderr)")
        let plan = try #require(JSONValue(json: result.stdout), "\(result.stdout)")
        guard case .object(let members) = plan else {
            Issue.record("not an object")
            return
        }
        #expect(
            Set(members.keys) == ["domain", "from", "to", "add", "keep", "removeAfterCutover", "conflicts", "steps"])
        #expect(plan["from"]?["provider"] == "krafter" && plan["from"]?["id"] == .string(id))
        #expect(plan["to"]?["provider"] == "ahasend" && plan["to"]?["id"] == "example.com")
        let record = try #require(plan["add"]?.arrayValue?.first)
        guard case .object(let fields) = record else {
            Issue.record("a record is not an object")
            return
        }
        #expect(
            Set(fields.keys).isSuperset(of: [
                "type", "name", "expected", "required", "state", "observed", "detail", "spf",
            ]))
        // The sandbox zone holds Krafter's records: what to remove after cutover is in place.
        #expect(plan["removeAfterCutover"]?.arrayValue?.allSatisfy { $0["state"] == "ok" } == true)
        #expect(plan["conflicts"] == .array([]))

        let dry = try await cli.run([
            "migrate", "krafter", id, "--to", "sendkit", "--region", "us-east-1", "--dry-run", "--json",
        ])
        #expect(dry.status == 3, "\(dry.stderr)")
        let conflicted = try #require(JSONValue(json: dry.stdout))
        #expect(conflicted["to"]?["id"] == .null)
        #expect(conflicted["conflicts"]?.arrayValue?.first?["name"] == "send.example.com")

        #expect(try await cli.run(["migrate", "krafter", id]).status == 2)
        #expect(try await cli.run(["migrate", "sendkit", id, "--to", "krafter"]).status == 2)
        #expect(try await cli.run(["migrate", "krafter", id, "--to", "krafter"]).status == 2)
        #expect(try await cli.run(["migrate", "krafter", id, "--to", "ahasend", "--region", "x"]).status == 2)
        #expect(try await cli.run(["migrate", "--help"]).stdout.contains("removeAfterCutover"))
    }

    @Test("an unknown source id is an API failure: exit 1")
    func notFound() async throws {
        let cli = try CLI()
        let result = try await cli.run([
            "migrate", "krafter", "550e8400-e29b-41d4-a716-446655440000", "--to", "ahasend", "--json",
        ])
        #expect(result.status == 1)
        #expect(result.jsonError?["kind"] == "notFound")
    }
}

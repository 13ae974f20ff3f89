import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

@Suite("domains: the DNS host, the mistakes named, what to type, and unknown (exit 1)")
struct DNSHostCLITests {
    /// A records file for `example.com`, and a zone at Cloudflare with the SPF record published
    /// at the apex instead of `send.`, the token with extra spaces, and the MX in place.
    static func fixture() throws -> (CLI, URL, DNSZone) {
        let cli = try CLI()
        let records = [
            DNSRecord(
                type: .txt, name: "send.example.com", domain: "example.com", value: "v=spf1 include:amazonses.com ~all",
                purpose: .spf),
            DNSRecord(
                type: .txt, name: "_amazonses.example.com", domain: "example.com", value: "amazonses:abc123",
                purpose: .ownershipVerification),
            DNSRecord(
                type: .mx, name: "send.example.com", domain: "example.com",
                value: "feedback-smtp.us-east-1.amazonses.com", priority: 10, purpose: .returnPath),
        ]
        let file = cli.sandbox.appendingPathComponent("records.json")
        try Data(RecordExport.json(records).utf8).write(to: file)
        var zone = DNSZone()
        zone.add("example.com", .soa, "ada.ns.cloudflare.com hostmaster.example.com 1 300")
        zone.add("example.com", .ns, "ada.ns.cloudflare.com")
        zone.add("example.com", .ns, "bob.ns.cloudflare.com")
        zone.add("example.com", .txt, "v=spf1 include:amazonses.com ~all")
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        zone.add("_amazonses.example.com", .txt, "amazonses: abc123")
        zone.add("send.example.com", .mx, "10 feedback-smtp.us-east-1.amazonses.com")
        return (cli, file, zone)
    }

    @Test("check --json: dnsHost, each record's reason and enter; exit 3")
    func checkJSON() throws {
        let (cli, file, zone) = try Self.fixture()
        let server = try LoopbackDNSServer(zone: zone)
        let result = try cli.run(["check", "--records", file.path, "--resolver", server.address.description, "--json"])
        #expect(result.status == 3, "\(result.stderr)")
        let report = try #require(JSONValue(json: result.stdout))
        #expect(report["dnsHost"]?["id"] == "cloudflare")
        #expect(report["dnsHost"]?["name"] == "Cloudflare")
        #expect(report["dnsHost"]?["zone"] == "example.com")
        #expect(
            report["dnsHost"]?["nameservers"] == JSONValue.array(["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]))
        let records = report["records"]?.arrayValue ?? []
        #expect(records.map { $0["state"] } == ["missing", "mismatch", "ok"])
        #expect(records.map { $0["reason"] } == ["atApex", "whitespace", .null])
        #expect(records[0]["enter"]?["host"] == "send")
        #expect(records[0]["enter"]?["priority"] == .null)
        #expect(records[0]["enter"]?["note"] == .null)
        #expect(records[2]["enter"]?["priority"]?.intValue == 10)
        #expect(records[2]["enter"]?["value"] == "feedback-smtp.us-east-1.amazonses.com")

        // The table says what to type, and why.
        let table = try cli.run(["check", "--records", file.path, "--resolver", server.address.description])
        #expect(table.status == 3)
        #expect(table.stdout.contains("DNS host: Cloudflare (zone example.com"))
        #expect(table.stdout.contains("[atApex]"))
        #expect(table.stdout.contains("type at Cloudflare:"))
        #expect(table.stdout.contains("host:     send"))
    }

    @Test("a required record DNS could not say for, nothing wrong: exit 1, the report still on stdout")
    func unknownExitsOne() throws {
        var (cli, file, zone) = try Self.fixture()
        zone.remove("example.com", .txt)
        zone.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
        zone.remove("_amazonses.example.com")
        zone.add("_amazonses.example.com", .txt, "amazonses:abc123")
        let server = try LoopbackDNSServer(zone: zone)
        let ready = try cli.run(["check", "--records", file.path, "--resolver", server.address.description, "--json"])
        #expect(ready.status == 0, "\(ready.stdout)")
        server.fail("send.example.com", with: .responseCode(.serverFailure))
        let result = try cli.run(["check", "--records", file.path, "--resolver", server.address.description, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(JSONValue(json: result.stdout))
        #expect(report["records"]?.arrayValue?.map { $0["state"] } == ["unknown", "ok", "unknown"])
        #expect(report["ready"] == false)
        // With something wrong as well, the conclusion is 3.
        server.zone.remove("_amazonses.example.com")
        let wrong = try cli.run(["check", "--records", file.path, "--resolver", server.address.description])
        #expect(wrong.status == 3)
        #expect(wrong.stdout.contains("UNKNOWN"))
    }

    @Test("records --dns-host ID: what to type there; --detect-host looks it up; bad uses exit 2")
    func recordsAtHost() throws {
        let cli = try CLI()
        let created = try cli.run(["ahasend", "create", "example.com", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(JSONValue(json: created.stdout)?["id"]?.stringValue)
        let route53 = try cli.run(["ahasend", "records", id, "--dns-host", "route53", "--json"])
        #expect(route53.status == 0, "\(route53.stderr)")
        let records = try #require(JSONValue(json: route53.stdout)?.arrayValue)
        let spf = try #require(records.first { $0["value"]?.stringValue?.hasPrefix("v=spf1") == true })
        #expect(spf["enter"]?["value"]?.stringValue?.hasPrefix("\"v=spf1") == true)
        #expect(spf["enter"]?["host"] == "")
        #expect(route53.stderrIsJSONLines)
        #expect(route53.stderrLines.contains { $0?["dnsHost"]?["id"] == "route53" })
        let table = try cli.run(["ahasend", "records", id, "--dns-host", "godaddy"])
        #expect(table.stdout.contains("DNS host: GoDaddy (zone example.com)"))
        #expect(table.stdout.contains("GoDaddy adds .example.com itself"))

        var zone = DNSZone()
        zone.add("example.com", .soa, "ns01.domaincontrol.com hostmaster.example.com 1 300")
        zone.add("example.com", .ns, "ns01.domaincontrol.com")
        let server = try LoopbackDNSServer(zone: zone)
        let detected = try cli.run([
            "ahasend", "records", id, "--detect-host", "--resolver", server.address.description,
        ])
        #expect(detected.status == 0, "\(detected.stderr)")
        #expect(detected.stdout.contains("DNS host: GoDaddy (zone example.com; ns01.domaincontrol.com)"))
        #expect(server.queryCount == 2)

        for bad in [
            ["ahasend", "records", id, "--dns-host", "nosuchhost"],
            ["ahasend", "records", id, "--dns-host", "godaddy", "--detect-host"],
            ["ahasend", "records", id, "--resolver", "127.0.0.1"],
            ["ahasend", "get", id, "--dns-host", "godaddy"],
            ["ahasend", "check", id, "--detect-host"],
        ] {
            let result = try cli.run(bad)
            #expect(result.status == 2, "\(bad): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("wait and watch take the DNS options")
    func dnsOptionsOnWaitAndWatch() throws {
        let cli = try CLI()
        let created = try cli.run(["ahasend", "create", "example.com", "--json"])
        let id = try #require(JSONValue(json: created.stdout)?["id"]?.stringValue)
        let server = try LoopbackDNSServer(zone: DNSZone())
        let wait = try cli.run([
            "ahasend", "wait", id, "--timeout", "3", "--interval", "1", "--resolver", server.address.description,
        ])
        #expect(wait.status != 2, "\(wait.stderr)")
        #expect(server.queryCount > 0)
    }
}

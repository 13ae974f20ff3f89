import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsTesting
import Testing

/// A loopback HTTP server playing a DNS host's Domain Connect API, and the DNS server that
/// points `_domainconnect.example.com` at it.
final class DomainConnectHostStandIn: Sendable {
    let api: LoopbackServer
    let dns: LoopbackDNSServer

    init(template: String?, redirect: Bool = false, withTXT: Bool = true) throws {
        let base = Locked("")
        api = try LoopbackServer { request in
            if redirect {
                return .response(TransportResponse(status: 301, headers: ["Location": "https://elsewhere.invalid/"]))
            }
            let prefix = base.withLock { $0 }
            if request.target == "/v2/example.com/settings" {
                return .response(
                    .json(
                        200,
                        #"{"providerId": "dnshost.example", "providerName": "DNS Host", "urlSyncUX": "\#(prefix)/sync", "urlAPI": "\#(prefix)/api"}"#
                    ))
            }
            if request.target == "/api/v2/domainTemplates/providers/platform.example/services/sending", let template {
                return .response(.json(200, template))
            }
            return .response(.json(404, "{}"))
        }
        let origin = api.baseURL
        base.withLock { $0 = origin }
        var zone = DNSZone()
        if withTXT { zone.add("_domainconnect.example.com", .txt, "127.0.0.1:\(api.port)") }
        dns = try LoopbackDNSServer(zone: zone)
    }

    /// The DNS options, and a generous request timeout: the loopback server's handler needs a
    /// thread of the test process's shared pool, which other tests may hold for a while.
    var resolver: [String] { ["--resolver", dns.address.description, "--request-timeout", "60"] }

    deinit {
        api.stop()
        dns.stop()
    }
}

@Suite("domains connect-template and connect", .serialized)
struct ConnectCLITests {
    static let insecure = ["SENDINGDOMAINS_DOMAIN_CONNECT_INSECURE_LOOPBACK": "1"]

    /// A sandbox domain at `provider`: its id, or (SendKit, Cllavio) the records file.
    func created(_ cli: CLI, _ provider: String) async throws -> [String] {
        let arguments: [String] =
            switch provider {
            case "sendkit": ["sendkit", "create", "example.com", "--region", "us-east-1", "--json"]
            case "cllavio": ["cllavio", "create", "example.com", "--sender", "noreply@example.com", "--json"]
            default: [provider, "create", "example.com", "--json"]
            }
        let result = try await cli.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        if provider == "sendkit" || provider == "cllavio" {
            let file = cli.sandbox.appendingPathComponent("\(provider)-created.json")
            try Data(result.stdout.utf8).write(to: file)
            return ["--records", file.path]
        }
        return [try #require(JSONValue(json: result.stdout)?["id"]?.stringValue)]
    }

    @Test(
        "connect-template prints the template, and with --json the variables too", arguments: DomainsCLITests.providers)
    func template(provider: String) async throws {
        let cli = try CLI()
        let subject = try await created(cli, provider)
        let plain = try await cli.run(
            [provider, "connect-template"] + subject + [
                "--template", "platform.example/sending", "--provider-name", "Platform", "--service-name", "Sending",
                "--sync-pub-key-domain", "platform.example", "--sync-redirect-domain", "app.platform.example",
            ])
        #expect(plain.status == 0, "\(plain.stderr)")
        let template = try #require(JSONValue(json: plain.stdout))
        #expect(template["providerId"] == "platform.example")
        #expect(template["serviceId"] == "sending")
        #expect(template["providerName"] == "Platform")
        #expect(template["syncPubKeyDomain"] == "platform.example")
        #expect(template["syncRedirectDomain"] == "app.platform.example")
        let json = try await cli.run(
            [provider, "connect-template"] + subject + ["--template", "platform.example/sending", "--json"])
        #expect(json.status == 0)
        let object = try #require(JSONValue(json: json.stdout))
        #expect(object["template"]?["serviceId"] == "sending")
        #expect(object["variables"]?["dmarc1Value"] != nil)
    }

    @Test("connect: the apply URL when the host has the template (exit 0)")
    func supported() async throws {
        let host = try DomainConnectHostStandIn(template: #"{"version": 1}"#)
        var cli = try CLI()
        cli.environment = Self.insecure
        let id = try await created(cli, "ahasend")
        let result = try await cli.run(
            ["ahasend", "connect"] + id + ["--template", "platform.example/sending", "--state", "xyz", "--json"]
                + host.resolver)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(JSONValue(json: result.stdout), "\(result.stdout)")
        #expect(object["domain"] == "example.com")
        #expect(object["supported"] == true)
        #expect(object["reason"] == .null)
        #expect(object["domainConnect"]?["providerId"] == "dnshost.example")
        #expect(object["domainConnect"]?["providerName"] == "DNS Host")
        #expect(object["dnsHost"]?["zone"] == "example.com")
        #expect(object["dnsHost"]?["id"] == "unknown")
        let url = try #require(object["applyURL"]?.stringValue)
        #expect(
            url.hasPrefix(
                host.api.baseURL + "/sync/v2/domainTemplates/providers/platform.example/services/sending/apply?"))
        #expect(url.contains("&domain=example.com&") && url.contains("&state=xyz"))
        #expect(!url.contains("host="))
        let table = try await cli.run(
            ["ahasend", "connect"] + id + ["--template", "platform.example/sending"] + host.resolver)
        #expect(table.status == 0)
        #expect(table.stdout.contains(host.api.baseURL + "/sync/v2/"))
    }

    @Test("connect: a subdomain is applied to its zone (found through SOA) with host = the part under it")
    func subdomain() async throws {
        let host = try DomainConnectHostStandIn(template: "{}")
        var cli = try CLI()
        cli.environment = Self.insecure
        let created = try await cli.run(["ahasend", "create", "mail.example.com", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let result = try await cli.run(
            ["ahasend", "connect", "mail.example.com", "--template", "platform.example/sending", "--json"]
                + host.resolver)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(JSONValue(json: result.stdout))
        #expect(object["domain"] == "mail.example.com")
        #expect(object["dnsHost"]?["zone"] == "example.com")
        let url = try #require(object["applyURL"]?.stringValue)
        #expect(url.contains("&domain=example.com&") && url.contains("&host=mail&"), "\(url)")
    }

    @Test("connect: not supported or no template is exit 3 with the reason, and the table lists what to type")
    func notSupported() async throws {
        var cli = try CLI()
        cli.environment = Self.insecure
        let subject = try await created(cli, "sendkit")
        for (host, reason) in [
            (try DomainConnectHostStandIn(template: nil), "templateNotSupported"),
            (try DomainConnectHostStandIn(template: nil, withTXT: false), "noDomainConnect"),
        ] {
            let json = try await cli.run(
                ["sendkit", "connect"] + subject + ["--template", "platform.example/sending", "--json"] + host.resolver)
            #expect(json.status == 3, "\(json.stderr)")
            let object = try #require(JSONValue(json: json.stdout))
            #expect(object["reason"] == .string(reason))
            #expect(object["supported"] == false)
            #expect(object["applyURL"] == .null)
            let table = try await cli.run(
                ["sendkit", "connect"] + subject + ["--template", "platform.example/sending"] + host.resolver)
            #expect(table.status == 3)
            #expect(table.stdout.contains(reason))
            #expect(table.stdout.contains("sendkit._domainkey") && table.stdout.contains("TYPE"))
        }
    }

    @Test("connect: a signed template needs --sign-command (exit 2 saying so); with it, sig and key end the URL")
    func signing() async throws {
        let host = try DomainConnectHostStandIn(
            template:
                #"{"providerId": "platform.example", "serviceId": "sending", "syncPubKeyDomain": "platform.example", "records": []}"#
        )
        var cli = try CLI()
        cli.environment = Self.insecure
        let id = try await created(cli, "krafter")
        let refused = try await cli.run(
            ["krafter", "connect"] + id + ["--template", "platform.example/sending", "--json"] + host.resolver)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.jsonError?["kind"] == "usage")
        #expect(refused.jsonError?["message"]?.stringValue?.contains("--sign-command") == true)
        #expect(refused.stdout.isEmpty)
        // The command reads the bytes to sign on stdin; this one checks it got them, then prints base64.
        let command = #"test "$(head -c 10)" = "dkim1Host=" || exit 9; cat >/dev/null; printf '+/8B'"#
        let signed = try await cli.run(
            ["krafter", "connect"] + id + [
                "--template", "platform.example/sending", "--key-host", "_dck1", "--sign-command", command, "--json",
            ] + host.resolver)
        #expect(signed.status == 0, "\(signed.stderr)")
        let url = try #require(JSONValue(json: signed.stdout)?["applyURL"]?.stringValue)
        #expect(url.hasSuffix("&sig=%2B%2F8B&key=_dck1"), "\(url)")
        let failing = try await cli.run(
            ["krafter", "connect"] + id + [
                "--template", "platform.example/sending", "--key-host", "_dck1", "--sign-command", "exit 4",
            ] + host.resolver)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("signer failed"), "\(failing.stderr)")
    }

    @Test("connect: a redirecting Domain Connect host, or loopback without the test variable, is exit 1")
    func refused() async throws {
        let redirecting = try DomainConnectHostStandIn(template: "{}", redirect: true)
        var cli = try CLI()
        cli.environment = Self.insecure
        let id = try await created(cli, "autosend")
        let redirected = try await cli.run(
            ["autosend", "connect"] + id + ["--template", "platform.example/sending", "--json"] + redirecting.resolver)
        #expect(redirected.status == 1)
        #expect(redirected.jsonError?["kind"] == "transport")
        cli.environment = [:]
        let loopback = try DomainConnectHostStandIn(template: "{}")
        let refused = try await cli.run(
            ["autosend", "connect"] + id + ["--template", "platform.example/sending"] + loopback.resolver)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Refused the Domain Connect endpoint"))
    }

    @Test(
        "usage errors are exit 2",
        arguments: [
            ["ahasend", "connect", "example.com"],
            ["ahasend", "connect", "example.com", "--template", "no-slash"],
            ["ahasend", "connect", "example.com", "--template", "a/b", "--key-host", "k"],
            ["ahasend", "connect-template", "example.com", "--template", "a/b", "--resolver", "127.0.0.1"],
            ["ahasend", "connect-template", "example.com", "--template", "a/b", "--state", "s"],
            ["ahasend", "connect", "example.com", "--template", "a/b", "--provider-name", "P"],
            ["sendkit", "connect", "some-id", "--template", "a/b"],
            ["krafter", "connect", "--records", "x.json", "--template", "a/b"],
            ["ahasend", "check", "example.com", "--template", "a/b"],
        ])
    func usage(arguments: [String]) async throws {
        let result = try await CLI().run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
    }
}

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsTesting
import Testing

/// A loopback HTTP server playing a DNS host's Domain Connect API, and a loopback DNS server
/// whose zone points `_domainconnect.<zone>` at it.
final class FakeDNSHost: Sendable {
    /// How the API answers.
    enum Mode: Sendable {
        case normal
        case settingsNotFound
        case redirect
        case hugeBody
        case slowBody
        case notJSON
    }

    let api: LoopbackServer
    let dns: LoopbackDNSServer
    let requests = Locked<[String]>([])

    /// - Parameters:
    ///   - templates: the `providerId/serviceId` pairs the host has onboarded, with what the
    ///     template check answers for each.
    init(
        zone: String = "example.com", mode: Mode = .normal, templates: [String: String] = [:],
        txt: ((Int) -> String)? = nil, extra: (inout DNSZone) -> Void = { _ in }
    ) throws {
        let requests = self.requests
        let base = Locked<String>("")
        api = try LoopbackServer { request in
            requests.withLock { $0.append(request.target) }
            let prefix = base.withLock { $0 }
            if request.target == "/v2/\(zone)/settings" {
                switch mode {
                case .normal:
                    return .response(
                        .json(
                            200,
                            #"{"providerId": "dnshost.example", "providerName": "DNS Host", "providerDisplayName": "DNS Host Inc.", "urlSyncUX": "\#(prefix)/sync", "urlAsyncUX": "\#(prefix)/async", "urlAPI": "\#(prefix)/api", "width": 750, "height": 750.0, "urlControlPanel": "https://panel.dnshost.example/?domain=%domain%", "nameServers": ["ns1.dnshost.example"]}"#
                        ))
                case .settingsNotFound:
                    return .response(.json(404, #"{"error": "no such zone"}"#))
                case .redirect:
                    return .response(
                        TransportResponse(status: 302, headers: ["Location": "https://attacker.invalid/x"]))
                case .hugeBody:
                    return .response(
                        .json(
                            200,
                            #"{"providerId": "x", "providerName": "y", "urlAPI": ""#
                                + String(repeating: "a", count: 200_000) + #""}"#))
                case .slowBody:
                    return .raw { wire in
                        guard wire.write(LoopbackWire.head(status: 200, headers: ["Content-Length": "1000"])) else {
                            return
                        }
                        while wire.write(Data(" ".utf8)) && wire.pause(0.2) {}
                    }
                case .notJSON:
                    return .response(TransportResponse(status: 200, body: Data("<html>".utf8)))
                }
            }
            let templatePrefix = "/api/v2/domainTemplates/providers/"
            if request.target.hasPrefix(templatePrefix) {
                let rest = request.target.dropFirst(templatePrefix.count).replacingOccurrences(
                    of: "/services/", with: "/")
                if let body = templates[rest] { return .response(.json(200, body)) }
                return .response(.json(404, "{}"))
            }
            return .response(.json(404, "{}"))
        }
        let origin = api.baseURL
        base.withLock { $0 = origin }
        var records = DNSZone()
        records.add("_domainconnect.\(zone)", .txt, txt?(api.port) ?? "127.0.0.1:\(api.port)")
        extra(&records)
        dns = try LoopbackDNSServer(zone: records)
    }

    /// A discovery through a real `URLSessionTransport`. The timeout is generous: the loopback
    /// server's handler needs a thread of the shared pool, which other tests may hold for a while.
    func discovery(insecure: Bool = true, timeout: Duration = .seconds(60)) -> DomainConnect.Discovery {
        DomainConnect.Discovery(
            lookup: DNSResolver(servers: [dns.address]), transport: URLSessionTransport(), timeout: timeout,
            allowsInsecureLoopback: insecure)
    }

    deinit {
        api.stop()
        dns.stop()
    }
}

@Suite("Domain Connect: discovery and the template check, against loopback DNS and HTTP servers")
struct DomainConnectDiscoveryTests {
    static let signedTemplate =
        #"{"providerId": "platform.example", "serviceId": "sending", "version": 3, "syncPubKeyDomain": "platform.example", "records": []}"#

    @Test("supported: settings typed, template found, the host's copy asks for a signature")
    func supported() async throws {
        let host = try FakeDNSHost(templates: ["platform.example/sending": Self.signedTemplate])
        let support = try await host.discovery().check(
            zone: "example.com", providerID: "platform.example", serviceID: "sending")
        #expect(support.status == .supported)
        #expect(support.isSupported)
        let settings = try #require(support.settings)
        #expect(settings.providerID == "dnshost.example")
        #expect(settings.providerName == "DNS Host")
        #expect(settings.providerDisplayName == "DNS Host Inc.")
        #expect(settings.urlSyncUX == host.api.baseURL + "/sync")
        #expect(settings.urlAPI == host.api.baseURL + "/api")
        #expect(settings.width == 750 && settings.height == 750)
        #expect(settings.controlPanel(for: "example.com") == "https://panel.dnshost.example/?domain=example.com")
        #expect(
            support.hostTemplate
                == DomainConnect.HostTemplate(version: 3, syncPubKeyDomain: "platform.example", includesTemplate: true))
        #expect(support.requiresSignature())
        #expect(
            host.requests.withLock { $0 } == [
                "/v2/example.com/settings", "/api/v2/domainTemplates/providers/platform.example/services/sending",
            ])
    }

    @Test("a 200 without a body is supported; whether to sign is then the platform's template's say")
    func emptyTemplateAnswer() async throws {
        let host = try FakeDNSHost(templates: ["platform.example/sending": ""])
        let support = try await host.discovery().check(
            zone: "example.com", providerID: "platform.example", serviceID: "sending")
        #expect(support.status == .supported)
        #expect(!support.requiresSignature())
        let template = DomainConnect.Template(
            providerID: "platform.example", providerName: "P", serviceID: "sending", serviceName: "S",
            syncPubKeyDomain: "platform.example", records: [])
        #expect(support.requiresSignature(platformTemplate: template))
    }

    @Test("template check 404: templateNotSupported")
    func templateNotSupported() async throws {
        let host = try FakeDNSHost(templates: ["platform.example/other": "{}"])
        let support = try await host.discovery().check(
            zone: "example.com", providerID: "platform.example", serviceID: "sending")
        #expect(support.status == .templateNotSupported)
        #expect(support.settings?.providerName == "DNS Host")
        #expect(!support.isSupported)
    }

    @Test("no _domainconnect record, or settings answered 404: noDomainConnect, and no HTTP for the first")
    func notSupported() async throws {
        let host = try FakeDNSHost()
        let other = try await host.discovery().check(
            zone: "other.example", providerID: "platform.example", serviceID: "sending")
        #expect(other.status == .noDomainConnect)
        #expect(other.apiHost == nil)
        #expect(host.requests.withLock { $0 }.isEmpty)
        let missing = try FakeDNSHost(mode: .settingsNotFound)
        let support = try await missing.discovery().check(
            zone: "example.com", providerID: "platform.example", serviceID: "sending")
        #expect(support.status == .noDomainConnect)
        #expect(support.apiHost == "127.0.0.1:\(missing.api.port)")
    }

    @Test("hostile API hosts: a redirect is not followed, a huge body and a slow body end in errors")
    func hostile() async throws {
        let redirect = try FakeDNSHost(mode: .redirect)
        let redirected = await captureError {
            try await redirect.discovery().check(
                zone: "example.com", providerID: "platform.example", serviceID: "sending")
        }
        #expect(redirected?.transportFailure == .redirected, "\(String(describing: redirected))")
        #expect(redirect.requests.withLock { $0 }.count == 1)

        let huge = try FakeDNSHost(mode: .hugeBody)
        let tooLarge = await captureError {
            try await huge.discovery().check(zone: "example.com", providerID: "platform.example", serviceID: "sending")
        }
        #expect(tooLarge?.kind == .decoding, "\(String(describing: tooLarge))")

        let slow = try FakeDNSHost(mode: .slowBody)
        let timedOut = await captureError {
            try await slow.discovery(timeout: .seconds(1)).check(
                zone: "example.com", providerID: "platform.example", serviceID: "sending")
        }
        #expect(timedOut?.kind == .timeout, "\(String(describing: timedOut))")

        let garbage = try FakeDNSHost(mode: .notJSON)
        let undecodable = await captureError {
            try await garbage.discovery().check(
                zone: "example.com", providerID: "platform.example", serviceID: "sending")
        }
        #expect(undecodable?.kind == .decoding)
    }

    @Test(
        "refused before any request: loopback without the test option, IP literals, plain http, names with private addresses",
        arguments: [
            ("127.0.0.1:PORT", false), ("192.0.2.7", true), ("http://dc.public.example", true),
            ("dc.private.example", true), ("dc.private6.example", true), ("dc.mapped.example", true),
            ("[::1]:PORT", false), ("localhost:PORT", false), ("dc.public.example/../x", true),
        ])
    func refused(txt: String, insecure: Bool) async throws {
        let host = try FakeDNSHost(txt: { txt.replacingOccurrences(of: "PORT", with: "\($0)") }) { zone in
            zone.add("dc.private.example", .a, "10.1.2.3")
            zone.add("dc.private6.example", .aaaa, "fd00::1")
            zone.add("dc.mapped.example", .aaaa, "::ffff:7f00:1")
            zone.add("dc.public.example", .a, "93.184.216.34")
        }
        let error = await captureError {
            try await host.discovery(insecure: insecure).check(
                zone: "example.com", providerID: "platform.example", serviceID: "sending")
        }
        #expect(error?.kind == .transport, "\(txt): \(String(describing: error))")
        #expect(host.requests.withLock { $0 }.isEmpty, "\(txt)")
    }

    @Test("a public name: https to exactly <host>/<prefix>/v2/<zone>/settings, then urlAPI's template check")
    func publicHostThroughTransport() async throws {
        var zone = DNSZone()
        zone.add("_domainconnect.example.com", .txt, "api.dnshost.example/client/v4/dns/domainconnect")
        zone.add("api.dnshost.example", .a, "93.184.216.34")
        zone.add("templates.dnshost.example", .aaaa, "2606:2800:220:1::1")
        zone.add("bad.dnshost.example", .a, "169.254.169.254")
        let urlAPI = Locked("https://templates.dnshost.example/api")
        let mock = MockTransport { request in
            let url = try request.url().absoluteString
            if url == "https://api.dnshost.example/client/v4/dns/domainconnect/v2/example.com/settings" {
                return .json(
                    200,
                    #"{"providerId": "dnshost.example", "providerName": "DNS Host", "urlSyncUX": "https://connect.dnshost.example", "urlAPI": "\#(urlAPI.withLock { $0 })"}"#
                )
            }
            if url
                == "https://templates.dnshost.example/api/v2/domainTemplates/providers/platform.example/services/sending"
            {
                return .json(200, #"{"version": 1}"#)
            }
            return .json(404, "{}")
        }
        let discovery = DomainConnect.Discovery(lookup: zone, transport: mock)
        let support = try await discovery.check(
            zone: "example.com", providerID: "platform.example", serviceID: "sending")
        #expect(support.status == .supported, "\(support.detail)")
        #expect(support.hostTemplate?.version == 1)
        #expect(mock.requests.count == 2)
        #expect(mock.requests.allSatisfy { $0.timeout == .seconds(10) && $0.maximumBodySize == 65536 })
        // A urlAPI on a metadata address is refused before the template check.
        for bad in [
            "https://bad.dnshost.example/api", "https://169.254.169.254/api", "http://templates.dnshost.example",
        ] {
            urlAPI.withLock { $0 = bad }
            let error = await captureError {
                try await discovery.check(zone: "example.com", providerID: "platform.example", serviceID: "sending")
            }
            #expect(error?.kind == .transport, "\(bad)")
        }
    }

    @Test("a plain-http urlSyncUX is refused, even with the test option, unless it is loopback")
    func plainSyncUX() async throws {
        var zone = DNSZone()
        zone.add("_domainconnect.example.com", .txt, "api.dnshost.example")
        zone.add("api.dnshost.example", .a, "93.184.216.34")
        let sync = Locked("http://connect.dnshost.example")
        let mock = MockTransport { request in
            if request.path.last == "settings" {
                return .json(
                    200,
                    #"{"providerId": "d", "providerName": "D", "urlSyncUX": "\#(sync.withLock { $0 })", "urlAPI": "https://api.dnshost.example"}"#
                )
            }
            return .json(200, "{}")
        }
        let discovery = DomainConnect.Discovery(lookup: zone, transport: mock, allowsInsecureLoopback: true)
        let error = await captureError {
            try await discovery.check(zone: "example.com", providerID: "platform.example", serviceID: "sending")
        }
        #expect(error?.kind == .transport)
        sync.withLock { $0 = "http://127.0.0.1:9/sync" }
        let support = try await discovery.check(
            zone: "example.com", providerID: "platform.example", serviceID: "sending")
        #expect(support.status == .supported)
    }

    @Test(
        "which addresses count as public",
        arguments: [
            ("93.184.216.34", true), ("8.8.8.8", true), ("2606:4700::1111", true),
            ("10.0.0.1", false), ("172.16.0.1", false), ("172.31.255.255", false), ("172.32.0.1", true),
            ("192.168.1.1", false), ("127.0.0.1", false), ("169.254.169.254", false), ("100.64.0.1", false),
            ("0.0.0.0", false), ("224.0.0.1", false), ("255.255.255.255", false), ("198.18.0.1", false),
            ("::1", false), ("::", false), ("fe80::1", false), ("fc00::1", false), ("ff02::1", false),
            ("::ffff:10.0.0.1", false), ("::ffff:8.8.8.8", true), ("2001:db8::1", false),
        ])
    func publicAddresses(address: String, expected: Bool) {
        #expect(DomainConnect.isPublicAddress(address) == expected, "\(address)")
    }
}

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsTesting
import Testing

@Suite("Domain Connect: one-click URL or manual instructions for a created domain")
struct DomainConnectOnboardingTests {
    static let service = DomainConnect.Service(
        providerID: "platform.example", providerName: "Platform", serviceID: "sending", serviceName: "Sending")

    static func query(_ link: DomainConnect.ApplyLink?) throws -> [String: String] {
        let url = try #require(link?.url)
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQueryItems ?? []
        var result: [String: String] = [:]
        for item in items {
            result[item.name] = item.value?.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return result
    }

    @Test("supported: the URL applies the template to the zone, host = the domain under it, every group")
    func oneClick() async throws {
        let host = try FakeDNSHost(templates: ["platform.example/sending": #"{"version": 1}"#])
        let records = try await DomainConnectTemplateTests.records(.sendKit, domain: "mail.example.com")
        let onboarding = try await DomainConnect.Onboarding.prepare(
            records: records, domain: "mail.example.com", dnsHost: DNSHost(.cloudflare, zone: "example.com"),
            service: Self.service, discovery: host.discovery(), redirectURI: "https://app.platform.example/done",
            state: "st")
        #expect(onboarding.isOneClick)
        let url = try #require(onboarding.link?.url.absoluteString)
        #expect(
            url.hasPrefix(
                host.api.baseURL + "/sync/v2/domainTemplates/providers/platform.example/services/sending/apply?"))
        let query = try Self.query(onboarding.link)
        #expect(query["domain"] == "example.com")
        #expect(query["host"] == "mail")
        #expect(query["groupId"] == nil)
        #expect(query["state"] == "st")
        #expect(query["dkim1Host"] == "sendkit._domainkey")
        #expect(onboarding.entries.count == records.count)
        #expect(onboarding.entries.first { $0.host.hasPrefix("sendkit._domainkey") }?.host == "sendkit._domainkey.mail")
    }

    @Test("a valid DMARC record already published keeps the DMARC group out; an invalid one does not")
    func dmarcGroupLeftOut() async throws {
        let host = try FakeDNSHost(templates: ["platform.example/sending": "{}"])
        let records = try await DomainConnectTemplateTests.records(.ahaSend)
        for (published, leftOut) in [
            ("v=DMARC1; p=reject; rua=mailto:d@example.com", true), ("v=DMARC1; p=bogus", false),
        ] {
            var zone = DNSZone()
            zone.add("_dmarc.example.com", .txt, published)
            let report = try await DNSPreflight(lookup: zone).check(records, domain: "example.com")
            let onboarding = try await DomainConnect.Onboarding.prepare(
                records: records, domain: "example.com", dnsHost: DNSHost.unknown(zone: "example.com"),
                service: Self.service, discovery: host.discovery(), preflight: report)
            let query = try Self.query(onboarding.link)
            #expect(query["groupId"] == (leftOut ? "sending" : nil), "\(published)")
            #expect(query["host"] == nil)
        }
    }

    @Test("not supported: no URL, the instructions for the detected host instead")
    func manual() async throws {
        let host = try FakeDNSHost(templates: [:])
        let records = try await DomainConnectTemplateTests.records(.krafter)
        let onboarding = try await DomainConnect.Onboarding.prepare(
            records: records, domain: "example.com", dnsHost: DNSHost(.godaddy, zone: "example.com"),
            service: Self.service, discovery: host.discovery())
        #expect(!onboarding.isOneClick)
        #expect(onboarding.support.status == .templateNotSupported)
        #expect(onboarding.entries == DNSHost(.godaddy, zone: "example.com").entries(for: records))
    }

    @Test("the host's copy requires a signature: refused without a signer, signed with one")
    func signatureRequired() async throws {
        let host = try FakeDNSHost(templates: ["platform.example/sending": DomainConnectDiscoveryTests.signedTemplate])
        let records = try await DomainConnectTemplateTests.records(.autoSend)
        let error = await captureError {
            try await DomainConnect.Onboarding.prepare(
                records: records, domain: "example.com", dnsHost: DNSHost.unknown(zone: "example.com"),
                service: Self.service, discovery: host.discovery())
        }
        #expect(error?.kind == .validation)
        #expect(error?.code == DomainConnect.Onboarding.signatureRequiredCode)
        let signed = Locked<[Data]>([])
        let signer = DomainConnect.Signer(keyHost: "_dck1") { bytes in
            signed.withLock { $0.append(bytes) }
            return Data([0xFB, 0xFF, 0x01])
        }
        let onboarding = try await DomainConnect.Onboarding.prepare(
            records: records, domain: "example.com", dnsHost: DNSHost.unknown(zone: "example.com"),
            service: Self.service, discovery: host.discovery(), signer: signer)
        let link = try #require(onboarding.link)
        #expect(signed.withLock { $0 } == [Data(link.signedQuery.utf8)])
        #expect(link.url.absoluteString.hasSuffix("&sig=%2B%2F8B&key=_dck1"))
    }
}

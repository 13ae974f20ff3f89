import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
@_spi(ProviderAuthoring) import SendingDomainsTesting
import Testing

@Suite(
    "The resolver against BIND's named on loopback",
    .enabled(if: ExternalTool.named.shouldRun, Comment(rawValue: ExternalTool.named.skipReason)))
struct NamedTests {
    @Test(
        "TXT strings joined, MX, CNAME chains, NXDOMAIN with its negative TTL, TCP on truncation",
        .timeLimit(.minutes(2)))
    func realServer() async throws {
        try ExternalTool.named.require()
        let named = try NamedServer()
        try await named.ready()
        let resolver = DNSResolver(servers: [named.server], timeout: .seconds(2), attempts: 2)

        let spf = try await resolver.query("send.example.test", type: .txt)
        #expect(spf.records.map(\.data.value) == ["v=spf1 include:amazonses.com ~all"])
        #expect(spf.isAuthoritative)

        let dkim = try await resolver.query("dkim._domainkey.example.test", type: .txt)
        #expect(dkim.records.first?.data.value == "v=DKIM1; k=rsa; p=\(NamedServer.dkimKey)")
        if case .text(let strings) = dkim.records.first?.data { #expect(strings.count == 2) }

        let mx = try await resolver.query("send.example.test", type: .mx)
        #expect(mx.records.map(\.data.value) == ["10 feedback-smtp.us-east-1.amazonses.com"])

        let alias = try await resolver.query("alias.example.test", type: .txt)
        #expect(alias.records.map(\.type) == [.cname, .txt])
        #expect(alias.records.last?.data.value == "target-data")

        let missing = try await resolver.query("nothing.example.test", type: .txt)
        #expect(missing.responseCode == .nameError)
        #expect(missing.negativeCacheTTL == 60)
        let nodata = try await resolver.query("send.example.test", type: .aaaa)
        #expect(nodata.responseCode == .noError)
        #expect(nodata.records.isEmpty)

        let big = try await resolver.query("big.example.test", type: .txt)
        #expect(big.records.count == 12)  // over 1,232 bytes: truncated over UDP, whole over TCP
    }

    @Test("the preflight against named: SPF, split DKIM key, DMARC p=reject kept, MX", .timeLimit(.minutes(2)))
    func preflight() async throws {
        try ExternalTool.named.require()
        let named = try NamedServer()
        try await named.ready()
        let preflight = DNSPreflight(lookup: DNSResolver(servers: [named.server], timeout: .seconds(2), attempts: 2))
        let domain = "example.test"
        let report = try await preflight.check(
            [
                DNSRecord(
                    type: .txt, name: "send.example.test", domain: domain, value: "v=spf1 include:amazonses.com ~all",
                    purpose: .spf),
                DNSRecord(
                    type: .txt, name: "dkim._domainkey.example.test", domain: domain,
                    value: "v=DKIM1; k=rsa; p=\(NamedServer.dkimKey)", purpose: .dkim),
                DNSRecord(
                    type: .mx, name: "send.example.test", domain: domain,
                    value: "feedback-smtp.us-east-1.amazonses.com", priority: 10, purpose: .returnPath),
                DNSRecord(
                    type: .txt, name: "_dmarc.example.test", domain: domain, value: "v=DMARC1; p=none;",
                    purpose: .dmarc, required: false),
                DNSRecord(
                    type: .cname, name: "track.example.test", domain: domain, value: "links.provider.net",
                    purpose: .tracking),
            ], domain: domain)
        #expect(report.records.map(\.state) == [.ok, .ok, .ok, .ok, .missing])
        #expect(report.records[3].detail.contains("p=reject"))
        #expect(!report.ready)
    }
}

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
@_spi(ProviderAuthoring) import SendingDomainsTesting
import Testing

@Suite(
    "Host detection and named mistakes against BIND's named on loopback",
    .enabled(if: ExternalTool.named.shouldRun, Comment(rawValue: ExternalTool.named.skipReason)))
struct NamedHostTests {
    static func record(_ type: DNSRecordType, _ name: String, _ value: String) -> DNSRecord {
        DNSRecord(type: type, name: name, domain: "example.test", value: value, purpose: .other)
    }

    @Test(
        "the zone through SOA, Cloudflare from its NS; zoneAppended, proxied and a flattened CNAME as named serves them",
        .timeLimit(.minutes(2)))
    func hostAndMistakes() async throws {
        try ExternalTool.named.require()
        let named = try NamedServer(
            extra: """
                @ IN NS ada.ns.cloudflare.com.
                _amazonses.example.test.example.test. IN TXT "amazonses:abc123"
                _other.example.test.example.test. IN TXT "amazonses:SOMETHINGELSE"
                em IN A 104.16.1.1
                em IN AAAA 2606:4700::6810:101
                flat IN A 192.0.2.7
                mail-target IN A 192.0.2.7
                sub IN MX 10 mx.example.test.
                """)
        try await named.ready()
        let resolver = DNSResolver(servers: [named.server], timeout: .seconds(2), attempts: 2)

        let host = try await DNSHost.detect("sub.example.test", lookup: resolver)
        #expect(host.zone == "example.test")
        #expect(host.nameservers == ["ada.ns.cloudflare.com", "ns1.example.test"])
        #expect(host.id == .cloudflare)

        let records = [
            Self.record(.txt, "_amazonses.example.test", "amazonses:abc123"),
            Self.record(.txt, "_other.example.test", "amazonses:abc123"),
            Self.record(.cname, "em.example.test", "mail-target.example.test"),
            Self.record(.cname, "flat.example.test", "mail-target.example.test"),
        ]
        let report = try await DNSPreflight(lookup: resolver).check(records, domain: "example.test")
        #expect(report.dnsHost?.id == .cloudflare)
        #expect(report.records.map(\.state) == [.missing, .missing, .mismatch, .ok])
        #expect(report.records.map(\.reason) == [.zoneAppended, nil, .proxied, nil])
        #expect(report.records.map(\.enter?.host) == ["_amazonses", "_other", "em", "flat"])
        #expect(report.records[2].enter?.note?.contains("DNS only") == true)
    }
}

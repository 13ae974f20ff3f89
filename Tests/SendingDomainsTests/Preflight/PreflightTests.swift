import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A domain at `provider`'s simulator: its documented example's records.
func sandboxDomain(_ provider: ProviderID, name: String = "example.com") async throws -> SendingDomain {
    let provisioner = try ProviderFactory.sandbox(provider)
    var request = DomainRequest(name: name)
    if provisioner.capabilities.requiredOptions.contains(.region) { request.region = "us-east-1" }
    if provisioner.capabilities.requiredOptions.contains(.senderAddress) { request.senderAddress = "noreply@\(name)" }
    return try await provisioner.createDomain(request)
}

@Suite("DNS preflight: every state, for every provider's documented records")
struct PreflightTests {
    @Test("published as given: every record ok, the domain ready", arguments: ProviderID.all)
    func published(_ provider: ProviderID) async throws {
        let domain = try await sandboxDomain(provider)
        let records = try #require(domain.records)
        #expect(!records.isEmpty)
        var zone = DNSZone()
        zone.publish(records)
        let report = try await DNSPreflight(lookup: zone).check(domain)
        #expect(
            report.records.map(\.state) == Array(repeating: .ok, count: records.count),
            "\(report.records.map(\.detail))")
        #expect(report.ready)
    }

    @Test("nothing published: every record missing, not ready", arguments: ProviderID.all)
    func missing(_ provider: ProviderID) async throws {
        let domain = try await sandboxDomain(provider)
        let report = try await DNSPreflight(lookup: DNSZone()).check(domain)
        #expect(report.records.allSatisfy { $0.state == .missing })
        #expect(!report.ready)
        #expect(report.blocking.count == domain.records?.filter(\.required).count)
        #expect(report.records.allSatisfy { $0.detail.contains("NXDOMAIN") })
    }

    static let domain = "example.com"
    static func record(
        _ type: DNSRecordType, _ name: String, _ value: String, priority: Int? = nil, required: Bool = true,
        purpose: RecordPurpose = .other
    ) -> DNSRecord {
        DNSRecord(
            type: type, name: name, domain: domain, value: value, priority: priority, purpose: purpose,
            required: required)
    }

    static let spf = record(.txt, "send.example.com", "v=spf1 include:amazonses.com ~all", purpose: .spf)
    static let dkimKey = "v=DKIM1; k=rsa; p=" + String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 12)

    func check(_ records: [DNSRecord], _ zone: DNSZone) async throws -> [PreflightReport.Record] {
        try await DNSPreflight(lookup: zone).check(records, domain: Self.domain).records
    }

    @Test("a DKIM key split into 255-byte strings is ok; a different key is a mismatch")
    func splitTXT() async throws {
        let dkim = Self.record(.txt, "s1._domainkey.example.com", Self.dkimKey, purpose: .dkim)
        var zone = DNSZone()
        zone.add(dkim.name, .txt, Self.dkimKey)  // split at 255 bytes by the zone, as DNS hosts do
        guard case .text(let strings) = zone.records[0].data else { throw CancellationError() }
        #expect(strings.count == 2)
        #expect(try await check([dkim], zone)[0].state == .ok)

        var other = DNSZone()
        other.add(dkim.name, .txt, "v=DKIM1; k=rsa; p=SOMETHINGELSE")
        let result = try await check([dkim], other)[0]
        #expect(result.state == .mismatch)
        #expect(result.observed == ["v=DKIM1; k=rsa; p=SOMETHINGELSE"])
    }

    @Test("whitespace between DKIM tags does not matter")
    func dkimWhitespace() async throws {
        let dkim = Self.record(.txt, "s1._domainkey.example.com", "v=DKIM1; k=rsa; p=ABC", purpose: .dkim)
        var zone = DNSZone()
        zone.add(dkim.name, .txt, "v=DKIM1;k=rsa;  p=ABC;")
        #expect(try await check([dkim], zone)[0].state == .ok)
    }

    @Test("a CNAME: ok, to another target a mismatch, flattened by the DNS host ok, beside other data a conflict")
    func cname() async throws {
        let alias = Self.record(.cname, "s1._domainkey.example.com", "s1.dkim.provider.net", purpose: .dkim)
        var zone = DNSZone()
        zone.add("s1.dkim.provider.net", .txt, Self.dkimKey)

        var published = zone
        published.add(alias.name, .cname, "S1.DKIM.Provider.NET.")
        #expect(try await check([alias], published)[0].state == .ok)

        var elsewhere = zone
        elsewhere.add(alias.name, .cname, "s1.dkim.other.net")
        let mismatch = try await check([alias], elsewhere)[0]
        #expect(mismatch.state == .mismatch)
        #expect(mismatch.observed == ["s1.dkim.other.net"])

        var flattened = zone
        flattened.add(alias.name, .txt, Self.dkimKey)  // the target's data under the alias' name
        let ok = try await check([alias], flattened)[0]
        #expect(ok.state == .ok)
        #expect(ok.detail.contains("flattened"))

        var beside = published
        beside.add(alias.name, .txt, "something else")
        #expect(try await check([alias], beside)[0].state == .conflict)

        var occupied = zone
        occupied.add(alias.name, .txt, "unrelated")
        #expect(try await check([alias], occupied)[0].state == .conflict)
    }

    @Test("SPF: an existing record is merged, never doubled; the customer's all qualifier kept")
    func spfMerge() async throws {
        var zone = DNSZone()
        zone.add("send.example.com", .txt, "v=spf1 include:_spf.google.com -all")
        zone.add("send.example.com", .txt, "google-site-verification=abc")
        zone.add("_spf.google.com", .txt, "v=spf1 ip4:192.0.2.0/24 ~all")
        let result = try await check([Self.spf], zone)[0]
        #expect(result.state == .merge)
        #expect(result.suggested == "v=spf1 include:_spf.google.com include:amazonses.com -all")
        #expect(result.observed.contains("v=spf1 include:_spf.google.com -all"))

        var included = DNSZone()
        included.add("send.example.com", .txt, "v=spf1 ip4:192.0.2.0/24 include:amazonses.com ~all")
        let ok = try await check([Self.spf], included)[0]
        #expect(ok.state == .ok)
        #expect(ok.suggested == nil)
    }

    @Test("two SPF records are a conflict with one merged suggestion")
    func twoSPF() async throws {
        var zone = DNSZone()
        zone.add("send.example.com", .txt, "v=spf1 include:_spf.google.com ~all")
        zone.add("send.example.com", .txt, "v=spf1 include:mailgun.org ~all")
        zone.add("_spf.google.com", .txt, "v=spf1 ip4:192.0.2.0/24 ~all")
        zone.add("mailgun.org", .txt, "v=spf1 ip4:198.51.100.0/24 ~all")
        let result = try await check([Self.spf], zone)[0]
        #expect(result.state == .conflict)
        #expect(result.suggested == "v=spf1 include:_spf.google.com include:mailgun.org include:amazonses.com ~all")
    }

    @Test("an SPF chain of 11 lookups through nested includes is a conflict; 10 is fine")
    func spfLookupLimit() async throws {
        // send.example.com includes a.example.net (1), which has 5 `a:` terms and includes
        // b.example.net (1 + 5 + 1), which has 3 `mx:` terms (3): 11 with amazonses.com (1).
        func zone(extra: Bool) -> DNSZone {
            var zone = DNSZone()
            zone.add("send.example.com", .txt, "v=spf1 include:a.example.net ~all")
            zone.add(
                "a.example.net", .txt,
                "v=spf1 a:h1.example.net a:h2.example.net a:h3.example.net a:h4.example.net a:h5.example.net include:b.example.net ~all"
            )
            zone.add(
                "b.example.net", .txt,
                extra
                    ? "v=spf1 mx:m1.example.net mx:m2.example.net mx:m3.example.net ~all"
                    : "v=spf1 mx:m1.example.net mx:m2.example.net ~all")
            zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
            // Every host exists, so no lookup is void.
            for host in 1...5 { zone.add("h\(host).example.net", .a, "192.0.2.\(host)") }
            for host in 1...3 { zone.add("m\(host).example.net", .mx, "10 mail.example.net") }
            zone.add("mail.example.net", .a, "192.0.2.25")
            return zone
        }
        let over = try await check([Self.spf], zone(extra: true))[0]
        #expect(over.state == .conflict)
        #expect(over.detail.contains("more than 10 DNS lookups"))
        // Never a suggestion receivers would reject; what each include costs instead.
        #expect(over.suggested == nil)
        #expect(
            over.spf?.costs == [
                .init(term: "include:a.example.net", lookups: 10), .init(term: "include:amazonses.com", lookups: 1),
            ])
        #expect(over.spf?.path == ["include:amazonses.com"])
        #expect(over.detail.contains("include:a.example.net 10"))
        let within = try await check([Self.spf], zone(extra: false))[0]
        #expect(within.state == .merge)
        #expect(within.spf?.lookups == 10)
    }

    @Test("an existing p=reject DMARC is ok and kept; two DMARC records are a conflict")
    func dmarc() async throws {
        let dmarc = Self.record(.txt, "_dmarc.example.com", "v=DMARC1; p=none;", required: false, purpose: .dmarc)
        var strict = DNSZone()
        strict.add(dmarc.name, .txt, "v=DMARC1; p=reject; rua=mailto:dmarc@example.com")
        let kept = try await check([dmarc], strict)[0]
        #expect(kept.state == .ok)
        #expect(kept.detail.contains("p=reject"))
        #expect(kept.detail.contains("kept"))

        var two = strict
        two.add(dmarc.name, .txt, "v=DMARC1; p=none")
        let conflict = try await check([dmarc], two)[0]
        #expect(conflict.state == .conflict)
        #expect(conflict.suggested == "v=DMARC1; p=reject; rua=mailto:dmarc@example.com")
        // Not required, but a conflict still blocks.
        #expect(!(try await DNSPreflight(lookup: two).check([dmarc], domain: Self.domain)).ready)
    }

    @Test("MX: host and preference compared")
    func mx() async throws {
        let mx = Self.record(.mx, "send.example.com", "feedback-smtp.us-east-1.amazonses.com", priority: 10)
        var zone = DNSZone()
        zone.add("send.example.com", .mx, "20 feedback-smtp.us-east-1.amazonses.com")
        #expect(try await check([mx], zone)[0].state == .mismatch)
        zone = DNSZone()
        zone.add("send.example.com", .mx, "10 FEEDBACK-SMTP.us-east-1.amazonses.com.")
        #expect(try await check([mx], zone)[0].state == .ok)
        zone = DNSZone()
        zone.add("send.example.com", .mx, "10 mx.other.net")
        #expect(try await check([mx], zone)[0].state == .mismatch)
    }

    @Test("an unrelated TXT record at the name does not make a verification token a mismatch")
    func unrelatedTXT() async throws {
        let token = Self.record(.txt, "_amazonses.example.com", "amazonses:abc123")
        var zone = DNSZone()
        zone.add(token.name, .txt, "google-site-verification=xyz")
        #expect(try await check([token], zone)[0].state == .missing)
        zone.add(token.name, .txt, "amazonses:OTHER")
        #expect(try await check([token], zone)[0].state == .mismatch)
    }

    @Test("the JSON report: the documented shape, suggested absent when there is none")
    func json() async throws {
        var zone = DNSZone()
        zone.add("send.example.com", .txt, "v=spf1 include:_spf.google.com ~all")
        zone.add("_spf.google.com", .txt, "v=spf1 include:_netblocks.google.com ~all")
        zone.add("_netblocks.google.com", .txt, "v=spf1 ip4:192.0.2.0/24 ~all")
        let report = try await DNSPreflight(lookup: zone).check([Self.spf], domain: "Example.com.")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try JSONValue(data: encoder.encode(report))
        #expect(
            json
                == JSONValue(
                    json: """
                        {"domain": "example.com", "ready": false,
                        "dnsHost": {"id": "unknown", "name": "unknown DNS host", "zone": "example.com", "nameservers": []},
                        "records": [{"type": "TXT", "name": "send.example.com",
                        "expected": "v=spf1 include:amazonses.com ~all", "required": true, "state": "merge",
                        "observed": ["v=spf1 include:_spf.google.com ~all"],
                        "suggested": "v=spf1 include:_spf.google.com include:amazonses.com ~all",
                        "detail": "\(report.records[0].detail)",
                        "spf": {"lookups": 3, "voidLookups": 1, "permerror": null, "path": [],
                        "costs": [{"term": "include:_spf.google.com", "lookups": 2}, {"term": "include:amazonses.com", "lookups": 1}]},
                        "reason": null,
                        "enter": {"host": "send", "value": "v=spf1 include:_spf.google.com include:amazonses.com ~all",
                        "priority": null, "note": null}}]}
                        """))
        zone.remove("send.example.com")
        let missing = try await DNSPreflight(lookup: zone).check([Self.spf], domain: "example.com")
        let text = String(decoding: try encoder.encode(missing), as: UTF8.self)
        #expect(!text.contains("suggested"))
    }

    @Test("records are looked up concurrently")
    func concurrent() async throws {
        let domain = try await sandboxDomain(.krafter)
        let gate = CountingLookup(expected: domain.records?.count ?? 0)
        let report = try await DNSPreflight(lookup: gate).check(domain)
        #expect(report.records.count == domain.records?.count)
        #expect(gate.peak >= 2)
    }
}

/// A lookup that holds each query until `expected` are in flight at once (or 2 s pass), so a
/// sequential check would show a peak of 1.
final class CountingLookup: DNSLookup, Sendable {
    let expected: Int
    private let counts = Locked((inFlight: 0, peak: 0))
    var peak: Int { counts.withLock { $0.peak } }
    var description: String { "counting" }

    init(expected: Int) {
        self.expected = expected
    }

    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        counts.withLock {
            $0.inFlight += 1
            $0.peak = max($0.peak, $0.inFlight)
        }
        for _ in 0..<200 where counts.withLock({ $0.peak < min(expected, 2) }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        counts.withLock { $0.inFlight -= 1 }
        return DNSAnswer(question: DNSQuestion(name: name, type: type), responseCode: .nameError)
    }
}

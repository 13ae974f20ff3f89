import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

/// Every row of issue 19's table: cases where the preflight once told a customer to publish a
/// record receivers reject, or called a record receivers ignore "kept".
@Suite("SPF, DMARC and DKIM as receivers judge them: the issue's table, row by row")
struct SPFDMARCRegressionTests {
    static let spf = DNSRecord(
        type: .txt, name: "send.example.com", domain: "example.com", value: "v=spf1 include:amazonses.com ~all",
        purpose: .spf)
    static let dmarc = DNSRecord(
        type: .txt, name: "_dmarc.example.com", domain: "example.com", value: "v=DMARC1; p=none;", purpose: .dmarc,
        required: false)

    /// A zone with the provider's include and `count` hosts `h1.example.net`… that exist.
    static func zone(hosts count: Int = 12) -> DNSZone {
        var zone = DNSZone()
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        for host in 0..<count { zone.add("h\(host + 1).example.net", .a, "192.0.2.\(host + 1)") }
        return zone
    }

    static func hosts(_ range: ClosedRange<Int>) -> String {
        range.map { "a:h\($0).example.net" }.joined(separator: " ")
    }

    func check(_ record: DNSRecord, _ zone: any DNSLookup) async throws -> PreflightReport.Record {
        try await DNSPreflight(lookup: zone).check([record], domain: "example.com").records[0]
    }

    @Test("the same include reached twice (a diamond) is counted each time: 12 lookups, a permerror")
    func diamond() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:a.example.net include:b.example.net ~all")
        zone.add("a.example.net", .txt, "v=spf1 include:c.example.net ~all")
        zone.add("b.example.net", .txt, "v=spf1 include:c.example.net ~all")
        zone.add("c.example.net", .txt, "v=spf1 \(Self.hosts(1...4)) ~all")
        let result = try await check(Self.spf, zone)
        #expect(result.state == .conflict)
        #expect(result.suggested == nil)
        #expect(result.spf?.lookups == 11)
        #expect(result.spf?.permerror?.hasPrefix("more than 10 DNS lookups") == true)
        #expect(result.spf?.path == ["include:b.example.net", "include:c.example.net", "a:h3.example.net"])
        #expect(
            result.spf?.costs == [
                .init(term: "include:a.example.net", lookups: 6), .init(term: "include:b.example.net", lookups: 6),
                .init(term: "include:amazonses.com", lookups: 1),
            ])
        #expect(result.detail.contains("include:b.example.net → include:c.example.net → a:h3.example.net"))
    }

    @Test("the same include listed twice is evaluated twice")
    func listedTwice() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:c.example.net include:c.example.net ~all")
        zone.add("c.example.net", .txt, "v=spf1 \(Self.hosts(1...4)) ~all")
        let result = try await check(Self.spf, zone)
        #expect(result.state == .conflict)
        #expect(result.spf?.permerror?.hasPrefix("more than 10 DNS lookups") == true)
    }

    @Test("an include loop a → b → a, and a redirect= to itself, end at the limit: a permerror")
    func loops() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:a.example.net ~all")
        zone.add("a.example.net", .txt, "v=spf1 include:b.example.net ~all")
        zone.add("b.example.net", .txt, "v=spf1 include:a.example.net ~all")
        let loop = try await check(Self.spf, zone)
        #expect(loop.state == .conflict)
        #expect(loop.spf?.lookups == 11)
        #expect(
            loop.spf?.path.prefix(3) == ["include:a.example.net", "include:b.example.net", "include:a.example.net"])

        var redirect = Self.zone()
        redirect.add("send.example.com", .txt, "v=spf1 redirect=self.example.net")
        redirect.add("self.example.net", .txt, "v=spf1 redirect=self.example.net")
        let result = try await check(Self.spf, redirect)
        #expect(result.state == .conflict)
        #expect(result.spf?.permerror?.hasPrefix("more than 10 DNS lookups") == true)
    }

    @Test("more than 2 void lookups are a permerror")
    func voidLookups() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 a:nx1.example.net a:nx2.example.net a:nx3.example.net ~all")
        let result = try await check(Self.spf, zone)
        #expect(result.state == .conflict)
        #expect(result.spf?.voidLookups == 3)
        #expect(result.spf?.permerror?.contains("void lookups") == true)
        #expect(result.spf?.path == ["a:nx3.example.net"])

        var two = Self.zone()
        two.add("send.example.com", .txt, "v=spf1 a:nx1.example.net a:nx2.example.net ~all")
        let fine = try await check(Self.spf, two)
        #expect(fine.state == .merge)
        #expect(fine.spf?.voidLookups == 2)
    }

    @Test("an mx whose name has 11 hosts is a permerror; 10 is fine")
    func mxLimit() async throws {
        for (count, state) in [(11, PreflightState.conflict), (10, .merge)] {
            var zone = Self.zone()
            zone.add("send.example.com", .txt, "v=spf1 mx:mail.example.net ~all")
            for host in 1...count { zone.add("mail.example.net", .mx, "\(host) h\(host).example.net") }
            let result = try await check(Self.spf, zone)
            #expect(result.state == state, "\(count) hosts: \(result.detail)")
            if count == 11 { #expect(result.spf?.permerror?.contains("11 MX hosts") == true) }
        }
    }

    @Test(
        "include: a name with no SPF record, with two, or with a syntax error is a permerror",
        arguments: [
            ([], "has no SPF record"),
            (["v=spf1 -all", "v=spf1 ~all"], "has 2 SPF records"),
            (["v=spf1 a:h1.example.net bogus:x -all"], "syntax error"),
        ])
    func includeTargets(_ records: [String], _ reason: String) async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:broken.example.net ~all")
        zone.add("broken.example.net", .txt, "unrelated=1")
        for record in records { zone.add("broken.example.net", .txt, record) }
        let result = try await check(Self.spf, zone)
        #expect(result.state == .conflict)
        #expect(result.spf?.permerror?.contains(reason) == true, "\(result.spf?.permerror ?? "")")
        #expect(result.spf?.path.first == "include:broken.example.net")
        #expect(result.detail.contains("include:broken.example.net"))
    }

    @Test("include:_spf.%{d} is followed and counted (the domain is known); %{i} is counted, not followed, noted")
    func macros() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:_spf.%{d} ~all")
        zone.add("_spf.send.example.com", .txt, "v=spf1 \(Self.hosts(1...2)) exists:%{i}.rbl.example.net ~all")
        let result = try await check(Self.spf, zone)
        #expect(result.state == .merge)
        #expect(result.spf?.lookups == 5)  // the include, 2 a, the exists, and the provider's include
        #expect(result.spf?.costs.first == .init(term: "include:_spf.%{d}", lookups: 4))
        #expect(result.spf?.notes.contains { $0.contains("%{i}") } == true)

        // Inside an include, %{d} is the included domain.
        var nested = Self.zone()
        nested.add("send.example.com", .txt, "v=spf1 include:inner.example.net ~all")
        nested.add("inner.example.net", .txt, "v=spf1 include:_spf.%{d} ~all")
        nested.add("_spf.inner.example.net", .txt, "v=spf1 \(Self.hosts(1...3)) ~all")
        let inner = try await check(Self.spf, nested)
        #expect(inner.spf?.lookups == 6)
        #expect(inner.spf?.permerror == nil)
    }

    @Test("-all beside redirect=: the redirect is ignored, no false conflict, and the suggestion drops it")
    func redirectBesideAll() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 ip4:192.0.2.0/24 -all redirect=big.example.net")
        zone.add("big.example.net", .txt, "v=spf1 \(Self.hosts(1...12)) -all")
        let result = try await check(Self.spf, zone)
        #expect(result.state == .merge)
        #expect(result.suggested == "v=spf1 ip4:192.0.2.0/24 include:amazonses.com -all")
        #expect(result.spf?.lookups == 1)
    }

    @Test("terms after all are not evaluated, but a syntax error there is still a permerror")
    func afterAll() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 -all \(Self.hosts(1...12))")
        let dead = try await check(Self.spf, zone)
        #expect(dead.spf?.lookups == 1)
        #expect(dead.spf?.permerror == nil)

        zone.remove("send.example.com")
        zone.add("send.example.com", .txt, "v=spf1 -all ip4:300.1.1.1")
        let broken = try await check(Self.spf, zone)
        #expect(broken.state == .conflict)
        #expect(broken.spf?.permerror?.contains("ip4:300.1.1.1") == true)
    }

    @Test("a DNS failure while evaluating is unknown, never a guess")
    func dnsFailure() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:down.example.net ~all")
        let lookup = FailingLookup(zone: zone, failing: "down.example.net")
        let result = try await check(Self.spf, lookup)
        #expect(result.state == .unknown)
        #expect(result.detail.contains("down.example.net"))
        #expect(result.spf?.path == ["include:down.example.net"])
        #expect(!(try await DNSPreflight(lookup: lookup).check([Self.spf], domain: "example.com")).ready)

        // The provider's own include failing is the provider's concern: counted, noted, not `unknown`.
        var published = Self.zone()
        published.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
        let providers = try await check(Self.spf, FailingLookup(zone: published, failing: "amazonses.com"))
        #expect(providers.state == .ok)
        #expect(providers.spf?.notes.first?.contains("the provider's") == true)
    }

    @Test("each (name, type) is asked once per report, however many records and terms need it")
    func askedOnce() async throws {
        var zone = Self.zone()
        zone.add("send.example.com", .txt, "v=spf1 include:a.example.net include:b.example.net ~all")
        zone.add("a.example.net", .txt, "v=spf1 include:c.example.net ~all")
        zone.add("b.example.net", .txt, "v=spf1 include:c.example.net ~all")
        zone.add("c.example.net", .txt, "v=spf1 \(Self.hosts(1...2)) ~all")
        let counting = QueryLog(zone: zone)
        let records = [Self.spf, Self.spf, Self.dmarc]
        _ = try await DNSPreflight(lookup: counting).check(records, domain: "example.com")
        let asked = counting.questions
        #expect(!asked.isEmpty)
        #expect(Set(asked).count == asked.count, "asked twice: \(asked)")
        #expect(asked.contains("TXT c.example.net"))
    }

    // MARK: DMARC

    @Test(
        "DMARC p=bogus or sp=bogus without a valid rua: not applied, a mismatch; with a valid rua: treated as p=none",
        arguments: [
            "v=DMARC1; p=bogus", "v=DMARC1; p=none; sp=bogus", "v=DMARC1; p=reject; sp=bogus; ruf=mailto:f@example.com",
        ])
    func invalidPolicy(_ published: String) async throws {
        var zone = DNSZone()
        zone.add(Self.dmarc.name, .txt, published)
        let result = try await check(Self.dmarc, zone)
        #expect(result.state == .mismatch)
        #expect(result.detail.contains("no DMARC policy"))

        var reported = DNSZone()
        reported.add(Self.dmarc.name, .txt, published + "; rua=mailto:dmarc@example.com")
        let none = try await check(Self.dmarc, reported)
        #expect(none.state == .ok)
        #expect(none.detail.contains("p=none"))
        #expect(!none.detail.contains("stricter"))
    }

    @Test(
        "v=DMARC1 p=none (no ;) and v=dmarc1; …: not DMARC records, a mismatch",
        arguments: ["v=DMARC1 p=none", "v=dmarc1; p=reject", "v=DMARC1p=none", "p=none; v=DMARC1"])
    func notDMARC(_ published: String) async throws {
        var zone = DNSZone()
        zone.add(Self.dmarc.name, .txt, published)
        let result = try await check(Self.dmarc, zone)
        if published.hasPrefix("p=") {
            #expect(result.state == .missing)  // not even DMARC-like
        } else {
            #expect(result.state == .mismatch)
            #expect(result.detail.contains("ignore"))
            #expect(result.detail.contains("DMARC1"))
        }
    }

    @Test("a valid DMARC record is kept when at least as strict, for p and sp; a weaker one is raised")
    func strictness() async throws {
        let quarantine = DNSRecord(
            type: .txt, name: "_dmarc.example.com", domain: "example.com", value: "v=DMARC1; p=quarantine",
            purpose: .dmarc)
        var zone = DNSZone()
        zone.add(quarantine.name, .txt, "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com")
        let weakSubdomains = try await check(quarantine, zone)
        #expect(weakSubdomains.state == .mismatch)
        #expect(weakSubdomains.suggested == "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com")

        zone = DNSZone()
        zone.add(quarantine.name, .txt, "v=DMARC1; p=none; rua=mailto:d@example.com")
        let weak = try await check(quarantine, zone)
        #expect(weak.state == .mismatch)
        #expect(weak.suggested == "v=DMARC1; p=quarantine; rua=mailto:d@example.com")

        zone = DNSZone()
        zone.add(quarantine.name, .txt, "v=DMARC1; p=reject; np=reject; psd=n; pct=150")
        let kept = try await check(quarantine, zone)
        #expect(kept.state == .ok)
        #expect(kept.detail.contains("kept"))
        #expect(kept.detail.contains("pct=150"))  // replaced by 100, said so, not fatal
    }

    // MARK: DKIM

    @Test("a DKIM key with a space at each string join is the same key (RFC 6376 §3.6.1); another key is not")
    func dkimWhitespace() async throws {
        let key = String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 12)
        let dkim = DNSRecord(
            type: .txt, name: "s1._domainkey.example.com", domain: "example.com", value: "v=DKIM1; k=rsa; p=\(key)",
            purpose: .dkim)
        let text = "v=DKIM1; k=rsa; p=\(key)"
        let chunks = stride(from: 0, to: text.count, by: 200).map { start in
            String(text.dropFirst(start).prefix(200))
        }
        var zone = DNSZone()
        zone.add(dkim.name, .txt, chunks.joined(separator: " "))
        #expect(try await check(dkim, zone).state == .ok)

        var other = DNSZone()
        other.add(dkim.name, .txt, "v=DKIM1; k=rsa; p=\(key.dropLast(4))AAAA")
        #expect(try await check(dkim, other).state == .mismatch)
        var otherType = DNSZone()
        otherType.add(dkim.name, .txt, "v=DKIM1; k=ed25519; p=\(key)")
        #expect(try await check(dkim, otherType).state == .mismatch)
    }
}

/// A zone whose answers for one name fail as an unreachable resolver's do.
struct FailingLookup: DNSLookup {
    let zone: DNSZone
    let failing: String
    var description: String { "failing" }

    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        if DNSName.normalized(name) == failing {
            throw SendingDomainsError(kind: .dns, message: "No DNS server answered", operation: "dnsQuery")
        }
        return try await zone.query(name, type: type)
    }
}

/// A zone that logs every question it is asked.
final class QueryLog: DNSLookup, Sendable {
    let zone: DNSZone
    private let log = Locked<[String]>([])
    var description: String { "logging" }
    var questions: [String] { log.withLock { $0 } }

    init(zone: DNSZone) {
        self.zone = zone
    }

    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        log.withLock { $0.append("\(type.rawValue) \(DNSName.normalized(name))") }
        return try await zone.query(name, type: type)
    }
}

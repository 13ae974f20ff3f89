import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

/// The customer's mistakes, named: every reason, at a recognised host and at an unknown one,
/// through the loopback DNS server.
@Suite("DNS preflight: the mistake behind a record, and what to type at the customer's DNS host")
struct PreflightReasonTests {
    static let domain = "example.com"
    static let dkimKey = "v=DKIM1; k=rsa; p=" + String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 12)

    /// The name servers of a recognised host (GoDaddy: it appends the zone) and of an unknown one.
    enum Host: String, CaseIterable, CustomTestStringConvertible {
        case godaddy, cloudflare, unknown
        var nameservers: [String] {
            switch self {
            case .godaddy: ["ns01.domaincontrol.com", "ns02.domaincontrol.com"]
            case .cloudflare: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]
            case .unknown: ["ns1.example.net", "ns2.example.net"]
            }
        }
        var id: DNSHost.ID { DNSHost.ID(rawValue: rawValue) }
        var testDescription: String { rawValue }
    }

    static func record(
        _ type: DNSRecordType, _ name: String, _ value: String, priority: Int? = nil, purpose: RecordPurpose = .other
    ) -> DNSRecord {
        DNSRecord(type: type, name: name, domain: domain, value: value, priority: priority, purpose: purpose)
    }

    static let token = record(.txt, "_amazonses.example.com", "amazonses:abc123XYZ", purpose: .ownershipVerification)
    static let dkim = record(.txt, "s1._domainkey.example.com", dkimKey, purpose: .dkim)
    static let spf = record(.txt, "send.example.com", "v=spf1 include:amazonses.com ~all", purpose: .spf)
    static let mx = record(.mx, "send.example.com", "feedback-smtp.us-east-1.amazonses.com", priority: 10)
    static let cname = record(.cname, "em.example.com", "u123.wl.sendgrid.net", purpose: .dkim)

    /// The zone `example.com` at `host`, with `records` added.
    static func zone(_ host: Host, _ build: (inout DNSZone) -> Void = { _ in }) -> DNSZone {
        var zone = DNSZone()
        zone.add(domain, .soa, "\(host.nameservers[0]) hostmaster.example.com 1 300")
        for server in host.nameservers { zone.add(domain, .ns, server) }
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        build(&zone)
        return zone
    }

    /// A TXT record exactly as given: one string, quote characters and all.
    static func literal(_ zone: inout DNSZone, _ name: String, _ text: String) {
        zone.records.append(DNSResourceRecord(name: name, type: .txt, data: .text([text])))
    }

    /// Checks `records` against `zone` served by a loopback DNS server.
    static func check(_ records: [DNSRecord], _ zone: DNSZone) async throws -> PreflightReport {
        let server = try LoopbackDNSServer(zone: zone)
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 2)
        return try await DNSPreflight(lookup: resolver).check(records, domain: domain)
    }

    @Test("zoneAppended: missing at its name, present at name.zone; the host field to type", arguments: Host.allCases)
    func zoneAppended(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            zone.add("_amazonses.example.com.example.com", .txt, Self.token.value)
            zone.add("em.example.com.example.com", .cname, Self.cname.value)
        }
        let report = try await Self.check([Self.token, Self.cname], zone)
        #expect(report.dnsHost?.id == host.id)
        for result in report.records {
            #expect(result.state == .missing)
            #expect(result.reason == .zoneAppended, "\(result.detail)")
            #expect(result.detail.contains("\(result.record.name).example.com"))
        }
        #expect(report.records.map(\.enter?.host) == ["_amazonses", "em"])
        if host == .godaddy {
            #expect(report.records[0].detail.contains("GoDaddy added example.com"))
            #expect(report.records[0].enter?.note == "Type only _amazonses: GoDaddy adds .example.com itself.")
        } else if host == .unknown {
            #expect(report.records[0].detail.contains("The DNS host added"))
        }
    }

    @Test("a record at name.zone that is not the expected value is not zoneAppended")
    func zoneAppendedOtherValue() async throws {
        let zone = Self.zone(.godaddy) { zone in
            zone.add("_amazonses.example.com.example.com", .txt, "amazonses:SOMETHINGELSE")
            zone.add("em.example.com.example.com", .cname, "other.example.net")
        }
        let report = try await Self.check([Self.token, Self.cname], zone)
        #expect(report.records.map(\.state) == [.missing, .missing])
        #expect(report.records.map(\.reason) == [nil, nil])
    }

    @Test(
        "proxied: a CNAME answered with Cloudflare's addresses is a mismatch, not a conflict", arguments: Host.allCases)
    func proxied(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            zone.add("em.example.com", .a, "104.16.1.1")
            zone.add("em.example.com", .aaaa, "2606:4700::6810:101")
            zone.add("u123.wl.sendgrid.net", .a, "167.89.0.1")
        }
        let result = try await Self.check([Self.cname], zone).records[0]
        #expect(result.state == .mismatch)
        #expect(result.reason == .proxied)
        #expect(result.detail.contains("DNS only"))
        #expect(!result.detail.contains("cannot be added beside"))
        if host == .cloudflare { #expect(result.enter?.note?.contains("DNS only") == true) }
    }

    @Test(
        "a flattened CNAME (the target's own addresses) stays ok; addresses neither the target's nor Cloudflare's conflict"
    )
    func flattenedAndOthers() async throws {
        let flattened = Self.zone(.cloudflare) { zone in
            zone.add("em.example.com", .a, "167.89.0.1")
            zone.add("u123.wl.sendgrid.net", .a, "167.89.0.1")
        }
        let ok = try await Self.check([Self.cname], flattened).records[0]
        #expect(ok.state == .ok)
        #expect(ok.reason == nil)
        // A target that is itself behind Cloudflare: the addresses say nothing about a proxy.
        let both = Self.zone(.cloudflare) { zone in
            zone.add("em.example.com", .a, "104.16.1.1")
            zone.add("u123.wl.sendgrid.net", .a, "104.16.9.9")
        }
        let other = try await Self.check([Self.cname], both).records[0]
        #expect(other.state == .conflict)
        #expect(other.reason == nil)
    }

    @Test("quoted: a DKIM key, a token and an SPF record published with literal quotes", arguments: Host.allCases)
    func quoted(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            Self.literal(&zone, Self.dkim.name, "\"\(Self.dkimKey)\"")
            Self.literal(&zone, Self.token.name, "\\\"\(Self.token.value)\\\"")
            Self.literal(&zone, Self.spf.name, "\"\(Self.spf.value)\"")
        }
        let report = try await Self.check([Self.dkim, Self.token, Self.spf], zone)
        #expect(report.records.map(\.state) == [.mismatch, .mismatch, .mismatch], "\(report.records.map(\.detail))")
        #expect(report.records.map(\.reason) == [.quoted, .quoted, .quoted])
        #expect(report.records.allSatisfy { $0.detail.contains("quote") })
    }

    @Test("a DKIM key split into quoted chunks by a zone file is the key itself: ok")
    func chunksAreNotQuotes() async throws {
        let zone = Self.zone(.unknown) { zone in
            zone.add(Self.dkim.name, .txt, "\"\(Self.dkimKey.prefix(200))\" \"\(Self.dkimKey.dropFirst(200))\"")
        }
        let result = try await Self.check([Self.dkim], zone).records[0]
        #expect(result.state == .ok)
        #expect(result.reason == nil)
    }

    @Test("truncated: the published DKIM key is a strict prefix of the expected one", arguments: Host.allCases)
    func truncated(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            Self.literal(&zone, Self.dkim.name, String(Self.dkimKey.prefix(255)))
        }
        let result = try await Self.check([Self.dkim], zone).records[0]
        #expect(result.state == .mismatch)
        #expect(result.reason == .truncated)
        #expect(result.detail.contains("first 255 characters"))
    }

    @Test(
        "whitespace: a token with extra spaces is no longer ok; a DKIM key with spaces inside still is",
        arguments: Host.allCases)
    func whitespace(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            Self.literal(&zone, Self.token.name, " amazonses:abc123 XYZ ")
            Self.literal(&zone, Self.dkim.name, Self.dkimKey.replacingOccurrences(of: "CAQ8A", with: "CAQ8A "))
        }
        let report = try await Self.check([Self.token, Self.dkim], zone)
        #expect(report.records.map(\.state) == [.mismatch, .ok])
        #expect(report.records.map(\.reason) == [.whitespace, nil])
    }

    @Test("priority: an MX with the right host and another priority", arguments: Host.allCases)
    func priority(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            zone.add(Self.mx.name, .mx, "20 feedback-smtp.us-east-1.amazonses.com")
        }
        let result = try await Self.check([Self.mx], zone).records[0]
        #expect(result.state == .mismatch)
        #expect(result.reason == .priority)
        #expect(result.enter?.priority == 10)
        #expect(result.enter?.value == "feedback-smtp.us-east-1.amazonses.com")
    }

    @Test("atApex: the MAIL FROM SPF record and MX published at the apex instead of send.", arguments: Host.allCases)
    func atApex(_ host: Host) async throws {
        let zone = Self.zone(host) { zone in
            zone.add(Self.domain, .txt, "v=spf1 include:amazonses.com ~all")
            zone.add(Self.domain, .mx, "10 feedback-smtp.us-east-1.amazonses.com")
        }
        let report = try await Self.check([Self.spf, Self.mx], zone)
        #expect(report.records.map(\.state) == [.missing, .missing])
        #expect(report.records.map(\.reason) == [.atApex, .atApex])
        #expect(report.records.map(\.enter?.host) == ["send", "send"])
        #expect(report.records[0].detail.contains("apex (example.com)"))
    }

    @Test("an ok record has no reason; records with no known mistake have none either")
    func noReason() async throws {
        let zone = Self.zone(.cloudflare) { zone in
            zone.publish([Self.token, Self.spf, Self.mx])
            zone.add(Self.dkim.name, .txt, "v=DKIM1; k=rsa; p=SOMEOTHERKEYENTIRELY")
        }
        let report = try await Self.check([Self.token, Self.spf, Self.mx, Self.dkim, Self.cname], zone)
        #expect(report.records.map(\.state) == [.ok, .ok, .ok, .mismatch, .missing])
        #expect(report.records.map(\.reason) == [nil, nil, nil, nil, nil])
        #expect(report.records.allSatisfy { $0.enter != nil })
    }
}

extension PreflightReasonTests {
    @Test("a DMARC record weaker than the provider's, and a prefix of it, is not truncated")
    func dmarcPrefixIsNotTruncated() async throws {
        let dmarc = Self.record(.txt, "_dmarc.example.com", "v=DMARC1; p=none; sp=reject", purpose: .dmarc)
        let zone = Self.zone(.unknown) { zone in zone.add("_dmarc.example.com", .txt, "v=DMARC1; p=none") }
        let result = try await Self.check([dmarc], zone).records[0]
        #expect(result.state == .mismatch)
        #expect(result.reason == nil)
    }
}

extension PreflightReasonTests {
    @Test("states and reasons encode as their names, and names this version does not know are kept")
    func namesRoundTrip() throws {
        let states: [PreflightState] = PreflightState.allCases + [PreflightState(rawValue: "future")]
        let encoded = String(decoding: try JSONEncoder().encode(states), as: UTF8.self)
        #expect(encoded == #"["ok","missing","mismatch","merge","conflict","unknown","future"]"#)
        #expect(try JSONDecoder().decode([PreflightState].self, from: Data(encoded.utf8)) == states)
        let reasons = String(decoding: try JSONEncoder().encode(PreflightReason.allCases), as: UTF8.self)
        #expect(reasons == #"["zoneAppended","proxied","quoted","truncated","whitespace","priority","atApex"]"#)
    }
}

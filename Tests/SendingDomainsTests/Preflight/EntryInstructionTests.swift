import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

@Suite("What to type at the customer's DNS host: host field, value, priority, note")
struct EntryInstructionTests {
    static func record(
        _ type: DNSRecordType, _ name: String, _ value: String, domain: String = "example.com", priority: Int? = nil
    ) -> DNSRecord {
        DNSRecord(type: type, name: name, domain: domain, value: value, priority: priority, purpose: .other)
    }

    static let dkimKey = "v=DKIM1; k=rsa; p=" + String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 12)

    @Test("Route 53: a long TXT value in quoted chunks of at most 255 bytes; the apex is an empty field")
    func route53() throws {
        let host = DNSHost(.route53, zone: "example.com")
        let entry = host.entry(for: Self.record(.txt, "s1._domainkey.example.com", Self.dkimKey))
        #expect(entry.host == "s1._domainkey")
        let chunks = try #require(DNSZone.quotedStrings(entry.value))
        #expect(chunks.count == 2)
        #expect(chunks.allSatisfy { $0.utf8.count <= 255 })
        #expect(chunks.joined() == Self.dkimKey)
        #expect(entry.value.hasPrefix("\"v=DKIM1; k=rsa; p=") && entry.value.contains("\" \""))
        #expect(entry.note?.contains("quotes") == true)
        #expect(entry.priority == nil)
        let apex = host.entry(for: Self.record(.txt, "example.com", "v=spf1 include:amazonses.com ~all"))
        #expect(apex.host == "")
        #expect(apex.value == "\"v=spf1 include:amazonses.com ~all\"")
        // A quote inside a value is escaped in its chunk.
        #expect(host.entry(for: Self.record(.txt, "x.example.com", "a\"b")).value == "\"a\\\"b\"")
    }

    @Test("the host field is relative to the zone found through SOA, not to the domain")
    func relativeToZone() async throws {
        var zone = DNSZone()
        zone.add("example.com", .soa, "ada.ns.cloudflare.com hostmaster.example.com 1 300")
        zone.add("example.com", .ns, "ada.ns.cloudflare.com")
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        let records = [
            Self.record(.txt, "send.mail.example.com", "v=spf1 include:amazonses.com ~all", domain: "mail.example.com"),
            Self.record(
                .mx, "send.mail.example.com", "feedback-smtp.us-east-1.amazonses.com", domain: "mail.example.com",
                priority: 10),
            Self.record(.cname, "s1._domainkey.mail.example.com", "s1.dkim.example.net.", domain: "mail.example.com"),
            Self.record(.txt, "mail.example.com", "token-123", domain: "mail.example.com"),
        ]
        #expect(records[0].relativeName == "send")
        let server = try LoopbackDNSServer(zone: zone)
        let report = try await DNSPreflight(lookup: DNSResolver(servers: [server.address])).check(
            records, domain: "mail.example.com")
        #expect(report.dnsHost?.zone == "example.com")
        #expect(report.dnsHost?.id == .cloudflare)
        #expect(report.records.map(\.enter?.host) == ["send.mail", "send.mail", "s1._domainkey.mail", "mail"])
        #expect(report.records.map(\.enter?.priority) == [nil, 10, nil, nil])
        #expect(report.records[2].enter?.value == "s1.dkim.example.net")
        #expect(report.records[2].enter?.note?.contains("DNS only") == true)
        #expect(report.records[0].enter?.note == nil)
    }

    @Test("the apex is @ where the host uses it; GoDaddy's note says it adds the zone")
    func apexAndNotes() {
        let godaddy = DNSHost(.godaddy, zone: "example.com")
        let apex = godaddy.entry(for: Self.record(.txt, "example.com", "token"))
        #expect(apex.host == "@")
        #expect(apex.note == nil)
        let sub = godaddy.entry(for: Self.record(.mx, "send.example.com", "10 mx.example.net"))
        #expect(sub.host == "send")
        #expect(sub.value == "mx.example.net")
        #expect(sub.priority == 10)
        #expect(sub.note == "Type only send: GoDaddy adds .example.com itself.")
        let unknown = DNSHost.unknown(zone: "example.com").entry(for: Self.record(.txt, "send.example.com", "t"))
        #expect(unknown == EntryInstruction(host: "send", value: "t", priority: nil, note: nil))
        // A merged SPF record to publish replaces the provider's value.
        let merged = godaddy.entry(
            for: Self.record(.txt, "send.example.com", "v=spf1 include:a ~all"),
            value: "v=spf1 include:b include:a ~all")
        #expect(merged.value == "v=spf1 include:b include:a ~all")
    }

    @Test("a chosen host: no SOA or NS query, its conventions in every entry")
    func chosenHost() async throws {
        let zone = DNSZone()
        let server = try LoopbackDNSServer(zone: zone)
        var preflight = DNSPreflight(lookup: DNSResolver(servers: [server.address]))
        preflight.dnsHost = DNSHost(.route53, zone: "example.com")
        let record = Self.record(.txt, "_amazonses.example.com", "token")
        let report = try await preflight.check([record], domain: "example.com")
        #expect(report.dnsHost?.id == .route53)
        #expect(report.records[0].enter?.value == "\"token\"")
        // One TXT query for the record, and as it is missing one probe at name.zone and one at
        // the apex: no SOA, no NS.
        #expect(server.queryCount == 3)
    }

    @Test("the JSON form: host, value, priority and note, null where absent")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(EntryInstruction(host: "send", value: "v")), as: UTF8.self)
        #expect(text == #"{"host":"send","note":null,"priority":null,"value":"v"}"#)
    }
}

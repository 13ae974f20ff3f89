import Foundation
import SendingDomains
import SendingDomainsTesting
import Testing

@Suite("Record export: zone file, table, JSON")
struct RecordExportTests {
    static let longValue = "v=DKIM1; k=rsa; p=" + String(repeating: "A", count: 400)

    static let records = [
        DNSRecord(
            type: .txt, name: "example.com", domain: "example.com", value: "v=spf1 include:amazonses.com ~all",
            purpose: .spf),
        DNSRecord(
            type: .txt, name: "s1._domainkey.example.com", domain: "example.com", value: longValue, purpose: .dkim),
        DNSRecord(
            type: .txt, name: "_dmarc.example.com", domain: "example.com",
            value: #"v=DMARC1; p=none; rua="mailto:a@b"\x"#, ttl: .seconds(300), purpose: .dmarc, required: false),
        DNSRecord(
            type: .mx, name: "send.example.com", domain: "example.com", value: "feedback-smtp.us-east-1.amazonses.com",
            priority: 10, purpose: .returnPath),
        DNSRecord(
            type: .cname, name: "k1._domainkey.example.com.", domain: "example.com", value: "k1.dkim.amazonses.com",
            purpose: .dkim),
    ]

    /// Parses the zone fragment back: owner, TTL, type, and data with the TXT strings joined.
    static func parse(_ zone: String) -> [(owner: String, ttl: Int?, type: String, data: String)] {
        zone.split(separator: "\n").filter { !$0.hasPrefix(";") && !$0.hasPrefix("$") }.map { line in
            var rest = Substring(line)
            func word() -> String {
                rest = rest.drop { $0 == " " }
                let token = rest.prefix { $0 != " " }
                rest = rest.dropFirst(token.count)
                return String(token)
            }
            let owner = word()
            var next = word()
            var ttl: Int?
            if let value = Int(next) {
                ttl = value
                next = word()
            }
            #expect(next == "IN")
            let type = word()
            var data = String(rest.drop { $0 == " " })
            if type == "TXT" {
                var joined = ""
                var inside = false
                var escaped = false
                for character in data {
                    if escaped {
                        joined.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inside.toggle()
                    } else if inside {
                        joined.append(character)
                    }
                }
                data = joined
            }
            return (owner, ttl, type, data)
        }
    }

    @Test("the zone fragment parses back to the same records")
    func roundTrip() {
        let zone = RecordExport.zoneFile(Self.records, origin: "example.com")
        #expect(zone.contains("$ORIGIN example.com.\n$TTL 3600\n"))
        let parsed = Self.parse(zone)
        #expect(parsed.count == Self.records.count)
        for (record, line) in zip(Self.records, parsed) {
            #expect(line.owner == record.name + ".")
            #expect(line.type == record.type.rawValue)
            switch record.ttl {
            case .automatic: #expect(line.ttl == nil)
            case .seconds(let value): #expect(line.ttl == value)
            }
            switch record.type {
            case .txt: #expect(line.data == record.value)
            case .mx: #expect(line.data == "10 feedback-smtp.us-east-1.amazonses.com.")
            default: #expect(line.data == record.value + ".")
            }
        }
    }

    @Test("TXT values over 255 bytes are split into several quoted strings of at most 255 bytes")
    func txtSplitting() {
        let data = RecordExport.txtData(Self.longValue)
        let strings = data.split(separator: "\" \"")
        #expect(strings.count == 2)
        #expect(data.hasPrefix("\"") && data.hasSuffix("\""))
        let first = String(strings[0].dropFirst())
        #expect(first.utf8.count == 255)
        #expect(RecordExport.txtData("") == "\"\"")
        #expect(RecordExport.txtData(#"a"b\c"#) == #""a\"b\\c""#)
        // multi-byte characters are never cut in half
        let accented = String(repeating: "é", count: 200)
        #expect(RecordExport.txtData(accented).split(separator: "\" \"").allSatisfy { $0.utf8.count <= 256 })
    }

    @Test(
        "named-checkzone accepts the fragment inside a minimal zone",
        .enabled(
            if: ExternalTool.namedCheckzone.shouldRun, Comment(rawValue: ExternalTool.namedCheckzone.skipReason)))
    func namedCheckzone() async throws {
        try ExternalTool.namedCheckzone.require()
        let zone =
            RecordExport.zoneFile(Self.records, origin: "example.com")
            + "@ IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600\n@ IN NS ns1.example.com.\nns1 IN A 192.0.2.1\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sd-\(UUID().uuidString).zone")
        try zone.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ExternalTool.run(
            ["named-checkzone", "-q", "example.com", file.path], mergingErrors: true)
        #expect(result.status == 0, "\(zone)\n\(result.text)")
    }

    @Test("the table lists every record with a header")
    func table() {
        let table = RecordExport.table(Self.records)
        let lines = table.split(separator: "\n")
        #expect(lines.count == Self.records.count + 1)
        #expect(
            lines[0].split(separator: " ") == [
                "TYPE", "HOST", "VALUE", "PRIORITY", "TTL", "PURPOSE", "REQUIRED", "STATUS",
            ])
        #expect(lines[1].contains("@") && lines[1].contains("v=spf1"))
        #expect(lines[4].contains("MX") && lines[4].contains(" 10 "))
    }

    @Test("JSON export decodes back")
    func json() throws {
        let value = try JSONValue(data: Data(RecordExport.json(Self.records).utf8))
        guard case .array(let entries) = value else {
            Issue.record("not an array")
            return
        }
        #expect(entries.count == Self.records.count)
        #expect(entries[0]["host"] == "@")
        #expect(entries[0]["ttl"] == .null)
        #expect(entries[0]["status"] == .null)
        #expect(entries[0]["priority"] == .null)
        #expect(entries[2]["ttl"] == 300)
        #expect(entries[2]["required"] == false)
        #expect(entries[3]["priority"] == 10)
        #expect(entries[3]["purpose"] == "return-path")
    }

    @Test("records relative to the domain")
    func relative() {
        #expect(DNSRecord.relative("example.com.", to: "Example.com") == "@")
        #expect(DNSRecord.relative("_dmarc.example.com", to: "example.com") == "_dmarc")
        #expect(DNSRecord.relative("mail.other.org", to: "example.com") == "mail.other.org")
        #expect(DNSRecord.relative("notexample.com", to: "example.com") == "notexample.com")
    }
}

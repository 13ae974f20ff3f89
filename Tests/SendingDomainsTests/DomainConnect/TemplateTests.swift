import Foundation
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A DNS host applying a template, written from the spec alone ("Template Record", "SPF Record
/// Merging"), independent of the generator: variables substituted, hosts relative to
/// `[host.]domain` unless they end in a dot, `@` the applied name itself, an `SPFM` record into
/// an empty host as `v=spf1 <rules> ~all`.
enum TemplateApplier {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func apply(
        _ template: DomainConnect.Template, variables: [String: String], zone: String, host: String?,
        groups: [String]? = nil
    ) throws -> [DNSRecord] {
        let fqdn = (host?.isEmpty ?? true) ? zone : "\(host ?? "").\(zone)"
        var values = variables
        values["domain"] = zone
        values["host"] = host ?? ""
        values["fqdn"] = fqdn
        func substitute(_ text: String) throws -> String {
            var output = ""
            var rest = Substring(text)
            while let start = rest.firstIndex(of: "%") {
                output += rest[..<start]
                let after = rest[rest.index(after: start)...]
                guard let end = after.firstIndex(of: "%") else { throw Failure(description: "unclosed % in \(text)") }
                let name = String(after[..<end])
                guard let value = values[name] else { throw Failure(description: "no value for %\(name)%") }
                output += value
                rest = after[after.index(after: end)...]
            }
            return output + rest
        }
        func name(_ templateHost: String) throws -> String {
            let host = try substitute(templateHost)
            if host.isEmpty || host == "@" { return fqdn }
            if host.hasSuffix(".") { return String(host.dropLast()) }
            return "\(host).\(fqdn)"
        }
        var records: [DNSRecord] = []
        for record in template.records {
            if let groups, !groups.contains(record.groupID ?? "") { continue }
            let owner = try name(record.host)
            let ttl: RecordTTL = record.ttl.map { .seconds($0) } ?? .automatic
            switch record.type {
            case "SPFM":
                let rules = try substitute(try #require(record.spfRules))
                records.append(
                    DNSRecord(type: .txt, name: owner, domain: zone, value: "v=spf1 \(rules) ~all", purpose: .spf))
            case "TXT":
                records.append(
                    DNSRecord(
                        type: .txt, name: owner, domain: zone, value: try substitute(try #require(record.data)),
                        ttl: ttl,
                        purpose: .other))
            case "CNAME", "A", "AAAA":
                let value = try substitute(try #require(record.pointsTo))
                records.append(
                    DNSRecord(
                        type: DNSRecordType(rawValue: record.type), name: owner, domain: zone,
                        value: value == "@" ? fqdn : value, ttl: ttl, purpose: .other))
            case "MX":
                guard let priority = record.priority else { throw Failure(description: "MX without a priority") }
                records.append(
                    DNSRecord(
                        type: .mx, name: owner, domain: zone, value: try substitute(try #require(record.pointsTo)),
                        priority: priority, ttl: ttl, purpose: .other))
            default:
                throw Failure(description: "type \(record.type) not applied by this test host")
            }
        }
        return records
    }
}

@Suite("Domain Connect: templates from every provider's records")
struct DomainConnectTemplateTests {
    static let service = DomainConnect.Service(
        providerID: "platform.example", providerName: "Platform", serviceID: "sending", serviceName: "Sending domain",
        syncPubKeyDomain: "platform.example", syncRedirectDomain: "app.platform.example")

    static func records(_ provider: ProviderID, domain: String = "example.com") async throws -> [DNSRecord] {
        let sandbox = try Sandbox(provider)
        let created = try await sandbox.provisioner.createDomain(sandbox.request(domain))
        return try #require(created.records)
    }

    /// What a DNS answer shows of a record: type, name, value (an `MX` as `"10 host"`, names
    /// without the trailing dot), and the TTL where the provider gave one.
    static func shape(_ record: DNSRecord, ttl: Bool) -> String {
        var value = record.answerValue
        if record.type == .cname { value = value.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        return "\(record.type.rawValue) \(record.name) \(value)" + (ttl ? " ttl=\(record.ttl)" : "")
    }

    @Test(
        "applied to an empty zone with its values, the template gives back exactly the provider's records",
        arguments: ProviderID.all)
    func roundTrip(provider: ProviderID) async throws {
        for (domain, zone, host) in [
            ("example.com", "example.com", nil as String?), ("mail.example.co.uk", "example.co.uk", "mail"),
        ] {
            let records = try await Self.records(provider, domain: domain)
            let generated = try DomainConnect.Template.generate(from: records, domain: domain, service: Self.service)
            #expect(generated.template.records.count == records.count)
            let applied = try TemplateApplier.apply(
                generated.template, variables: generated.variables, zone: zone, host: host)
            #expect(applied.count == records.count)
            for (expected, got) in zip(records, applied) {
                let keepsTTL = expected.ttl != .automatic
                if expected.type == .txt, expected.value.lowercased().hasPrefix("v=spf1") {
                    // The DNS host ends the merged SPF record with its own `all` (the spec: `~all`).
                    #expect(SPFAll.strip(got.value) == SPFAll.strip(expected.value), "\(provider)")
                    #expect(got.value.hasSuffix(" ~all"))
                    #expect(got.name == expected.name)
                } else {
                    #expect(Self.shape(got, ttl: keepsTTL) == Self.shape(expected, ttl: keepsTTL), "\(provider)")
                }
            }
            // And the preflight, reading a zone holding exactly what the DNS host wrote, is satisfied.
            var dns = DNSZone()
            dns.publish(applied)
            let report = try await DNSPreflight(lookup: dns).check(records, domain: domain)
            #expect(report.ready, "\(provider): \(report.records.map { "\($0.record.name) \($0.state) \($0.detail)" })")
            #expect(report.records.allSatisfy { $0.state == .ok }, "\(provider)")
        }
    }

    @Test(
        "variables have stable names, none the apply URL uses; SPF is SPFM; DMARC has a group of its own",
        arguments: ProviderID.all)
    func shapeOfTheTemplate(provider: ProviderID) async throws {
        let records = try await Self.records(provider)
        let generated = try DomainConnect.Template.generate(from: records, domain: "example.com", service: Self.service)
        let template = generated.template
        #expect(generated.variables.keys.allSatisfy { !DomainConnect.reservedNames.contains($0) })
        let pattern = /^(verify|dkim|spf|returnPath|dmarc|tracking|inbound|record)[1-9][0-9]*(Host|Value|Rules)$/
        #expect(
            generated.variables.keys.allSatisfy { $0.wholeMatch(of: pattern) != nil }, "\(generated.variables.keys)")
        // Every variable the template uses has a value, and every value is used.
        let used = Set(
            template.records.flatMap { record in
                [record.host, record.pointsTo, record.data, record.spfRules].compactMap { $0 }
            }.flatMap { text in text.matches(of: /%([A-Za-z0-9_]+)%/).map { String($0.output.1) } })
        #expect(used == Set(generated.variables.keys))
        let spf = template.records.filter { $0.type == "SPFM" }
        #expect(spf.count == records.filter { $0.value.lowercased().hasPrefix("v=spf1") }.count)
        #expect(spf.allSatisfy { $0.spfRules != nil && $0.data == nil && $0.pointsTo == nil })
        #expect(!template.records.contains { $0.type == "TXT" && ($0.data ?? "").contains("v=spf1") })
        let dmarc = try #require(template.records.first { $0.groupID == DomainConnect.Template.dmarcGroup })
        #expect(dmarc.host == "_dmarc" && dmarc.type == "TXT")
        #expect(dmarc.txtConflictMatchingMode == "Prefix" && dmarc.txtConflictMatchingPrefix == "v=DMARC1")
        #expect(template.records.filter { $0.groupID == DomainConnect.Template.dmarcGroup }.count == 1)
        #expect(template.groupIDs == [DomainConnect.Template.sendingGroup, DomainConnect.Template.dmarcGroup])
        // The JSON carries the spec's keys.
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(template.json.utf8)) as? [String: Any])
        for key in [
            "providerId", "providerName", "serviceId", "serviceName", "version", "syncPubKeyDomain",
            "syncRedirectDomain", "records",
        ] {
            #expect(object[key] != nil, "\(key)")
        }
        let first = try #require((object["records"] as? [[String: Any]])?.first { $0["groupId"] as? String == "dmarc" })
        #expect(first["txtConflictMatchingPrefix"] as? String == "v=DMARC1")
        // Two customers at one provider share one template: only the values differ.
        let other = try DomainConnect.Template.generate(
            from: try await Self.records(provider, domain: "other.example"), domain: "other.example",
            service: Self.service)
        #expect(other.template == template)
    }

    @Test("the documented names for SendKit's records")
    func sendKitNames() async throws {
        let records = try await Self.records(.sendKit)
        let generated = try DomainConnect.Template.generate(from: records, domain: "example.com", service: Self.service)
        #expect(generated.variables["dkim1Host"] == "sendkit._domainkey")
        #expect(generated.variables["spf1Host"] == "send")
        #expect(generated.variables["spf1Rules"] == "include:amazonses.com")
        #expect(generated.variables["returnPath1Value"]?.hasPrefix("feedback-smtp.") == true)
        #expect(generated.variables["dmarc1Value"] == "v=DMARC1; p=none;")
        let mx = try #require(generated.template.records.first { $0.type == "MX" })
        #expect(mx.priority == 10 && mx.pointsTo == "%returnPath1Value%" && mx.host == "%returnPath1Host%")
    }

    @Test("unsigned templates warn of phishing; bad identities and empty record sets are refused")
    func refusals() throws {
        let record = DNSRecord(
            type: .txt, name: "_dmarc.example.com", domain: "example.com", value: "v=DMARC1; p=none", purpose: .dmarc)
        var service = Self.service
        service.syncPubKeyDomain = nil
        #expect(
            try DomainConnect.Template.generate(from: [record], domain: "example.com", service: service).template
                .warnPhishing == true)
        #expect(
            try DomainConnect.Template.generate(from: [record], domain: "example.com", service: Self.service).template
                .warnPhishing == nil)
        service.serviceID = "has space"
        #expect(throws: SendingDomainsError.self) {
            try DomainConnect.Template.generate(from: [record], domain: "example.com", service: service)
        }
        #expect(throws: SendingDomainsError.self) {
            try DomainConnect.Template.generate(from: [], domain: "example.com", service: Self.service)
        }
        let mx = DNSRecord(
            type: .mx, name: "send.example.com", domain: "example.com", value: "mx.example.net", purpose: .returnPath)
        #expect(throws: SendingDomainsError.self) {
            try DomainConnect.Template.generate(from: [mx], domain: "example.com", service: Self.service)
        }
    }
}

enum SPFAll {
    /// An SPF record's terms without its `all`.
    static func strip(_ record: String) -> [String] {
        record.split(separator: " ").map(String.init).filter {
            !["all", "-all", "~all", "?all", "+all"].contains($0.lowercased())
        }
    }
}

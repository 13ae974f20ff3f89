import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

@Suite("Provider migration")
struct MigrationTests {
    /// A domain created at `from`'s simulator with its records published in a zone, and a
    /// migration of it to `to`'s simulator whose preview is a fresh simulator of `to`.
    func migration(
        from: ProviderID, to: ProviderID, sourceRequest: DomainRequest = DomainRequest(name: "example.com"),
        zone extra: [(String, DNSRecordType, String)] = []
    ) async throws -> (DomainMigration, SendingDomain) {
        let source = try ProviderFactory.sandbox(from)
        var request = sourceRequest
        if from == .sendKit { request.region = "us-east-1" }
        let domain = try await source.createDomain(request)
        var zone = DNSZone()
        zone.publish(domain.records ?? [])
        for (name, type, value) in extra { zone.add(name, type, value) }
        let destination = try ProviderFactory.sandbox(to)
        let migration = DomainMigration(
            source: source, destination: destination, preflight: DNSPreflight(lookup: zone)
        ) {
            (try? ProviderFactory.sandbox(to)) ?? destination
        }
        return (migration, domain)
    }

    static let fullSets: [(ProviderID, ProviderID)] = [
        (.autoSend, .krafter), (.autoSend, .ahaSend), (.krafter, .autoSend), (.krafter, .ahaSend),
        (.ahaSend, .autoSend), (.ahaSend, .krafter),
    ]

    @Test("a plan for each ordered pair of AutoSend, Krafter and AhaSend", arguments: fullSets)
    func pairs(_ pair: (ProviderID, ProviderID)) async throws {
        let (from, to) = pair
        let (migration, source) = try await migration(from: from, to: to)
        let plan = try await migration.plan(sourceID: source.id)
        #expect(plan.domain == "example.com")
        #expect(plan.from == .init(provider: from, id: source.id))
        #expect(plan.to.provider == to && plan.to.id != nil)
        #expect(plan.conflicts.isEmpty, "\(plan.conflicts)")
        let all = plan.add + plan.keep + plan.removeAfterCutover
        // One DMARC record, never two.
        #expect(all.filter { $0.record.name == "_dmarc.example.com" }.count == 1)
        #expect(plan.keep.contains { $0.record.name == "_dmarc.example.com" })
        // The destination's records are published now; the source's DKIM goes after cutover.
        let destination = try #require(try await migration.destination.findDomain(named: "example.com").records)
        for record in destination where record.purpose == .dkim {
            #expect(plan.add.contains { $0.record.name == record.name }, "\(record.name)")
        }
        for record in source.records ?? [] where record.purpose == .dkim {
            #expect(plan.removeAfterCutover.contains { $0.record.name == record.name }, "\(record.name)")
        }
        // Never a removal at a name the destination uses.
        let names = Set(destination.map(\.name))
        #expect(plan.removeAfterCutover.allSatisfy { !names.contains($0.record.name) })
        // The source's records are published: what to remove is in place, what to add is missing.
        #expect(plan.removeAfterCutover.allSatisfy { $0.state == .ok }, "\(plan.removeAfterCutover.map(\.state))")
        #expect(plan.add.filter { $0.record.purpose == .dkim }.allSatisfy { $0.state == .missing })
        #expect(plan.steps.contains { $0.contains("removeAfterCutover") })
    }

    @Test("Krafter to SendKit: the shared MAIL FROM host is kept when both agree, a conflict when they do not")
    func krafterToSendKit() async throws {
        let (same, source) = try await migration(from: .krafter, to: .sendKit)
        let agreeing = try await same.plan(
            sourceID: source.id, request: DomainRequest(name: "", region: "eu-central-1"))
        #expect(agreeing.conflicts.isEmpty, "\(agreeing.conflicts)")
        #expect(agreeing.keep.contains { $0.record.type == .mx && $0.record.name == "send.example.com" })
        #expect(agreeing.keep.contains { $0.record.type == .txt && $0.record.name == "send.example.com" })
        #expect(!agreeing.removeAfterCutover.contains { $0.record.name == "send.example.com" })

        let (other, again) = try await migration(from: .krafter, to: .sendKit)
        let colliding = try await other.plan(sourceID: again.id, request: DomainRequest(name: "", region: "us-east-1"))
        #expect(colliding.conflicts.map(\.name) == ["send.example.com"])
        #expect(colliding.conflicts.first?.detail.contains("SendKit takes no other label") == true)
        #expect(colliding.hasConflicts)
    }

    @Test(
        "a collision at the MAIL FROM host: a free label at Krafter (return_path) and AhaSend (return_path_subdomain)")
    func collision() async throws {
        // AhaSend's return path at send., where Krafter puts its MAIL FROM by default.
        let (toKrafter, aha) = try await migration(
            from: .ahaSend, to: .krafter, sourceRequest: DomainRequest(name: "example.com", returnPathSubdomain: "send")
        )
        let plan = try await toKrafter.plan(sourceID: aha.id)
        #expect(plan.conflicts.isEmpty, "\(plan.conflicts)")
        #expect(plan.destinationRequest.returnPathSubdomain == "mail")
        #expect(plan.resolutions.contains { $0.contains("return_path") && $0.contains("mail.example.com") })
        #expect(plan.add.contains { $0.record.name == "mail.example.com" && $0.record.type == .mx })
        #expect(plan.steps.contains { $0.contains("mail.example.com") })

        // Krafter's MAIL FROM at psrp., AhaSend's default return-path label.
        let (toAhaSend, krafter) = try await migration(
            from: .krafter, to: .ahaSend, sourceRequest: DomainRequest(name: "example.com", returnPathSubdomain: "psrp")
        )
        let other = try await toAhaSend.plan(sourceID: krafter.id)
        #expect(other.conflicts.isEmpty, "\(other.conflicts)")
        #expect(other.destinationRequest.returnPathSubdomain == "mail")
        #expect(other.resolutions.contains { $0.contains("return_path_subdomain") })
    }

    @Test("the transition SPF record carries both providers' mechanisms, counted by the preflight")
    func transitionSPF() async throws {
        func domain(_ provider: ProviderID, _ spf: String) -> SendingDomain {
            SendingDomain(
                id: "x", name: "example.com", provider: provider, status: .pending,
                records: [
                    DNSRecord(type: .txt, name: "send.example.com", domain: "example.com", value: spf, purpose: .spf)
                ],
                providerDomain: .cllavio(.init(name: "example.com", entries: [:])))
        }
        var zone = DNSZone()
        zone.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
        zone.add("amazonses.com", .txt, "v=spf1 ip4:192.0.2.0/24 ~all")
        zone.add("spf.other.example", .txt, "v=spf1 ip4:198.51.100.0/24 -all")
        let plan = try await DomainMigration.plan(
            source: domain(.krafter, "v=spf1 include:amazonses.com ~all"),
            destination: domain(.autoSend, "v=spf1 include:spf.other.example -all"),
            preflight: DNSPreflight(lookup: zone))
        let spf = try #require(plan.add.first { $0.record.name == "send.example.com" })
        #expect(spf.record.value == "v=spf1 include:amazonses.com include:spf.other.example ~all")
        #expect(spf.spf?.lookups == 2)
        #expect(plan.transitionSPF == ["send.example.com"])
        #expect(plan.conflicts.isEmpty)
        #expect(DomainMigration.transitionSPF("v=spf1 mx -all", "v=spf1 a mx ~all") == "v=spf1 mx a ~all")

        // Eleven lookups: a conflict with the preflight's count.
        var full = DNSZone()
        let includes = (1...10).map { "include:s\($0).example" }
        for index in 1...10 { full.add("s\(index).example", .txt, "v=spf1 ip4:192.0.2.\(index) -all") }
        full.add("spf.other.example", .txt, "v=spf1 ip4:198.51.100.0/24 -all")
        let over = try await DomainMigration.plan(
            source: domain(.krafter, "v=spf1 " + includes.joined(separator: " ") + " ~all"),
            destination: domain(.autoSend, "v=spf1 include:spf.other.example -all"),
            preflight: DNSPreflight(lookup: full))
        #expect(over.conflicts.map(\.name) == ["send.example.com"], "\(over.conflicts)")
        #expect(over.conflicts.first?.detail.contains("11 DNS lookups") == true, "\(over.conflicts)")
    }

    @Test("a CNAME at a name the destination wants is a conflict, for its SPF record and its MX alike")
    func cnameCollision() async throws {
        func domain(_ provider: ProviderID, _ records: [DNSRecord]) -> SendingDomain {
            SendingDomain(
                id: "x", name: "example.com", provider: provider, status: .pending, records: records,
                providerDomain: .cllavio(.init(name: "example.com", entries: [:])))
        }
        let source = domain(
            .ahaSend,
            [
                DNSRecord(
                    type: .cname, name: "send.example.com", domain: "example.com", value: "return.ahasend.com",
                    purpose: .returnPath)
            ])
        let destination = domain(
            .sendKit,
            [
                DNSRecord(
                    type: .txt, name: "send.example.com", domain: "example.com",
                    value: "v=spf1 include:amazonses.com ~all", purpose: .spf),
                DNSRecord(
                    type: .mx, name: "send.example.com", domain: "example.com",
                    value: "feedback-smtp.us-east-1.amazonses.com", priority: 10, purpose: .returnPath),
            ])
        let plan = try await DomainMigration.plan(
            source: source, destination: destination, preflight: DNSPreflight(lookup: DNSZone()))
        #expect(plan.conflicts.map(\.name) == ["send.example.com", "send.example.com"])
        #expect(plan.add.isEmpty)
        #expect(plan.removeAfterCutover.isEmpty, "never a removal at a name the destination uses")
    }

    @Test("a dry run creates nothing and marks the destination's records as placeholders")
    func dryRun() async throws {
        let (migration, source) = try await migration(from: .autoSend, to: .krafter)
        let plan = try await migration.plan(sourceID: source.id, dryRun: true)
        #expect(plan.to.id == nil)
        #expect(plan.add.allSatisfy { $0.detail.hasPrefix("placeholder") })
        let error = await #expect(throws: SendingDomainsError.self) {
            try await migration.destination.findDomain(named: "example.com")
        }
        #expect(error?.kind == .notFound)
    }

    @Test("a source without a read endpoint is refused")
    func createOnlySource() async throws {
        let migration = DomainMigration(
            source: try ProviderFactory.sandbox(.sendKit), destination: try ProviderFactory.sandbox(.krafter),
            preflight: DNSPreflight(lookup: DNSZone()))
        let error = await #expect(throws: SendingDomainsError.self) { try await migration.plan(sourceID: "x") }
        #expect(error?.kind == .unsupportedOperation)
    }
}

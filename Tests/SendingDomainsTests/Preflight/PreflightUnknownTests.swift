import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A lookup over a zone that fails (kind `dns`, `SERVFAIL`) for the names in `failing`.
struct FailingNames: DNSLookup {
    let zone: DNSZone
    let failing: Set<String>
    var description: String { "failing names" }
    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        if failing.contains(DNSName.normalized(name)) {
            throw SendingDomainsError(
                kind: .dns, message: "test answered SERVFAIL for \(name) \(type.rawValue)", operation: "dnsQuery",
                code: "SERVFAIL")
        }
        return try await zone.query(name, type: type)
    }
}

@Suite("DNS preflight: a lookup that fails is `unknown`, and the rest of the report is made")
struct PreflightUnknownTests {
    static let domain = "example.com"
    static func record(_ type: DNSRecordType, _ name: String, _ value: String, priority: Int? = nil) -> DNSRecord {
        DNSRecord(type: type, name: name, domain: domain, value: value, priority: priority, purpose: .other)
    }

    static let token = record(.txt, "_amazonses.example.com", "amazonses:abc123")
    static let mx = record(.mx, "send.example.com", "feedback-smtp.us-east-1.amazonses.com", priority: 10)
    static let cname = record(.cname, "em.example.com", "u123.wl.sendgrid.net")

    static func zone() -> DNSZone {
        var zone = DNSZone()
        zone.add(domain, .soa, "ada.ns.cloudflare.com hostmaster.example.com 1 300")
        zone.add(domain, .ns, "ada.ns.cloudflare.com")
        zone.publish([token, mx, cname])
        return zone
    }

    @Test(
        "a server that SERVFAILs (or REFUSEs) one name: that record unknown, the others checked",
        arguments: [DNSResponseCode.serverFailure, .refused])
    func failingName(_ code: DNSResponseCode) async throws {
        let server = try LoopbackDNSServer(zone: Self.zone())
        server.fail("send.example.com", with: .responseCode(code))
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 2)
        let report = try await DNSPreflight(lookup: resolver).check(
            [Self.token, Self.mx, Self.cname], domain: "example.com")
        #expect(report.records.map(\.state) == [.ok, .unknown, .ok])
        #expect(report.records[1].reason == nil)
        #expect(report.records[1].detail.contains(code.description))
        #expect(report.records[1].detail.contains("No conclusion"))
        #expect(report.dnsHost?.id == .cloudflare)
        #expect(!report.ready)
        #expect(!report.isConclusive)
        #expect(report.records[1].enter?.host == "send")
    }

    @Test("a server that never answers one query: that record unknown after the retries, the others checked")
    func silentQuery() async throws {
        let server = try LoopbackDNSServer(zone: Self.zone())
        server.fail("_amazonses.example.com", type: .txt, with: .silence)
        let resolver = DNSResolver(servers: [server.address], timeout: .milliseconds(300), attempts: 2)
        let report = try await DNSPreflight(lookup: resolver).check(
            [Self.token, Self.mx, Self.cname], domain: "example.com")
        #expect(report.records.map(\.state) == [.unknown, .ok, .ok])
        #expect(report.records[0].detail.contains("No answer"))
        #expect(report.records[0].detail.contains("2 attempts"))
    }

    @Test("a wrong record beside an unknown one: the report is a conclusion")
    func conclusive() async throws {
        var zone = Self.zone()
        zone.remove("em.example.com")
        zone.add("em.example.com", .cname, "other.example.net")
        let report = try await DNSPreflight(lookup: FailingNames(zone: zone, failing: ["send.example.com"])).check(
            [Self.token, Self.mx, Self.cname], domain: "example.com")
        #expect(report.records.map(\.state) == [.ok, .unknown, .mismatch])
        #expect(report.isConclusive)
    }

    @Test("host detection that fails leaves the host unknown, the zone the domain; the records are checked")
    func detectionFails() async throws {
        let report = try await DNSPreflight(lookup: FailingNames(zone: Self.zone(), failing: ["example.com"])).check(
            [Self.token, Self.mx], domain: "example.com")
        #expect(report.dnsHost == DNSHost.unknown(zone: "example.com"))
        #expect(report.records.map(\.state) == [.ok, .ok])
    }

    @Test("a wait whose required records are unknown asks the provider only at its fallback interval")
    func waitFallsBack() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let simulator = ProviderSimulator.krafter(checksToVerify: 1_000, now: clock.timeSource.date)
        let provider = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .krafter),
            options: ClientOptions(
                transport: MockTransport { try await simulator.send($0) }, timeSource: clock.timeSource))
        let domain = try await provider.createDomain(DomainRequest(name: "example.com"))
        let records = try #require(domain.records)
        var zone = DNSZone()
        zone.publish(records)
        let lookup = FailingNames(zone: zone, failing: Set(records.map { DNSName.normalized($0.name) }))
        let asked = Locked<[Duration]>([])
        let states = Locked<Set<PreflightState>>([])
        let policy = PollingPolicy(
            initialInterval: .seconds(10), maximumInterval: .seconds(10), providerFallbackInterval: .seconds(60))
        let error = await captureError {
            try await provider.waitUntilVerified(
                domain, timeout: .seconds(130), policy: policy, preflight: DNSPreflight(lookup: lookup)
            ) { progress in
                if progress.askedProvider { asked.withLock { $0.append(progress.elapsed) } }
                for result in progress.preflight?.records ?? [] { states.withLock { _ = $0.insert(result.state) } }
            }
        }
        #expect(error?.kind == .timeout)
        #expect(states.withLock { $0 } == [.unknown])
        #expect(asked.withLock { $0 }.map { Int($0.seconds) } == [60, 120])
    }

    /// Watches one Krafter domain whose records are published on a loopback DNS server, which
    /// `change` then alters; returns the events seen by the time the fourth check was sent.
    static func watch(_ change: (LoopbackDNSServer, [DNSRecord]) -> Void) async throws -> [DomainEvent] {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let simulator = ProviderSimulator.krafter(checksToVerify: 1_000, now: clock.timeSource.date)
        let checks = Locked(0)
        let provider = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .krafter),
            options: ClientOptions(
                transport: MockTransport { request in
                    if request.method == .get { checks.withLock { $0 += 1 } }
                    return try await simulator.send(request)
                }, rateLimiting: .disabled, timeSource: clock.timeSource))
        let created = try await provider.createDomain(DomainRequest(name: "example.com"))
        let domain = try await provider.getDomain(id: created.id)
        let records = try #require(domain.records)
        var zone = DNSZone()
        zone.publish(records)
        let server = try LoopbackDNSServer(zone: zone)
        let preflight = DNSPreflight(
            lookup: DNSResolver(servers: [server.address], timeout: .milliseconds(300), attempts: 2))
        let first = try await preflight.check(domain)
        #expect(first.ready)
        change(server, records)
        checks.withLock { $0 = 0 }
        let options = DomainWatcher.Options(
            changingInterval: .seconds(60), stableInterval: .seconds(60), preflight: preflight,
            timeSource: clock.timeSource)
        let watcher = DomainWatcher(
            providers: [provider], snapshot: WatchSnapshot(domains: [domain], preflight: [first]), options: options)
        let events = Locked<[DomainEvent]>([])
        let consumer = Task {
            for try await event in watcher.events() { events.withLock { $0.append(event) } }
        }
        while checks.withLock({ $0 }) < 4 { try await Task.sleep(for: .milliseconds(5)) }
        consumer.cancel()
        _ = try? await consumer.value
        return events.withLock { $0 }
    }

    @Test("a watch over a domain whose record's name SERVFAILs or times out reports nothing new")
    func watchReportsNothing() async throws {
        let failing = try await Self.watch { server, records in
            server.fail(records[0].name, with: .responseCode(.serverFailure))
            if records.count > 1 { server.fail(records[1].name, with: .silence) }
        }
        #expect(failing.isEmpty, "\(failing.map(\.change))")
        // The same watch over a record really removed reports it: the harness sees events.
        let removed = try await Self.watch { server, records in
            server.zone.remove(records[0].name)
        }
        // (Only the DNS state of the removed record changes: any event is its recordChanged.)
        #expect(!removed.isEmpty)
    }
}

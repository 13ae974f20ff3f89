import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

@Suite("Watching many domains, and the one event type")
struct WatchTests {
    /// One provider's simulator, a provisioner for the test's own setup and changes, and one for
    /// the watcher whose every request is logged with the virtual time it was sent at.
    struct Side {
        let provider: ProviderID
        let simulator: ProviderSimulator
        let admin: any DomainProvisioning
        let watched: any DomainProvisioning
    }

    static func side(
        _ provider: ProviderID, clock: VirtualClock, log: Locked<[(ProviderID, Duration)]>
    ) -> Side {
        let simulator = ProviderSimulator.sandbox(for: provider, checksToVerify: .max, now: clock.timeSource.date)
        let credentials = ProviderSimulator.sandboxCredentials(for: provider)
        let admin = ProviderFactory.make(
            credentials,
            options: ClientOptions(transport: simulator, rateLimiting: .disabled, timeSource: clock.timeSource))
        let recording = MockTransport { request in
            log.withLock { $0.append((provider, clock.now)) }
            return try await simulator.send(request)
        }
        let watched = ProviderFactory.make(
            credentials,
            options: ClientOptions(transport: recording, rateLimiting: .disabled, timeSource: clock.timeSource))
        return Side(provider: provider, simulator: simulator, admin: admin, watched: watched)
    }

    @Test(
        "1,000 domains at three providers: within each provider's share, every change reported once, cancellation stops it",
        .timeLimit(.minutes(2)))
    func thousandDomains() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let log = Locked<[(ProviderID, Duration)]>([])
        let sides = [ProviderID.ahaSend, .autoSend, .krafter].map { Self.side($0, clock: clock, log: log) }
        var domains: [SendingDomain] = []
        for (index, side) in sides.enumerated() {
            for number in 0..<(index == 0 ? 334 : 333) {
                domains.append(
                    try await side.admin.createDomain(
                        DomainRequest(name: "d\(number).\(side.provider.rawValue).example.com")))
            }
        }
        #expect(domains.count == 1_000)
        let snapshot = WatchSnapshot(domains: domains)

        // The customer publishes the records of every tenth domain, and the provider verifies it.
        var changed: [String: DomainStatus] = [:]
        for side in sides {
            for domain in domains.filter({ $0.provider == side.provider }).enumerated().filter({ $0.offset % 10 == 0 })
                .map(\.element)
            {
                await side.simulator.publishRecords(for: domain.name)
                _ = try await side.admin.verifyDomain(id: domain.id)
                changed[domain.id] = try await side.admin.getDomain(id: domain.id).status
            }
        }
        #expect(changed.count == 34 * 3)
        #expect(changed.values.allSatisfy { $0 != .pending })

        let watcher = DomainWatcher(
            providers: sides.map(\.watched), snapshot: snapshot, options: .init(timeSource: clock.timeSource))
        let events = Locked<[DomainEvent]>([])
        let consumer = Task {
            for try await event in watcher.events() { events.withLock { $0.append(event) } }
        }
        // Two rounds of checks: every domain checked, then checked again.
        while log.withLock({ $0.count }) < 2_100 { try await Task.sleep(for: .milliseconds(2)) }
        consumer.cancel()
        _ = try? await consumer.value
        let stopped = log.withLock { $0.count }
        try await Task.sleep(for: .milliseconds(50))
        #expect(log.withLock { $0.count } <= stopped + 3)  // at most the checks already in flight
        try await Task.sleep(for: .milliseconds(50))
        let final = log.withLock { $0.count }
        try await Task.sleep(for: .milliseconds(50))
        #expect(log.withLock { $0.count } == final, "requests went on after cancellation")

        // Every provider within its share: no 10-second window holds more than rate × 10 + burst.
        let requests = log.withLock { $0 }
        for (provider, share) in DomainWatcher.Options.defaultShares {
            let times = requests.filter { $0.0 == provider }.map(\.1).sorted()
            #expect(times.count > 300, "\(provider) was polled")
            var start = 0
            var worst = 0
            for end in times.indices {
                while times[end] - times[start] >= .seconds(10) { start += 1 }
                worst = max(worst, end - start + 1)
            }
            #expect(Double(worst) <= share.rate * 10 + Double(share.burst), "\(provider): \(worst) requests in 10 s")
        }

        // Every status change reported exactly once; nothing for the domains that did not change.
        let seen = events.withLock { $0 }
        let statusEvents = seen.filter {
            switch $0.change.kind {
            case .verified, .failed, .statusChanged: true
            default: false
            }
        }
        #expect(Set(statusEvents.map(\.domainID)) == Set(changed.keys))
        #expect(statusEvents.count == changed.count, "a change was reported twice")
        #expect(seen.allSatisfy { changed[$0.domainID] != nil })
        let recordEvents = seen.compactMap { event -> String? in
            if event.change.kind == .recordChanged, let change = event.change.record {
                return
                    "\(event.domainID) \(change.record.type) \(change.record.name) \(change.record.value) \(change.to)"
            }
            return nil
        }
        #expect(Set(recordEvents).count == recordEvents.count, "a record change was reported twice")
        let snapshotAfter = await watcher.snapshot
        #expect(snapshotAfter.entries.count == 1_000)
        #expect(snapshotAfter.entries.allSatisfy { $0.lastCheckedAt != nil })
        #expect(snapshotAfter.entries.filter { changed[$0.id] != nil }.allSatisfy { $0.status != "pending" })
    }

    @Test("stable domains are checked less often; a restart from the snapshot reports nothing old")
    func stableAndRestart() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let log = Locked<[(ProviderID, Duration)]>([])
        let side = Self.side(.ahaSend, clock: clock, log: log)
        let domain = try await side.admin.createDomain(DomainRequest(name: "example.com"))
        let options = DomainWatcher.Options(
            changingInterval: .seconds(60), stableInterval: .seconds(600), stableAfter: 3, timeSource: clock.timeSource)
        let watcher = DomainWatcher(
            providers: [side.watched], snapshot: WatchSnapshot(domains: [domain]), options: options)
        let consumer = Task { for try await _ in watcher.events() {} }
        while log.withLock({ $0.count }) < 6 { try await Task.sleep(for: .milliseconds(1)) }
        consumer.cancel()
        _ = try? await consumer.value
        let times = log.withLock { $0 }.map(\.1)
        let gaps = zip(times.dropFirst(), times).map { ($0 - $1) }
        // Checked at once, then after 60 s twice, then (three unchanged checks) every 600 s.
        #expect(gaps.prefix(5).map { Int($0.seconds.rounded()) } == [60, 60, 600, 600, 600])

        // A restart from the stored snapshot: the domain verified meanwhile, reported once.
        let stored = try JSONDecoder().decode(WatchSnapshot.self, from: JSONEncoder().encode(await watcher.snapshot))
        await side.simulator.publishRecords(for: "example.com")
        _ = try await side.admin.verifyDomain(id: domain.id)
        let restarted = DomainWatcher(providers: [side.watched], snapshot: stored, options: options)
        var iterator = restarted.events().makeAsyncIterator()
        let event = try await iterator.next()
        #expect(event?.change == .verified)
        #expect(event?.domainName == "example.com")
    }

    @Test("an AhaSend domain.dns_error webhook maps into the unified event; other deliveries do not")
    func webhookMapsIn() throws {
        let body = Data(
            #"{"type":"domain.dns_error","timestamp":"2024-05-06T12:59:46.404433272Z","data":{"domain":"example.com","account_id":"00000000-0000-4000-8000-000000000001","spf_valid":false,"dkim_valid":true,"dmarc_valid":true,"dns_last_checked_at":"2024-05-06T12:59:46.404433312Z"}}"#
                .utf8)
        let webhook = try AhaSend.WebhookEvent(
            id: "msg_1", deliveredAt: Date(timeIntervalSince1970: 1_715_000_000), body: body)
        let event = try #require(DomainEvent(webhook))
        #expect(event.provider == .ahaSend)
        #expect(event.domainID == "example.com")
        guard event.change.kind == .dnsError, let report = event.change.dnsErrorReport else {
            Issue.record("\(event.change)")
            return
        }
        #expect(report.spfValid == false && report.dkimValid == true)
        let other = try AhaSend.WebhookEvent(
            id: "msg_2", deliveredAt: Date(timeIntervalSince1970: 1_715_000_000),
            body: Data(#"{"type":"message.delivered","data":{}}"#.utf8))
        #expect(DomainEvent(other) == nil)
    }
}

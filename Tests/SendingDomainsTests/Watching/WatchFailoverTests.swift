import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A lease coordinator in memory, with the real clock: what Redis does, for the watcher's own
/// tests. `releases` false simulates a killed process (it never releases).
final class MemoryLeases: LeaseCoordinator {
    struct Lease {
        var token: String
        var until: ContinuousClock.Instant
    }

    let leases = Locked<[String: Lease]>([:])
    let snapshots = Locked<[String: Data]>([:])
    let releases = Locked(true)
    let unreachable = Locked(false)
    var displayName: String { "memory" }

    func check() throws(SendingDomainsError) {
        if unreachable.withLock({ $0 }) { throw SendingDomainsError(kind: .transport, message: "unreachable") }
    }

    func acquire(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool {
        try check()
        return leases.withLock { leases in
            if let held = leases[name], held.until > .now, held.token != token { return false }
            leases[name] = Lease(token: token, until: .now + lifetime)
            return true
        }
    }

    func renew(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool {
        try check()
        return leases.withLock { leases in
            guard let held = leases[name], held.token == token, held.until > .now else { return false }
            leases[name] = Lease(token: token, until: .now + lifetime)
            return true
        }
    }

    func release(_ name: String, token: String) async throws(SendingDomainsError) {
        guard releases.withLock({ $0 }) else { return }
        leases.withLock { leases in if leases[name]?.token == token { leases[name] = nil } }
    }

    func saveSnapshot(_ snapshot: Data, for name: String, token: String) async throws(SendingDomainsError) -> Bool {
        try check()
        let holds = leases.withLock { $0[name]?.token == token }
        if holds { snapshots.withLock { $0[name] = snapshot } }
        return holds
    }

    func loadSnapshot(for name: String) async throws(SendingDomainsError) -> Data? {
        try check()
        return snapshots.withLock { $0[name] }
    }
}

@Suite("One active watcher per named watch, with failover", .serialized)
struct WatchFailoverTests {
    struct Instance {
        let watcher: DomainWatcher
        let roles: Locked<[DomainWatcher.Role]>
        let events: Locked<[DomainEvent]>
        let task: Task<Void, Never>
    }

    static func instance(
        _ leases: MemoryLeases, _ provisioner: any DomainProvisioning, _ snapshot: WatchSnapshot, name: String,
        lease: Duration = .seconds(1)
    ) -> Instance {
        let roles = Locked<[DomainWatcher.Role]>([])
        let events = Locked<[DomainEvent]>([])
        var options = DomainWatcher.Options(changingInterval: .milliseconds(20), stableInterval: .milliseconds(20))
        options.coordination = .init(coordinator: leases, name: "customers", lease: lease, instance: name) {
            change in roles.withLock { $0.append(change.role) }
        }
        let watcher = DomainWatcher(providers: [provisioner], snapshot: snapshot, options: options)
        let task = Task {
            do {
                for try await event in watcher.events() { events.withLock { $0.append(event) } }
            } catch {}
        }
        return Instance(watcher: watcher, roles: roles, events: events, task: task)
    }

    static func until(_ condition: () -> Bool) async throws {
        while !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test(
        "only the lease holder polls; after a kill the standby resumes from the snapshot and every change is reported once",
        .timeLimit(.minutes(2)))
    func failover() async throws {
        let simulator = ProviderSimulator.ahaSend()
        let admin = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .ahaSend),
            options: ClientOptions(transport: simulator, rateLimiting: .disabled))
        let polls = Locked<[String]>([])
        let leases = MemoryLeases()
        // Each poll, and whether the instance that sent it held the lease at that moment.
        let unheld = Locked<[String]>([])
        var domains: [SendingDomain] = []
        for index in 0..<4 {
            domains.append(try await admin.createDomain(DomainRequest(name: "d\(index).example.com")))
        }
        let snapshot = WatchSnapshot(domains: domains)
        func provisioner(_ name: String) -> any DomainProvisioning {
            ProviderFactory.make(
                ProviderSimulator.sandboxCredentials(for: .ahaSend),
                options: ClientOptions(
                    transport: MockTransport { request in
                        polls.withLock { $0.append(name) }
                        let holds = leases.leases.withLock { leases in
                            leases["watch:customers"].map { $0.token == name && $0.until > .now } ?? false
                        }
                        if !holds { unheld.withLock { $0.append(name) } }
                        return try await simulator.send(request)
                    }, rateLimiting: .disabled))
        }
        // A 5 s lease: renewals and checks keep a second of margin even on a loaded machine.
        let first = Self.instance(leases, provisioner("first"), snapshot, name: "first", lease: .seconds(5))
        try await Self.until { first.roles.withLock { $0.contains(.active) } }
        let second = Self.instance(leases, provisioner("second"), snapshot, name: "second", lease: .seconds(5))
        try await Self.until { polls.withLock { $0.count } >= 8 && second.roles.withLock { !$0.isEmpty } }

        // Two changes while the first is active: reported by it, once each.
        await simulator.publishRecords(for: "d0.example.com")
        _ = try await admin.verifyDomain(id: "d0.example.com")
        try await Self.until { first.events.withLock { $0.contains { $0.domainID == "d0.example.com" } } }

        // The snapshot the first saved knows d0 is verified…
        try await Self.until {
            guard let data = leases.snapshots.withLock({ $0["watch:customers"] }),
                let saved = try? JSONDecoder().decode(WatchSnapshot.self, from: data)
            else { return false }
            return saved.entries.first { $0.id == "d0.example.com" }?.status == "verified"
        }
        // …then the first is killed: it never releases its lease.
        leases.releases.withLock { $0 = false }
        first.task.cancel()
        _ = await first.task.value
        leases.releases.withLock { $0 = true }
        await simulator.publishRecords(for: "d1.example.com")
        _ = try await admin.verifyDomain(id: "d1.example.com")
        try await Self.until { second.roles.withLock { $0.contains(.active) } }
        try await Self.until { second.events.withLock { $0.contains { $0.domainID == "d1.example.com" } } }
        second.task.cancel()
        _ = await second.task.value

        // At least once, deduplicated by id: the same change has the same id whoever reports it.
        // Whoever polled held the lease as it polled: never two active at once.
        #expect(unheld.withLock { $0 }.isEmpty, "polls without the lease: \(unheld.withLock { $0 })")
        let all = first.events.withLock { $0 } + second.events.withLock { $0 }
        var byID: [String: DomainEvent] = [:]
        for event in all {
            if let seen = byID[event.id] {
                #expect(seen.change == event.change && seen.domainID == event.domainID, "id \(event.id) reused")
            }
            byID[event.id] = event
        }
        let verified = byID.values.filter { $0.change == .verified }.map(\.domainID).sorted()
        #expect(verified == ["d0.example.com", "d1.example.com"], "\(all.map { "\($0.id) \($0.change)" })")
        #expect(
            !second.events.withLock { $0 }.contains { $0.domainID == "d0.example.com" },
            "the standby resumed from the snapshot")
    }

    @Test(
        "an active instance cut off from the coordinator stops polling once its lease may have expired",
        .timeLimit(.minutes(2)))
    func noSplitBrain() async throws {
        let simulator = ProviderSimulator.ahaSend()
        let admin = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .ahaSend),
            options: ClientOptions(transport: simulator, rateLimiting: .disabled))
        let domain = try await admin.createDomain(DomainRequest(name: "example.com"))
        let polls = Locked<[ContinuousClock.Instant]>([])
        let watched = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .ahaSend),
            options: ClientOptions(
                transport: MockTransport { request in
                    polls.withLock { $0.append(.now) }
                    return try await simulator.send(request)
                }, rateLimiting: .disabled))
        let leases = MemoryLeases()
        let only = Self.instance(leases, watched, WatchSnapshot(domains: [domain]), name: "only", lease: .seconds(2))
        try await Self.until { polls.withLock { $0.count } >= 3 }
        // Cut off: no renewal reaches the coordinator, so the lease expires when it says.
        leases.unreachable.withLock { $0 = true }
        let expiry = try #require(leases.leases.withLock { $0["watch:customers"]?.until })
        try await Self.until { only.roles.withLock { $0 }.last == .standby }
        let stopped = polls.withLock { $0.count }
        try await Task.sleep(for: .milliseconds(300))
        #expect(polls.withLock { $0.count } == stopped, "polled after standing down")
        let late = polls.withLock { $0 }.filter { $0 >= expiry }
        #expect(late.isEmpty, "\(late.count) polls on an expired lease")
        only.task.cancel()
        _ = await only.task.value
    }

    @Test("cancelling the iteration has released the lease by the time it returns; iterating again after a break works")
    func releaseOnCancel() async throws {
        let simulator = ProviderSimulator.ahaSend()
        let admin = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .ahaSend),
            options: ClientOptions(transport: simulator, rateLimiting: .disabled))
        let domain = try await admin.createDomain(DomainRequest(name: "example.com"))
        let leases = MemoryLeases()
        let only = Self.instance(leases, admin, WatchSnapshot(domains: [domain]), name: "only", lease: .seconds(30))
        try await Self.until { only.roles.withLock { $0.contains(.active) } }
        only.task.cancel()
        _ = await only.task.value
        #expect(leases.leases.withLock { $0["watch:customers"] } == nil, "the lease outlived the iteration")

        // Without coordination: break out, then iterate the same watcher again.
        let watcher = DomainWatcher(
            providers: [admin], snapshot: WatchSnapshot(domains: [domain]),
            options: .init(changingInterval: .milliseconds(10)))
        await simulator.publishRecords(for: "example.com")
        _ = try await admin.verifyDomain(id: "example.com")
        for try await _ in watcher.events() { break }
        var again = watcher.events().makeAsyncIterator()
        let next = Task { try await again.next() }
        try await Task.sleep(for: .milliseconds(50))
        next.cancel()
        let result = await next.result
        if case .failure(let error) = result { Issue.record("iterating again failed: \(error)") }
    }
}

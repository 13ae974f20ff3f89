import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A provisioner whose `getDomain` runs a closure: the watcher's bounds under a provider that
/// fails, changes on every call or hangs.
struct ScriptedProvisioner: DomainProvisioning {
    let provider: ProviderID
    let get: @Sendable (String) async throws(SendingDomainsError) -> SendingDomain
    var capabilities: ProviderCapabilities {
        ProviderFactory.capabilities[provider] ?? .init(operations: [], options: [])
    }
    var timeSource: TimeSource { .system }

    func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        throw .unsupported("createDomain", provider: provider)
    }
    func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain { try await get(id) }
    func listDomains() -> DomainList { .failing(.unsupported("listDomains", provider: provider)) }
    func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain { try await get(id) }
    func deleteDomain(id: String) async throws(SendingDomainsError) {}

    static func domain(_ id: String, status: DomainStatus, records: [DNSRecord] = []) -> SendingDomain {
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let wire = AhaSend.Domain(
            id: id, createdAt: date, updatedAt: date, name: id, accountID: "00000000-0000-4000-8000-000000000001",
            dnsRecords: [], dnsValid: false)
        return SendingDomain(
            id: id, name: id, provider: .ahaSend, status: status, records: records, providerDomain: .ahaSend(wire))
    }
}

extension Locked where Value == Int {
    /// Adds one and returns the new count.
    func increment() -> Int {
        withLock { value in
            value += 1
            return value
        }
    }
}

@Suite("The watcher never goes quiet and never floods")
struct WatcherBoundsTests {
    static func entries(_ ids: [String]) -> WatchSnapshot {
        WatchSnapshot(entries: ids.map { .init(provider: .ahaSend, id: $0) })
    }

    @Test("a failing check is reported once per outage, with the error, and its recovery once", .timeLimit(.minutes(1)))
    func checkFailedOnce() async throws {
        let clock = VirtualClock()
        let calls = Locked(0)
        let provisioner = ScriptedProvisioner(provider: .ahaSend) { id throws(SendingDomainsError) in
            let call = calls.increment()
            // Checks 2–5 fail (a revoked key), then it works again.
            if (2...5).contains(call) {
                throw SendingDomainsError(
                    kind: .authentication, message: "Invalid API key", provider: .ahaSend, status: 401)
            }
            return ScriptedProvisioner.domain(id, status: call < 7 ? .pending : .verified)
        }
        let watcher = DomainWatcher(
            providers: [provisioner], snapshot: Self.entries(["example.com"]),
            options: .init(changingInterval: .seconds(60), timeSource: clock.timeSource))
        var changes: [DomainEvent] = []
        for try await event in watcher.events() {
            changes.append(event)
            if event.change == .verified { break }
        }
        #expect(changes.count == 3, "\(changes.map(\.change))")
        guard changes.first?.change.kind == .checkFailed, let error = changes.first?.change.error else {
            Issue.record("\(changes)")
            return
        }
        #expect(error.kind == .authentication)
        #expect(error.status == 401)
        #expect(changes.dropFirst().first?.change == .checkRecovered)
        #expect(changes.last?.change == .verified)
        #expect(changes.map(\.id) == ["ahasend/example.com#1", "ahasend/example.com#2", "ahasend/example.com#3"])
        #expect(await watcher.snapshot.entries.first?.eventCount == 3)
    }

    @Test(
        "backpressure: polling pauses while the consumer is behind, and nothing is delivered after cancel",
        .timeLimit(.minutes(1)))
    func backpressure() async throws {
        let clock = VirtualClock()
        let calls = Locked(0)
        // Every check changes the status, so every check yields an event.
        let provisioner = ScriptedProvisioner(provider: .ahaSend) { id throws(SendingDomainsError) in
            let call = calls.increment()
            return ScriptedProvisioner.domain(id, status: DomainStatus(code: "s\(call)"))
        }
        let watcher = DomainWatcher(
            providers: [provisioner], snapshot: Self.entries(["example.com"]),
            options: .init(
                shares: [.ahaSend: RateLimit(rate: 1_000, burst: 1_000)], changingInterval: .milliseconds(1),
                bufferSize: 4, timeSource: clock.timeSource))
        var iterator = watcher.events().makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first != nil)
        // The consumer stops reading: the producer fills the buffer (4) and then waits.
        // Call 1 seeds the status (no event), call 2's event was delivered, calls 3–6 fill the
        // buffer, call 7's event waits to be added: then polling must stop.
        while calls.withLock({ $0 }) < 7 { try await Task.sleep(for: .milliseconds(1)) }
        for _ in 0..<50 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(100))
        let later = calls.withLock { $0 }
        #expect(later == 7, "polling went on while nobody read: \(later) checks")
        // The consumer reads again: polling resumes, in order, nothing lost or coalesced.
        var statuses: [String] = []
        for _ in 0..<10 {
            guard let event = try await iterator.next(), event.change.kind == .statusChanged, let to = event.change.to
            else { break }
            statuses.append(to.code)
        }
        let numbers = statuses.compactMap { Int($0.dropFirst()) }
        #expect(numbers == Array((numbers.first ?? 0)..<((numbers.first ?? 0) + 10)), "\(statuses)")

        // Cancelled with events buffered: none is delivered afterwards.
        let consumer = Task {
            var delivered = 0
            var iterator = iterator
            while !Task.isCancelled { if try await iterator.next() != nil { delivered += 1 } else { break } }
            let afterCancel = try await iterator.next()
            return (delivered, afterCancel)
        }
        consumer.cancel()
        let (_, afterCancel) = try await consumer.value
        #expect(afterCancel == nil)
    }

    @Test("a second events() sequence while one is iterated is a clear error, not a second polling loop")
    func oneStream() async throws {
        let clock = VirtualClock()
        let provisioner = ScriptedProvisioner(provider: .ahaSend) { id throws(SendingDomainsError) in
            ScriptedProvisioner.domain(id, status: .pending)
        }
        let watcher = DomainWatcher(
            providers: [provisioner], snapshot: Self.entries(["example.com"]),
            options: .init(timeSource: clock.timeSource))
        let started = Locked(false)
        let first = Task {
            var iterator = watcher.events().makeAsyncIterator()
            started.withLock { $0 = true }
            _ = try await iterator.next()
        }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        try await Task.sleep(for: .milliseconds(20))
        var second = watcher.events().makeAsyncIterator()
        await #expect(throws: SendingDomainsError.self) { _ = try await second.next() }
        do {
            _ = try await second.next()
        } catch {
            #expect(error.kind == .validation)
            #expect(error.message.contains("already being iterated"))
        }
        first.cancel()
        _ = try? await first.value
    }

    @Test("the snapshot keeps only the records the last check returned")
    func snapshotKeepsCurrent() async throws {
        let clock = VirtualClock()
        let calls = Locked(0)
        let provisioner = ScriptedProvisioner(provider: .ahaSend) { id throws(SendingDomainsError) in
            let call = calls.increment()
            // 100 records whose values change on every call.
            let records = (0..<100).map { index in
                DNSRecord(
                    type: .txt, name: "r\(index).\(id)", domain: id, value: "v\(call)-\(index)",
                    purpose: .ownershipVerification,
                    status: .pending)
            }
            return ScriptedProvisioner.domain(id, status: .pending, records: records)
        }
        let watcher = DomainWatcher(
            providers: [provisioner], snapshot: Self.entries(["example.com"]),
            options: .init(changingInterval: .seconds(1), timeSource: clock.timeSource))
        let consumer = Task { for try await _ in watcher.events() {} }
        while calls.withLock({ $0 }) < 20 { try await Task.sleep(for: .milliseconds(1)) }
        consumer.cancel()
        _ = try? await consumer.value
        let entry = try #require(await watcher.snapshot.entries.first)
        #expect(entry.records.count == 100, "\(entry.records.count) keys after \(calls.withLock { $0 }) checks")
    }

    @Test("the share limits attempts: retries after 429 Retry-After: 0 are charged to it", .timeLimit(.minutes(1)))
    func shareCountsAttempts() async throws {
        let clock = VirtualClock()
        let simulator = ProviderSimulator.sandbox(for: .ahaSend, checksToVerify: .max, now: clock.timeSource.date)
        let attempts = Locked<[Duration]>([])
        let calls = Locked(0)
        let limited = MockTransport { request in
            attempts.withLock { $0.append(clock.now) }
            // Two of every three attempts are answered 429 with Retry-After: 0.
            let n = calls.increment()
            if n % 3 != 0 {
                return TransportResponse.json(429, #"{"message":"slow down"}"#, headers: ["Retry-After": "0"])
            }
            return try await simulator.send(request)
        }
        let credentials = ProviderSimulator.sandboxCredentials(for: .ahaSend)
        let admin = ProviderFactory.make(
            credentials,
            options: ClientOptions(transport: simulator, rateLimiting: .disabled, timeSource: clock.timeSource))
        let domain = try await admin.createDomain(DomainRequest(name: "example.com"))
        let watched = ProviderFactory.make(
            credentials,
            options: ClientOptions(transport: limited, rateLimiting: .disabled, timeSource: clock.timeSource))
        let watcher = DomainWatcher(
            providers: [watched], snapshot: WatchSnapshot(domains: [domain]),
            options: .init(
                shares: [.ahaSend: RateLimit(rate: 2, burst: 1)], changingInterval: .zero, stableInterval: .zero,
                timeSource: clock.timeSource))
        let consumer = Task { for try await _ in watcher.events() {} }
        while attempts.withLock({ $0.count }) < 60 { try await Task.sleep(for: .milliseconds(1)) }
        consumer.cancel()
        _ = try? await consumer.value
        let times = attempts.withLock { $0 }
        let span = (times.last ?? .zero) - (times.first ?? .zero)
        // 60 attempts at 2/s with a burst of 1 need at least ~29 s of (virtual) time; charged per
        // call, they would take a third of that.
        #expect(span.seconds >= Double(times.count - 1) / 2 - 3, "\(times.count) attempts in \(span)")
    }

    @Test(
        "one hung getDomain does not hold up the provider's other domains: a per-check deadline",
        .timeLimit(.minutes(1)))
    func hungCheck() async throws {
        let clock = VirtualClock()
        let provisioner = ScriptedProvisioner(provider: .ahaSend) { id throws(SendingDomainsError) in
            if id == "hung.example.com" {
                // Never answers, and ignores cancellation.
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
            }
            return ScriptedProvisioner.domain(id, status: .pending)
        }
        let watcher = DomainWatcher(
            providers: [provisioner], snapshot: Self.entries(["hung.example.com", "fine.example.com"]),
            options: .init(
                changingInterval: .seconds(1), checkTimeout: .milliseconds(200), timeSource: clock.timeSource))
        let failed = Locked<SendingDomainsError?>(nil)
        let consumer = Task {
            for try await event in watcher.events() {
                if let error = event.change.error, event.domainID == "hung.example.com" {
                    failed.withLock { $0 = error }
                }
            }
        }
        // The fine domain is checked (twice) while the hung one's check is abandoned.
        while true {
            let entries = await watcher.snapshot.entries
            let fine = entries.first { $0.id == "fine.example.com" }
            if failed.withLock({ $0 }) != nil, fine?.unchangedChecks ?? 0 >= 2 { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        consumer.cancel()
        _ = try? await consumer.value
        #expect(failed.withLock { $0 }?.kind == .timeout)
        #expect(await watcher.snapshot.entries.first?.failingSince != nil)
    }
}

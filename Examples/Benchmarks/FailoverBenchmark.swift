import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsRedis
import SendingDomainsSandbox
import SendingDomainsTesting

/// A coordinated watch's failover over loopback Redis: the time from killing the active watcher
/// (it never releases its lease) to the standby's first poll, against the lease's lifetime.
enum FailoverBenchmark {
    /// A coordinator whose `release` can be switched off: a killed process never releases.
    final class Killable: LeaseCoordinator {
        let base: RedisLeaseCoordinator
        let releases = LockedState(true)
        init(_ base: RedisLeaseCoordinator) { self.base = base }
        var displayName: String { base.displayName }
        func acquire(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool {
            try await base.acquire(name, token: token, lifetime: lifetime)
        }
        func renew(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool {
            try await base.renew(name, token: token, lifetime: lifetime)
        }
        func release(_ name: String, token: String) async throws(SendingDomainsError) {
            if releases.withLock({ $0 }) { try await base.release(name, token: token) }
        }
        func saveSnapshot(_ snapshot: Data, for name: String, token: String) async throws(SendingDomainsError) -> Bool {
            try await base.saveSnapshot(snapshot, for: name, token: token)
        }
        func loadSnapshot(for name: String) async throws(SendingDomainsError) -> Data? {
            try await base.loadSnapshot(for: name)
        }
    }

    static func run(runs: Int) async throws -> [Row] {
        guard ExternalTool.redisServer.isAvailable else {
            FileHandle.standardError.write(Data("benchmarks: redis-server is missing; failover row skipped\n".utf8))
            return []
        }
        let redis = try await LoopbackRedis.started()
        defer { redis.stop() }
        let lease = Duration.seconds(2)
        var takeovers: [Double] = []
        for run in 0..<runs {
            let simulator = ProviderSimulator.ahaSend()
            let admin = ProviderFactory.make(
                ProviderSimulator.sandboxCredentials(for: .ahaSend),
                options: ClientOptions(transport: simulator, rateLimiting: .disabled))
            let domain = try await admin.createDomain(DomainRequest(name: "failover\(run).example.com"))
            let polls = LockedState<[String: [ContinuousClock.Instant]]>([:])
            func watcher(_ name: String, _ coordinator: any LeaseCoordinator) -> DomainWatcher {
                let provisioner = ProviderFactory.make(
                    ProviderSimulator.sandboxCredentials(for: .ahaSend),
                    options: ClientOptions(
                        transport: MockTransport { request in
                            polls.withLock { $0[name, default: []].append(.now) }
                            return try await simulator.send(request)
                        }, rateLimiting: .disabled))
                var options = DomainWatcher.Options(
                    changingInterval: .milliseconds(20), stableInterval: .milliseconds(20))
                options.coordination = .init(
                    coordinator: coordinator, name: "bench-\(run)", lease: lease, instance: name)
                return DomainWatcher(
                    providers: [provisioner], snapshot: WatchSnapshot(domains: [domain]), options: options)
            }
            let killable = Killable(try RedisLeaseCoordinator(url: redis.url))
            let active = watcher("active", killable)
            let first = Task { for try await _ in active.events() {} }
            while polls.withLock({ $0["active"]?.count ?? 0 }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
            let standby = watcher("standby", try RedisLeaseCoordinator(url: redis.url))
            let second = Task { for try await _ in standby.events() {} }
            try await Task.sleep(for: .milliseconds(500))
            killable.releases.withLock { $0 = false }
            let killed = ContinuousClock.now
            first.cancel()
            _ = await first.result
            while polls.withLock({ $0["standby"]?.isEmpty ?? true }) { try await Task.sleep(for: .milliseconds(2)) }
            let firstPoll = polls.withLock { $0["standby"]?.first } ?? killed
            takeovers.append((firstPoll - killed).seconds)
            second.cancel()
            _ = await second.result
        }
        let median = takeovers.sorted()[takeovers.count / 2]
        return [
            Row(
                benchmark: "watch failover: kill of the active watcher → the standby's first poll (median)",
                measured: median, baseline: lease.seconds, unit: "s (baseline: the lease)", target: "≤ 1.34× the lease")
        ]
    }
}

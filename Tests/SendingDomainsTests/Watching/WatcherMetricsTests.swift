import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

@Suite("A domain watcher's metrics")
struct WatcherMetricsTests {
    @Test("one event per check: the provider, the domains watched there, the failure's kind", .timeLimit(.minutes(1)))
    func checks() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let simulator = ProviderSimulator.sandbox(for: .krafter, checksToVerify: .max, now: clock.timeSource.date)
        let krafter = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .krafter),
            options: ClientOptions(transport: simulator, rateLimiting: .disabled, timeSource: clock.timeSource))
        let kept = try await krafter.createDomain(DomainRequest(name: "kept.example.com"))
        let gone = try await krafter.createDomain(DomainRequest(name: "gone.example.com"))
        try await krafter.deleteDomain(id: gone.id)

        let checks = Locked<[MetricsSink.WatcherCheck]>([])
        let arrived = AsyncStream<Void>.makeStream()
        var options = DomainWatcher.Options(timeSource: clock.timeSource)
        options.metrics = MetricsSink(watcherChecked: { check in
            checks.withLock { $0.append(check) }
            arrived.continuation.yield()
        })
        let watcher = DomainWatcher(
            providers: [krafter], snapshot: WatchSnapshot(domains: [kept, gone]), options: options)
        let consumer = Task { for try await _ in watcher.events() {} }
        var count = 0
        for await _ in arrived.stream {
            count += 1
            if count == 2 { break }
        }
        consumer.cancel()
        let seen = checks.withLock { Array($0.prefix(2)) }
        #expect(seen.allSatisfy { $0.provider == .krafter && $0.watchedDomains == 2 })
        #expect(seen.filter(\.succeeded).count == 1)
        #expect(seen.compactMap(\.errorKind) == [.notFound])
    }
}

import Foundation
import HTTPTransport
import SendingDomainsTesting
import Testing

@testable import SendingDomainsRedis

@Suite("Leases and snapshots in a real Redis", needsRedis, .serialized, .timeLimit(.minutes(1)))
struct LeaseTests {
    @Test("One holder at a time; only the holder renews, releases and writes the snapshot")
    func exclusive() async throws {
        let redis = try await LoopbackRedis.started()
        defer { redis.stop() }
        let a = try RedisLeaseCoordinator(url: redis.url)
        let b = try RedisLeaseCoordinator(url: redis.url)
        #expect(try await a.acquire("watch", token: "A", lifetime: .seconds(30)))
        #expect(try await !b.acquire("watch", token: "B", lifetime: .seconds(30)))
        #expect(try await !b.renew("watch", token: "B", lifetime: .seconds(30)))
        #expect(try await a.renew("watch", token: "A", lifetime: .seconds(30)))
        #expect(try await a.acquire("watch", token: "A", lifetime: .seconds(30)))
        #expect(try await !b.saveSnapshot(Data("stale".utf8), for: "watch", token: "B"))
        #expect(try await a.saveSnapshot(Data([0, 1, 255, 13, 10]), for: "watch", token: "A"))
        #expect(try await b.loadSnapshot(for: "watch") == Data([0, 1, 255, 13, 10]))
        try await b.release("watch", token: "B")
        #expect(try await !b.acquire("watch", token: "B", lifetime: .seconds(30)))
        try await a.release("watch", token: "A")
        #expect(try await b.acquire("watch", token: "B", lifetime: .seconds(30)))
        #expect(try await b.loadSnapshot(for: "watch") == Data([0, 1, 255, 13, 10]))
        #expect(try await a.loadSnapshot(for: "other") == nil)
    }

    @Test("An expired lease goes to the next instance, and the old holder can no longer renew it")
    func expiry() async throws {
        let redis = try await LoopbackRedis.started()
        defer { redis.stop() }
        let a = try RedisLeaseCoordinator(url: redis.url)
        let b = try RedisLeaseCoordinator(url: redis.url)
        #expect(try await a.acquire("job", token: "A", lifetime: .milliseconds(200)))
        var won = false
        for _ in 0..<500 where !won {
            won = try await b.acquire("job", token: "B", lifetime: .seconds(30))
            if !won { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(won)
        #expect(try await !a.renew("job", token: "A", lifetime: .seconds(30)))
        #expect(try await !a.saveSnapshot(Data("late".utf8), for: "job", token: "A"))
    }

    @Test("Lease calls to an unreachable Redis are typed errors")
    func unreachable() async throws {
        let coordinator = try RedisLeaseCoordinator(url: "redis://127.0.0.1:\(try LoopbackServer.closedPort())")
        let error = await #expect(throws: SendingDomainsError.self) {
            _ = try await coordinator.acquire("job", token: "A", lifetime: .seconds(1))
        }
        #expect(error?.kind == .transport)
    }
}

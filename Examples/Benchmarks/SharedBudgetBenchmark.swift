import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsRedis
import SendingDomainsTesting

/// The shared rate budget: what one reservation over loopback Redis costs next to the local
/// bucket, and four processes sharing one key against a stand-in that enforces the limit.
/// Needs `redis-server`; skipped (with a line on stderr) without it.
enum SharedBudgetBenchmark {
    static func run(quick: Bool) async throws -> [Row] {
        guard ExternalTool.redisServer.isAvailable else {
            FileHandle.standardError.write(
                Data("benchmarks: redis-server is missing; shared-budget rows skipped\n".utf8))
            return []
        }
        let redis = try await LoopbackRedis.started()
        defer { redis.stop() }
        var rows = try await acquireCost(redis, calls: quick ? 500 : 5_000)
        rows += try fourProcesses(redis, rate: 50, perProcess: quick ? 25 : 50)
        return rows
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    static func acquireCost(_ redis: LoopbackRedis, calls: Int) async throws -> [Row] {
        let store = try RedisRateStore(url: redis.url)
        let limit = RateLimit(rate: 1e9, burst: 1_000_000_000)
        let bucket = TokenBucket(rate: 1e9, burst: 1_000_000_000)
        for _ in 0..<100 { _ = try await store.reserve(key: "bench", limit: limit) }
        var shared: [Double] = []
        var local: [Double] = []
        for _ in 0..<calls {
            let start = ContinuousClock.now
            _ = try await store.reserve(key: "bench", limit: limit)
            shared.append((ContinuousClock.now - start).seconds * 1e6)
            let localStart = ContinuousClock.now
            try await bucket.acquire()
            local.append((ContinuousClock.now - localStart).seconds * 1e6)
        }
        return [
            Row(
                benchmark: "shared budget: one reservation over loopback Redis, median",
                measured: percentile(shared, 0.5),
                baseline: percentile(local, 0.5), unit: "µs (baseline: local bucket)", target: "report"),
            Row(
                benchmark: "shared budget: one reservation over loopback Redis, p99",
                measured: percentile(shared, 0.99),
                baseline: percentile(local, 0.99), unit: "µs (baseline: local bucket)", target: "report"),
        ]
    }

    /// Four child processes, `perProcess` calls each, against a stand-in enforcing `rate`/s
    /// (burst 5): sharing one key, then with a bucket each.
    static func fourProcesses(_ redis: LoopbackRedis, rate: Double, perProcess: Int) throws -> [Row] {
        var rows: [Row] = []
        for sharing in [true, false] {
            let provider = try RateEnforcingServer(rate: rate, burst: 5)
            defer { provider.stop() }
            let group = DispatchGroup()
            for _ in 0..<4 {
                group.enter()
                Thread {
                    _ = try? Measure.runChild([
                        "--shared-budget-child", sharing ? redis.url : "-", provider.server.baseURL, "\(rate)",
                        "\(perProcess)",
                    ])
                    group.leave()
                }.start()
            }
            group.wait()
            let times = provider.arrivals.filter { $0.status != 429 }.map(\.time).sorted()
            let span = (times.last ?? 0) - (times.first ?? 0)
            // The first burst goes at once; the rest at the rate.
            let achieved = span > 0 ? Double(times.count - 5) / span : 0
            let name = sharing ? "four processes sharing one key" : "four processes, a bucket each"
            if sharing {
                rows.append(
                    Row(
                        benchmark: "\(name) at \(Int(rate))/s: achieved rate", measured: achieved / rate * 100,
                        baseline: nil, unit: "% of the limit", target: "≥ 95 % (margin 3 % here)"))
            }
            rows.append(
                Row(
                    benchmark: "\(name) at \(Int(rate))/s: 429s", measured: Double(provider.tooManyRequests),
                    baseline: nil, unit: "responses", target: sharing ? "0" : "report"))
        }
        return rows
    }

    /// One child: `perProcess` calls through a client whose budget is shared through Redis at
    /// `storeURL` (or its own bucket, for `-`), with retries off so that every 429 shows.
    static func child(storeURL: String, baseURL: String, rate: Double, calls: Int) async {
        let limit = RateLimit(rate: rate, burst: 5)
        let rateLimiting: ClientOptions.RateLimiting
        if storeURL == "-" {
            rateLimiting = .custom(limit)
        } else {
            guard let store = try? RedisRateStore(url: storeURL) else { return }
            rateLimiting = .shared(store, scope: "bench", margin: 0.03)
        }
        guard let base = try? BaseURL(baseURL) else { return }
        let profile = ProviderProfile(
            id: .autoSend, defaultBaseURL: base, defaultRateLimit: limit, defaultRetryPolicy: .disabled,
            errorDecoder: { _ in ProviderErrorDetails() })
        let api = APIClient(
            profile: profile, authentication: .bearer("bench-key-0123456789"),
            options: ClientOptions(rateLimiting: rateLimiting))
        for _ in 0..<calls {
            _ = try? await api.send(
                Endpoint<Void>(.getDomain, .get, decoding: .ignoringBody) { .init(path: ["domains", "d"]) })
        }
    }
}

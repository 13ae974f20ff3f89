@_spi(ProviderAuthoring) import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
@_spi(ProviderAuthoring) import KrafterClient
import SendingDomains
import SendingDomainsTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Holds every request until `count` have arrived, so that they are all in flight at once.
actor Gate {
    let count: Int
    var arrived = 0
    var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { self.count = count }

    func arrive() async {
        arrived += 1
        if arrived >= count {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

struct GatedTransport: Transport {
    let gate: Gate
    let response: TransportResponse
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        await gate.arrive()
        return response
    }
}

/// N concurrent `getDomain` calls through the unified API, all in flight at once; each size runs
/// in a child process so that its peak memory is its own.
enum ConcurrencyBenchmark {
    struct Report: Codable {
        let calls: Int
        let seconds: Double
        let peakMiB: Double
    }

    static func child(calls: Int) async {
        let response = TransportResponse.json(200, DocumentedExamples.Krafter.getResponse)
        let transport = GatedTransport(gate: Gate(count: max(calls, 1)), response: response)
        let provider = KrafterProvisioner(
            Krafter.Client(
                apiKey: "bench-key-0123456789", options: .init(transport: transport, rateLimiting: .disabled)))
        let start = Measure.wallSeconds()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<calls {
                group.addTask { _ = try? await provider.getDomain(id: "550e8400-e29b-41d4-a716-446655440000") }
            }
        }
        let report = Report(calls: calls, seconds: Measure.wallSeconds() - start, peakMiB: Measure.peakMiB())
        print(String(decoding: (try? JSONEncoder().encode(report)) ?? Data(), as: UTF8.self))
    }

    static func spawn(calls: Int) throws -> Report {
        try JSONDecoder().decode(Report.self, from: try Measure.runChild(["--concurrency-child", "\(calls)"]))
    }

    static func run(sizes: [Int], runs: Int) throws -> [Row] {
        let idle = Measure.median(try (0..<runs).map { _ in try spawn(calls: 0).peakMiB })
        var rows: [Row] = []
        var perCall: [Double] = []
        for size in sizes {
            let reports = try (0..<runs).map { _ in try spawn(calls: size) }
            let peak = Measure.median(reports.map(\.peakMiB))
            let seconds = Measure.median(reports.map(\.seconds))
            perCall.append((peak - idle) * 1024 / Double(size))
            rows.append(
                Row(
                    benchmark: "\(size) concurrent calls: wall time", measured: seconds * 1000, baseline: nil,
                    unit: "ms", target: "report"))
            rows.append(
                Row(
                    benchmark: "\(size) concurrent calls: peak memory", measured: peak, baseline: idle,
                    unit: "MiB (baseline: idle process)", target: "bounded"))
            rows.append(
                Row(
                    benchmark: "\(size) concurrent calls: memory per call in flight",
                    measured: (peak - idle) * 1024 / Double(size),
                    baseline: perCall.first, unit: "KiB (baseline: smallest size)",
                    target: "≤ 1.25× (linear in calls)"))
        }
        return rows
    }
}

/// Achieved rate of the token bucket against the configured one, on a virtual and on the real
/// clock.
enum RateLimiterBenchmark {
    static func run(runs: Int, quick: Bool) async throws -> [Row] {
        var virtualRates: [Double] = []
        var realRates: [Double] = []
        for _ in 0..<runs {
            let clock = VirtualClock()
            let bucket = TokenBucket(rate: 100, burst: 1, timeSource: clock.timeSource)
            for _ in 0..<1_001 { try await bucket.acquire() }
            virtualRates.append(1_000 / clock.now.seconds)

            let rate = 200.0
            let count = quick ? 100 : 200
            let real = TokenBucket(rate: rate, burst: 1)
            try await real.acquire()
            let start = Measure.wallSeconds()
            for _ in 0..<count { try await real.acquire() }
            realRates.append(Double(count) / (Measure.wallSeconds() - start))
        }
        return [
            Row(
                benchmark: "token bucket, virtual clock", measured: Measure.median(virtualRates), baseline: 100,
                unit: "requests/s", target: "within 2 %"),
            Row(
                benchmark: "token bucket, real clock", measured: Measure.median(realRates), baseline: 200,
                unit: "requests/s", target: "within 2 %"),
        ]
    }
}

/// Requests per second over loopback HTTP: `URLSessionTransport` against a plain `URLSession`
/// loop on the same server.
enum LoopbackBenchmark {
    static func run(runs: Int, requests: Int) async throws -> [Row] {
        let response = TransportResponse.json(200, DocumentedExamples.Krafter.getResponse)
        let server = try LoopbackServer { _ in .response(response) }
        guard let url = URL(string: "\(server.baseURL)/domains/550e8400-e29b-41d4-a716-446655440000") else { return [] }
        let transport = URLSessionTransport()
        let request = TransportRequest(
            method: .get, baseURL: try BaseURL(server.baseURL).url,
            path: ["domains", "550e8400-e29b-41d4-a716-446655440000"])
        let session = URLSession(configuration: .ephemeral)
        func plain() async throws {
            try await plainGet(session, url)
        }
        for _ in 0..<20 {
            _ = try await transport.send(request)
            try await plain()
        }
        var ours: [Double] = []
        var theirs: [Double] = []
        for _ in 0..<runs {
            var start = Measure.wallSeconds()
            for _ in 0..<requests { _ = try await transport.send(request) }
            ours.append(Double(requests) / (Measure.wallSeconds() - start))
            start = Measure.wallSeconds()
            for _ in 0..<requests { try await plain() }
            theirs.append(Double(requests) / (Measure.wallSeconds() - start))
        }
        return [
            Row(
                benchmark: "loopback HTTP, URLSessionTransport", measured: Measure.median(ours),
                baseline: Measure.median(theirs), unit: "requests/s (baseline: plain URLSession)", target: "report")
        ]
    }
}

/// Reading large bodies over loopback: milliseconds per MiB for 1, 2, 4 and 8 MiB bodies through
/// `URLSessionTransport`, against a plain `URLSession` `dataTask` reading the same body. Linear
/// reading keeps the per-MiB time flat as the body grows.
enum LargeBodyBenchmark {
    static func run(runs: Int) async throws -> [Row] {
        let sizes = [1, 2, 4, 8]
        let bodies = Dictionary(uniqueKeysWithValues: sizes.map { ($0, Data(repeating: 0x78, count: $0 * 1_048_576)) })
        let server = try LoopbackServer { request in
            let size = Int(request.path.last ?? "") ?? 1
            return .response(TransportResponse(status: 200, body: bodies[size] ?? Data()))
        }
        let transport = URLSessionTransport()
        let session = URLSession(configuration: .ephemeral)
        let base = try BaseURL(server.baseURL).url
        func plain(_ url: URL) async throws {
            try await plainGet(session, url)
        }
        var rows: [Row] = []
        for size in sizes {
            let request = TransportRequest(method: .get, baseURL: base, path: ["body", "\(size)"])
            let url = base.appendingPathComponent("body").appendingPathComponent("\(size)")
            _ = try await transport.send(request)
            try await plain(url)
            var ours: [Double] = []
            var theirs: [Double] = []
            for _ in 0..<runs {
                var start = Measure.wallSeconds()
                _ = try await transport.send(request)
                ours.append((Measure.wallSeconds() - start) * 1000 / Double(size))
                start = Measure.wallSeconds()
                try await plain(url)
                theirs.append((Measure.wallSeconds() - start) * 1000 / Double(size))
            }
            rows.append(
                Row(
                    benchmark: "\(size) MiB body over loopback, URLSessionTransport", measured: Measure.median(ours),
                    baseline: Measure.median(theirs), unit: "ms per MiB (baseline: plain URLSession)",
                    target: "flat as size grows"))
        }
        return rows
    }
}

/// Memory per call held in flight: 10,000 concurrent AhaSend `getDomain` calls parked at an
/// in-memory transport, the SDK against hand-written `URLRequest` + `JSONDecoder` code in the same
/// task-group shape. Each side runs in a child process; the figure is peak RSS over the idle
/// process (the same child with no calls), per call.
///
/// Two SDK sides: the client as an app builds it, with AhaSend's published rate limit (100/s,
/// burst 200) — so 9,800 of the calls first wait in the token bucket, on a virtual clock that
/// makes the waits instant — and the same client with client-side rate limiting disabled. A
/// call's task keeps the allocator slabs its deepest moment needed (the wait in the bucket)
/// until it ends, so the first is the figure a user sees; an earlier version of this row
/// measured only the second.
enum InFlightMemoryBenchmark {
    static let account = "00000000-0000-4000-8000-000000000001"

    static func child(side: String, calls: Int) async {
        let body = Data(DocumentedExamples.AhaSend.domain().utf8)
        let gate = Gate(count: max(calls, 1))
        let transport = GatedTransport(gate: gate, response: TransportResponse(status: 200, body: body))
        let clock = VirtualClock()
        let options =
            side == "sdk-unlimited"
            ? ClientOptions(transport: transport, rateLimiting: .disabled)
            : ClientOptions(transport: transport, timeSource: clock.timeSource)
        let client = AhaSend.Client(apiKey: "aha-sk-bench-0123456789", accountID: account, options: options)
        let decoder = JSONCoding.makeDecoder()  // the same date rules, built once, as careful code would
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<calls {
                if side.hasPrefix("sdk") {
                    group.addTask { _ = try? await client.getDomain(id: "example.com") }
                } else {
                    group.addTask {
                        guard
                            let url = URL(string: "https://api.ahasend.com/v2/accounts/\(account)/domains/example.com")
                        else { return }
                        var request = URLRequest(url: url)
                        request.setValue("Bearer aha-sk-bench-0123456789", forHTTPHeaderField: "Authorization")
                        request.setValue("application/json", forHTTPHeaderField: "Accept")
                        await gate.arrive()
                        _ = request
                        _ = try? decoder.decode(AhaSend.Domain.self, from: body)
                    }
                }
            }
        }
        print(Measure.peakMiB())
    }

    static func spawn(side: String, calls: Int) throws -> Double {
        let data = try Measure.runChild(["--memory-child", side, "\(calls)"])
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    static func run(calls: Int, runs: Int) throws -> [Row] {
        func perCall(_ side: String) throws -> Double {
            let idle = Measure.median(try (0..<runs).map { _ in try spawn(side: side, calls: 0) })
            let peak = Measure.median(try (0..<runs).map { _ in try spawn(side: side, calls: calls) })
            return (peak - idle) * 1024 / Double(calls)
        }
        let baseline = try perCall("baseline")
        return [
            Row(
                benchmark: "AhaSend get, \(calls) held in flight: memory per call", measured: try perCall("sdk"),
                baseline: baseline, unit: "KiB (baseline: hand-written URLRequest + JSONDecoder)",
                target: "≤ 12 KiB"),
            Row(
                benchmark: "the same, client-side rate limiting disabled", measured: try perCall("sdk-unlimited"),
                baseline: baseline, unit: "KiB (baseline: hand-written URLRequest + JSONDecoder)",
                target: "≤ 12 KiB"),
        ]
    }
}

/// The baseline's request: a plain `URLSession` `dataTask`, its body read whole.
func plainGet(_ session: URLSession, _ url: URL) async throws {
    let _: Data = try await withCheckedThrowingContinuation { continuation in
        session.dataTask(with: URLRequest(url: url)) { data, _, error in
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume(returning: data ?? Data())
            }
        }.resume()
    }
}

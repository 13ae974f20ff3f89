import Foundation
import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("URLSessionTransport's in-flight limit: a request waits for its turn before its timer starts")
struct ConcurrencyLimitTests {
    /// Counts the requests the server is answering at once.
    final class Gauge: Sendable {
        let state = Locked((now: 0, most: 0, total: 0))
        func enter() { state.withLock { $0 = (now: $0.now + 1, most: max($0.most, $0.now + 1), total: $0.total + 1) } }
        func leave() { state.withLock { $0.now -= 1 } }
    }

    /// A server that takes `delay` to answer each request, counting them.
    static func slowServer(_ gauge: Gauge, delay: Duration) throws -> LoopbackServer {
        try LoopbackServer { _ in
            gauge.enter()
            defer { gauge.leave() }
            try? await Task.sleep(for: delay)
            return .response(TransportResponse(status: 200, headers: [:], body: Data("ok".utf8)))
        }
    }

    static func send(_ count: Int, through transport: URLSessionTransport, to base: URL) async throws -> [Int] {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await transport.send(TransportRequest(method: .get, baseURL: base, path: ["call\(index)"]))
                        .status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("40 concurrent calls through a limit of 4: never more than 4 at the server, all answered")
    func limit() async throws {
        let gauge = Gauge()
        let server = try Self.slowServer(gauge, delay: .milliseconds(50))
        defer { server.stop() }
        let base = try #require(URL(string: server.baseURL))
        let transport = URLSessionTransport(
            configuration: .init(defaultTimeout: .seconds(30), maximumConcurrentRequests: 4))
        #expect(try await Self.send(40, through: transport, to: base) == Array(repeating: 200, count: 40))
        #expect(gauge.state.withLock { $0.most } <= 4)
        #expect(gauge.state.withLock { $0.total } == 40)
    }

    @Test("a call that waits as long as its timeout for a turn fails with timeout, never sent", .timeLimit(.minutes(1)))
    func waitIsBounded() async throws {
        let gauge = Gauge()
        let server = try LoopbackServer { request in
            gauge.enter()
            return .hang
        }
        defer { server.stop() }
        let base = try #require(URL(string: server.baseURL))
        let transport = URLSessionTransport(
            configuration: .init(defaultTimeout: .seconds(60), maximumConcurrentRequests: 1))
        let holder = Task { try await transport.send(TransportRequest(method: .get, baseURL: base, path: ["hang"])) }
        defer { holder.cancel() }
        while gauge.state.withLock({ $0.total }) < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let error = await #expect(throws: SendingDomainsError.self) {
            try await transport.send(
                TransportRequest(method: .get, baseURL: base, path: ["second"], timeout: .milliseconds(200)))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.transportFailure == .timedOut)
        // The wait's own timer, not the exchange's: the exchange (and its timer) never started.
        #expect(error?.message.contains("not sent") == true)
        #expect(gauge.state.withLock { $0.total } == 1)
    }

    @Test("a call cancelled while it waits for its turn ends at once and is never sent", .timeLimit(.minutes(1)))
    func cancelledWhileWaiting() async throws {
        let gauge = Gauge()
        let server = try LoopbackServer { request in
            gauge.enter()
            return .hang
        }
        defer { server.stop() }
        let base = try #require(URL(string: server.baseURL))
        let transport = URLSessionTransport(
            configuration: .init(defaultTimeout: .seconds(60), maximumConcurrentRequests: 1))
        let holder = Task { try await transport.send(TransportRequest(method: .get, baseURL: base, path: ["hang"])) }
        while gauge.state.withLock({ $0.total }) < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let waiter = Task { try await transport.send(TransportRequest(method: .get, baseURL: base, path: ["second"])) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        let outcome = await waiter.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        holder.cancel()
        _ = await holder.result
        // The permit the holder returned goes to no one: the cancelled call is gone.
        #expect(gauge.state.withLock { $0.total } == 1)
        // And the limit is whole again: a new call goes through at once.
        let fresh = try LoopbackServer { _ in .response(TransportResponse(status: 204, headers: [:], body: Data())) }
        defer { fresh.stop() }
        let freshBase = try #require(URL(string: fresh.baseURL))
        #expect(try await transport.send(TransportRequest(method: .get, baseURL: freshBase, path: ["x"])).status == 204)
    }
}

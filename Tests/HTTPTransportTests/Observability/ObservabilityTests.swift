import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

/// Records what sinks receive.
final class Recorded: Sendable {
    let events = Locked<[LogSink.Event]>([])
    let attempts = Locked<[MetricsSink.Attempt]>([])
    let waits = Locked<[MetricsSink.LimiterWait]>([])

    var log: LogSink { LogSink(minimumLevel: .debug) { event in self.events.withLock { $0.append(event) } } }
    var metrics: MetricsSink {
        MetricsSink(
            attemptFinished: { attempt in self.attempts.withLock { $0.append(attempt) } },
            limiterWaited: { wait in self.waits.withLock { $0.append(wait) } })
    }
}

@Suite("Hooks for a server's logging, metrics and tracing")
struct ObservabilityTests {
    @Test("log events carry provider, operation, attempt, status, request_id and retry_in under stable keys")
    func metadataKeys() async throws {
        let recorded = Recorded()
        let clock = VirtualClock(random: 0.5)
        let mock = MockTransport.script([
            .respond(.json(503, #"{"message":"down"}"#, headers: ["X-Request-Id": "req-1"])),
            .respond(.json(200, "{}", headers: ["X-Request-Id": "req-2"])),
        ])
        _ = try await TestProvider.client(mock, clock: clock, logger: recorded.log).send(TestProvider.get)
        let events = recorded.events.withLock { $0 }
        for event in events {
            #expect(event.metadata["provider"] == "ahasend", "\(event)")
            #expect(event.metadata["operation"] == "getDomain", "\(event)")
            #expect(event.metadata["attempt"] != nil, "\(event)")
        }
        let retry = try #require(events.first { $0.level == .info })
        #expect(retry.metadata["retry_in"] == "0.25s")
        #expect(retry.metadata["status"] == "503")
        #expect(retry.metadata["request_id"] == "req-1")
        #expect(retry.metadata["kind"] == "server")
        let responses = events.filter { $0.metadata["bytes"] != nil }
        #expect(responses.map { $0.metadata["request_id"] } == ["req-1", "req-2"])
        #expect(responses.map { $0.metadata["status"] } == ["503", "200"])
        #expect(responses.allSatisfy { $0.metadata["duration"] != nil })
    }

    @Test("a sink bound with LogSink.withSink takes the call's events instead of the client's, redacted")
    func scopedLogSink() async throws {
        let client = Recorded()
        let request = Recorded()
        let mock = MockTransport.always(.json(401, #"{"message":"bad key \#(TestProvider.secret)"}"#))
        let api = TestProvider.client(mock, logger: client.log)
        _ = try? await LogSink.withSink(request.log) { try await api.send(TestProvider.get) }
        let scoped = request.events.withLock { $0 }
        #expect(!scoped.isEmpty)
        #expect(client.events.withLock { $0 }.isEmpty, "the client's sink still received the call's events")
        for event in scoped {
            #expect(!event.description.contains(TestProvider.secret), "\(event)")
        }
        // Outside the scope, the client's sink is back.
        _ = try? await api.send(TestProvider.get)
        #expect(!client.events.withLock { $0 }.isEmpty)
        #expect(request.events.withLock { $0 }.count == scoped.count)
    }

    @Test("typed errors pass through withSink unchanged")
    func typedThrows() async {
        let error = await captureError {
            try await LogSink.withSink(Recorded().log) { () async throws(SendingDomainsError) in
                throw SendingDomainsError(kind: .notFound, message: "gone")
            }
        }
        #expect(error?.kind == .notFound)
    }

    @Test("one attempt event per attempt: status class or error kind, attempt number, duration")
    func attemptMetrics() async throws {
        let recorded = Recorded()
        let clock = VirtualClock(random: 0.5)
        let mock = MockTransport.script([
            .fail(URLError(.timedOut)), .respond(.json(503, "{}")), .respond(.json(404, "{}")),
        ])
        var options = ClientOptions(
            transport: mock, retryPolicy: .default, metrics: recorded.metrics, timeSource: clock.timeSource)
        options.rateLimiting = .disabled
        let api = APIClient(
            profile: TestProvider.profile(), authentication: .bearer(Secret(TestProvider.secret)), options: options)
        _ = await captureError { try await api.send(TestProvider.get) }
        let attempts = recorded.attempts.withLock { $0 }
        #expect(attempts.map(\.attempt) == [1, 2, 3])
        #expect(attempts.map(\.outcome) == ["timeout", "5xx", "4xx"])
        #expect(attempts.map(\.status) == [nil, 503, 404])
        #expect(attempts.allSatisfy { $0.provider == .ahaSend && $0.operation == "getDomain" })
        #expect(recorded.waits.withLock { $0 }.isEmpty, "no limiter, no limiter waits")
    }

    @Test("each limiter wait is reported with its length")
    func limiterWaits() async throws {
        let recorded = Recorded()
        let clock = VirtualClock()
        let mock = MockTransport.always(.json(200, "{}"))
        var options = ClientOptions(
            transport: mock, rateLimiting: .custom(RateLimit(rate: 2, burst: 1)), metrics: recorded.metrics,
            timeSource: clock.timeSource)
        options.retryPolicy = .disabled
        let api = APIClient(
            profile: TestProvider.profile(), authentication: .bearer(Secret(TestProvider.secret)), options: options)
        _ = try await api.send(TestProvider.get)
        _ = try await api.send(TestProvider.get)
        #expect(recorded.waits.withLock { $0 }.map(\.duration) == [.zero, .milliseconds(500)])
        #expect(recorded.attempts.withLock { $0 }.map(\.outcome) == ["2xx", "2xx"])
    }

    @Test("a sink bound with MetricsSink.withSink sees the call's attempts beside the client's")
    func scopedMetrics() async throws {
        let client = Recorded()
        let scoped = Recorded()
        let clock = VirtualClock()
        let mock = MockTransport.script([.respond(.json(503, "{}")), .respond(.json(200, "{}"))])
        let options = ClientOptions(transport: mock, metrics: client.metrics, timeSource: clock.timeSource)
        let api = APIClient(
            profile: TestProvider.profile(), authentication: .bearer(Secret(TestProvider.secret)), options: options)
        _ = try await MetricsSink.withSink(scoped.metrics) { try await api.send(TestProvider.get) }
        #expect(scoped.attempts.withLock { $0 }.map(\.outcome) == ["5xx", "2xx"])
        #expect(client.attempts.withLock { $0 }.map(\.outcome) == ["5xx", "2xx"])
    }

    @Test(
        "outcome labels stay few", arguments: [(200, "2xx"), (302, "3xx"), (429, "4xx"), (599, "5xx"), (42, "other")])
    func outcomes(status: Int, label: String) {
        let attempt = MetricsSink.Attempt(
            provider: .krafter, operation: "getDomain", attempt: 1, status: status, errorKind: nil, duration: .zero)
        #expect(attempt.outcome == label)
    }
}

@_spi(ProviderAuthoring) import HTTPTransport
import Testing

@Suite("RetryPolicy decision table")
struct RetryPolicyTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let method: RequestMethod
        let key: Bool
        let error: SendingDomainsError
        let retried: Bool
        var testDescription: String { "\(name) \(method)\(key ? "+key" : "") → \(retried ? "retry" : "give up")" }
    }

    static func status(_ code: Int, _ kind: SendingDomainsError.Kind? = nil) -> SendingDomainsError {
        SendingDomainsError(kind: kind ?? .init(status: code), message: "HTTP \(code)", status: code)
    }

    static func network(_ failure: SendingDomainsError.TransportFailure) -> SendingDomainsError {
        SendingDomainsError(
            kind: failure == .timedOut ? .timeout : .transport, message: "network", transportFailure: failure)
    }

    static let rows: [Row] = [
        Row(name: "cancelled", method: .get, key: false, error: .init(kind: .cancelled, message: "c"), retried: false),
        Row(name: "400", method: .get, key: false, error: status(400), retried: false),
        Row(name: "401", method: .get, key: false, error: status(401), retried: false),
        Row(name: "403", method: .get, key: false, error: status(403), retried: false),
        Row(name: "404", method: .delete, key: false, error: status(404), retried: false),
        Row(name: "409 conflict", method: .post, key: true, error: status(409), retried: false),
        Row(name: "422 mismatch", method: .post, key: true, error: status(422, .idempotencyMismatch), retried: false),
        Row(name: "decoding", method: .get, key: false, error: .init(kind: .decoding, message: "d"), retried: false),
        Row(
            name: "409 in progress", method: .post, key: true, error: status(409, .idempotencyInProgress), retried: true
        ),
        Row(
            name: "409 in progress", method: .post, key: false, error: status(409, .idempotencyInProgress),
            retried: false),
        Row(name: "429", method: .post, key: false, error: status(429), retried: true),
        Row(name: "429", method: .get, key: false, error: status(429), retried: true),
        Row(name: "refused", method: .post, key: false, error: network(.connectionRefused), retried: true),
        Row(name: "dns", method: .post, key: false, error: network(.dnsFailure), retried: true),
        Row(name: "500", method: .get, key: false, error: status(500), retried: true),
        Row(name: "502", method: .put, key: false, error: status(502), retried: true),
        Row(name: "503", method: .delete, key: false, error: status(503), retried: true),
        Row(name: "504", method: .post, key: true, error: status(504), retried: true),
        Row(name: "503", method: .post, key: false, error: status(503), retried: false),
        Row(name: "408", method: .get, key: false, error: status(408), retried: true),
        Row(name: "501", method: .get, key: false, error: status(501), retried: false),
        Row(name: "timeout", method: .get, key: false, error: network(.timedOut), retried: true),
        Row(name: "timeout", method: .post, key: false, error: network(.timedOut), retried: false),
        Row(name: "timeout", method: .post, key: true, error: network(.timedOut), retried: true),
        Row(name: "connection lost", method: .get, key: false, error: network(.connectionLost), retried: true),
        Row(name: "connection lost", method: .post, key: false, error: network(.connectionLost), retried: false),
        Row(name: "tls", method: .get, key: false, error: network(.tlsFailure), retried: false),
        Row(name: "insecure redirect", method: .get, key: false, error: network(.redirected), retried: false),
    ]

    @Test("the table decides", arguments: rows)
    func table(row: Row) {
        let decision = RetryPolicy.default.decide(
            .init(method: row.method, hasIdempotencyKey: row.key, error: row.error, number: 1))
        if row.retried {
            #expect(decision != .giveUp(.notRetryable) && decision != .giveUp(.unsafeToReplay), "\(decision)")
            if case .retry = decision {} else { Issue.record("expected a retry, got \(decision)") }
        } else {
            if case .retry = decision { Issue.record("expected to give up, got \(decision)") }
        }
    }

    @Test("exponential backoff with full jitter, capped")
    func backoff() {
        let policy = RetryPolicy.default
        #expect(policy.backoff(afterAttempt: 1, random: 1) == .milliseconds(500))
        #expect(policy.backoff(afterAttempt: 2, random: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 10, random: 1) == .seconds(20))
        #expect(policy.backoff(afterAttempt: 1_000, random: 1) == .seconds(20))
        #expect(policy.backoff(afterAttempt: 4, random: 0) == .zero)
    }

    @Test("proportional jitter matches the AhaSend Go SDK's ±25 %")
    func proportionalJitter() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), maximumBackoff: .seconds(30), jitter: .proportional(0.25))
        #expect(policy.backoff(afterAttempt: 1, random: 0) == .milliseconds(750))
        #expect(policy.backoff(afterAttempt: 2, random: 1) == .milliseconds(2_500))
        #expect(policy.backoff(afterAttempt: 6, random: 1) == .seconds(30))
    }

    @Test("limits: attempts, long hints, deadline")
    func limits() {
        let policy = RetryPolicy.default
        let limited = SendingDomainsError(
            kind: .rateLimited, message: "slow down", status: 429, retryAfter: .seconds(2))
        #expect(
            policy.decide(.init(method: .get, hasIdempotencyKey: false, error: limited, number: 1))
                == .retry(after: .seconds(2)))
        #expect(
            policy.decide(.init(method: .get, hasIdempotencyKey: false, error: limited, number: 3))
                == .giveUp(.attemptsExhausted))
        var long = limited
        long.retryAfter = .seconds(61)
        #expect(
            policy.decide(.init(method: .get, hasIdempotencyKey: false, error: long, number: 1))
                == .giveUp(.hintTooLong))
        #expect(
            policy.decide(
                .init(method: .get, hasIdempotencyKey: false, error: limited, number: 1, remaining: .seconds(1)))
                == .giveUp(.deadlineExceeded))
    }

    @Test("disabled policy never retries")
    func disabled() {
        let error = SendingDomainsError(kind: .server, message: "down", status: 503)
        #expect(
            RetryPolicy.disabled.decide(.init(method: .get, hasIdempotencyKey: false, error: error, number: 1))
                == .giveUp(.attemptsExhausted))
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("The request pipeline: retries, idempotency keys, deadlines, cancellation")
struct PipelineTests {
    let ok = TransportResponse.json(200, #"{"ok":true}"#)

    @Test("retries a GET after 503s with exact, jittered exponential delays")
    func exactDelays() async throws {
        let clock = VirtualClock(random: [0.5, 0.25])
        let mock = MockTransport.script([
            .respond(.json(503, #"{"message":"down"}"#)), .respond(.json(503, #"{"message":"down"}"#)), .respond(ok),
        ])
        let response = try await TestProvider.client(mock, clock: clock).send(TestProvider.get)
        #expect(response.status == 200)
        #expect(mock.requests.count == 3)
        // full jitter: 0.5 × 500 ms, then 0.25 × 1 s
        #expect(clock.sleeps == [.milliseconds(250), .milliseconds(250)])
    }

    @Test("gives up after three attempts and says how many it made")
    func exhausted() async {
        let mock = MockTransport.always(.json(500, #"{"message":"boom"}"#))
        let error = await captureError { try await TestProvider.client(mock).send(TestProvider.get) }
        #expect(error?.kind == .server)
        #expect(error?.attempts == 3)
        #expect(error?.message == "boom")
        #expect(mock.requests.count == 3)
    }

    @Test("the idempotency key is the same on every attempt of a call and differs between calls")
    func idempotencyKeyStable() async throws {
        let mock = MockTransport.script([
            .respond(.json(503, "{}")), .respond(.json(201, "{}")), .respond(.json(201, "{}")),
        ])
        let client = TestProvider.client(mock)
        _ = try await client.send(TestProvider.post)
        _ = try await client.send(TestProvider.post)
        let keys = mock.requests.map { $0.headers["Idempotency-Key"] }
        #expect(keys.count == 3)
        #expect(keys[0] != nil && keys[0] == keys[1])
        #expect(keys[2] != nil && keys[2] != keys[0])
    }

    @Test("a caller's key is sent as given; GETs carry none")
    func callerKey() async throws {
        let mock = MockTransport.always(.json(200, "{}"))
        let client = TestProvider.client(mock)
        let key = try IdempotencyKey("order-42-create")
        _ = try await client.send(TestProvider.post, idempotencyKey: key)
        _ = try await client.send(TestProvider.get, idempotencyKey: key)
        #expect(mock.requests[0].headers["Idempotency-Key"] == "order-42-create")
        #expect(mock.requests[1].headers["Idempotency-Key"] == nil)
    }

    @Test("a POST without an honoured key is not replayed after a 503, but is after a 429 and a refused connection")
    func unsafePost() async throws {
        let down = MockTransport.always(.json(503, "{}"))
        let error = await captureError {
            try await TestProvider.client(down, idempotent: false).send(TestProvider.post)
        }
        #expect(error?.kind == .server)
        #expect(down.requests.count == 1)
        #expect(down.requests[0].headers["Idempotency-Key"] == nil)

        let limited = MockTransport.script([
            .respond(.json(429, "{}", headers: ["Retry-After": "1"])),
            .fail(URLError(.cannotConnectToHost)),
            .respond(.json(201, "{}")),
        ])
        let clock = VirtualClock(random: 1)
        let response = try await TestProvider.client(limited, clock: clock, idempotent: false).send(TestProvider.post)
        #expect(response.status == 201)
        #expect(clock.sleeps == [.seconds(1), .seconds(1)])
    }

    @Test("Retry-After in seconds and as an HTTP-date")
    func retryAfterForms() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_445_412_480))  // 2015-10-21 07:28:00 GMT
        let mock = MockTransport.script([
            .respond(.json(429, "{}", headers: ["Retry-After": "7"])),
            .respond(.json(503, "{}", headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:12 GMT"])),
            .respond(ok),
        ])
        _ = try await TestProvider.client(mock, clock: clock).send(TestProvider.get)
        // the second hint is read 7 s later on the virtual clock: 12 − 7 = 5 s
        #expect(clock.sleeps == [.seconds(7), .seconds(5)])
    }

    @Test("a provider's body hint and X-RateLimit-Reset are honoured")
    func providerHints() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_000))
        let mock = MockTransport.script([
            .respond(.json(429, #"{"retryAfter": 3}"#)),
            .respond(.json(429, "{}", headers: ["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1013"])),
            .respond(ok),
        ])
        _ = try await TestProvider.client(mock, clock: clock).send(TestProvider.get)
        #expect(clock.sleeps == [.seconds(3), .seconds(10)])
    }

    @Test("a hint above the cap fails fast with the hint in the error")
    func hintTooLong() async {
        let clock = VirtualClock()
        let mock = MockTransport.always(.json(429, #"{"message":"slow"}"#, headers: ["Retry-After": "3600"]))
        let error = await captureError { try await TestProvider.client(mock, clock: clock).send(TestProvider.get) }
        #expect(error?.kind == .rateLimited)
        #expect(error?.retryAfter == .seconds(3600))
        #expect(mock.requests.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test("the overall deadline stops retrying and bounds each attempt's timeout")
    func deadline() async {
        let clock = VirtualClock(random: 1)
        let mock = MockTransport { _ in
            clock.advance(by: .seconds(4))
            return .json(503, "{}")
        }
        let policy = RetryPolicy(maximumAttempts: 10, initialBackoff: .seconds(2), deadline: .seconds(10))
        let error = await captureError {
            try await TestProvider.client(mock, clock: clock, policy: policy).send(TestProvider.get)
        }
        #expect(error?.kind == .server)
        // attempt 1 at t=0 (4 s), wait 2 s, attempt 2 at t=6 (4 s) → t=10: no time left for a 4 s wait
        #expect(mock.requests.count == 2)
        #expect(clock.sleeps == [.seconds(2)])
        #expect(mock.requests[0].timeout == .seconds(10))
        #expect(mock.requests[1].timeout == .seconds(4))
    }

    @Test("cancelling during a backoff ends the call at once with cancelled and no further attempt")
    func cancelInBackoff() async {
        let sleeping = AsyncStream<Void>.makeStream()
        let time = TimeSource(
            now: { .zero }, date: { Date() },
            sleep: { duration in
                sleeping.continuation.yield()
                try await Task.sleep(for: .seconds(3600))
            },
            random: { 0.5 })
        let mock = MockTransport.always(.json(503, "{}"))
        let client = APIClient(
            profile: TestProvider.profile(), authentication: .bearer("key-123456"),
            options: ClientOptions(transport: mock, timeSource: time))
        let task = Task { await captureError { try await client.send(TestProvider.get) } }
        var iterator = sleeping.stream.makeAsyncIterator()
        await iterator.next()
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(mock.requests.count == 1)
    }

    @Test("a cancelled task sends nothing")
    func cancelledBeforeStart() async {
        let mock = MockTransport.always(ok)
        let client = TestProvider.client(mock)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await captureError { try await client.send(TestProvider.get) }
        }
        #expect(await task.value?.kind == .cancelled)
        #expect(mock.requests.isEmpty)
    }

    @Test("middleware order: user middleware once per call, then key, then auth per attempt")
    func middlewareOrder() async throws {
        struct Recorder: CallMiddleware {
            let seen: Locked<[String]>
            func intercept(
                _ request: TransportRequest, context: MiddlewareContext, next: Next
            ) async throws -> TransportResponse {
                seen.withLock { $0.append("user:auth=\(request.headers["Authorization"] != nil)") }
                return try await next(request, context)
            }
        }
        let seen = Locked<[String]>([])
        let mock = MockTransport.script([.respond(.json(503, "{}")), .respond(.json(201, "{}"))])
        let client = APIClient(
            profile: TestProvider.profile(), authentication: .bearer(Secret(TestProvider.secret)),
            options: ClientOptions(
                transport: mock, middlewares: [Recorder(seen: seen)], timeSource: VirtualClock().timeSource))
        _ = try await client.send(TestProvider.post)
        #expect(seen.withLock { $0 } == ["user:auth=false"])
        #expect(mock.requests.allSatisfy { $0.headers["Authorization"] == "Bearer \(TestProvider.secret)" })
    }

    @Test("a blank credential is refused before anything is sent")
    func blankCredential() async {
        let mock = MockTransport.always(ok)
        let client = APIClient(
            profile: TestProvider.profile(), authentication: .bearer("  "), options: ClientOptions(transport: mock))
        let error = await captureError { try await client.send(TestProvider.get) }
        #expect(error?.kind == .authentication)
        #expect(mock.requests.isEmpty)
    }

    @Test("an error response maps to kind, message, request id and bounded raw body")
    func errorMapping() async {
        let mock = MockTransport.always(
            .json(404, #"{"message":"Domain not found"}"#, headers: ["X-Request-Id": "req-1"]))
        let error = await captureError { try await TestProvider.client(mock).send(TestProvider.get) }
        #expect(error?.kind == .notFound)
        #expect(error?.status == 404)
        #expect(error?.message == "Domain not found")
        #expect(error?.requestID == "req-1")
        #expect(error?.provider == .ahaSend)
        #expect(error?.operation == "getDomain")
        #expect(error?.rawBody == #"{"message":"Domain not found"}"#)

        let html = MockTransport.always(
            TransportResponse(status: 400, body: Data(String(repeating: "<p>", count: 5_000).utf8)))
        let htmlError = await captureError { try await TestProvider.client(html).send(TestProvider.get) }
        #expect(htmlError?.kind == .validation)
        #expect(htmlError?.message.contains("not a recognised") == true)
        #expect((htmlError?.rawBody?.utf8.count ?? .max) < SendingDomainsError.rawBodyLimit + 40)
    }

    @Test("a body over the cap fails with a clear error")
    func bodyCap() async {
        let mock = MockTransport.always(TransportResponse(status: 200, body: Data(count: 2_048)))
        let client = APIClient(
            profile: TestProvider.profile(), authentication: .bearer("key-123456"),
            options: ClientOptions(transport: mock, maximumBodySize: 1_024))
        let error = await captureError { try await client.send(TestProvider.get) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("1024-byte limit") == true)
    }

    @Test("transport failures map to typed kinds")
    func transportMapping() async {
        let cases: [(URLError.Code, SendingDomainsError.Kind, SendingDomainsError.TransportFailure)] = [
            (.timedOut, .timeout, .timedOut), (.cannotConnectToHost, .transport, .connectionRefused),
            (.cannotFindHost, .transport, .dnsFailure), (.networkConnectionLost, .transport, .connectionLost),
            (.serverCertificateUntrusted, .transport, .tlsFailure),
        ]
        for (code, kind, failure) in cases {
            let error = SendingDomainsError.wrapping(URLError(code), provider: .krafter, operation: "x")
            #expect(error.kind == kind)
            #expect(error.transportFailure == failure)
        }
        #expect(SendingDomainsError.wrapping(CancellationError(), provider: nil, operation: nil).kind == .cancelled)
    }

    @Test("AhaSend-style 409 in progress is retried after its hint with the same key")
    func inProgress() async throws {
        let clock = VirtualClock()
        let mock = MockTransport.script([
            .respond(
                .json(
                    409, #"{"message":"in progress"}"#, headers: ["Idempotent-Replayed": "false", "Retry-After": "2"])),
            .respond(.json(201, "{}", headers: ["Idempotent-Replayed": "true"])),
        ])
        _ = try await TestProvider.client(mock, clock: clock).send(TestProvider.post)
        #expect(clock.sleeps == [.seconds(2)])
        #expect(mock.requests[0].headers["Idempotency-Key"] == mock.requests[1].headers["Idempotency-Key"])
    }
}

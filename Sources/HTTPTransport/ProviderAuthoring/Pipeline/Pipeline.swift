/// The request pipeline, assembled once per client, in the order Docs/Transport.md gives:
///
/// ```
/// your middleware (ClientOptions.middlewares), once per logical call   — APIClient.send
///   → idempotency key     IdempotencyKeyStep, once per call, before any retry
///   → retry loop          RetryStep: cancellation, deadline, backoff
///     → rate limit        RateLimitStep (per attempt)
///     → authentication    Authentication.apply (per attempt)
///     → error mapping     ErrorMappingStep: logging, status → SendingDomainsError
///     → transport         ClientOptions.transport
/// ```
///
/// The steps are direct calls, not a chain of closures: every link of a chain is an async frame
/// that each call in flight keeps (FrameSizes.swift says why some helpers are not inlined).
/// An error leaves the pipeline only through the retry step (it gave up, the deadline passed,
/// the task was cancelled), which seals it with ``ErrorStamp`` — the one place errors are
/// stamped with the provider and operation and scrubbed of secrets — so your middleware sees
/// errors as the caller will.
final class Pipeline: Sendable {
    let idempotency: IdempotencyKeyStep?
    let retry: RetryStep
    let attempt: Attempt

    init(idempotency: IdempotencyKeyStep?, retry: RetryStep, attempt: Attempt) {
        self.idempotency = idempotency
        self.retry = retry
        self.attempt = attempt
    }

    /// Stamps and scrubs the errors of the client's calls.
    var stamp: ErrorStamp { retry.stamp }

    /// The call, from the idempotency key through the retry loop over attempts. Only `self`,
    /// the request and the context (a reference each) stay in this frame while an attempt is in
    /// flight.
    func run(
        _ request: TransportRequest, _ context: MiddlewareContext
    ) async throws(SendingDomainsError) -> TransportResponse {
        var (request, context) = start(request, context)
        while true {
            let attemptRequest = try retry.nextAttempt(request, &context)
            do {
                return try await attempt.send(attemptRequest, context)
            } catch {
                try await retry.wait(after: error, request: request, context: context)
                context.attempt += 1
            }
        }
    }

    /// The idempotency key (where the provider honours one), then the call's deadline.
    @inline(never) private func start(
        _ request: TransportRequest, _ context: MiddlewareContext
    ) -> (TransportRequest, MiddlewareContext) {
        var request = request
        var context = context
        idempotency?.prepare(&request, &context)
        retry.begin(&context)
        return (request, context)
    }
}

extension Pipeline {
    /// One attempt: rate limit → authentication → error mapping and logging → transport.
    final class Attempt: Sendable {
        let limiter: RateLimitStep?
        let authentication: Authentication
        let mapping: ErrorMappingStep
        let transport: any Transport
        let metrics: CallMetrics

        init(
            limiter: RateLimitStep?, authentication: Authentication, mapping: ErrorMappingStep,
            transport: any Transport,
            metrics: CallMetrics
        ) {
            self.limiter = limiter
            self.authentication = authentication
            self.mapping = mapping
            self.transport = transport
            self.metrics = metrics
        }

        @inline(never) func send(
            _ request: TransportRequest, _ context: MiddlewareContext
        ) async throws(SendingDomainsError) -> TransportResponse {
            if limiter != nil { try await acquire(context) }
            let (request, started) = authenticate(request, context)
            let response = try await transmit(request, context, started)
            if limiter == nil {
                return try mapping.check(response, request: request, context: context, started: started)
            }
            return try await checkAndLearn(response, request, context, started)
        }

        /// Rate limit: waits for a token, timed when metrics are on.
        @inline(never) private func acquire(_ context: MiddlewareContext) async throws(SendingDomainsError) {
            guard metrics.isActive else { return try await limiter?.acquire(context) ?? () }
            let time = mapping.timeSource
            let started = time.now()
            try await limiter?.acquire(context)
            metrics.limiterWait(context, time.now() - started)
        }

        /// Authentication: the credentials go into this attempt's copy of the request only, so
        /// nothing above ever sees them; then the attempt is logged and counted.
        @inline(never) private func authenticate(
            _ request: TransportRequest, _ context: MiddlewareContext
        ) -> (TransportRequest, Duration) {
            var request = request
            authentication.apply(to: &request.headers)
            AttemptCounter.current?.increment()
            return (request, mapping.willSend(request, context: context))
        }

        /// Transport: sends, mapping a failure to a typed error.
        @inline(never) private func transmit(
            _ request: TransportRequest, _ context: MiddlewareContext, _ started: Duration
        ) async throws(SendingDomainsError) -> TransportResponse {
            do {
                let response = try await transport.send(request)
                if metrics.isActive {
                    metrics.attempt(
                        context, started: started, now: mapping.timeSource.now(), status: response.status,
                        errorKind: nil)
                }
                return response
            } catch {
                let failure = mapping.failure(error, request: request, context: context)
                if metrics.isActive {
                    metrics.attempt(
                        context, started: started, now: mapping.timeSource.now(), status: nil, errorKind: failure.kind)
                }
                throw failure
            }
        }

        /// Error mapping, then what the rate limiter learns from the outcome.
        @inline(never) private func checkAndLearn(
            _ response: TransportResponse, _ request: TransportRequest, _ context: MiddlewareContext,
            _ started: Duration
        ) async throws(SendingDomainsError) -> TransportResponse {
            do {
                let checked = try mapping.check(response, request: request, context: context, started: started)
                await limiter?.learn(from: checked)
                return checked
            } catch {
                await limiter?.learn(from: error)
                throw error
            }
        }
    }
}

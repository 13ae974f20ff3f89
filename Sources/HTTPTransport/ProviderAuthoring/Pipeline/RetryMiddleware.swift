/// Sends a call's request again when ``RetryPolicy`` allows it, waiting between attempts on
/// the injected ``TimeSource``.
///
/// It runs inside the idempotency-key middleware, so every attempt carries the same key, and
/// outside error mapping, so the policy sees typed ``SendingDomainsError``s. Before each attempt
/// it checks for cancellation and the call's deadline, and it gives each attempt no more time
/// than is left before the deadline. Sleeps are cancellable: cancelling the task during a
/// backoff ends the call at once with ``SendingDomainsError/Kind/cancelled``.
@_spi(ProviderAuthoring) public struct RetryMiddleware: CallMiddleware {
    /// The policy.
    public var policy: RetryPolicy
    /// The clock and sleep.
    public var timeSource: TimeSource
    package var logger: CallLogger

    /// Creates the middleware.
    public init(policy: RetryPolicy, timeSource: TimeSource = .system) {
        self.init(
            policy: policy, timeSource: timeSource, logger: CallLogger(sink: nil, redactor: .none, sensitiveHeaders: [])
        )
    }

    package init(policy: RetryPolicy, timeSource: TimeSource, logger: CallLogger) {
        self.policy = policy
        self.timeSource = timeSource
        self.logger = logger
    }

    /// Runs the attempts.
    public func intercept(
        _ request: TransportRequest, context: MiddlewareContext, next: Next
    ) async throws -> TransportResponse {
        var context = context
        begin(&context)
        while true {
            let attemptRequest = try nextAttempt(request, &context)
            do {
                return try await next(attemptRequest, context)
            } catch {
                try await wait(after: error, request: request, context: context)
                context.attempt += 1
            }
        }
    }

    /// Sets the call's deadline and the first attempt's number.
    @inline(never) package func begin(_ context: inout MiddlewareContext) {
        context.deadline = policy.deadline.map { timeSource.now() + $0 }
        context.attempt = 1
    }

    /// Checks cancellation and the deadline before an attempt and gives the attempt no more time
    /// than is left.
    @inline(never) package func nextAttempt(
        _ request: TransportRequest, _ context: inout MiddlewareContext
    ) throws(SendingDomainsError) -> TransportRequest {
        if Task.isCancelled { throw cancelled(context, attempts: context.attempt - 1) }
        var attemptRequest = request
        if let deadline = context.deadline {
            let left = deadline - timeSource.now()
            guard left > .zero else { throw deadlineError(context, attempts: context.attempt - 1) }
            attemptRequest.timeout = min(request.timeout ?? left, left)
        }
        return attemptRequest
    }

    /// Decides about a failed attempt: returns after the backoff when the policy retries, throws
    /// the failure (or `cancelled` when the wait is cancelled) when it does not.
    @inline(never) package func wait(
        after error: any Error, request: TransportRequest, context: MiddlewareContext
    ) async throws(SendingDomainsError) {
        let delay = try decide(after: error, request: request, context: context)
        do {
            try await timeSource.sleep(delay)
        } catch {
            throw cancelled(context, attempts: context.attempt)
        }
    }

    /// The policy's decision about a failed attempt, logged: the delay before the next one, or
    /// the failure thrown.
    @inline(never) private func decide(
        after error: any Error, request: TransportRequest, context: MiddlewareContext
    ) throws(SendingDomainsError) -> Duration {
        var failure = SendingDomainsError.wrapping(error, provider: context.provider, operation: context.operation)
        let attempt = context.attempt
        failure.attempts = attempt
        let remaining = context.deadline.map { $0 - timeSource.now() }
        let decision = policy.decide(
            .init(
                method: request.method, hasIdempotencyKey: context.idempotencyKey != nil, error: failure,
                number: attempt, remaining: remaining, random: timeSource.random(),
                isIdempotent: request.isReplayable))
        switch decision {
        case .giveUp(let reason):
            if attempt > 1 || reason == .hintTooLong || reason == .deadlineExceeded {
                logger.log(
                    .warning, "✗ \(context.operation) gave up: \(reason.rawValue)",
                    Self.metadata(
                        context, failure, ["reason": reason.rawValue]))
            }
            throw failure
        case .retry(let delay):
            logger.log(
                .info,
                "↻ \(context.operation) retrying in \(delay.formattedSeconds) after \(failure.kind.rawValue)",
                Self.metadata(
                    context, failure,
                    ["retry_in": delay.formattedSeconds, "rule": RetryPolicy.rule(for: failure).name]))
            return delay
        }
    }

    /// A retry's or a give-up's log metadata, under ``LogSink/Event/metadata``'s stable keys.
    private static func metadata(
        _ context: MiddlewareContext, _ failure: SendingDomainsError, _ extra: [String: String]
    ) -> [String: String] {
        var metadata = extra
        metadata["provider"] = context.provider.rawValue
        metadata["operation"] = context.operation
        metadata["attempt"] = "\(context.attempt)"
        metadata["kind"] = failure.kind.rawValue
        if let status = failure.status { metadata["status"] = "\(status)" }
        if let requestID = failure.requestID { metadata["request_id"] = requestID }
        return metadata
    }

    private func cancelled(_ context: MiddlewareContext, attempts: Int) -> SendingDomainsError {
        SendingDomainsError(
            kind: .cancelled, message: "The task was cancelled", provider: context.provider,
            operation: context.operation, attempts: max(attempts, 1))
    }

    private func deadlineError(_ context: MiddlewareContext, attempts: Int) -> SendingDomainsError {
        SendingDomainsError(
            kind: .timeout, message: "The call's deadline passed before attempt \(attempts + 1)",
            provider: context.provider, operation: context.operation, transportFailure: .timedOut,
            attempts: max(attempts, 1))
    }
}

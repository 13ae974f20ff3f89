/// The retry loop's decisions: sends a call's request again when ``RetryPolicy`` allows it,
/// waiting between attempts on the injected ``TimeSource``. ``Pipeline`` runs the loop itself
/// (see `Pipeline.attempts`), calling ``begin(_:)`` once, ``nextAttempt(_:_:)`` before each
/// attempt and ``wait(after:request:context:)`` after each failure.
///
/// It runs inside the idempotency-key step, so every attempt carries the same key, and
/// outside error mapping, so the policy sees typed ``SendingDomainsError``s. Before each attempt
/// it checks for cancellation and the call's deadline, and it gives each attempt no more time
/// than is left before the deadline. Sleeps are cancellable: cancelling the task during a
/// backoff ends the call at once with ``SendingDomainsError/Kind/cancelled``.
struct RetryStep: Sendable {
    /// The policy.
    let policy: RetryPolicy
    /// The clock and sleep.
    let timeSource: TimeSource
    let logger: CallLogger
    /// Seals every error that leaves the pipeline (they all leave through this step).
    let stamp: ErrorStamp

    init(policy: RetryPolicy, timeSource: TimeSource, logger: CallLogger, stamp: ErrorStamp) {
        self.policy = policy
        self.timeSource = timeSource
        self.logger = logger
        self.stamp = stamp
    }

    /// Sets the call's deadline and the first attempt's number.
    @inline(never) func begin(_ context: inout MiddlewareContext) {
        context.deadline = policy.deadline.map { timeSource.now() + $0 }
        context.attempt = 1
    }

    /// Checks cancellation and the deadline before an attempt and gives the attempt no more time
    /// than is left.
    @inline(never) func nextAttempt(
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
    @inline(never) func wait(
        after error: SendingDomainsError, request: TransportRequest, context: MiddlewareContext
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
        after error: SendingDomainsError, request: TransportRequest, context: MiddlewareContext
    ) throws(SendingDomainsError) -> Duration {
        var failure = error
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
            throw stamp.seal(failure, context)
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
        stamp.seal(
            SendingDomainsError(kind: .cancelled, message: "The task was cancelled", attempts: max(attempts, 1)),
            context)
    }

    private func deadlineError(_ context: MiddlewareContext, attempts: Int) -> SendingDomainsError {
        stamp.seal(
            SendingDomainsError(
                kind: .timeout, message: "The call's deadline passed before attempt \(attempts + 1)",
                transportFailure: .timedOut, attempts: max(attempts, 1)),
            context)
    }
}

/// Receives what an operator graphs: each attempt's outcome and duration, each wait for the
/// client's rate limiter, each check a `DomainWatcher` makes.
///
/// Set one in ``ClientOptions/metrics`` for every call of a client, or bind one to a task with
/// ``withSink(_:_:)`` (a tracing middleware does, to add an event per attempt to its span).
/// Without a sink the pipeline builds no event and allocates nothing for metrics. The handlers
/// run on the task that makes the call, synchronously: keep them fast (increment a counter,
/// record a timer) and never block.
///
/// ```swift
/// let attempts = Locked(0)
/// let metrics = MetricsSink(attemptFinished: { attempt in
///     attempts.withLock { $0 += 1 }
///     print(attempt.provider, attempt.operation, attempt.outcome, attempt.duration)
/// })
/// let options = ClientOptions(metrics: metrics)
/// ```
///
/// Docs/ServerIntegration.md maps these events to swift-metrics counters, timers and gauges,
/// with Prometheus-style names and labels.
public struct MetricsSink: Sendable {
    /// One attempt that ended: a response arrived (whatever its status), or the transport failed.
    public struct Attempt: Sendable, Hashable {
        /// The provider.
        public var provider: ProviderID
        /// The operation's name, for example `"createDomain"`.
        public var operation: String
        /// The attempt's number, from 1.
        public var attempt: Int
        /// The response's status, or `nil` when no response arrived.
        public var status: Int?
        /// Why no response arrived (``SendingDomainsError/Kind/timeout``,
        /// ``SendingDomainsError/Kind/transport``, ``SendingDomainsError/Kind/cancelled`` …), or
        /// `nil` when one did.
        public var errorKind: SendingDomainsError.Kind?
        /// From handing the request to the transport to its response or failure.
        public var duration: Duration

        /// Creates an event.
        public init(
            provider: ProviderID, operation: String, attempt: Int, status: Int?, errorKind: SendingDomainsError.Kind?,
            duration: Duration
        ) {
            self.provider = provider
            self.operation = operation
            self.attempt = attempt
            self.status = status
            self.errorKind = errorKind
            self.duration = duration
        }

        /// A label of few values: the status class (`"2xx"`, `"4xx"`, `"5xx"` …) when a response
        /// arrived, else the error kind's raw value (`"timeout"`, `"transport"` …).
        public var outcome: String {
            if let status { return status >= 100 && status < 600 ? "\(status / 100)xx" : "other" }
            return errorKind?.rawValue ?? "other"
        }
    }

    /// One wait for the client's rate limiter before an attempt; zero when a token was free.
    public struct LimiterWait: Sendable, Hashable {
        /// The provider.
        public var provider: ProviderID
        /// The operation waiting.
        public var operation: String
        /// How long the attempt waited for its token.
        public var duration: Duration

        /// Creates an event.
        public init(provider: ProviderID, operation: String, duration: Duration) {
            self.provider = provider
            self.operation = operation
            self.duration = duration
        }
    }

    /// One check a domain watcher made of one domain.
    public struct WatcherCheck: Sendable, Hashable {
        /// The provider checked.
        public var provider: ProviderID
        /// How many domains the watcher watches at this provider.
        public var watchedDomains: Int
        /// Why the check failed, or `nil` when it succeeded.
        public var errorKind: SendingDomainsError.Kind?

        /// Creates an event.
        public init(provider: ProviderID, watchedDomains: Int, errorKind: SendingDomainsError.Kind?) {
            self.provider = provider
            self.watchedDomains = watchedDomains
            self.errorKind = errorKind
        }

        /// Whether the check succeeded.
        public var succeeded: Bool { errorKind == nil }
    }

    /// Called when an attempt ends.
    public var attemptFinished: (@Sendable (Attempt) -> Void)?
    /// Called when an attempt has its rate-limit token.
    public var limiterWaited: (@Sendable (LimiterWait) -> Void)?
    /// Called when a domain watcher has checked a domain.
    public var watcherChecked: (@Sendable (WatcherCheck) -> Void)?

    /// Creates a sink; leave out the events you do not record.
    public init(
        attemptFinished: (@Sendable (Attempt) -> Void)? = nil, limiterWaited: (@Sendable (LimiterWait) -> Void)? = nil,
        watcherChecked: (@Sendable (WatcherCheck) -> Void)? = nil
    ) {
        self.attemptFinished = attemptFinished
        self.limiterWaited = limiterWaited
        self.watcherChecked = watcherChecked
    }
}

extension MetricsSink {
    /// The sink ``withSink(_:_:)`` bound for the current task, if any.
    @TaskLocal static var scoped: MetricsSink?

    /// Runs `body` with `sink` receiving the events of every call made within it — in this task
    /// and the child tasks it starts — *in addition to* the client's ``ClientOptions/metrics``.
    ///
    /// A middleware binds one around `next` to see each attempt of the call it wraps, which it
    /// otherwise cannot (it runs outside the retry loop):
    ///
    /// ```swift
    /// struct AttemptCounter: CallMiddleware {
    ///     func intercept(_ request: TransportRequest, context: MiddlewareContext, next: Next) async throws -> TransportResponse {
    ///         let sink = MetricsSink(attemptFinished: { attempt in print("attempt", attempt.attempt, attempt.outcome) })
    ///         return try await MetricsSink.withSink(sink) { try await next(request, context) }
    ///     }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - sink: Receives the events of the calls `body` makes.
    ///   - body: The work to observe.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public static func withSink<Result, Failure: Error>(
        _ sink: MetricsSink, _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        try await $scoped.withValue(sink, typedOperation: body)
    }

    /// Sends a watcher's check to this sink and to the task's scoped one.
    package func record(_ check: WatcherCheck) {
        watcherChecked?(check)
        Self.scoped?.watcherChecked?(check)
    }
}

/// The pipeline's view of the client's metrics sink and the task's scoped one: nothing is built
/// unless one of them is there.
package struct CallMetrics: Sendable {
    package var sink: MetricsSink?

    package init(sink: MetricsSink?) {
        self.sink = sink
    }

    /// Whether any sink would receive an event now.
    package var isActive: Bool { sink != nil || MetricsSink.scoped != nil }

    /// Reports an attempt that ended.
    @inline(never) package func attempt(
        _ context: MiddlewareContext, started: Duration, now: Duration, status: Int?,
        errorKind: SendingDomainsError.Kind?
    ) {
        let scoped = MetricsSink.scoped
        guard sink?.attemptFinished != nil || scoped?.attemptFinished != nil else { return }
        let event = MetricsSink.Attempt(
            provider: context.provider, operation: context.operation, attempt: context.attempt, status: status,
            errorKind: errorKind, duration: now - started)
        sink?.attemptFinished?(event)
        scoped?.attemptFinished?(event)
    }

    /// Reports a rate-limiter wait.
    @inline(never) package func limiterWait(_ context: MiddlewareContext, _ duration: Duration) {
        let scoped = MetricsSink.scoped
        guard sink?.limiterWaited != nil || scoped?.limiterWaited != nil else { return }
        let event = MetricsSink.LimiterWait(
            provider: context.provider, operation: context.operation, duration: duration)
        sink?.limiterWaited?(event)
        scoped?.limiterWaited?(event)
    }
}

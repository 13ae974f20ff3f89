/// Receives the pipeline's events (``LogSink/Event``); plug in `print`, swift-log or your own logger.
///
/// ```swift
/// let options = ClientOptions(logger: LogSink(minimumLevel: .debug) { event in
///     print(event)  // safe: secrets are already redacted
/// })
/// ```
///
/// A sink set in ``ClientOptions/logger`` serves every call of the client. To send one call's
/// events somewhere else — the logger of the HTTP request your server is handling, with its
/// request id — run the call inside ``withSink(_:_:)``.
public struct LogSink: Sendable {
    /// One event the pipeline reports: a request sent, a response received, a retry scheduled,
    /// a call given up.
    ///
    /// Every secret header value is already `<redacted>` and every known secret is removed from
    /// the message and metadata before a ``LogSink`` sees the event. (Not `LogEvent`: swift-log 1.16
    /// exports a type of that name.)
    public struct Event: Sendable, Hashable, CustomStringConvertible {
        /// How important the event is.
        ///
        /// Frozen: the four levels the SDK logs at.
        public enum Level: Int, Sendable, Hashable, Comparable {
            /// Every request and response.
            case debug
            /// Retries and rate-limit waits.
            case info
            /// A call that failed for good.
            case warning

            /// Orders levels from `debug` to `warning`.
            public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        /// The event's level.
        public var level: Level
        /// A one-line summary, for example `→ POST /v2/accounts/…/domains (attempt 1)`.
        public var message: String
        /// Structured details under stable keys (snake_case; a bridge to another logging system may
        /// prefix them, as the swift-log recipe in Docs/ServerIntegration.md does with
        /// `sendingdomains.`):
        ///
        /// | key | on | value |
        /// |---|---|---|
        /// | `provider` | every event | the ``ProviderID``'s raw value, `ahasend` |
        /// | `operation` | every event | the operation's name, `createDomain` |
        /// | `attempt` | every event | the attempt's number, from `1` |
        /// | `headers` | a request sent | its header fields, secret values `<redacted>` |
        /// | `status` | a response; a retry or give-up after one | the HTTP status, `503` |
        /// | `bytes` | a response | the body's size |
        /// | `duration` | a response | the attempt's time, in seconds, `0.125s` |
        /// | `request_id` | a response, a retry or give-up that has one | the provider's `X-Request-Id` |
        /// | `kind` | a failure, a retry, a give-up | the ``SendingDomainsError/Kind``'s raw value |
        /// | `retry_in` | a retry | the backoff before the next attempt, `0.250s` |
        /// | `rule` | a retry | the retry policy's row that allowed it |
        /// | `reason` | a give-up | why the policy stopped |
        public var metadata: [String: String]

        /// Creates an event.
        public init(level: Level, message: String, metadata: [String: String] = [:]) {
            self.level = level
            self.message = message
            self.metadata = metadata
        }

        /// `[level] message key=value …`, keys sorted.
        public var description: String {
            let details = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "[\(level)] \(message)" + (details.isEmpty ? "" : " " + details)
        }
    }

    /// The lowest level passed to ``emit``.
    public var minimumLevel: Event.Level
    /// Handles one event. Called on whatever task makes the request; keep it fast.
    public var emit: @Sendable (Event) -> Void

    /// Creates a sink.
    public init(minimumLevel: Event.Level = .info, emit: @escaping @Sendable (Event) -> Void) {
        self.minimumLevel = minimumLevel
        self.emit = emit
    }
}

extension LogSink {
    /// The sink ``withSink(_:_:)`` bound for the current task, if any.
    @TaskLocal static var scoped: LogSink?

    /// Runs `body` with `sink` receiving the events of every call made within it — in this task
    /// and the child tasks it starts — instead of the client's ``ClientOptions/logger``.
    ///
    /// The per-call logger: a server handling a request passes a sink over that request's
    /// logger, and the SDK's events carry the request's own metadata (its request id) beside
    /// theirs. The client's redaction still applies: no credential reaches `sink`.
    ///
    /// ```swift
    /// let lines = LogSink(minimumLevel: .debug) { event in print("request 42:", event) }
    /// let domain = try await LogSink.withSink(lines) {
    ///     try await ahaSend.getDomain(id: "example.com")
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - sink: Receives the events of the calls `body` makes; its own ``minimumLevel`` applies.
    ///   - body: The work whose calls log to `sink`.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public static func withSink<Result, Failure: Error>(
        _ sink: LogSink, _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        try await $scoped.withValue(sink, typedOperation: body)
    }
}

/// A logger bound to one call's redaction rules; what the middleware actually uses.
package struct CallLogger: Sendable {
    package var sink: LogSink?
    package var redactor: Redactor
    package var sensitiveHeaders: Set<String>

    package func log(
        _ level: LogSink.Event.Level, _ message: @autoclosure () -> String,
        _ metadata: @autoclosure () -> [String: String]
    ) {
        guard let sink = LogSink.scoped ?? sink, level >= sink.minimumLevel else { return }
        let event = LogSink.Event(
            level: level,
            message: redactor.redact(message()),
            metadata: metadata().mapValues { redactor.redact($0) }
        )
        sink.emit(event)
    }

    package func headersText(_ headers: HeaderFields) -> String {
        headers.redacted(sensitiveHeaders.union(HeaderFields.alwaysSensitive)).map { "\($0.name): \($0.value)" }
            .joined(separator: ", ")
    }
}

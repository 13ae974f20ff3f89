/// One event the pipeline reports: a request sent, a response received, a retry scheduled,
/// a call given up.
///
/// Every secret header value is already `<redacted>` and every known secret is removed from
/// the message and metadata before a ``LogSink`` sees the event.
public struct LogEvent: Sendable, Hashable, CustomStringConvertible {
    /// How important the event is.
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
    /// Structured details: `provider`, `operation`, `attempt`, `status`, `delay`, `headers` …
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

/// Receives the pipeline's ``LogEvent``s; plug in `print`, swift-log or your own logger.
///
/// ```swift
/// let options = ClientOptions(logger: LogSink(minimumLevel: .debug) { event in
///     print(event)  // safe: secrets are already redacted
/// })
/// ```
public struct LogSink: Sendable {
    /// The lowest level passed to ``emit``.
    public var minimumLevel: LogEvent.Level
    /// Handles one event. Called on whatever task makes the request; keep it fast.
    public var emit: @Sendable (LogEvent) -> Void

    /// Creates a sink.
    public init(minimumLevel: LogEvent.Level = .info, emit: @escaping @Sendable (LogEvent) -> Void) {
        self.minimumLevel = minimumLevel
        self.emit = emit
    }
}

/// A logger bound to one call's redaction rules; what the middleware actually uses.
package struct CallLogger: Sendable {
    package var sink: LogSink?
    package var redactor: Redactor
    package var sensitiveHeaders: Set<String>

    package func log(
        _ level: LogEvent.Level, _ message: @autoclosure () -> String,
        _ metadata: @autoclosure () -> [String: String]
    ) {
        guard let sink, level >= sink.minimumLevel else { return }
        let event = LogEvent(
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

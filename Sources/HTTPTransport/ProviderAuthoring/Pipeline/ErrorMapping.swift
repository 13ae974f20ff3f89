import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a provider's error body says, as its decoder reads it. The pipeline fills in the rest
/// of the ``SendingDomainsError``: the kind from the status when the decoder leaves it `nil`,
/// `Retry-After` and rate-limit reset hints, the request id, and a redacted raw body excerpt.
@_spi(ProviderAuthoring) public struct ProviderErrorDetails: Sendable, Hashable {
    /// The kind, when the body or headers say more than the status (AhaSend's 409 in progress).
    public var kind: SendingDomainsError.Kind?
    /// The provider's message.
    public var message: String?
    /// The provider's error code or name.
    public var code: String?
    /// Per-field messages.
    public var fieldErrors: [SendingDomainsError.FieldError]
    /// A retry hint from the body (AutoSend's `retryAfter`, Krafter's `retry_after`).
    public var retryAfter: Duration?

    /// Creates error details; every part is optional.
    public init(
        kind: SendingDomainsError.Kind? = nil, message: String? = nil, code: String? = nil,
        fieldErrors: [SendingDomainsError.FieldError] = [], retryAfter: Duration? = nil
    ) {
        self.kind = kind
        self.message = message
        self.code = code
        self.fieldErrors = fieldErrors
        self.retryAfter = retryAfter
    }
}

/// Reads a provider's non-2xx response. It must not throw or crash on any body: HTML pages,
/// truncated JSON and empty bodies give details with a `nil` message.
@_spi(ProviderAuthoring) public typealias ErrorDecoder = @Sendable (TransportResponse) -> ProviderErrorDetails

extension SendingDomainsError.Kind {
    /// The kind an HTTP status means when the provider says nothing more specific.
    public init(status: Int) {
        switch status {
        case 401: self = .authentication
        case 402, 403: self = .permission
        case 404, 410: self = .notFound
        case 408: self = .timeout
        case 409, 412: self = .conflict
        case 429: self = .rateLimited
        case 500...: self = .server
        default: self = .validation
        }
    }
}

extension SendingDomainsError {
    /// Turns any error into a ``SendingDomainsError``: itself if it already is one, `cancelled`
    /// for `CancellationError`, and the matching transport kind for a `URLError`.
    public static func wrapping(_ error: any Error, provider: ProviderID?, operation: String?) -> SendingDomainsError {
        if var known = error as? SendingDomainsError {
            known.provider = known.provider ?? provider
            known.operation = known.operation ?? operation
            return known
        }
        if error is CancellationError {
            return SendingDomainsError(
                kind: .cancelled, message: "The task was cancelled", provider: provider, operation: operation,
                underlyingError: error)
        }
        if let urlError = error as? URLError {
            let (kind, failure, message) = classify(urlError)
            return SendingDomainsError(
                kind: kind, message: message, provider: provider, operation: operation, transportFailure: failure,
                underlyingError: urlError)
        }
        return SendingDomainsError(
            kind: .transport, message: "The request failed: \(type(of: error))", provider: provider,
            operation: operation, transportFailure: .other, underlyingError: error)
    }

    private static func classify(_ error: URLError) -> (Kind, TransportFailure, String) {
        switch error.code {
        case .cancelled: (.cancelled, .other, "The request was cancelled")
        case .timedOut: (.timeout, .timedOut, "No response arrived within the timeout")
        case .cannotConnectToHost: (.transport, .connectionRefused, "The server refused the connection")
        case .cannotFindHost, .dnsLookupFailed: (.transport, .dnsFailure, "The host name could not be resolved")
        case .networkConnectionLost:
            (.transport, .connectionLost, "The connection was lost before the response completed")
        case .notConnectedToInternet: (.transport, .dnsFailure, "There is no network connection")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            (.transport, .tlsFailure, "The TLS connection could not be established")
        case .badServerResponse, .cannotParseResponse, .zeroByteResource:
            (.transport, .connectionLost, "The server's response was malformed or cut short")
        default: (.transport, .other, "The request failed (URLError \(error.code.rawValue))")
        }
    }
}

/// The pipeline's error-mapping step, per attempt: it turns transport errors into
/// ``SendingDomainsError``, non-2xx responses into errors through the provider's
/// ``ErrorDecoder``, and bodies over the cap into a ``SendingDomainsError/Kind/decoding`` error.
/// It also logs each request and response with secret headers redacted.
@_spi(ProviderAuthoring) public struct ErrorMapping: Sendable {
    /// Reads the provider's error bodies.
    public var decoder: ErrorDecoder
    /// Where the provider reports its rate-limit reset, used for a 429 without another hint.
    public var rateLimitHeaders: RateLimitHeaderNames?
    /// The largest response body accepted, in bytes.
    public var maximumBodySize: Int
    /// The clock, for HTTP-date hints and timing.
    public var timeSource: TimeSource
    package var logger: CallLogger

    /// Creates the step.
    public init(
        decoder: @escaping ErrorDecoder, rateLimitHeaders: RateLimitHeaderNames? = nil,
        maximumBodySize: Int = ClientOptions.defaultMaximumBodySize, redactor: Redactor = .none,
        timeSource: TimeSource = .system
    ) {
        self.init(
            decoder: decoder, rateLimitHeaders: rateLimitHeaders, maximumBodySize: maximumBodySize,
            timeSource: timeSource, logger: CallLogger(sink: nil, redactor: redactor, sensitiveHeaders: []))
    }

    package init(
        decoder: @escaping ErrorDecoder, rateLimitHeaders: RateLimitHeaderNames?, maximumBodySize: Int,
        timeSource: TimeSource, logger: CallLogger
    ) {
        self.decoder = decoder
        self.rateLimitHeaders = rateLimitHeaders
        self.maximumBodySize = maximumBodySize
        self.timeSource = timeSource
        self.logger = logger
    }

    private func meta(_ context: MiddlewareContext) -> [String: String] {
        ["provider": context.provider.rawValue, "operation": context.operation, "attempt": "\(context.attempt)"]
    }

    private func responseMeta(
        _ response: TransportResponse, _ context: MiddlewareContext, _ elapsed: Duration
    ) -> [String: String] {
        var metadata = meta(context)
        metadata["status"] = "\(response.status)"
        metadata["bytes"] = "\(response.body.count)"
        metadata["duration"] = elapsed.formattedSeconds
        if let requestID = Self.requestID(in: response.headers) { metadata["request_id"] = requestID }
        return metadata
    }

    /// Logs the attempt about to be sent; returns when it started.
    @inline(never) package func willSend(_ request: TransportRequest, context: MiddlewareContext) -> Duration {
        logger.log(
            .debug, "→ \(request.method) \(request.encodedPath) (attempt \(context.attempt))",
            meta(context).merging(["headers": logger.headersText(request.headers)]) { $1 })
        return timeSource.now()
    }

    /// What a transport's failure means: a typed, redacted, logged error.
    @inline(never) package func failure(
        _ error: any Error, request: TransportRequest, context: MiddlewareContext
    ) -> SendingDomainsError {
        let failure = redacted(
            SendingDomainsError.wrapping(error, provider: context.provider, operation: context.operation))
        logger.log(
            .debug, "✗ \(request.method) \(request.encodedPath): \(failure.kind.rawValue)",
            meta(context).merging(["kind": failure.kind.rawValue]) { $1 })
        return failure
    }

    /// Logs the response and returns it when it is a 2xx within the size cap; otherwise throws
    /// the error it means.
    @inline(never) package func check(
        _ response: TransportResponse, request: TransportRequest, context: MiddlewareContext, started: Duration
    ) throws(SendingDomainsError) -> TransportResponse {
        let elapsed = timeSource.now() - started
        logger.log(
            .debug, "← \(response.status) \(request.method) \(request.encodedPath) in \(elapsed.formattedSeconds)",
            responseMeta(response, context, elapsed))
        guard response.body.count <= maximumBodySize else {
            throw SendingDomainsError(
                kind: .decoding,
                message:
                    "The response body (\(response.body.count) bytes) exceeds the \(maximumBodySize)-byte limit; raise ClientOptions.maximumBodySize if this is expected",
                provider: context.provider, operation: context.operation, status: response.status,
                requestID: Self.requestID(in: response.headers))
        }
        if (300..<400).contains(response.status) {
            var redirect = SendingDomainsError.redirected(
                status: response.status, location: response.headers["Location"] ?? "")
            redirect.provider = context.provider
            redirect.operation = context.operation
            throw redacted(redirect)
        }
        guard response.isSuccess else {
            throw error(for: response, context: context)
        }
        return response
    }

    /// The error a non-2xx response means.
    public func error(for response: TransportResponse, context: MiddlewareContext) -> SendingDomainsError {
        let details = decoder(response)
        let now = timeSource.date()
        var hint =
            details.retryAfter ?? response.headers["Retry-After"].flatMap { RetryAfterParser.parse($0, now: now) }
        if hint == nil, response.status == 429, let names = rateLimitHeaders, let reset = response.headers[names.reset]
        {
            hint = RetryAfterParser.untilEpoch(reset, now: now)
        }
        var kind = details.kind ?? SendingDomainsError.Kind(status: response.status)
        if kind == .validation, Self.saysAlreadyExists(details) { kind = .conflict }
        let fallback =
            response.body.isEmpty
            ? "HTTP \(response.status) with an empty body"
            : "HTTP \(response.status) with a body that is not a recognised \(context.provider.displayName) error"
        return redacted(
            SendingDomainsError(
                kind: kind, message: details.message ?? fallback, provider: context.provider,
                operation: context.operation,
                status: response.status, code: details.code, fieldErrors: details.fieldErrors,
                requestID: Self.requestID(in: response.headers), retryAfter: hint,
                rawBody: SendingDomainsError.excerpt(of: response.body)))
    }

    /// Whether a provider's validation error says the resource already exists. SendKit (422
    /// "The name has already been taken."), AutoSend (400 "Domain already exists") and Krafter
    /// (422 `domain: ["has already been taken"]`) report a duplicate as a validation failure;
    /// the SDK reports it as ``SendingDomainsError/Kind/conflict`` at every provider, as AhaSend
    /// and Cllavio do with their 409s.
    static func saysAlreadyExists(_ details: ProviderErrorDetails) -> Bool {
        let texts = [details.message ?? ""] + details.fieldErrors.map(\.message)
        return texts.contains { text in
            let lowered = text.lowercased()
            return ["already exists", "already been taken", "already taken", "already added", "already registered"]
                .contains { lowered.contains($0) }
        }
    }

    private func redacted(_ error: SendingDomainsError) -> SendingDomainsError {
        logger.redactor.redact(error)
    }

    /// The provider's request id: `X-Request-Id` or `Request-Id`.
    public static func requestID(in headers: HeaderFields) -> String? {
        headers["X-Request-Id"] ?? headers["Request-Id"]
    }
}

extension SendingDomainsError {
    /// The first ``rawBodyLimit`` bytes of `body` as text (invalid UTF-8 repaired), or `nil`
    /// when the body is empty.
    public static func excerpt(of body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let prefix = body.prefix(rawBodyLimit)
        var text = String(decoding: prefix, as: UTF8.self)
        if body.count > rawBodyLimit { text += "… (\(body.count) bytes in all)" }
        return text
    }
}

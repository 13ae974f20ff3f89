import Foundation

/// Error mapping and logging, per attempt: a transport's failure becomes a typed
/// ``SendingDomainsError``; a response is logged, then returned when it is a 2xx within the
/// size cap, or turned into the error it means — through the provider's ``ErrorDecoder`` for a
/// non-2xx. Each request and response is logged with secret headers redacted.
///
/// The errors it makes are typed, not stamped or scrubbed: ``ErrorStamp`` does that for every
/// error leaving the pipeline.
struct ErrorMappingStep: Sendable {
    /// Reads the provider's error bodies.
    let decoder: ErrorDecoder
    /// Where the provider reports its rate-limit reset, used for a 429 without another hint.
    let rateLimitHeaders: RateLimitHeaderNames?
    /// The largest response body accepted, in bytes.
    let maximumBodySize: Int
    /// The clock, for HTTP-date hints and timing.
    let timeSource: TimeSource
    let logger: CallLogger

    init(
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
        if let requestID = response.headers.requestID { metadata["request_id"] = requestID }
        return metadata
    }

    /// Logs the attempt about to be sent; returns when it started.
    @inline(never) func willSend(_ request: TransportRequest, context: MiddlewareContext) -> Duration {
        logger.log(
            .debug, "→ \(request.method) \(request.encodedPath) (attempt \(context.attempt))",
            meta(context).merging(["headers": logger.headersText(request.headers)]) { $1 })
        return timeSource.now()
    }

    /// What a transport's failure means: a typed, logged error.
    @inline(never) func failure(
        _ error: any Error, request: TransportRequest, context: MiddlewareContext
    ) -> SendingDomainsError {
        let failure = SendingDomainsError.wrapping(error)
        logger.log(
            .debug, "✗ \(request.method) \(request.encodedPath): \(failure.kind.rawValue)",
            meta(context).merging(["kind": failure.kind.rawValue]) { $1 })
        return failure
    }

    /// Logs the response and returns it when it is a 2xx within the size cap; otherwise throws
    /// the error it means.
    @inline(never) func check(
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
                status: response.status, requestID: response.headers.requestID)
        }
        if (300..<400).contains(response.status) {
            throw SendingDomainsError.redirected(status: response.status, location: response.headers["Location"] ?? "")
        }
        guard response.isSuccess else {
            throw error(for: response, provider: context.provider)
        }
        return response
    }

    /// The error a non-2xx response means.
    func error(for response: TransportResponse, provider: ProviderID) -> SendingDomainsError {
        let details = decoder(response)
        let now = timeSource.date()
        var hint =
            details.retryAfter ?? response.headers["Retry-After"].flatMap { RetryAfterParser.parse($0, now: now) }
        if hint == nil, response.status == 429, let names = rateLimitHeaders, let reset = response.headers[names.reset]
        {
            hint = RetryAfterParser.untilEpoch(reset, now: now)
        }
        var kind = details.kind ?? SendingDomainsError.Kind(status: response.status)
        if kind == .validation, details.saysAlreadyExists { kind = .conflict }
        let fallback =
            response.body.isEmpty
            ? "HTTP \(response.status) with an empty body"
            : "HTTP \(response.status) with a body that is not a recognised \(provider.displayName) error"
        return SendingDomainsError(
            kind: kind, message: details.message ?? fallback, status: response.status, code: details.code,
            fieldErrors: details.fieldErrors, requestID: response.headers.requestID, retryAfter: hint,
            rawBody: SendingDomainsError.excerpt(of: response.body))
    }
}

extension HeaderFields {
    /// The provider's request id: `X-Request-Id` or `Request-Id`.
    var requestID: String? {
        self["X-Request-Id"] ?? self["Request-Id"]
    }
}

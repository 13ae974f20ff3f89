import Foundation

/// The one error every SendingDomains API throws.
///
/// Whatever went wrong — bad input caught before sending, a provider's error response, a
/// network failure, a body that would not decode — surfaces as this type, so one `catch`
/// handles every provider:
///
/// ```swift
/// do {
///     let domain = try await autoSend.createDomain(.init(name: "example.com", regionKey: "us-east-1"))
/// } catch let error as SendingDomainsError {
///     switch error.kind {
///     case .validation: showFieldErrors(error.fieldErrors)
///     case .rateLimited: scheduleLater(after: error.retryAfter)
///     case .authentication: askForNewAPIKey()
///     default: report(error)  // error.description is safe to log: it never contains a secret
///     }
/// }
/// ```
///
/// Every field is optional except ``kind`` and ``message`` because an error caught before any
/// request was sent has no status, request id or body.
public struct SendingDomainsError: Error, Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// What class of failure this is. ``Kind/recoverySuggestion`` says what to do about it.
    ///
    /// A struct with static members rather than an enum, so that a later version can add a
    /// kind without breaking your code: match the kinds you handle and keep a `default:`.
    ///
    /// ```swift
    /// switch error.kind {
    /// case .conflict: showExisting()
    /// case .rateLimited: retryLater(error.retryAfter)
    /// default: report(error)
    /// }
    /// ```
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The kind's name, e.g. `"rateLimited"`: stable, and what the `domains` CLI's JSON
        /// errors carry.
        public let rawValue: String

        /// A kind by name. Names this version does not know are kept as they are.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The input was refused, by the SDK before sending or by the provider (400, 422).
        public static let validation = Kind(rawValue: "validation")
        /// The credentials are missing, malformed or not accepted (401).
        public static let authentication = Kind(rawValue: "authentication")
        /// The credentials are valid but may not do this (403, 402).
        public static let permission = Kind(rawValue: "permission")
        /// The domain (or account) does not exist (404).
        public static let notFound = Kind(rawValue: "notFound")
        /// The request conflicts with existing state — at every provider, the domain already
        /// exists (409, or the provider's validation error saying so).
        public static let conflict = Kind(rawValue: "conflict")
        /// A request with the same idempotency key is still being processed (AhaSend 409 with
        /// `Idempotent-Replayed: false`).
        public static let idempotencyInProgress = Kind(rawValue: "idempotencyInProgress")
        /// The idempotency key was used before with a different payload (AhaSend 422).
        public static let idempotencyMismatch = Kind(rawValue: "idempotencyMismatch")
        /// The provider's rate limit was hit (429).
        public static let rateLimited = Kind(rawValue: "rateLimited")
        /// The provider failed (5xx).
        public static let server = Kind(rawValue: "server")
        /// The request did not get a response: connection refused or lost, DNS, TLS, a redirect.
        public static let transport = Kind(rawValue: "transport")
        /// The request or the whole call ran out of time.
        public static let timeout = Kind(rawValue: "timeout")
        /// The calling task was cancelled.
        public static let cancelled = Kind(rawValue: "cancelled")
        /// The response could not be read: malformed, unexpected shape, or too large.
        public static let decoding = Kind(rawValue: "decoding")
        /// The provider does not offer this operation.
        public static let unsupportedOperation = Kind(rawValue: "unsupportedOperation")
        /// DNS could not be asked (the record check's lookups): no server answered, none could
        /// be reached, every one answered `SERVFAIL` or `REFUSED`, an answer was malformed, or a
        /// DNS-over-HTTPS endpoint answered with a non-200 status. `transportFailure` and `code`
        /// say which.
        public static let dns = Kind(rawValue: "dns")

        /// Every kind this version knows.
        public static let allCases: [Kind] = [
            .validation, .authentication, .permission, .notFound, .conflict, .idempotencyInProgress,
            .idempotencyMismatch, .rateLimited, .server, .transport, .timeout, .cancelled, .decoding,
            .unsupportedOperation, .dns,
        ]

        /// The name, e.g. `rateLimited`.
        public var description: String { rawValue }

        /// What a caller should do about an error of this kind.
        public var recoverySuggestion: String {
            Self.texts[self]?.suggestion
                ?? "Check the error's message and status; this kind is newer than this description."
        }

        /// The kind in words, for example `"rate limited"`.
        public var readableName: String { Self.texts[self]?.words ?? rawValue }

        private static let texts: [Kind: (words: String, suggestion: String)] = [
            .validation: (
                "invalid input",
                "Correct the fields named in the error and call again; retrying unchanged will fail again."
            ),
            .authentication: (
                "authentication failed",
                "Check the API key or tokens: they are missing, mistyped, revoked or for another environment."
            ),
            .permission: (
                "permission denied",
                "Give the API key the scope this operation needs (or upgrade the plan), then call again."
            ),
            .notFound: (
                "not found", "Check the domain id: it may have been deleted, or belong to another account or region."
            ),
            .conflict: (
                "conflict",
                "The resource already exists or changed meanwhile: fetch its current state instead of creating it again."
            ),
            .idempotencyInProgress: (
                "idempotent request still in progress",
                "The first request with this idempotency key is still running: wait and retry with the same key."
            ),
            .idempotencyMismatch: (
                "idempotency key reused with another payload",
                "Use a new idempotency key for a request whose body differs from the first use of the key."
            ),
            .rateLimited: ("rate limited", "Slow down: wait at least the retry-after hint before calling again."),
            .server: (
                "provider error",
                "The provider failed; retry later, and contact the provider with the request id if it persists."
            ),
            .transport: ("network failure", "Check network connectivity and the base URL, then retry."),
            .timeout: (
                "timed out",
                "Retry later or raise the timeout."
            ),
            .cancelled: ("cancelled", "Nothing to do: the calling task was cancelled."),
            .dns: (
                "DNS failure",
                "The DNS server could not answer; try another resolver (or DNS over HTTPS), or check the zone at its DNS host."
            ),
            .decoding: (
                "unreadable response",
                "The provider answered in an unexpected shape; report it with the request id and raw body excerpt."
            ),
            .unsupportedOperation: (
                "unsupported operation",
                "Check the provider's capabilities before calling; this provider has no such endpoint."
            ),
        ]
    }

    /// One field the provider (or the SDK's validation) rejected.
    public struct FieldError: Sendable, Hashable, CustomStringConvertible {
        /// The field's name as the provider spells it, for example `"domain"` or `"return_path"`.
        public var field: String
        /// Why it was rejected.
        public var message: String

        /// Creates a field error.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        /// `field: message`.
        public var description: String { "\(field): \(message)" }
    }

    /// How a request failed to get a response, for ``Kind/transport`` and ``Kind/timeout``.
    ///
    /// A struct with static members rather than an enum, as ``Kind`` is, so that a later
    /// version can add a failure without breaking your code: match the ones you handle and keep
    /// a `default:`.
    ///
    /// ```swift
    /// func advice(_ error: SendingDomainsError) -> String {
    ///     switch error.transportFailure {
    ///     case .dnsFailure?: return "Check the host name"
    ///     case .tlsFailure?: return "Check the certificate"
    ///     default: return error.kind.recoverySuggestion
    ///     }
    /// }
    /// ```
    public struct TransportFailure: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The failure's name, e.g. `"connectionRefused"`: stable, and what the `domains` CLI's
        /// JSON errors carry.
        public let rawValue: String

        /// A failure by name. Names this version does not know are kept as they are.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Nothing listened at the address: the server cannot have processed the request.
        public static let connectionRefused = TransportFailure(rawValue: "connectionRefused")
        /// The host name did not resolve: the request was never sent.
        public static let dnsFailure = TransportFailure(rawValue: "dnsFailure")
        /// The connection broke after the request may have been sent.
        public static let connectionLost = TransportFailure(rawValue: "connectionLost")
        /// TLS failed (an untrusted or invalid certificate, a failed handshake).
        public static let tlsFailure = TransportFailure(rawValue: "tlsFailure")
        /// No response arrived within the timeout.
        public static let timedOut = TransportFailure(rawValue: "timedOut")
        /// The server answered with a redirect (3xx). The SDK follows none, so that credentials
        /// never leave the configured origin; point the base URL at the final location instead.
        public static let redirected = TransportFailure(rawValue: "redirected")
        /// Any other failure of the network stack.
        public static let other = TransportFailure(rawValue: "other")

        /// Every failure this version knows.
        public static let allCases: [TransportFailure] = [
            .connectionRefused, .dnsFailure, .connectionLost, .tlsFailure, .timedOut, .redirected, .other,
        ]

        /// The name, e.g. `connectionRefused`.
        public var description: String { rawValue }

        /// Whether the failure proves the request never reached the server, so that even a
        /// non-idempotent request may be sent again.
        public var requestNeverSent: Bool {
            self == .connectionRefused || self == .dnsFailure
        }
    }

    /// The largest raw body excerpt an error keeps, in bytes.
    public static let rawBodyLimit = 2_048

    /// The fields live in one shared, copy-on-write box, so the error is a single pointer wide:
    /// every typed-throwing async function keeps room for its error in its frame, and a small
    /// error keeps the frames of a call in flight small.
    /// Adding a field: a line here, its property below, and (when callers set it) a parameter of
    /// the initializer;
    /// equality, hashing and reflection follow from this struct.
    private struct Fields: Sendable, Hashable {
        var kind: Kind
        var message: String
        var provider: ProviderID?
        var operation: String?
        var status: Int?
        var code: String?
        var fieldErrors: [FieldError]
        var requestID: String?
        var retryAfter: Duration?
        var transportFailure: TransportFailure?
        var rawBody: String?
        var attempts: Int
        var underlyingError: Underlying
    }

    /// The underlying error, which takes no part in equality, hashing or reflection.
    private struct Underlying: Sendable, Hashable {
        var error: (any Error)?

        static func == (_: Underlying, _: Underlying) -> Bool { true }
        func hash(into _: inout Hasher) {}
    }

    private var fields: CopyOnWrite<Fields>

    /// What class of failure this is.
    public var kind: Kind {
        get { fields.value.kind }
        _modify { yield &fields.value.kind }
    }
    /// A human-readable explanation, from the provider where it gave one. Never contains a secret.
    public var message: String {
        get { fields.value.message }
        _modify { yield &fields.value.message }
    }
    /// The provider the call was made to, if any.
    public var provider: ProviderID? {
        get { fields.value.provider }
        _modify { yield &fields.value.provider }
    }
    /// The operation that failed, for example `"createDomain"`.
    public var operation: String? {
        get { fields.value.operation }
        _modify { yield &fields.value.operation }
    }
    /// The HTTP status code, when a response arrived.
    public var status: Int? {
        get { fields.value.status }
        _modify { yield &fields.value.status }
    }
    /// The provider's machine-readable error code or name, for example `"VALIDATION_FAILED"`.
    public var code: String? {
        get { fields.value.code }
        _modify { yield &fields.value.code }
    }
    /// The fields the provider or the SDK rejected.
    public var fieldErrors: [FieldError] {
        get { fields.value.fieldErrors }
        _modify { yield &fields.value.fieldErrors }
    }
    /// The provider's request id (`X-Request-Id`), to quote to its support.
    public var requestID: String? {
        get { fields.value.requestID }
        _modify { yield &fields.value.requestID }
    }
    /// How long the provider asked the caller to wait, from `Retry-After`, a body field or a
    /// rate-limit reset header.
    public var retryAfter: Duration? {
        get { fields.value.retryAfter }
        _modify { yield &fields.value.retryAfter }
    }
    /// For ``Kind/transport`` and ``Kind/timeout``: how the request failed.
    public var transportFailure: TransportFailure? {
        get { fields.value.transportFailure }
        _modify { yield &fields.value.transportFailure }
    }
    /// The first ``rawBodyLimit`` bytes of the response body, with secrets removed.
    public var rawBody: String? {
        get { fields.value.rawBody }
        _modify { yield &fields.value.rawBody }
    }
    /// How many attempts the call made before it failed (1 when it was not retried).
    public var attempts: Int {
        get { fields.value.attempts }
        _modify { yield &fields.value.attempts }
    }
    /// The error this one was made from — a `URLError`, a `DecodingError` — kept for diagnostics.
    /// It is not part of ``description``, equality or reflection: text inside it comes from the
    /// network stack or the server and is not scrubbed.
    public var underlyingError: (any Error)? {
        get { fields.value.underlyingError.error }
        _modify { yield &fields.value.underlyingError.error }
    }

    /// Creates an error. Providers' decoders and custom middleware use it; most code only reads
    /// errors.
    public init(
        kind: Kind,
        message: String,
        provider: ProviderID? = nil,
        operation: String? = nil,
        status: Int? = nil,
        code: String? = nil,
        fieldErrors: [FieldError] = [],
        requestID: String? = nil,
        retryAfter: Duration? = nil,
        transportFailure: TransportFailure? = nil,
        rawBody: String? = nil,
        attempts: Int = 1,
        underlyingError: (any Error)? = nil
    ) {
        fields = CopyOnWrite(
            Fields(
                kind: kind, message: message, provider: provider, operation: operation, status: status, code: code,
                fieldErrors: fieldErrors, requestID: requestID, retryAfter: retryAfter,
                transportFailure: transportFailure, rawBody: rawBody, attempts: attempts,
                underlyingError: Underlying(error: underlyingError)))
    }

    /// A validation error raised before anything was sent, naming the field and the rule.
    ///
    /// ```swift
    /// throw SendingDomainsError.invalidInput(field: "domain", "must not contain a scheme such as https://")
    /// ```
    public static func invalidInput(field: String, _ rule: String, provider: ProviderID? = nil) -> SendingDomainsError {
        SendingDomainsError(
            kind: .validation,
            message: "Invalid \(field): \(rule)",
            provider: provider,
            fieldErrors: [FieldError(field: field, message: rule)]
        )
    }

    /// The error for a redirect the SDK did not follow: it names the status and the origin (scheme,
    /// host and port — never the path or query, which may carry tokens) the server pointed to.
    package static func redirected(status: Int, location: String) -> SendingDomainsError {
        var origin = "an unreadable location"
        if let url = URL(string: location), let scheme = url.scheme, let host = url.host {
            origin = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)" + (url.port.map { ":\($0)" } ?? "")
        } else if location.hasPrefix("/") {
            origin = "a path on the same origin"
        }
        return SendingDomainsError(
            kind: .transport,
            message:
                "The server redirected (HTTP \(status)) to \(origin); the SDK follows no redirects, so credentials never leave the configured origin. Set the base URL to the final location if the move is genuine",
            status: status, transportFailure: .redirected)
    }

    /// The error for an operation a provider does not offer.
    public static func unsupported(_ operation: String, provider: ProviderID) -> SendingDomainsError {
        SendingDomainsError(
            kind: .unsupportedOperation,
            message: "\(provider.displayName) does not offer \(operation)",
            provider: provider,
            operation: operation
        )
    }

    /// The error for an operation a provider does not offer, by its ``OperationName``.
    @_spi(ProviderAuthoring) public static func unsupported(
        _ operation: OperationName, provider: ProviderID
    ) -> SendingDomainsError {
        unsupported(operation.rawValue, provider: provider)
    }

    /// The fields, with the underlying error shown only by its type.
    public var customMirror: Mirror {
        let children = Mirror(reflecting: fields.value).children.map { child in
            guard let underlying = child.value as? Underlying else { return child }
            return (label: "underlyingErrorType", value: underlying.error.map { "\(type(of: $0))" } as Any)
        }
        return Mirror(self, children: children, displayStyle: .struct)
    }

    /// Whether a caller may sensibly try the same call again later (rate limits, server and
    /// network failures, timeouts, an idempotent request still in progress).
    public var isTransient: Bool {
        switch kind {
        case .rateLimited, .server, .transport, .timeout, .idempotencyInProgress: true
        default: false
        }
    }

    /// One paragraph for a human: provider, operation, kind, status, message, field errors,
    /// hints, and what to do. It never contains a secret.
    ///
    /// For example:
    /// `AhaSend createDomain failed: rate limited (HTTP 429): Too many requests. Retry after 2s. Request id abc. After 3 attempts. What to do: Slow down: …`
    public var description: String {
        var text = ""
        if let provider { text += provider.displayName + " " }
        text += operation.map { "\($0) failed: " } ?? (provider == nil ? "Failed: " : "failed: ")
        text += kind.readableName
        if let status { text += " (HTTP \(status))" }
        if let transportFailure { text += " [\(transportFailure.rawValue)]" }
        text += ": " + message
        if let code { text += " [code \(code)]" }
        if !fieldErrors.isEmpty, !(fieldErrors.count == 1 && message.contains(fieldErrors[0].message)) {
            text += ". Fields: " + fieldErrors.map(\.description).joined(separator: "; ")
        }
        if let retryAfter { text += ". Retry after \(retryAfter.formattedSeconds)" }
        if let requestID { text += ". Request id \(requestID)" }
        if attempts > 1 { text += ". After \(attempts) attempts" }
        text += ". What to do: " + suggestion
        return text
    }

    /// What to do, for this kind of failure of this operation: a timed-out or cut-off create may
    /// have succeeded; a wait that timed out changed nothing; a conflict on create names the way
    /// to find the existing domain.
    var suggestion: String {
        switch (kind, operation) {
        case (.timeout, "createDomain"?), (.transport, "createDomain"?):
            return kind.recoverySuggestion + " The create may have succeeded: find the domain before creating it again."
        case (.timeout, "waitUntilVerified"?):
            return
                "The domain is not verified yet and nothing was changed: check its records in DNS (the preflight says which is wrong), then wait again."
        case (.conflict, "createDomain"?):
            return
                "The domain already exists: find it (findDomain(named:), `domains <provider> find <name>`) instead of creating it again."
        default:
            return kind.recoverySuggestion
        }
    }
}

extension SendingDomainsError: LocalizedError {
    /// The same text as ``description``.
    public var errorDescription: String? { description }
    /// What to do: the kind's ``Kind/recoverySuggestion``, made specific to the operation where
    /// it matters (a create that timed out may have succeeded; a wait that timed out changed nothing).
    public var recoverySuggestion: String? { suggestion }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// A duration from a (possibly fractional) number of seconds, clamped to ≥ 0; `nil` for
    /// NaN or infinity.
    package static func clampedSeconds(_ value: Double) -> Duration? {
        guard value.isFinite else { return nil }
        return .milliseconds(Int64((max(0, min(value, 1e9)) * 1000).rounded()))
    }

    /// `2s`, `0.25s`: for messages and logs.
    package var formattedSeconds: String {
        let value = seconds
        if value == value.rounded() { return "\(Int64(value))s" }
        return String(format: "%.3gs", value)
    }
}

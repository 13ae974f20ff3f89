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

extension ProviderErrorDetails {
    /// Whether a provider's validation error says the resource already exists. SendKit (422
    /// "The name has already been taken."), AutoSend (400 "Domain already exists") and Krafter
    /// (422 `domain: ["has already been taken"]`) report a duplicate as a validation failure;
    /// the SDK reports it as ``SendingDomainsError/Kind/conflict`` at every provider, as AhaSend
    /// and Cllavio do with their 409s.
    var saysAlreadyExists: Bool {
        let texts = [message ?? ""] + fieldErrors.map(\.message)
        return texts.contains { text in
            let lowered = text.lowercased()
            return ["already exists", "already been taken", "already taken", "already added", "already registered"]
                .contains { lowered.contains($0) }
        }
    }
}

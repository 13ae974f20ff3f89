/// How a provider supports idempotency keys.
@_spi(ProviderAuthoring) public struct IdempotencySupport: Sendable, Hashable {
    /// The request header that carries the key, for example `Idempotency-Key`.
    public var headerName: String
    /// The response header that says whether a response was replayed, for example
    /// `Idempotent-Replayed`.
    public var replayedHeaderName: String?
    /// The methods the provider honours keys on (AhaSend: POST).
    public var methods: Set<RequestMethod>

    /// Creates a description of a provider's idempotency support.
    public init(headerName: String, replayedHeaderName: String? = nil, methods: Set<RequestMethod> = [.post]) {
        self.headerName = headerName
        self.replayedHeaderName = replayedHeaderName
        self.methods = methods
    }
}

@_spi(ProviderAuthoring) import HTTPTransport

extension SendKit {
    /// A client for SendKit's domain API.
    ///
    /// It is a `Sendable` value: share one per API key. All calls go through the pipeline
    /// described in `Docs/Transport.md` (retries, `Retry-After`, logging with the key redacted).
    ///
    /// ```swift
    /// let sendKit = SendKit.Client(apiKey: ProcessInfo.processInfo.environment["SENDKIT_API_KEY"] ?? "")
    /// let domain = try await sendKit.createDomain(
    ///     .init(name: "example.com", region: "us-east-1", openTracking: true, tls: .enforced))
    /// print(domain.status ?? .pending)
    /// ```
    public struct Client: Sendable {
        /// The pipeline.
        @_spi(ProviderAuthoring) public let api: APIClient

        /// Creates a client.
        ///
        /// - Parameters:
        ///   - apiKey: The API key from the SendKit dashboard, sent as a bearer token.
        ///   - options: Base URL, transport, retries, rate limit, logging.
        public init(apiKey: Secret, options: ClientOptions = ClientOptions()) {
            api = APIClient(profile: SendKit.profile, authentication: .bearer(apiKey), options: options)
        }

        /// Creates a client from a key held in a `String`.
        public init(apiKey: String, options: ClientOptions = ClientOptions()) {
            self.init(apiKey: Secret(apiKey), options: options)
        }

        /// Adds a sending domain: `POST /domains`.
        ///
        /// The response lists the DNS records to publish (DKIM, SPF and MX on the return-path
        /// host, optional DMARC). A POST without an idempotency key is retried only after a
        /// 429 or a refused connection, never after a failure that may have created the domain.
        ///
        /// ```swift
        /// let domain = try await sendKit.createDomain(.init(name: "example.com", region: "us-east-1"))
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` before sending when the name is not a
        ///   valid domain of at most 255 characters or the region is empty, or from SendKit (422);
        ///   `authentication` (401); `rateLimited` (429, with `retryAfter`); and any transport
        ///   failure.
        public func createDomain(_ request: CreateDomainRequest) async throws(SendingDomainsError) -> Domain {
            try await api.call(.createDomain(request))
        }
    }
}

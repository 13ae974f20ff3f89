@_spi(ProviderAuthoring) import HTTPTransport

extension Cllavio {
    /// A client for Cllavio's (Sendtrim's) domain API.
    ///
    /// ```swift
    /// let cllavio = Cllavio.Client(accessToken: access, secretToken: secret)
    /// let generated = try await cllavio.generateDomain(
    ///     .init(email: "noreply@example.com", replyTo: "support@example.com"))
    /// print(generated.records.map(\.host))  // ["example.com", "abc123._domainkey.example.com", "_dmarc.example.com"]
    /// ```
    public struct Client: Sendable {
        /// The pipeline.
        @_spi(ProviderAuthoring) public let api: APIClient

        /// Creates a client.
        ///
        /// - Parameters:
        ///   - accessToken: The organization's API access token (`X-Api-Access-Token`).
        ///   - secretToken: The organization's API secret token (`X-Api-Secret-Token`).
        ///   - options: Base URL, transport, retries, rate limit, logging.
        public init(accessToken: Secret, secretToken: Secret, options: ClientOptions = ClientOptions()) {
            api = APIClient(
                profile: Cllavio.profile,
                authentication: .headers([
                    .init(name: "X-Api-Access-Token", value: accessToken),
                    .init(name: "X-Api-Secret-Token", value: secretToken),
                ]),
                options: options)
        }

        /// Creates a client from tokens held in `String`s.
        public init(accessToken: String, secretToken: String, options: ClientOptions = ClientOptions()) {
            self.init(accessToken: Secret(accessToken), secretToken: Secret(secretToken), options: options)
        }

        /// Creates the sender's domain (if new), registers the sender address, and returns the
        /// DNS records to publish: `POST /api/v1/emails/domains/generate` (201).
        ///
        /// Calling it again for a domain the organization already has returns the same records
        /// and registers the new sender against it. The new sender becomes the organization's
        /// active sender.
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid `email` or `replyTo`
        ///   (before sending, or Cllavio's 400), `authentication` (401: missing or invalid
        ///   tokens), `conflict` (409: "Domain is already taken" by another organization, or
        ///   "Email is already taken"), `server` (500), transport failures.
        public func generateDomain(
            _ request: GenerateDomainRequest
        ) async throws(SendingDomainsError) -> GeneratedDomain {
            try await api.call(.generateDomain(request))
        }
    }
}

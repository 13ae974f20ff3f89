@_spi(ProviderAuthoring) import HTTPTransport

extension AutoSend {
    /// A client for AutoSend's domain API.
    ///
    /// A `Sendable` value; share one per API key so that its 2 requests/s limiter covers every
    /// call. Domain ids are validated (24 hexadecimal characters) before any request.
    ///
    /// ```swift
    /// let autoSend = AutoSend.Client(apiKey: key)
    /// for domain in try await autoSend.listDomains() {
    ///     print(domain.name, domain.verificationStatus ?? .pendingConfiguration)
    /// }
    /// ```
    public struct Client: Sendable {
        /// The pipeline.
        @_spi(ProviderAuthoring) public let api: APIClient

        /// Creates a client.
        ///
        /// - Parameters:
        ///   - apiKey: The API key from the AutoSend dashboard, sent as a bearer token.
        ///   - options: Base URL, transport, retries, rate limit (default 2/s), logging.
        public init(apiKey: Secret, options: ClientOptions = ClientOptions()) {
            api = APIClient(profile: AutoSend.profile, authentication: .bearer(apiKey), options: options)
        }

        /// Creates a client from a key held in a `String`.
        public init(apiKey: String, options: ClientOptions = ClientOptions()) {
            self.init(apiKey: Secret(apiKey), options: options)
        }

        /// Adds a domain: `POST /domains`. Its status is `PENDING_CONFIGURATION` until the
        /// records are published and ``verifyDomain(id:)`` succeeds.
        ///
        /// ```swift
        /// let domain = try await autoSend.createDomain(.init(name: "example.com"))
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid domain (before sending,
        ///   or AutoSend's `VALIDATION_FAILED` with field details), `authentication`,
        ///   `permission` (402/403), `rateLimited`, `server`, transport failures.
        public func createDomain(_ request: CreateDomainRequest) async throws(SendingDomainsError) -> Domain {
            try await api.call(.createDomain(request))
        }

        /// Lists every domain of the project: `GET /domains` (AutoSend documents no pagination).
        ///
        /// ```swift
        /// let pending = try await autoSend.listDomains().filter { $0.verificationStatus != .verified }
        /// ```
        ///
        /// - Throws: `SendingDomainsError` (`authentication`, `rateLimited`, `server`, …).
        public func listDomains() async throws(SendingDomainsError) -> [Domain] {
            try await api.call(.listDomains)
        }

        /// Reads one domain: `GET /domains/{domainId}`. The body is not published; it is read
        /// as the same `{success, data: Domain}` envelope, leniently.
        ///
        /// ```swift
        /// let domain = try await autoSend.getDomain(id: "60d5ec49f1b2c72d9c8b2222")
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` when `id` is not 24 hex characters,
        ///   `notFound`, and the usual API and transport failures.
        public func getDomain(id: String) async throws(SendingDomainsError) -> Domain {
            try await api.call(.getDomain(id: id))
        }

        /// Starts verification and returns the current state: `POST /domains/{domainId}/verify`.
        ///
        /// Verification is asynchronous: poll ``getDomain(id:)`` (or call this again) until
        /// `verificationStatus` is `VERIFIED`.
        ///
        /// ```swift
        /// let result = try await autoSend.verifyDomain(id: "60d5ec49f1b2c72d9c8b2222")
        /// if result.verificationStatus == .verified { print("ready to send") }
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for a malformed id, `notFound`, and
        ///   the usual API and transport failures.
        public func verifyDomain(id: String) async throws(SendingDomainsError) -> VerificationResult {
            try await api.call(.verifyDomain(id: id))
        }

        /// Deletes a domain: `DELETE /domains/{domainId}`. It cannot be undone. The response body
        /// is not published, so any 2xx counts as success and the body is ignored.
        ///
        /// ```swift
        /// try await autoSend.deleteDomain(id: "60d5ec49f1b2c72d9c8b2222")
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for a malformed id, `notFound`, and
        ///   the usual API and transport failures.
        public func deleteDomain(id: String) async throws(SendingDomainsError) {
            try await api.call(.deleteDomain(id: id))
        }
    }
}

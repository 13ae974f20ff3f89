@_spi(ProviderAuthoring) import HTTPTransport

extension Krafter {
    /// A client for Krafter's domain API.
    ///
    /// A `Sendable` value; share one per API key (the 100-per-minute limit is per team). Ids
    /// are validated as UUIDs before any request.
    ///
    /// ```swift
    /// let krafter = Krafter.Client(apiKey: key)
    /// let domain = try await krafter.createDomain(.init(name: "example.com"))
    /// _ = try await krafter.verifyDomain(id: domain.id)
    /// let current = try await krafter.getDomain(id: domain.id)
    /// print(current.status)
    /// ```
    public struct Client: Sendable {
        /// The pipeline.
        @_spi(ProviderAuthoring) public let api: APIClient

        /// Creates a client.
        ///
        /// - Parameters:
        ///   - apiKey: A Krafter API key (`kr_live_…`) with the `domains:manage` scope.
        ///   - options: Base URL, transport, retries, rate limit (default 100 per 60 s), logging.
        public init(apiKey: Secret, options: ClientOptions = ClientOptions()) {
            api = APIClient(profile: Krafter.profile, authentication: .bearer(apiKey), options: options)
        }

        /// Creates a client from a key held in a `String`.
        public init(apiKey: String, options: ClientOptions = ClientOptions()) {
            self.init(apiKey: Secret(apiKey), options: options)
        }

        /// Adds a domain and returns the seven DNS records to configure: `POST /domains` (201).
        ///
        /// ```swift
        /// let domain = try await krafter.createDomain(.init(name: "example.com", returnPath: "bounce"))
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid domain or `return_path`
        ///   (before sending, or Krafter's 422 with field details), `authentication` (401),
        ///   `permission` (403, missing scope), `rateLimited` (429), `server`, transport failures.
        public func createDomain(_ request: CreateDomainRequest) async throws(SendingDomainsError) -> Domain {
            try await api.call(.createDomain(request))
        }

        /// Lists the team's domains, without their DNS records: `GET /domains`.
        ///
        /// ```swift
        /// for domain in try await krafter.listDomains() { print(domain.name, domain.status) }
        /// ```
        ///
        /// - Throws: `SendingDomainsError` (`authentication`, `permission`, `rateLimited`, …).
        public func listDomains() async throws(SendingDomainsError) -> [Domain] {
            try await api.call(.listDomains)
        }

        /// Reads one domain with its full record list and status: `GET /domains/:id`.
        ///
        /// ```swift
        /// let domain = try await krafter.getDomain(id: "550e8400-e29b-41d4-a716-446655440000")
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` when `id` is not a UUID, `notFound`,
        ///   and the usual API and transport failures.
        public func getDomain(id: String) async throws(SendingDomainsError) -> Domain {
            try await api.call(.getDomain(id: id))
        }

        /// Triggers a verification check: `POST /domains/:id/verify`. The returned domain is
        /// usually `verifying`; poll ``getDomain(id:)`` for the result.
        ///
        /// ```swift
        /// _ = try await krafter.verifyDomain(id: domain.id)
        /// try await Task.sleep(for: .seconds(30))
        /// let checked = try await krafter.getDomain(id: domain.id)
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` when `id` is not a UUID, `notFound`,
        ///   and the usual API and transport failures.
        public func verifyDomain(id: String) async throws(SendingDomainsError) -> Domain {
            try await api.call(.verifyDomain(id: id))
        }

        /// Removes a domain from the team: `DELETE /domains/:id`.
        ///
        /// ```swift
        /// try await krafter.deleteDomain(id: domain.id)
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` when `id` is not a UUID, `notFound`,
        ///   `decoding` when the answer is not Krafter's `{ "deleted": true }`, and the usual API
        ///   and transport failures.
        public func deleteDomain(id: String) async throws(SendingDomainsError) {
            try await api.call(.deleteDomain(id: id))
        }
    }
}

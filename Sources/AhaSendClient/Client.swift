@_spi(ProviderAuthoring) import HTTPTransport

extension AhaSend {
    /// A client for AhaSend's domain API (v2).
    ///
    /// A `Sendable` value; share one per account so that its 100/s (burst 200) limiter covers
    /// every call. Domains are addressed by **name**.
    ///
    /// ```swift
    /// let ahaSend = AhaSend.Client(apiKey: key, accountID: accountID)
    /// let domain = try await ahaSend.createDomain(.init(name: "example.com", returnPathSubdomain: "mail"))
    /// // … the customer publishes domain.dnsRecords …
    /// let checked = try await ahaSend.verifyDomain(id: "example.com")   // check-dns
    /// print(checked.dnsValid)
    /// ```
    public struct Client: Sendable {
        /// The pipeline.
        @_spi(ProviderAuthoring) public let api: APIClient
        /// The account the domains belong to (a UUID), as given.
        public let accountID: String
        private let account: AccountResult

        /// Creates a client.
        ///
        /// - Parameters:
        ///   - apiKey: An AhaSend API key (`aha-sk-…`) with the `domains:*` scopes you need.
        ///   - accountID: The account's UUID; checked on every call.
        ///   - options: Base URL, transport, retries (the Go SDK's policy by default), rate limit
        ///     (100/s, burst 200), logging, idempotency-key minting.
        public init(apiKey: Secret, accountID: String, options: ClientOptions = ClientOptions()) {
            // AhaSend limits per account: clients of one account share a budget whatever key they use.
            api = APIClient(
                profile: AhaSend.profile, authentication: .bearer(apiKey), options: options,
                rateLimitScope: "account-\(accountID)")
            self.accountID = accountID
            account = Result { () throws(SendingDomainsError) in try AhaSend.AccountID(accountID) }
        }

        /// Creates a client from a key held in a `String`.
        public init(apiKey: String, accountID: String, options: ClientOptions = ClientOptions()) {
            self.init(apiKey: Secret(apiKey), accountID: accountID, options: options)
        }

        /// Creates a domain: `POST …/domains` (201), with an idempotency key.
        ///
        /// Every attempt of the call carries the same `Idempotency-Key`: yours, or a UUID
        /// minted before the first attempt. If AhaSend answers 409 "in progress", the call waits
        /// for the `Retry-After` hint and asks again with the same key.
        ///
        /// ```swift
        /// let key = try IdempotencyKey("customer-42-example.com")
        /// let domain = try await ahaSend.createDomain(.init(name: "example.com"), idempotencyKey: key)
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` (before sending, or 400), `conflict`
        ///   (409: the domain already exists; 412: the key's first request failed),
        ///   `idempotencyInProgress` (409 still in progress after the retries),
        ///   `idempotencyMismatch` (422: the key was used with another body), `authentication`,
        ///   `permission`, `rateLimited`, `server`, transport failures.
        public func createDomain(
            _ request: CreateDomainRequest, idempotencyKey: IdempotencyKey? = nil
        ) async throws(SendingDomainsError) -> Domain {
            try await api.call(.createDomain(account: account, request), idempotencyKey: idempotencyKey)
        }

        /// Fetches one page of domains: `GET …/domains?dns_valid=&limit=&after=&before=`.
        ///
        /// ```swift
        /// var page = try await ahaSend.domainPage(.init(limit: 50))
        /// while page.pagination.hasMore, let next = page.pagination.nextCursor {
        ///     page = try await ahaSend.domainPage(.init(limit: 50, after: next))
        /// }
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for a limit outside 1–100 or both
        ///   cursors, and the usual API and transport failures.
        ///
        /// One page, as ``DomainPage`` is one page; ``domains(dnsValid:pageSize:)`` is every domain.
        public func domainPage(
            _ query: ListDomainsQuery = ListDomainsQuery()
        ) async throws(SendingDomainsError)
            -> DomainPage
        {
            try await api.call(.listDomains(account: account, query))
        }

        /// One page of domains.
        @available(*, deprecated, renamed: "domainPage(_:)")
        public func listDomains(
            _ query: ListDomainsQuery = ListDomainsQuery()
        ) async throws(SendingDomainsError)
            -> DomainPage
        {
            try await domainPage(query)
        }

        /// Every domain, fetched page by page as you iterate: a page is requested only when the
        /// previous one is used up.
        ///
        /// ```swift
        /// for try await domain in ahaSend.domains(dnsValid: false) {
        ///     print("still waiting for DNS:", domain.name)
        /// }
        /// ```
        ///
        /// - Parameters:
        ///   - dnsValid: Only valid (`true`) or invalid (`false`) domains; `nil` for all.
        ///   - pageSize: Domains per request, 1–100.
        public func domains(dnsValid: Bool? = nil, pageSize: Int = 100) -> PagedSequence<Domain> {
            let client = self
            return PagedSequence(maximumPages: api.options.maximumPages) { cursor throws(SendingDomainsError) in
                let page = try await client.domainPage(
                    ListDomainsQuery(dnsValid: dnsValid, limit: pageSize, after: cursor))
                return (page.data, page.pagination.hasMore ? page.pagination.nextCursor : nil)
            }
        }

        /// Reads one domain: `GET …/domains/{domain}`. AhaSend addresses a domain by its name, so
        /// the `id` is the domain's name.
        ///
        /// ```swift
        /// let domain = try await ahaSend.getDomain(id: "example.com")
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid name, `notFound`, and
        ///   the usual API and transport failures.
        public func getDomain(id: String) async throws(SendingDomainsError) -> Domain {
            try await api.call(.getDomain(account: account, id: id))
        }

        /// Updates a domain's subdomains, DKIM rotation interval or selector:
        /// `PUT …/domains/{domain}`.
        ///
        /// ```swift
        /// let updated = try await ahaSend.updateDomain(id: "example.com", .init(trackingSubdomain: "links"))
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid name or field,
        ///   `notFound`, and the usual API and transport failures.
        public func updateDomain(
            id: String, _ update: UpdateDomainRequest
        ) async throws(SendingDomainsError) -> Domain {
            try await api.call(.updateDomain(account: account, id: id, update))
        }

        /// Deletes a domain: `DELETE …/domains/{domain}`.
        ///
        /// ```swift
        /// try await ahaSend.deleteDomain(id: "example.com")
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid name, `notFound`,
        ///   `permission` (the key lacks `domains:delete`), `decoding` when the answer is not
        ///   AhaSend's success message, and the usual failures.
        public func deleteDomain(id: String) async throws(SendingDomainsError) {
            try await api.call(.deleteDomain(account: account, id: id))
        }

        /// Asks AhaSend to check the domain's DNS now: `POST …/domains/{domain}/check-dns` (no
        /// body). AhaSend returns a cached result when the domain was checked in the last 60
        /// seconds.
        ///
        /// ```swift
        /// let checked = try await ahaSend.verifyDomain(id: "example.com")
        /// let missing = checked.dnsRecords.filter { $0.required && !$0.propagated }
        /// ```
        ///
        /// - Throws: `SendingDomainsError`: `validation` for an invalid name, `notFound`,
        ///   `server` (503 when managed DNS is unavailable), and the usual failures.
        public func verifyDomain(id: String) async throws(SendingDomainsError) -> Domain {
            try await api.call(.verifyDomain(account: account, id: id))
        }
    }
}

import Foundation

/// The request pipeline a provider client sends its operations through.
///
/// It assembles, once, the chain the design brief prescribes — your middleware → idempotency
/// key → retry → (per attempt) rate limit → authentication → error mapping and logging →
/// transport (``Pipeline``, one step a file beside it) — and turns every outcome into a response or a
/// ``SendingDomainsError``.
///
/// Provider clients wrap one; you only meet it when you write a client for another provider:
///
/// ```swift
/// let api = APIClient(profile: AhaSend.profile, authentication: .bearer(Secret(key)), options: ClientOptions())
/// let listing = Endpoint<Void>(.listDomains, .get, decoding: .ignoringBody) { .init(path: ["domains"]) }
/// let response = try await api.send(listing)
/// ```
@_spi(ProviderAuthoring) public struct APIClient: Sendable {
    /// The provider profile.
    public let profile: ProviderProfile
    /// The options in force.
    public let options: ClientOptions
    /// The base URL in force: the options' or the provider's default.
    public let baseURL: BaseURL
    /// The retry policy in force.
    public let retryPolicy: RetryPolicy
    /// The client's rate limiter, shared by all its calls; `nil` when disabled. With a shared
    /// budget, the local bucket used while its store cannot be reached (`nil` when the outage
    /// policy fails the call instead).
    public let rateLimiter: TokenBucket?
    /// The budget shared through a store, when the options ask for one.
    package let sharedBudget: SharedBudget?
    private let authentication: Authentication
    private let pipeline: Pipeline
    /// The user's middleware chained in front of the pipeline; `nil` without any, so that a call
    /// goes straight to the pipeline.
    private let chain: CallMiddleware.Next?
    private let userAgent: String

    /// The SDK's version, sent in the `User-Agent` header.
    public static let sdkVersion = "0.1.0"

    /// Builds the pipeline.
    ///
    /// - Parameter rateLimitScope: What the provider's limit applies to, for a budget shared
    ///   through a store when the options name no scope (AhaSend's account id); `nil` for a
    ///   hash of the credentials. Never a credential.
    public init(
        profile: ProviderProfile, authentication: Authentication, options: ClientOptions,
        rateLimitScope: String? = nil
    ) {
        self.profile = profile
        self.options = options
        self.authentication = authentication
        self.baseURL = options.baseURL ?? profile.defaultBaseURL
        self.retryPolicy = options.retryPolicy ?? profile.defaultRetryPolicy
        self.userAgent = "SendingDomains/\(Self.sdkVersion) (\(profile.id.rawValue))"
        let time = options.timeSource
        let redactor = Redactor(secrets: authentication.secrets)
        let logger = CallLogger(sink: options.logger, redactor: redactor, sensitiveHeaders: authentication.headerNames)
        let (bucket, shared) = Self.limiters(profile, options, authentication, rateLimitScope, logger)
        self.rateLimiter = bucket
        self.sharedBudget = shared
        // In the order of Docs/Transport.md; see Pipeline.swift.
        let pipeline = Pipeline(
            idempotency: profile.idempotency.map {
                IdempotencyKeyStep(support: $0, makeKey: options.makeIdempotencyKey)
            },
            retry: RetryStep(
                policy: retryPolicy, timeSource: time, logger: logger,
                stamp: ErrorStamp(provider: profile.id, redactor: redactor)),
            attempt: Pipeline.Attempt(
                limiter: Self.limiterStep(bucket, shared, profile, time),
                authentication: authentication,
                mapping: ErrorMappingStep(
                    decoder: profile.errorDecoder, rateLimitHeaders: profile.rateLimitHeaders,
                    maximumBodySize: options.maximumBodySize, timeSource: time, logger: logger),
                transport: options.transport, metrics: CallMetrics(sink: options.metrics)))
        self.pipeline = pipeline
        self.chain =
            options.middlewares.isEmpty
            ? nil
            : options.middlewares.chained(to: { request, context in try await pipeline.run(request, context) })
    }

    /// The client's token bucket and shared budget, as the options ask.
    private static func limiters(
        _ profile: ProviderProfile, _ options: ClientOptions, _ authentication: Authentication, _ scope: String?,
        _ logger: CallLogger
    ) -> (TokenBucket?, SharedBudget?) {
        let time = options.timeSource
        switch options.rateLimiting.mode {
        case .providerDefault:
            return (profile.defaultRateLimit.map { TokenBucket(rate: $0.rate, burst: $0.burst, timeSource: time) }, nil)
        case .disabled:
            return (nil, nil)
        case .custom(let limit):
            return (TokenBucket(rate: limit.rate, burst: limit.burst, timeSource: time), nil)
        case .shared(let settings):
            guard let published = settings.limit ?? profile.defaultRateLimit else { return (nil, nil) }
            let scope = settings.scope ?? scope ?? SharedBudget.scope(hashing: authentication.secrets)
            let budget = SharedBudget(
                store: settings.store, key: SharedBudget.key(provider: profile.id, scope: scope),
                limit: SharedBudget.aim(published, margin: settings.margin),
                policy: settings.outage, logger: logger, timeSource: time)
            return (budget.fallback, budget)
        }
    }

    /// The rate-limit step: over the client's bucket, or over the shared budget (whose fallback
    /// bucket may be `nil`).
    private static func limiterStep(
        _ bucket: TokenBucket?, _ shared: SharedBudget?, _ profile: ProviderProfile, _ time: TimeSource
    ) -> RateLimitStep? {
        guard let bucket = bucket ?? shared.map({ _ in TokenBucket(rate: 1, burst: 1, timeSource: time) }) else {
            return nil
        }
        return RateLimitStep(bucket: bucket, headerNames: profile.rateLimitHeaders, timeSource: time, shared: shared)
    }

    /// Sends an ``Endpoint`` and decodes its response: the one call a client method makes.
    ///
    /// ```swift
    /// let endpoint = Endpoint<AhaSend.Domain>(.getDomain, .get, decoding: .json) {
    ///     .init(path: ["v2", "accounts", accountID, "domains", "example.com"])
    /// }
    /// let domain = try await ahaSend.api.call(endpoint)
    /// ```
    ///
    /// - Throws: the validation error kept while building the endpoint (nothing is sent), then
    ///   everything ``send(_:idempotencyKey:)`` throws, and ``SendingDomainsError/Kind/decoding``
    ///   when the body does not decode; every error stamped with the provider and the
    ///   operation's name and scrubbed of the client's secrets.
    public func call<Response>(
        _ endpoint: Endpoint<Response>, idempotencyKey: IdempotencyKey? = nil
    ) async throws(SendingDomainsError) -> Response {
        let response = try await send(endpoint, idempotencyKey: idempotencyKey)
        return try decode(response, endpoint)
    }

    /// Sends an ``Endpoint`` through the pipeline and returns its 2xx response, undecoded.
    ///
    /// - Parameters:
    ///   - endpoint: What to send.
    ///   - idempotencyKey: Your key for this call; ignored for requests the provider does not
    ///     honour keys on. Without one, the pipeline mints one where the provider honours keys.
    /// - Throws: ``SendingDomainsError``: the validation error kept while building the endpoint;
    ///   ``SendingDomainsError/Kind/authentication`` before sending when a credential is blank;
    ///   and otherwise whatever the provider or the network reported after the retry policy
    ///   gave up.
    public func send<Response>(
        _ endpoint: Endpoint<Response>, idempotencyKey: IdempotencyKey? = nil
    ) async throws(SendingDomainsError) -> TransportResponse {
        let (request, context) = try prepare(endpoint, idempotencyKey)
        guard let chain else { return try await pipeline.run(request, context) }
        do {
            return try await chain(request, context)
        } catch {
            throw pipeline.stamp.seal(error, context)
        }
    }

    /// Checks the credentials and builds the request and its context.
    @inline(never) private func prepare<Response>(
        _ endpoint: Endpoint<Response>, _ idempotencyKey: IdempotencyKey?
    ) throws(SendingDomainsError) -> (TransportRequest, MiddlewareContext) {
        try run(endpoint.name) { () throws(SendingDomainsError) in
            let parts = try endpoint.parts.get()
            try checkCredentials()
            var headers: HeaderFields = ["Accept": "application/json", "User-Agent": userAgent]
            if parts.body != nil { headers["Content-Type"] = "application/json" }
            let request = TransportRequest(
                method: endpoint.method, baseURL: baseURL.url, path: parts.path, query: parts.query,
                headers: headers, body: parts.body, timeout: options.timeout, isReplayable: endpoint.isIdempotent,
                maximumBodySize: options.maximumBodySize)
            var context = MiddlewareContext(
                provider: profile.id, operation: endpoint.name.rawValue, idempotencyKey: idempotencyKey)
            context.bodySecrets = parts.secrets
            return (request, context)
        }
    }

    /// Refuses a blank credential, or one a header cannot carry, before anything is sent.
    private func checkCredentials() throws(SendingDomainsError) {
        if authentication.secrets.contains(where: \.isBlank) {
            throw SendingDomainsError(
                kind: .authentication,
                message:
                    "A \(profile.id.displayName) credential is empty; pass the API key (or tokens) the provider issued")
        }
        if let header = authentication.unsendableHeader {
            let credential =
                header == "Authorization" ? "The API key (Authorization header)" : "The \(header) credential"
            throw SendingDomainsError(
                kind: .validation,
                message:
                    "\(credential) contains a line break, a control character or a non-ASCII character, which an HTTP header cannot carry; remove it (often a trailing newline from a file). Nothing was sent",
                fieldErrors: [.init(field: header, message: "contains a character a header cannot carry")])
        }
    }

    @inline(never) private func decode<Response>(
        _ response: TransportResponse, _ endpoint: Endpoint<Response>
    ) throws(SendingDomainsError) -> Response {
        let secrets = (try? endpoint.parts.get().secrets) ?? []
        do {
            return try endpoint.decoding.decode(response, endpoint.name)
        } catch {
            throw pipeline.stamp.seal(error, operation: endpoint.name.rawValue, secrets: secrets)
        }
    }

    /// Runs work of `operation` that happens outside the pipeline — input validation before
    /// sending, decoding after — and gives any error the same treatment the pipeline gives its
    /// own: stamped with the provider and the operation's name, and scrubbed of the client's
    /// secrets.
    ///
    /// ```swift
    /// let request = AhaSend.CreateDomainRequest(name: "example.com")
    /// let body = try ahaSend.api.run(.createDomain) { () throws(SendingDomainsError) in try request.validated() }
    /// ```
    public func run<T>(
        _ operation: OperationName, _ body: () throws(SendingDomainsError) -> T
    ) throws(SendingDomainsError) -> T {
        do {
            return try body()
        } catch {
            throw pipeline.stamp.seal(error, operation: operation.rawValue)
        }
    }
}

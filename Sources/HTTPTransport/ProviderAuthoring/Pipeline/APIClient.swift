import Foundation

/// One typed request a client method makes: what to send, before any middleware runs.
///
/// ```swift
/// let operation = APIOperation(name: .getDomain, method: .get, path: ["domains", "example.com"])
/// ```
@_spi(ProviderAuthoring) public struct APIOperation: Sendable, Hashable {
    /// The operation's name, for errors and logs, for example `"createDomain"`.
    public var name: String
    /// The method.
    public var method: RequestMethod
    /// The path segments after the base URL, unencoded; each is percent-encoded on its own.
    public var path: [String]
    /// The query parameters.
    public var query: [QueryItem]
    /// The JSON body, if any.
    public var body: Data?
    /// Whether sending the request twice is harmless (the retry policy may replay it after a
    /// timeout or a lost connection): the method's own answer unless the operation says otherwise.
    public var isIdempotent: Bool
    /// Secrets the body carries besides the client's credentials (AhaSend's DKIM private key):
    /// removed from any error the call throws, should the provider echo the body.
    public var secrets: [Secret]

    /// ``name`` as an ``OperationName``.
    public var operationName: OperationName { OperationName(rawValue: name) }

    /// Creates an operation.
    ///
    /// - Parameter idempotent: Whether sending it twice is harmless; `nil` for
    ///   ``RequestMethod/isIdempotent``.
    public init(
        name: OperationName, method: RequestMethod, path: [String], query: [QueryItem] = [], body: Data? = nil,
        idempotent: Bool? = nil, secrets: [Secret] = []
    ) {
        self.secrets = secrets
        self.name = name.rawValue
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.isIdempotent = idempotent ?? method.isIdempotent
    }

    /// Creates an operation whose body is `body` encoded as JSON.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` when the
    ///   body cannot be encoded.
    public init(
        name: OperationName, method: RequestMethod, path: [String], query: [QueryItem] = [], json body: some Encodable
    ) throws(SendingDomainsError) {
        self.init(name: name, method: method, path: path, query: query, body: try JSONCoding.encode(body))
    }
}

/// The request pipeline a provider client sends its operations through.
///
/// It assembles, once, the chain the design brief prescribes — your middleware → idempotency
/// key → retry → (per attempt) rate limit → authentication → error mapping and logging →
/// transport — and turns every outcome into a response or a ``SendingDomainsError``.
///
/// Provider clients wrap one; you only meet it when you write a client for another provider:
///
/// ```swift
/// let api = APIClient(profile: AhaSend.profile, authentication: .bearer(Secret(key)), options: ClientOptions())
/// let response = try await api.send(APIOperation(name: .listDomains, method: .get, path: ["domains"]))
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
    private let redactor: Redactor
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
        self.redactor = redactor
        let logger = CallLogger(
            sink: options.logger, redactor: redactor,
            sensitiveHeaders: authentication.headerNames)
        var shared: SharedBudget?
        switch options.rateLimiting.mode {
        case .providerDefault:
            self.rateLimiter = profile.defaultRateLimit.map {
                TokenBucket(rate: $0.rate, burst: $0.burst, timeSource: time)
            }
        case .disabled:
            self.rateLimiter = nil
        case .custom(let limit):
            self.rateLimiter = TokenBucket(rate: limit.rate, burst: limit.burst, timeSource: time)
        case .shared(let settings):
            if let published = settings.limit ?? profile.defaultRateLimit {
                let scope = settings.scope ?? rateLimitScope ?? SharedBudget.scope(hashing: authentication.secrets)
                let budget = SharedBudget(
                    store: settings.store, key: SharedBudget.key(provider: profile.id, scope: scope),
                    limit: SharedBudget.aim(published, margin: settings.margin),
                    policy: settings.outage, logger: logger, timeSource: time)
                shared = budget
                self.rateLimiter = budget.fallback
            } else {
                self.rateLimiter = nil
            }
        }
        self.sharedBudget = shared
        // The built-in steps run as direct calls rather than as a chain of closures: every link
        // of a chain is an async frame that each call in flight keeps.
        let pipeline = Pipeline(
            idempotency: profile.idempotency.map {
                IdempotencyKeyStep(support: $0, makeKey: options.makeIdempotencyKey)
            },
            retry: RetryMiddleware(policy: retryPolicy, timeSource: time, logger: logger),
            attempt: Attempt(
                limiter: Self.limiterStep(rateLimiter, shared, profile, time),
                authentication: authentication,
                mapping: ErrorMapping(
                    decoder: profile.errorDecoder, rateLimitHeaders: profile.rateLimitHeaders,
                    maximumBodySize: options.maximumBodySize, timeSource: time, logger: logger),
                transport: options.transport, metrics: CallMetrics(sink: options.metrics)))
        self.pipeline = pipeline
        self.chain =
            options.middlewares.isEmpty
            ? nil
            : options.middlewares.chained(to: { request, context in try await pipeline.run(request, context) })
    }

    /// The rate-limit step: over the client's bucket, or over the shared budget (whose fallback
    /// bucket may be `nil`).
    private static func limiterStep(
        _ bucket: TokenBucket?, _ shared: SharedBudget?, _ profile: ProviderProfile, _ time: TimeSource
    ) -> RateLimitStep? {
        guard let bucket = bucket ?? shared.map({ _ in TokenBucket(rate: 1, burst: 1, timeSource: time) }) else {
            return nil
        }
        var step = RateLimitStep(bucket: bucket, headerNames: profile.rateLimitHeaders, timeSource: time)
        step.shared = shared
        return step
    }

    /// The built-in steps: idempotency key, then the retry loop over attempts.
    private final class Pipeline: Sendable {
        let idempotency: IdempotencyKeyStep?
        let retry: RetryMiddleware
        let attempt: Attempt

        init(idempotency: IdempotencyKeyStep?, retry: RetryMiddleware, attempt: Attempt) {
            self.idempotency = idempotency
            self.retry = retry
            self.attempt = attempt
        }

        /// The retry loop over attempts. Only `self`, the request and the context (a reference
        /// each) stay in this frame while an attempt is in flight.
        func run(
            _ request: TransportRequest, _ context: MiddlewareContext
        ) async throws(SendingDomainsError) -> TransportResponse {
            var (request, context) = start(request, context)
            while true {
                let attemptRequest = try retry.nextAttempt(request, &context)
                do {
                    return try await attempt.send(attemptRequest, context)
                } catch {
                    try await retry.wait(after: error, request: request, context: context)
                    context.attempt += 1
                }
            }
        }

        /// Adds the idempotency key where the provider honours one and sets the deadline.
        @inline(never) private func start(
            _ request: TransportRequest, _ context: MiddlewareContext
        ) -> (TransportRequest, MiddlewareContext) {
            var request = request
            var context = context
            idempotency?.prepare(&request, &context)
            retry.begin(&context)
            return (request, context)
        }
    }

    /// One attempt, in the documented order: rate limit → authentication → error mapping and
    /// logging → transport. The work between awaits is in helpers that are not inlined, so that
    /// the frame each call in flight keeps stays small.
    private final class Attempt: Sendable {
        let limiter: RateLimitStep?
        let authentication: Authentication
        let mapping: ErrorMapping
        let transport: any Transport
        let metrics: CallMetrics

        init(
            limiter: RateLimitStep?, authentication: Authentication, mapping: ErrorMapping, transport: any Transport,
            metrics: CallMetrics
        ) {
            self.limiter = limiter
            self.authentication = authentication
            self.mapping = mapping
            self.transport = transport
            self.metrics = metrics
        }

        // Only the frames on the path to the transport stay alive while a call waits for its
        // response, so the steps before and after it are functions of their own.
        @inline(never) func send(
            _ request: TransportRequest, _ context: MiddlewareContext
        ) async throws(SendingDomainsError) -> TransportResponse {
            if limiter != nil { try await acquire(context) }
            let (request, started) = prepare(request, context)
            let response = try await transmit(request, context, started)
            if limiter == nil {
                return try mapping.check(response, request: request, context: context, started: started)
            }
            return try await checkAndLearn(response, request, context, started)
        }

        @inline(never) private func acquire(_ context: MiddlewareContext) async throws(SendingDomainsError) {
            guard metrics.isActive else { return try await limiter?.acquire(context) ?? () }
            let time = mapping.timeSource
            let started = time.now()
            try await limiter?.acquire(context)
            metrics.limiterWait(context, time.now() - started)
        }

        @inline(never) private func transmit(
            _ request: TransportRequest, _ context: MiddlewareContext, _ started: Duration
        ) async throws(SendingDomainsError) -> TransportResponse {
            do {
                let response = try await transport.send(request)
                if metrics.isActive {
                    metrics.attempt(
                        context, started: started, now: mapping.timeSource.now(), status: response.status,
                        errorKind: nil)
                }
                return response
            } catch {
                let failure = mapping.failure(error, request: request, context: context)
                if metrics.isActive {
                    metrics.attempt(
                        context, started: started, now: mapping.timeSource.now(), status: nil, errorKind: failure.kind)
                }
                throw failure
            }
        }

        @inline(never) private func checkAndLearn(
            _ response: TransportResponse, _ request: TransportRequest, _ context: MiddlewareContext,
            _ started: Duration
        ) async throws(SendingDomainsError) -> TransportResponse {
            do {
                let checked = try mapping.check(response, request: request, context: context, started: started)
                await limiter?.learn(from: checked)
                return checked
            } catch {
                await limiter?.learn(from: error)
                throw error
            }
        }

        @inline(never) private func prepare(
            _ request: TransportRequest, _ context: MiddlewareContext
        ) -> (TransportRequest, Duration) {
            var request = request
            authentication.apply(to: &request.headers)
            AttemptCounter.current?.increment()
            return (request, mapping.willSend(request, context: context))
        }
    }

    /// ``send(_:idempotencyKey:)`` for an operation whose body carries secrets of its own: any
    /// error it throws is scrubbed of them too.
    @inline(never) private func sendCarryingSecrets(
        _ operation: APIOperation, _ idempotencyKey: IdempotencyKey?
    ) async throws(SendingDomainsError) -> TransportResponse {
        var plain = operation
        plain.secrets = []
        do {
            return try await send(plain, idempotencyKey: idempotencyKey)
        } catch {
            throw Redactor(secrets: operation.secrets).redact(error)
        }
    }

    /// Sends an operation through the pipeline and returns its 2xx response.
    ///
    /// - Parameters:
    ///   - operation: What to send.
    ///   - idempotencyKey: Your key for this call; ignored for requests the provider does not
    ///     honour keys on. Without one, the pipeline mints one where the provider honours keys.
    /// - Throws: ``SendingDomainsError``: ``SendingDomainsError/Kind/authentication`` before
    ///   sending when a credential is blank, ``SendingDomainsError/Kind/validation`` for an empty
    ///   path segment, and otherwise whatever the provider or the network reported after the
    ///   retry policy gave up.
    public func send(
        _ operation: APIOperation, idempotencyKey: IdempotencyKey? = nil
    ) async throws(SendingDomainsError) -> TransportResponse {
        guard operation.secrets.isEmpty else { return try await sendCarryingSecrets(operation, idempotencyKey) }
        let (request, context) = try prepare(operation, idempotencyKey: idempotencyKey)
        guard let chain else { return try await pipeline.run(request, context) }
        do {
            return try await chain(request, context)
        } catch {
            throw SendingDomainsError.wrapping(error, provider: profile.id, operation: operation.name)
        }
    }

    /// Checks the credentials and the path, and builds the request and its context.
    @inline(never) private func prepare(
        _ operation: APIOperation, idempotencyKey: IdempotencyKey?
    ) throws(SendingDomainsError) -> (TransportRequest, MiddlewareContext) {
        if authentication.secrets.contains(where: \.isBlank) {
            throw SendingDomainsError(
                kind: .authentication,
                message:
                    "A \(profile.id.displayName) credential is empty; pass the API key (or tokens) the provider issued",
                provider: profile.id, operation: operation.name)
        }
        if let header = authentication.unsendableHeader {
            let credential =
                header == "Authorization" ? "The API key (Authorization header)" : "The \(header) credential"
            throw SendingDomainsError(
                kind: .validation,
                message:
                    "\(credential) contains a line break, a control character or a non-ASCII character, which an HTTP header cannot carry; remove it (often a trailing newline from a file). Nothing was sent",
                provider: profile.id, operation: operation.name,
                fieldErrors: [.init(field: header, message: "contains a character a header cannot carry")])
        }
        var headers: HeaderFields = ["Accept": "application/json", "User-Agent": userAgent]
        if operation.body != nil { headers["Content-Type"] = "application/json" }
        let request = TransportRequest(
            method: operation.method, baseURL: baseURL.url, path: operation.path, query: operation.query,
            headers: headers, body: operation.body, timeout: options.timeout, isReplayable: operation.isIdempotent,
            maximumBodySize: options.maximumBodySize)
        try run(operation.operationName) { () throws(SendingDomainsError) in
            try TransportRequest.checkSegments(operation.path)
        }
        let context = MiddlewareContext(provider: profile.id, operation: operation.name, idempotencyKey: idempotencyKey)
        return (request, context)
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
        let response = try await send(try operation(of: endpoint), idempotencyKey: idempotencyKey)
        return try decode(response, endpoint)
    }

    @inline(never) private func operation<Response>(
        of endpoint: Endpoint<Response>
    ) throws(SendingDomainsError) -> APIOperation {
        try run(endpoint.name) { () throws(SendingDomainsError) in try endpoint.request.get() }
    }

    @inline(never) private func decode<Response>(
        _ response: TransportResponse, _ endpoint: Endpoint<Response>
    ) throws(SendingDomainsError) -> Response {
        try run(endpoint.name) { () throws(SendingDomainsError) in try endpoint.decoding.decode(response, endpoint.name)
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
            var error = error
            error.provider = error.provider ?? profile.id
            error.operation = error.operation ?? operation.rawValue
            throw redactor.redact(error)
        }
    }
}

/// The settings every provider client takes: where to send, through what, and how patiently.
///
/// Every property has a default fit for production; a provider client fills in its own base
/// URL, retry policy and published rate limit where you leave them `nil`/`.providerDefault`.
///
/// ```swift
/// var options = ClientOptions()
/// options.timeout = .seconds(10)
/// options.logger = LogSink(minimumLevel: .debug) { print($0) }
/// let client = Krafter.Client(apiKey: key, options: options)
/// ```
public struct ClientOptions: Sendable {
    /// The default cap on a response body: 10 MiB.
    public static let defaultMaximumBodySize = 10 * 1024 * 1024

    /// The API base URL; `nil` for the provider's production URL. Override it for a sandbox,
    /// a proxy or a loopback test server.
    public var baseURL: BaseURL?
    /// What sends the requests: ``URLSessionTransport`` by default; a mock or simulator in tests.
    public var transport: any Transport
    /// The retry policy; `nil` for the provider's default (``RetryPolicy/default`` unless the
    /// client says otherwise).
    public var retryPolicy: RetryPolicy?
    /// The client-side rate limit.
    public var rateLimiting: RateLimiting
    /// How long one attempt may wait for its response.
    public var timeout: Duration
    /// The largest response body accepted, in bytes.
    public var maximumBodySize: Int
    /// The most pages one iteration of a paged list fetches before it fails with `decoding`
    /// (10,000 by default): a server that invents new cursors forever cannot keep a loop going.
    public var maximumPages: Int
    /// Receives request, response and retry events, with secrets redacted.
    public var logger: LogSink?
    /// Receives each attempt's outcome and duration and each rate-limiter wait, for metrics;
    /// `nil` (the default) costs nothing.
    public var metrics: MetricsSink?
    /// Your middleware, outermost first; it sees each logical call once.
    public var middlewares: [any CallMiddleware]
    /// The clock, sleep and randomness; inject a virtual one in tests.
    public var timeSource: TimeSource
    /// Mints idempotency keys for providers that honour them.
    public var makeIdempotencyKey: @Sendable () -> IdempotencyKey

    /// Creates options; every argument has a production default.
    public init(
        baseURL: BaseURL? = nil,
        transport: any Transport = URLSessionTransport.shared,
        retryPolicy: RetryPolicy? = nil,
        rateLimiting: RateLimiting = .providerDefault,
        timeout: Duration = .seconds(30),
        maximumBodySize: Int = ClientOptions.defaultMaximumBodySize,
        maximumPages: Int = PagedSequence<Never>.defaultMaximumPages,
        logger: LogSink? = nil,
        metrics: MetricsSink? = nil,
        middlewares: [any CallMiddleware] = [],
        timeSource: TimeSource = .system,
        makeIdempotencyKey: @escaping @Sendable () -> IdempotencyKey = { .random() }
    ) {
        self.baseURL = baseURL
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.rateLimiting = rateLimiting
        self.timeout = timeout
        self.maximumBodySize = maximumBodySize
        self.maximumPages = maximumPages
        self.logger = logger
        self.metrics = metrics
        self.middlewares = middlewares
        self.timeSource = timeSource
        self.makeIdempotencyKey = makeIdempotencyKey
    }
}

/// What the pipeline needs to know about one provider; each provider client defines one.
@_spi(ProviderAuthoring) public struct ProviderProfile: Sendable {
    /// The provider.
    public var id: ProviderID
    /// The production base URL.
    public var defaultBaseURL: BaseURL
    /// The published rate limit, or `nil` when the provider publishes none.
    public var defaultRateLimit: RateLimit?
    /// The retry policy used when the options give none.
    public var defaultRetryPolicy: RetryPolicy
    /// Where the provider reports its rate-limit state, if it does.
    public var rateLimitHeaders: RateLimitHeaderNames?
    /// How the provider supports idempotency keys, or `nil` when it does not.
    public var idempotency: IdempotencySupport?
    /// Reads the provider's error bodies.
    public var errorDecoder: ErrorDecoder

    /// Creates a profile.
    public init(
        id: ProviderID, defaultBaseURL: BaseURL, defaultRateLimit: RateLimit?,
        defaultRetryPolicy: RetryPolicy = .default, rateLimitHeaders: RateLimitHeaderNames? = nil,
        idempotency: IdempotencySupport? = nil, errorDecoder: @escaping ErrorDecoder
    ) {
        self.id = id
        self.defaultBaseURL = defaultBaseURL
        self.defaultRateLimit = defaultRateLimit
        self.defaultRetryPolicy = defaultRetryPolicy
        self.rateLimitHeaders = rateLimitHeaders
        self.idempotency = idempotency
        self.errorDecoder = errorDecoder
    }
}

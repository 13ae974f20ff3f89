/// What a middleware knows about the call it is part of, beyond the request itself.
public struct MiddlewareContext: Sendable {
    // One pointer wide, like `TransportRequest`: async frames of calls in flight hold a reference.
    private struct Fields: Sendable {
        var provider: ProviderID
        var operation: String
        var idempotencyKey: IdempotencyKey?
        var attempt: Int
        var deadline: Duration?
        var bodySecrets: [Secret] = []
    }

    private var fields: CopyOnWrite<Fields>

    /// The provider the call goes to.
    public var provider: ProviderID {
        get { fields.value.provider }
        _modify { yield &fields.value.provider }
    }
    /// The operation's name, for example `"createDomain"`.
    public var operation: String {
        get { fields.value.operation }
        _modify { yield &fields.value.operation }
    }
    /// The call's idempotency key, if the provider honours one for this request. Set by the
    /// caller or by the pipeline where the provider honours keys; the retry policy reads it.
    public var idempotencyKey: IdempotencyKey? {
        get { fields.value.idempotencyKey }
        _modify { yield &fields.value.idempotencyKey }
    }
    /// The attempt number, from 1; set by the retry loop.
    public var attempt: Int {
        get { fields.value.attempt }
        _modify { yield &fields.value.attempt }
    }
    /// The monotonic instant (on the client's ``TimeSource``) by which the whole call must end.
    public var deadline: Duration? {
        get { fields.value.deadline }
        _modify { yield &fields.value.deadline }
    }

    /// Secrets the request's body carries besides the client's credentials (AhaSend's DKIM
    /// private key): the pipeline removes them from any error it throws.
    package var bodySecrets: [Secret] {
        get { fields.value.bodySecrets }
        _modify { yield &fields.value.bodySecrets }
    }

    /// Creates a context.
    public init(
        provider: ProviderID, operation: String, idempotencyKey: IdempotencyKey? = nil, attempt: Int = 1,
        deadline: Duration? = nil
    ) {
        fields = CopyOnWrite(
            Fields(
                provider: provider, operation: operation, idempotencyKey: idempotencyKey, attempt: attempt,
                deadline: deadline))
    }
}

/// A step in the request pipeline that can read or change a request, its response or its error,
/// and decide whether and how often to call the rest of the chain.
///
/// The pipeline runs middleware outermost first: your middleware → idempotency key → retry →
/// (per attempt) rate limit → authentication → error mapping and logging → transport. Your
/// middleware therefore sees one logical call, not each retry, and never sees credentials.
///
/// ```swift
/// struct UserAgent: CallMiddleware {
///     func intercept(_ request: TransportRequest, context: MiddlewareContext, next: Next) async throws -> TransportResponse {
///         var request = request
///         request.headers["User-Agent"] = "my-platform/1.0"
///         return try await next(request, context)
///     }
/// }
/// let options = ClientOptions(middlewares: [UserAgent()])
/// ```
public protocol CallMiddleware: Sendable {
    /// The rest of the chain.
    typealias Next = @Sendable (TransportRequest, MiddlewareContext) async throws -> TransportResponse

    /// Handles one request: usually changes it, calls `next`, and returns or changes the result.
    func intercept(
        _ request: TransportRequest, context: MiddlewareContext, next: Next
    ) async throws -> TransportResponse
}

extension Array where Element == any CallMiddleware {
    /// Chains the middleware in front of `terminal`, the first element outermost.
    func chained(to terminal: @escaping CallMiddleware.Next) -> CallMiddleware.Next {
        reversed().reduce(terminal) { next, middleware in
            { request, context in try await middleware.intercept(request, context: context, next: next) }
        }
    }
}

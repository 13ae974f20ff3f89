/// Adds an idempotency key to every request the provider honours keys on — once per logical
/// call, before the retry loop, so every attempt carries the same key.
///
/// The key is the caller's (``MiddlewareContext/idempotencyKey`` already set) or a fresh one
/// from `makeKey`. For any other request the step does nothing.
struct IdempotencyKeyStep: Sendable {
    /// How the provider supports keys.
    let support: IdempotencySupport
    /// Mints a key when the caller gave none. Inject a deterministic one in tests.
    let makeKey: @Sendable () -> IdempotencyKey

    /// Creates the step.
    init(support: IdempotencySupport, makeKey: @escaping @Sendable () -> IdempotencyKey) {
        self.support = support
        self.makeKey = makeKey
    }

    /// Sets the key header (the caller's key, or a new one) and ``MiddlewareContext/idempotencyKey``
    /// for a method the provider honours keys on; clears the context's key otherwise.
    @inline(never) func prepare(_ request: inout TransportRequest, _ context: inout MiddlewareContext) {
        guard support.methods.contains(request.method) else {
            context.idempotencyKey = nil
            return
        }
        let key = context.idempotencyKey ?? makeKey()
        request.headers[support.headerName] = key.rawValue
        request.isReplayable = true
        context.idempotencyKey = key
    }
}

import Foundation

/// A validated idempotency key: 1–255 printable ASCII characters with no spaces.
///
/// Providers that honour idempotency keys (AhaSend) store the first response to a key for 24
/// hours and replay it for any later request with the same key, so a retried POST cannot
/// create a second domain. The pipeline mints a fresh UUID key for every logical call
/// **before** its retry loop; pass your own to make a call idempotent across process restarts:
///
/// ```swift
/// let key = try IdempotencyKey("onboarding-customer-42-create-domain")
/// let domain = try await ahaSend.createDomain(.init(name: "example.com"), idempotencyKey: key)
/// ```
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
    /// The longest key providers accept.
    public static let maximumLength = 255

    /// The key.
    public let rawValue: String

    /// Validates a caller-chosen key.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `idempotencyKey` when it is empty, longer than 255 characters, or contains anything but
    ///   printable ASCII without spaces (`!` to `~`).
    public init(_ rawValue: String) throws(SendingDomainsError) {
        guard !rawValue.isEmpty else {
            throw .invalidInput(field: "idempotencyKey", "must not be empty")
        }
        guard rawValue.utf8.count <= Self.maximumLength else {
            throw .invalidInput(
                field: "idempotencyKey", "must be at most \(Self.maximumLength) characters (got \(rawValue.utf8.count))"
            )
        }
        guard rawValue.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalidInput(
                field: "idempotencyKey", "must contain only printable ASCII characters without spaces (! to ~)")
        }
        self.rawValue = rawValue
    }

    /// A new random key: a lower-case UUID.
    public static func random() -> IdempotencyKey {
        IdempotencyKey(unchecked: UUID().uuidString.lowercased())
    }

    package init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key.
    public var description: String { rawValue }
}

/// How a provider supports idempotency keys.
@_spi(ProviderAuthoring) public struct IdempotencySupport: Sendable, Hashable {
    /// The request header that carries the key, for example `Idempotency-Key`.
    public var headerName: String
    /// The response header that says whether a response was replayed, for example
    /// `Idempotent-Replayed`.
    public var replayedHeaderName: String?
    /// The methods the provider honours keys on (AhaSend: POST).
    public var methods: Set<RequestMethod>

    /// Creates a description of a provider's idempotency support.
    public init(headerName: String, replayedHeaderName: String? = nil, methods: Set<RequestMethod> = [.post]) {
        self.headerName = headerName
        self.replayedHeaderName = replayedHeaderName
        self.methods = methods
    }
}

/// Adds an idempotency key to every request the provider honours keys on — once per logical
/// call, before the retry loop, so every attempt carries the same key.
///
/// The key is the caller's (``MiddlewareContext/idempotencyKey`` already set) or a fresh one
/// from `makeKey`. For any other request the step does nothing.
@_spi(ProviderAuthoring) public struct IdempotencyKeyStep: Sendable {
    /// How the provider supports keys.
    public var support: IdempotencySupport
    /// Mints a key when the caller gave none. Inject a deterministic one in tests.
    public var makeKey: @Sendable () -> IdempotencyKey

    /// Creates the step.
    public init(support: IdempotencySupport, makeKey: @escaping @Sendable () -> IdempotencyKey = { .random() }) {
        self.support = support
        self.makeKey = makeKey
    }

    /// Sets the key header (the caller's key, or a new one) and ``MiddlewareContext/idempotencyKey``
    /// for a method the provider honours keys on; clears the context's key otherwise.
    @inline(never) package func prepare(_ request: inout TransportRequest, _ context: inout MiddlewareContext) {
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

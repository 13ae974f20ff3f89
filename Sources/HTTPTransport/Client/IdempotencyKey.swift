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

import Foundation

/// Checks the ids callers pass to get, verify and delete calls, so that a domain name passed
/// where a UUID belongs fails clearly before a request is sent instead of as a provider 404.
@_spi(ProviderAuthoring) public enum ResourceID {
    /// Validates a UUID (any case) and returns it as given, trimmed.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `field`.
    public static func uuid(_ id: String, field: String) throws(SendingDomainsError) -> String {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        guard UUID(uuidString: trimmed) != nil else {
            throw .invalidInput(field: field, "must be a UUID such as 550e8400-e29b-41d4-a716-446655440000")
        }
        return trimmed
    }

    /// Validates a hexadecimal id of exactly `length` characters (AutoSend: 24).
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `field`.
    public static func hex(_ id: String, length: Int, field: String) throws(SendingDomainsError) -> String {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == length, trimmed.allSatisfy(\.isHexDigit) else {
            throw .invalidInput(
                field: field, "must be \(length) hexadecimal characters such as 60d5ec49f1b2c72d9c8b2222")
        }
        return trimmed
    }
}

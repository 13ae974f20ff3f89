/// The name of an operation, as errors and logs report it (`SendingDomainsError/operation`).
///
/// Clients name their operations with these members rather than string literals, so that the
/// same operation has the same name at every provider:
///
/// ```swift
/// let operation = Endpoint<Void>(.getDomain, .get, decoding: .ignoringBody) { .init(path: ["domains", id]) }
/// ```
@_spi(ProviderAuthoring) public struct OperationName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name, e.g. `"createDomain"`.
    public let rawValue: String

    /// A name of your own, for an operation these members do not cover.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Creates a domain.
    public static let createDomain = OperationName(rawValue: "createDomain")
    /// Lists domains.
    public static let listDomains = OperationName(rawValue: "listDomains")
    /// Reads one domain.
    public static let getDomain = OperationName(rawValue: "getDomain")
    /// Updates a domain's settings.
    public static let updateDomain = OperationName(rawValue: "updateDomain")
    /// Asks the provider to check a domain's DNS.
    public static let verifyDomain = OperationName(rawValue: "verifyDomain")
    /// Deletes a domain.
    public static let deleteDomain = OperationName(rawValue: "deleteDomain")
    /// Generates a domain's records (Cllavio's create).
    public static let generateDomain = OperationName(rawValue: "generateDomain")
    /// Finds a domain by its name (the unified API).
    public static let findDomain = OperationName(rawValue: "findDomain")
    /// Waits until a domain is verified (the unified API).
    public static let waitUntilVerified = OperationName(rawValue: "waitUntilVerified")
    /// Asks DNS one question (the DNS client).
    public static let dnsQuery = OperationName(rawValue: "dnsQuery")
    /// Checks a domain's records in DNS (the preflight).
    public static let dnsPreflight = OperationName(rawValue: "dnsPreflight")
    /// Finds the zone holding a domain and its DNS host (SOA, then NS).
    public static let dnsHostDetection = OperationName(rawValue: "dnsHostDetection")

    /// The name.
    public var description: String { rawValue }
}

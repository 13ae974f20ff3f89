@_spi(ProviderAuthoring) import HTTPTransport

/// The name ``DomainProvisioning/findDomain(named:)`` looks for: normalised once (A-label, lower
/// case, no trailing dot), then compared with each name the provider returns in the same form.
struct DomainLookupName: Sendable {
    let provider: ProviderID
    /// The normalised name.
    let name: String

    /// - Throws: `validation` (stamped with the provider and `findDomain`) for a malformed name.
    init(_ input: String, provider: ProviderID) throws(SendingDomainsError) {
        self.provider = provider
        do {
            name = try DomainName.normalize(input, field: "name")
        } catch {
            var error = error
            error.provider = provider
            error.operation = OperationName.findDomain.rawValue
            throw error
        }
    }

    /// Whether a name the provider returned is this one.
    func matches(_ returned: String) -> Bool {
        if returned == name { return true }
        return (try? DomainName.normalize(returned, field: "name")) == name
    }

    /// The one domain among `matches`: `notFound` for none, `conflict` naming their ids for several.
    func single(of matches: [SendingDomain]) throws(SendingDomainsError) -> SendingDomain {
        guard let first = matches.first else {
            throw SendingDomainsError(
                kind: .notFound, message: "\(provider.displayName) has no domain named \(name) in this account",
                provider: provider, operation: OperationName.findDomain.rawValue)
        }
        guard matches.count == 1 else {
            throw SendingDomainsError(
                kind: .conflict,
                message:
                    "\(provider.displayName) returned \(matches.count) domains named \(name): \(matches.map(\.id).joined(separator: ", "))",
                provider: provider, operation: OperationName.findDomain.rawValue)
        }
        return first
    }
}

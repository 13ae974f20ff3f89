@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains

extension ProviderSimulator {
    /// The credentials every sandbox simulator accepts for `provider`.
    ///
    /// ```swift
    /// let simulator = ProviderSimulator.sandbox(for: .krafter)
    /// let provider = try ProviderFactory.make(
    ///     .krafter, credentials: ProviderSimulator.sandboxCredentials(for: .krafter),
    ///     options: ClientOptions(transport: simulator))
    /// ```
    public static func sandboxCredentials(for provider: ProviderID) -> ProviderCredentials {
        switch provider {
        case .ahaSend: .ahaSend(apiKey: Secret(sandboxAPIKey), accountID: sandboxAccountID)
        case .cllavio: .cllavio(accessToken: Secret(sandboxAPIKey), secretToken: Secret(sandboxSecretToken))
        default: .apiKey(Secret(sandboxAPIKey))
        }
    }
}

extension ProviderFactory {
    /// A provisioner for `provider` backed by an offline, in-memory simulator of its API — for
    /// tests, previews and an app's demo mode. Nothing leaves the process.
    ///
    /// ```swift
    /// let provider = try ProviderFactory.sandbox(.krafter)
    /// let domain = try await provider.createDomain(DomainRequest(domain: "example.com"))
    /// ```
    ///
    /// Pass your own `simulator` to inject faults or publish records, and `options` for a
    /// virtual clock; the options' transport is replaced by the simulator.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` for a provider this SDK does not know,
    ///   or when `simulator` simulates another provider.
    public static func sandbox(
        _ provider: ProviderID, simulator: ProviderSimulator? = nil, options: ClientOptions = ClientOptions()
    ) throws(SendingDomainsError) -> any DomainProvisioning {
        let simulator = simulator ?? ProviderSimulator.sandbox(for: provider)
        guard simulator.provider == provider else {
            throw .invalidInput(
                field: "simulator", "simulates \(simulator.provider.displayName), not \(provider.displayName)")
        }
        var options = options
        options.transport = simulator
        return try make(provider, credentials: ProviderSimulator.sandboxCredentials(for: provider), options: options)
    }
}

@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains

extension ProviderSimulator {
    /// The credentials every sandbox simulator accepts for `provider`.
    ///
    /// ```swift
    /// let simulator = ProviderSimulator.sandbox(for: .krafter)
    /// let provider = ProviderFactory.make(
    ///     ProviderSimulator.sandboxCredentials(for: .krafter), options: ClientOptions(transport: simulator))
    /// ```
    ///
    /// For a provider this SDK does not know, SendKit's form.
    public static func sandboxCredentials(for provider: ProviderID) -> ProviderCredentials {
        credentials(for: provider, apiKey: sandboxAPIKey, secretToken: sandboxSecretToken, accountID: sandboxAccountID)
    }

    /// `provider`'s credentials from one key: the API key (Cllavio's access token), Cllavio's
    /// secret token and AhaSend's account id. For a provider this SDK does not know, SendKit's form.
    package static func credentials(
        for provider: ProviderID, apiKey: String, secretToken: String, accountID: String = sandboxAccountID
    ) -> ProviderCredentials {
        switch provider {
        case .ahaSend: .ahaSend(apiKey: Secret(apiKey), accountID: accountID)
        case .cllavio: .cllavio(accessToken: Secret(apiKey), secretToken: Secret(secretToken))
        case .autoSend: .autoSend(apiKey: Secret(apiKey))
        case .krafter: .krafter(apiKey: Secret(apiKey))
        default: .sendKit(apiKey: Secret(apiKey))
        }
    }
}

extension ProviderFactory {
    /// A provisioner for `provider` backed by an offline, in-memory simulator of its API — for
    /// tests, previews and an app's demo mode. Nothing leaves the process.
    ///
    /// ```swift
    /// let provider = try ProviderFactory.sandbox(.krafter)
    /// let domain = try await provider.createDomain(DomainRequest(name: "example.com"))
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
        guard ProviderID.all.contains(provider) else {
            throw .invalidInput(
                field: "provider", "must be one of \(ProviderID.all.map(\.rawValue).joined(separator: ", "))")
        }
        let simulator = simulator ?? ProviderSimulator.sandbox(for: provider)
        guard simulator.provider == provider else {
            throw .invalidInput(
                field: "simulator", "simulates \(simulator.provider.displayName), not \(provider.displayName)")
        }
        var options = options
        options.transport = simulator
        return make(ProviderSimulator.sandboxCredentials(for: provider), options: options)
    }
}

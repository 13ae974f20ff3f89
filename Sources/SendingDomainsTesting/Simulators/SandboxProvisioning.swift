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

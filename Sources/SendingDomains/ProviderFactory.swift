import AhaSendClient
import AutoSendClient
import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendKitClient

/// Credentials for one provider.
public enum ProviderCredentials: Sendable, Hashable {
    /// A bearer API key (SendKit, AutoSend, Krafter).
    case apiKey(Secret)
    /// AhaSend: an API key and the account id.
    case ahaSend(apiKey: Secret, accountID: String)
    /// Cllavio: the access and secret tokens.
    case cllavio(accessToken: Secret, secretToken: Secret)
}

/// Builds a ``DomainProvisioning`` for a provider chosen at run time.
///
/// ```swift
/// // From configuration:
/// let provider = try ProviderFactory.make(.krafter, credentials: .apiKey(Secret(key)))
///
/// // From the environment (the variables the `domains` command uses):
/// let fromEnv = try ProviderFactory.fromEnvironment(ProviderID(named: "ahasend")!)
/// ```
public enum ProviderFactory {
    /// The environment variables each provider's credentials come from.
    public static let environmentVariables: [ProviderID: [String]] = [
        .sendKit: ["SENDKIT_API_KEY"],
        .autoSend: ["AUTOSEND_API_KEY"],
        .krafter: ["KRAFTER_API_KEY"],
        .ahaSend: ["AHASEND_API_KEY", "AHASEND_ACCOUNT_ID"],
        .cllavio: ["CLLAVIO_ACCESS_TOKEN", "CLLAVIO_SECRET_TOKEN"],
    ]

    /// A provisioner for `provider`.
    ///
    /// - Throws: `SendingDomainsError` of kind `authentication` when the credentials are not the
    ///   kind `provider` takes, or `validation` for an unknown provider.
    public static func make(
        _ provider: ProviderID, credentials: ProviderCredentials, options: ClientOptions = ClientOptions()
    ) throws(SendingDomainsError) -> any DomainProvisioning {
        switch (provider, credentials) {
        case (.sendKit, .apiKey(let key)): return SendKitProvisioner(SendKit.Client(apiKey: key, options: options))
        case (.autoSend, .apiKey(let key)): return AutoSendProvisioner(AutoSend.Client(apiKey: key, options: options))
        case (.krafter, .apiKey(let key)): return KrafterProvisioner(Krafter.Client(apiKey: key, options: options))
        case (.ahaSend, .ahaSend(let key, let account)):
            return AhaSendProvisioner(AhaSend.Client(apiKey: key, accountID: account, options: options))
        case (.cllavio, .cllavio(let access, let secret)):
            return CllavioProvisioner(Cllavio.Client(accessToken: access, secretToken: secret, options: options))
        default:
            guard ProviderID.all.contains(provider) else {
                throw .invalidInput(
                    field: "provider", "must be one of \(ProviderID.all.map(\.rawValue).joined(separator: ", "))")
            }
            throw SendingDomainsError(
                kind: .authentication,
                message: "\(provider.displayName) takes \(Self.credentialKind(provider)) credentials",
                provider: provider)
        }
    }

    /// A provisioner for `provider` with credentials from `environment`.
    ///
    /// - Throws: `SendingDomainsError` of kind `authentication` naming each missing or empty
    ///   variable (never its value).
    public static func fromEnvironment(
        _ provider: ProviderID, environment: [String: String] = ProcessInfo.processInfo.environment,
        options: ClientOptions = ClientOptions()
    ) throws(SendingDomainsError) -> any DomainProvisioning {
        let names = environmentVariables[provider] ?? []
        let missing = names.filter { (environment[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        guard missing.isEmpty else {
            throw SendingDomainsError(
                kind: .authentication,
                message: "Set \(missing.joined(separator: " and ")) to use \(provider.displayName)",
                provider: provider,
                fieldErrors: missing.map { .init(field: $0, message: "is not set") })
        }
        let value = { (name: String) in Secret(environment[name] ?? "") }
        let credentials: ProviderCredentials =
            switch provider {
            case .ahaSend:
                .ahaSend(apiKey: value("AHASEND_API_KEY"), accountID: environment["AHASEND_ACCOUNT_ID"] ?? "")
            case .cllavio:
                .cllavio(accessToken: value("CLLAVIO_ACCESS_TOKEN"), secretToken: value("CLLAVIO_SECRET_TOKEN"))
            default: .apiKey(value(names.first ?? ""))
            }
        return try make(provider, credentials: credentials, options: options)
    }

    /// Whether `environment` holds every credential `provider` needs.
    public static func hasCredentials(for provider: ProviderID, in environment: [String: String]) -> Bool {
        (environmentVariables[provider] ?? []).allSatisfy { !(environment[$0] ?? "").isEmpty }
    }

    /// The capability matrix of the five providers.
    public static let capabilities: [ProviderID: ProviderCapabilities] = [
        .sendKit: SendKitProvisioner.capabilities,
        .autoSend: AutoSendProvisioner.capabilities,
        .krafter: KrafterProvisioner.capabilities,
        .cllavio: CllavioProvisioner.capabilities,
        .ahaSend: AhaSendProvisioner.capabilities,
    ]

    private static func credentialKind(_ provider: ProviderID) -> String {
        switch provider {
        case .ahaSend: ".ahaSend(apiKey:accountID:)"
        case .cllavio: ".cllavio(accessToken:secretToken:)"
        default: ".apiKey"
        }
    }
}

extension ProviderID {
    /// The provider named `name` (`sendkit`, `autosend`, `krafter`, `cllavio` or `ahasend`,
    /// any case; `sendtrim` is accepted for Cllavio), or `nil`.
    public init?(named name: String) {
        let lowered = name.lowercased()
        if lowered == "sendtrim" {
            self = .cllavio
            return
        }
        guard let match = ProviderID.all.first(where: { $0.rawValue == lowered }) else { return nil }
        self = match
    }
}

import AhaSendClient
import AutoSendClient
import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendKitClient

/// Credentials for one provider: made by the provider's static member, so a client can only be
/// given the credentials its provider takes.
///
/// ```swift
/// let credentials = ProviderCredentials.ahaSend(apiKey: Secret("aha-key"), accountID: "00000000-0000-4000-8000-000000000001")
/// print(credentials.provider)  // ahasend
/// ```
///
/// A struct rather than an enum with a case per provider, so that a provider added later breaks
/// no `switch`.
public struct ProviderCredentials: Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case sendKit(apiKey: Secret)
        case autoSend(apiKey: Secret)
        case krafter(apiKey: Secret)
        case cllavio(accessToken: Secret, secretToken: Secret)
        case ahaSend(apiKey: Secret, accountID: String)
    }

    let storage: Storage

    /// The provider these credentials are for.
    public let provider: ProviderID

    private init(_ storage: Storage, provider: ProviderID) {
        self.storage = storage
        self.provider = provider
    }

    /// SendKit: a bearer API key.
    public static func sendKit(apiKey: Secret) -> ProviderCredentials {
        ProviderCredentials(.sendKit(apiKey: apiKey), provider: .sendKit)
    }

    /// AutoSend: a bearer API key.
    public static func autoSend(apiKey: Secret) -> ProviderCredentials {
        ProviderCredentials(.autoSend(apiKey: apiKey), provider: .autoSend)
    }

    /// Krafter: a bearer API key (`kr_live_…`).
    public static func krafter(apiKey: Secret) -> ProviderCredentials {
        ProviderCredentials(.krafter(apiKey: apiKey), provider: .krafter)
    }

    /// Cllavio: the access and secret tokens.
    public static func cllavio(accessToken: Secret, secretToken: Secret) -> ProviderCredentials {
        ProviderCredentials(.cllavio(accessToken: accessToken, secretToken: secretToken), provider: .cllavio)
    }

    /// AhaSend: an API key and the account id.
    public static func ahaSend(apiKey: Secret, accountID: String) -> ProviderCredentials {
        ProviderCredentials(.ahaSend(apiKey: apiKey, accountID: accountID), provider: .ahaSend)
    }
}

/// Builds a ``DomainProvisioning`` for a provider chosen at run time.
///
/// ```swift
/// // From configuration: the credentials name the provider.
/// let provider = ProviderFactory.make(.krafter(apiKey: Secret(key)))
///
/// // From the environment (the variables the `domains` command uses):
/// let fromEnv = try ProviderFactory.fromEnvironment(.ahaSend)
/// ```
public enum ProviderFactory {
    /// The environment variables each provider's credentials come from.
    package static let environmentVariables: [ProviderID: [String]] = [
        .sendKit: ["SENDKIT_API_KEY"],
        .autoSend: ["AUTOSEND_API_KEY"],
        .krafter: ["KRAFTER_API_KEY"],
        .ahaSend: ["AHASEND_API_KEY", "AHASEND_ACCOUNT_ID"],
        .cllavio: ["CLLAVIO_ACCESS_TOKEN", "CLLAVIO_SECRET_TOKEN"],
    ]

    /// A provisioner for the provider `credentials` are for.
    ///
    /// Nothing is checked here: a blank or unsendable credential, or a malformed AhaSend account
    /// id, fails the first call with a `SendingDomainsError` that names it.
    public static func make(
        _ credentials: ProviderCredentials, options: ClientOptions = ClientOptions()
    ) -> any DomainProvisioning {
        switch credentials.storage {
        case .sendKit(let key): SendKitProvisioner(SendKit.Client(apiKey: key, options: options))
        case .autoSend(let key): AutoSendProvisioner(AutoSend.Client(apiKey: key, options: options))
        case .krafter(let key): KrafterProvisioner(Krafter.Client(apiKey: key, options: options))
        case .ahaSend(let key, let account):
            AhaSendProvisioner(AhaSend.Client(apiKey: key, accountID: account, options: options))
        case .cllavio(let access, let secret):
            CllavioProvisioner(Cllavio.Client(accessToken: access, secretToken: secret, options: options))
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
        let missing = names.filter { !isSet(environment[$0]) }
        guard missing.isEmpty else {
            throw SendingDomainsError(
                kind: .authentication,
                message: "Set \(missing.joined(separator: " and ")) to use \(provider.displayName)",
                provider: provider,
                fieldErrors: missing.map { .init(field: $0, message: "is not set") })
        }
        // Surrounding white space (a newline from `$(cat key-file)`) is never part of a credential.
        let text = { (name: String) in (environment[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let value = { (name: String) in Secret(text(name)) }
        let credentials: ProviderCredentials
        switch provider {
        case .sendKit: credentials = .sendKit(apiKey: value("SENDKIT_API_KEY"))
        case .autoSend: credentials = .autoSend(apiKey: value("AUTOSEND_API_KEY"))
        case .krafter: credentials = .krafter(apiKey: value("KRAFTER_API_KEY"))
        case .ahaSend:
            credentials = .ahaSend(apiKey: value("AHASEND_API_KEY"), accountID: text("AHASEND_ACCOUNT_ID"))
        case .cllavio:
            credentials = .cllavio(
                accessToken: value("CLLAVIO_ACCESS_TOKEN"), secretToken: value("CLLAVIO_SECRET_TOKEN"))
        default:
            throw .invalidInput(
                field: "provider", "must be one of \(ProviderID.all.map(\.rawValue).joined(separator: ", "))")
        }
        return make(credentials, options: options)
    }

    /// Which of a provider's credential variables an environment sets.
    package enum CredentialPresence: Equatable {
        /// None of them: the `domains` command may use its offline sandbox.
        case none
        /// Some but not all: a misspelt or forgotten variable, never a reason to fall back.
        case partial(missing: [String])
        /// All of them.
        case complete
    }

    /// Whether a variable counts as set: non-empty once white space and newlines are trimmed.
    /// The one definition `fromEnvironment` and the `domains` command share.
    package static func isSet(_ value: String?) -> Bool {
        !(value ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Which of `provider`'s credential variables `environment` sets.
    package static func credentialPresence(
        for provider: ProviderID, in environment: [String: String]
    ) -> CredentialPresence {
        let names = environmentVariables[provider] ?? []
        let missing = names.filter { !isSet(environment[$0]) }
        if missing.isEmpty { return .complete }
        return missing.count == names.count ? .none : .partial(missing: missing)
    }

    /// The capability matrix of the five providers.
    public static let capabilities: [ProviderID: ProviderCapabilities] = [
        .sendKit: SendKitProvisioner.capabilities,
        .autoSend: AutoSendProvisioner.capabilities,
        .krafter: KrafterProvisioner.capabilities,
        .cllavio: CllavioProvisioner.capabilities,
        .ahaSend: AhaSendProvisioner.capabilities,
    ]
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

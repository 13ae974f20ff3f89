/// Names the email provider a client talks to; errors and log events carry it.
///
/// ```swift
/// if error.provider == .ahaSend { print("at AhaSend") }
/// ```
public struct ProviderID: Hashable, Sendable, CustomStringConvertible {
    /// A stable lower-case identifier, for example `"ahasend"`; the `domains` command uses it.
    public let rawValue: String
    /// The provider's name as people write it, for example `"AhaSend"`.
    public let displayName: String

    /// Creates an identifier. Use the predefined values unless you add a provider of your own.
    public init(rawValue: String, displayName: String) {
        self.rawValue = rawValue
        self.displayName = displayName
    }

    /// SendKit (`api.sendkit.dev`).
    public static let sendKit = ProviderID(rawValue: "sendkit", displayName: "SendKit")
    /// AutoSend (`api.autosend.com`).
    public static let autoSend = ProviderID(rawValue: "autosend", displayName: "AutoSend")
    /// Krafter (`app.krafter.dev`).
    public static let krafter = ProviderID(rawValue: "krafter", displayName: "Krafter")
    /// Cllavio, also sold as Sendtrim (`api-marketing.cllavio.com`).
    public static let cllavio = ProviderID(rawValue: "cllavio", displayName: "Cllavio")
    /// AhaSend (`api.ahasend.com`).
    public static let ahaSend = ProviderID(rawValue: "ahasend", displayName: "AhaSend")

    /// The five providers this SDK ships clients for.
    public static let all: [ProviderID] = [.sendKit, .autoSend, .krafter, .cllavio, .ahaSend]

    /// The display name.
    public var description: String { displayName }
}

/// A provider enum that keeps values it does not know instead of failing to decode.
///
/// Providers add statuses and record types without notice; an SDK that fails to decode a whole
/// domain because of one new status value breaks its users' onboarding flows. Every provider
/// enum in SendingDomains conforms: known values become cases, anything else
/// `unknown(rawValue)`, and encoding writes back exactly what was read.
///
/// Evolution: the cases of a provider enum are the values that provider documents, and are
/// frozen in a release. A value the provider adds arrives as `unknown(rawValue)` — so keep a
/// `default:` (or an `unknown` case) in a `switch` — until a minor release models it; that
/// release lists the new case in the CHANGELOG as a breaking change.
///
/// ```swift
/// enum Status: OpenEnum {
///     case pending, verified
///     case unknown(String)
///     static let knownCases: [Status] = [.pending, .verified]
///     var rawValue: String {
///         switch self {
///         case .pending: "pending"
///         case .verified: "verified"
///         case .unknown(let raw): raw
///         }
///     }
/// }
/// ```
public protocol OpenEnum: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Every case but `unknown`.
    static var knownCases: [Self] { get }
    /// The case for a value the SDK does not know.
    static func unknown(_ rawValue: String) -> Self
    /// The value as the provider spells it.
    var rawValue: String { get }
}

extension OpenEnum {
    /// The known case spelled `rawValue` (exactly, else ignoring case), or `unknown(rawValue)`.
    public init(rawValue: String) {
        if let exact = Self.knownCases.first(where: { $0.rawValue == rawValue }) {
            self = exact
        } else if let loose = Self.knownCases.first(where: { $0.rawValue.lowercased() == rawValue.lowercased() }) {
            self = loose
        } else {
            self = .unknown(rawValue)
        }
    }

    /// Decodes from a JSON string; any string is accepted.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes ``rawValue`` as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Whether the value is one the SDK knows.
    public var isKnown: Bool { Self.knownCases.contains(self) }

    /// The raw value.
    public var description: String { rawValue }
}

/// A credential — an API key, a token — that never shows itself.
///
/// Every way Swift has of turning a value into text (`description`, `debugDescription`,
/// string interpolation, `dump`, `Mirror`) prints `<redacted>`. Only ``reveal()`` returns the
/// real value, and the SDK calls it in exactly one place: when it writes the authentication
/// header of an outgoing request.
///
/// ```swift
/// let key = Secret("aha-sk-…")
/// print("using \(key)")  // using <redacted>
/// ```
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral
{
    /// The text every description of a secret prints.
    public static let placeholder = "<redacted>"

    private let value: String

    /// Wraps a credential.
    public init(_ value: String) {
        self.value = value
    }

    /// Wraps a credential written as a literal (handy in tests; never commit a real one).
    public init(stringLiteral value: String) {
        self.value = value
    }

    /// The credential itself. Call it only to put the value on the wire.
    public func reveal() -> String { value }

    /// Whether the credential is empty or only white space; clients refuse such a credential
    /// before sending anything.
    public var isBlank: Bool { value.allSatisfy(\.isWhitespace) }

    /// Always `<redacted>`.
    public var description: String { Self.placeholder }
    /// Always `<redacted>`.
    public var debugDescription: String { Self.placeholder }
    /// A mirror with no children, so `dump` and reflection print nothing secret.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Removes known secret values from text before it reaches an error, a description or a log.
///
/// The pipeline builds one from the client's credentials and runs every message, raw body
/// excerpt and log line through it, so that a provider that echoes a key back in an error body
/// cannot leak it.
///
/// A redactor (and anything that holds one: a client, its pipeline) prints `<redacted>` under
/// `print`, `dump` and reflection.
@_spi(ProviderAuthoring) public struct Redactor: Sendable, CustomStringConvertible, CustomReflectable {
    /// Every form in which a secret may come back: as sent, JSON-escaped (a provider echoing a
    /// body writes a PEM key's newlines as `\n`), and each long line of a multi-line secret (an
    /// echo may re-wrap it). Longest first, so that a form is removed before its parts.
    private let patterns: [String]

    /// Creates a redactor for the given secrets. Values shorter than 4 characters are ignored:
    /// replacing them would garble ordinary text without protecting anything.
    public init(secrets: [Secret]) {
        var patterns: Set<String> = []
        for secret in secrets {
            let value = secret.reveal()
            guard value.count >= 4 else { continue }
            patterns.insert(value)
            patterns.insert(Self.jsonEscaped(value, slashes: false))
            patterns.insert(Self.jsonEscaped(value, slashes: true))
            if value.contains(where: \.isNewline) {
                for line in value.split(whereSeparator: \.isNewline) {
                    let line = line.trimmingCharacters(in: .whitespaces)
                    if line.count >= 16 { patterns.insert(line) }
                }
            }
        }
        self.patterns = patterns.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `value` as it appears inside a JSON string.
    private static func jsonEscaped(_ value: String, slashes: Bool) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "/" where slashes: result += "\\/"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `Redactor(<redacted>)`.
    public var description: String { "Redactor(\(Secret.placeholder))" }
    /// A mirror with no children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// A redactor that changes nothing.
    public static let none = Redactor(secrets: [])

    /// `text` with every occurrence of a secret replaced by `<redacted>`.
    public func redact(_ text: String) -> String {
        patterns.reduce(text) { partial, pattern in
            partial.replacing(pattern, with: Secret.placeholder)
        }
    }

    /// `error` with every secret removed from every string it carries: message, code, field
    /// errors, request id, operation and raw body.
    public func redact(_ error: SendingDomainsError) -> SendingDomainsError {
        guard !patterns.isEmpty else { return error }
        var error = error
        error.message = redact(error.message)
        error.rawBody = error.rawBody.map(redact)
        error.code = error.code.map(redact)
        error.requestID = error.requestID.map(redact)
        error.operation = error.operation.map(redact)
        error.fieldErrors = error.fieldErrors.map { .init(field: redact($0.field), message: redact($0.message)) }
        return error
    }
}

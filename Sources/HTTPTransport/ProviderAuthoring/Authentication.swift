/// How a client proves who it is: the credentials it puts on every request.
///
/// ```swift
/// let bearer = Authentication.bearer("aha-sk-…")
/// let cllavio = Authentication.headers([
///     .init(name: "X-Api-Access-Token", value: Secret(access)),
///     .init(name: "X-Api-Secret-Token", value: Secret(secret)),
/// ])
/// ```
@_spi(ProviderAuthoring) public enum Authentication: Sendable, Hashable {
    /// One named header whose value is a secret.
    public struct Header: Sendable, Hashable {
        /// The header name.
        public var name: String
        /// The secret value.
        public var value: Secret

        /// Creates a credential header.
        public init(name: String, value: Secret) {
            self.name = name
            self.value = value
        }
    }

    /// No credentials.
    case none
    /// `Authorization: Bearer <token>`.
    case bearer(Secret)
    /// One or more named headers, each carrying a secret.
    case headers([Header])

    /// The secrets, for redaction.
    public var secrets: [Secret] {
        switch self {
        case .none: []
        case .bearer(let token): [token]
        case .headers(let headers): headers.map(\.value)
        }
    }

    /// The names of the headers that carry secrets, for redaction in logs.
    public var headerNames: Set<String> {
        switch self {
        case .none: []
        case .bearer: ["Authorization"]
        case .headers(let headers): Set(headers.map(\.name))
        }
    }

    /// The header whose credential cannot be sent as it is — it holds a line break, NUL or another
    /// control character, or a non-ASCII character, which a header cannot carry (often a newline
    /// left over from a file) — or `nil` when every credential can be sent.
    public var unsendableHeader: String? {
        func unsendable(_ secret: Secret) -> Bool {
            secret.reveal().utf8.contains { $0 < 0x20 || $0 >= 0x7F }
        }
        switch self {
        case .none: return nil
        case .bearer(let token): return unsendable(token) ? "Authorization" : nil
        case .headers(let headers): return headers.first { unsendable($0.value) }?.name
        }
    }

    /// Writes the credentials into `headers`.
    public func apply(to headers: inout HeaderFields) {
        switch self {
        case .none: break
        case .bearer(let token): headers["Authorization"] = "Bearer " + token.reveal()
        case .headers(let fields):
            for field in fields { headers[field.name] = field.value.reveal() }
        }
    }
}

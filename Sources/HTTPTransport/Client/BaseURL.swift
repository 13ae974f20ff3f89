import Foundation

/// A provider API base URL that has been checked to be safe to send credentials to.
///
/// It must be absolute and use https, except on a loopback host (`localhost`, `127.0.0.0/8`,
/// `::1`), where plain http is allowed for local simulators and tests. It carries no query,
/// fragment or user info.
///
/// ```swift
/// let sandbox = try BaseURL("http://127.0.0.1:8080/v1")   // fine: loopback
/// let proxy = try BaseURL("https://proxy.internal/ahasend")
/// _ = try BaseURL("http://api.example.com")                // throws: not https
/// ```
public struct BaseURL: Sendable, Hashable, CustomStringConvertible {
    /// The validated URL.
    public let url: URL

    /// Validates `string`.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `baseURL` when it is not an absolute http(s) URL, uses http on a non-loopback host, or
    ///   has a query, fragment or credentials.
    public init(_ string: String) throws(SendingDomainsError) {
        guard let url = URL(string: string.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidInput(field: "baseURL", "is not a URL")
        }
        try self.init(url: url)
    }

    /// Validates `url`; see ``init(_:)``.
    public init(url: URL) throws(SendingDomainsError) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .invalidInput(field: "baseURL", "must be an absolute URL such as https://api.example.com")
        }
        guard scheme == "https" || (scheme == "http" && Self.isLoopback(host)) else {
            throw .invalidInput(
                field: "baseURL",
                "must use https (plain http is allowed only on localhost, 127.0.0.0/8 or ::1); got \(scheme)://\(host)"
            )
        }
        guard url.query == nil, url.fragment == nil, url.user == nil, url.password == nil else {
            throw .invalidInput(field: "baseURL", "must not have a query, a fragment or credentials")
        }
        self.url = url
    }

    /// A base URL the SDK itself defines; only for constants known to be valid https URLs.
    package init(trusted string: StaticString) {
        // A static https constant: a failure here is a defect in the SDK, caught by its tests.
        self.url = URL(string: "\(string)") ?? URL(fileURLWithPath: "/invalid-base-url")
    }

    /// Whether `host` is a loopback host: `localhost`, an IPv4 address in `127.0.0.0/8`, or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" || bare == "0:0:0:0:0:0:0:1" {
            return true
        }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            guard let value = Int(octet), octet.count <= 3, octet.allSatisfy(\.isASCII) else { return false }
            return (0...255).contains(value)
        }
    }

    /// The URL's absolute string.
    public var description: String { url.absoluteString }
}

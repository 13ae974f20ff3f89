import Foundation
import HTTPTransport

/// Where a Redis server is and how to talk to it: address, credentials, database, key prefix,
/// timeouts and limits.
///
/// ```swift
/// import SendingDomainsRedis
///
/// let configuration = try RedisConfiguration(url: "redis://app@10.0.0.5:6379/2")
/// print(configuration)  // redis app@10.0.0.5:6379/2 — never the password
/// ```
///
/// The password is a `Secret`: no description, `dump` or error shows it. Pass it in the URL
/// (`redis://user:password@host`, percent-encoded), or leave it out of the URL and set
/// `SENDINGDOMAINS_REDIS_PASSWORD` (or the variable you name), so that it appears in no
/// command line.
///
/// Only plain TCP is spoken: FoundationNetworking has no TLS socket API. To reach a Redis over
/// an untrusted network, run a local TLS tunnel (stunnel, spiped, or your platform's sidecar)
/// and point the URL at its loopback end; `rediss://` URLs are refused rather than sent in the
/// clear.
public struct RedisConfiguration: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The environment variable the password is read from when the URL has none.
    public static let passwordEnvironmentVariable = "SENDINGDOMAINS_REDIS_PASSWORD"
    /// Redis's port, 6379.
    public static let defaultPort: UInt16 = 6379
    /// The default cap on one reply: 8 MiB.
    public static let defaultMaximumReplySize = 8 * 1024 * 1024

    /// A host name, an IPv4 address or an IPv6 address (without brackets).
    public var host: String
    /// The port.
    public var port: UInt16
    /// The ACL user, or `nil` for the `default` user.
    public var username: String?
    /// The password, or `nil` when the server asks for none.
    public var password: Secret?
    /// The logical database (`SELECT`), 0 by default.
    public var database: Int
    /// Put in front of every key the SDK writes, so that an ACL can confine the SDK's user to
    /// `~sendingdomains:*`.
    public var keyPrefix: String
    /// How long connecting (with `AUTH` and `SELECT`) may take.
    public var connectTimeout: Duration
    /// How long one reply may take once its command is sent.
    public var replyTimeout: Duration
    /// The most connections open at once; more callers queue for one.
    public var maximumConnections: Int
    /// The largest reply accepted, in bytes; a larger one (or a length header announcing one)
    /// fails the command with `decoding` without allocating it.
    public var maximumReplySize: Int

    /// Creates a configuration; every argument but the host has a default.
    public init(
        host: String, port: UInt16 = RedisConfiguration.defaultPort, username: String? = nil,
        password: Secret? = nil, database: Int = 0, keyPrefix: String = "sendingdomains:",
        connectTimeout: Duration = .seconds(2), replyTimeout: Duration = .seconds(2), maximumConnections: Int = 4,
        maximumReplySize: Int = RedisConfiguration.defaultMaximumReplySize
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.keyPrefix = keyPrefix
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.maximumConnections = maximumConnections
        self.maximumReplySize = maximumReplySize
    }

    /// Parses `redis://[user[:password]@]host[:port][/db]`.
    ///
    /// User and password are percent-decoded. When the URL carries no password, the
    /// environment variable `passwordVariable` supplies it if set and not empty.
    ///
    /// ```swift
    /// let local = try RedisConfiguration(url: "redis://localhost")
    /// let remote = try RedisConfiguration(url: "redis://sdk@[fd00::5]:6380/1", environment: [:])
    /// ```
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` naming the part that is wrong —
    ///   never quoting the URL, which may hold a password. A `rediss://` URL is refused with
    ///   the advice to use a local TLS tunnel.
    public init(
        url: String, passwordVariable: String = RedisConfiguration.passwordEnvironmentVariable,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SendingDomainsError) {
        let field = "Redis URL"
        let text = url.trimmingCharacters(in: .whitespaces)
        let lowered = text.lowercased()
        if lowered.hasPrefix("rediss://") {
            throw .invalidInput(
                field: field,
                "rediss:// (TLS) is not supported: run a local TLS tunnel (stunnel, spiped) and give its loopback end as redis://127.0.0.1:PORT"
            )
        }
        guard lowered.hasPrefix("redis://") else {
            throw .invalidInput(field: field, "must start with redis:// (redis://[user[:password]@]host[:port][/db])")
        }
        var rest = Substring(text.dropFirst("redis://".count))
        guard !rest.contains(where: { $0 == "?" || $0 == "#" || $0.isWhitespace }) else {
            throw .invalidInput(
                field: field, "takes no query, fragment or spaces: redis://[user[:password]@]host[:port][/db]")
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0, number < 1_000_000 else {
                    throw .invalidInput(field: field, "the database after / must be a number such as 0")
                }
                database = number
            }
        }
        var username: String?
        var password: Secret?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let user = String(parts[0]).removingPercentEncoding,
                parts.count < 2 || String(parts[1]).removingPercentEncoding != nil
            else {
                throw .invalidInput(field: field, "the user or password has a broken percent-encoding")
            }
            username = user.isEmpty ? nil : user
            if parts.count == 2, let decoded = String(parts[1]).removingPercentEncoding, !decoded.isEmpty {
                password = Secret(decoded)
            }
        }
        var host = String(rest)
        var port = Self.defaultPort
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalidInput(field: field, "an IPv6 host needs its closing ]")
            }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidInput(field: field, "only :PORT may follow ]") }
                port = try Self.port(after.dropFirst(), field: field)
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = try Self.port(rest[rest.index(after: colon)...], field: field)
        }
        guard !host.isEmpty,
            host.unicodeScalars.allSatisfy({
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || ".-_:".unicodeScalars.contains($0)
            })
        else {
            throw .invalidInput(field: field, "the host must be a name or an IP address")
        }
        if password == nil, let fromEnvironment = environment[passwordVariable], !fromEnvironment.isEmpty {
            password = Secret(fromEnvironment)
        }
        self.init(host: host, port: port, username: username, password: password, database: database)
    }

    private static func port(_ text: Substring, field: String) throws(SendingDomainsError) -> UInt16 {
        guard let port = UInt16(text), port > 0 else {
            throw .invalidInput(field: field, "the port must be a number from 1 to 65535")
        }
        return port
    }

    /// `host:port` (`[host]:port` for IPv6).
    package var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `redis user@host:port/db`, without the password.
    public var description: String {
        "redis \(username.map { "\($0)@" } ?? "")\(address)/\(database)"
    }

    /// The fields, with the password shown as `<redacted>`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "username": username as Any,
                "password": password == nil ? "nil" : Secret.placeholder, "database": database,
                "keyPrefix": keyPrefix, "connectTimeout": connectTimeout, "replyTimeout": replyTimeout,
                "maximumConnections": maximumConnections, "maximumReplySize": maximumReplySize,
            ], displayStyle: .struct)
    }
}

import Foundation
import HTTPTransport

/// Leases and snapshots in Redis: the `LeaseCoordinator` that makes one instance of many the
/// active one for a named job.
///
/// A lease is the key `<prefix>lease:<name>` holding the holder's token, taken with
/// `SET key token NX PX lifetime`; renewal, release and snapshot writes are Lua scripts that
/// compare the token first, so only the holder can extend, end or write. The snapshot is the
/// key `<prefix>snapshot:<name>`.
///
/// ```swift
/// import Foundation
/// import SendingDomainsRedis
///
/// let coordinator = try RedisLeaseCoordinator(url: "redis://127.0.0.1:6379")
/// let token = UUID().uuidString
/// if try await coordinator.acquire("watch:customers", token: token, lifetime: .seconds(15)) {
///     _ = try await coordinator.saveSnapshot(Data("{}".utf8), for: "watch:customers", token: token)
///     try await coordinator.release("watch:customers", token: token)
/// }
/// ```
///
/// A lease is only as safe as its lifetime: the holder must renew well inside it (a third of it
/// is usual) and stop working as soon as a renewal fails or cannot be made in time.
public final class RedisLeaseCoordinator: LeaseCoordinator, CustomStringConvertible, CustomReflectable {
    /// The server and its settings (the password never shows).
    public let configuration: RedisConfiguration
    package let client: RedisClient

    /// A coordinator on the Redis `configuration` describes. Nothing is sent until the first call.
    public init(_ configuration: RedisConfiguration) {
        self.configuration = configuration
        self.client = RedisClient(configuration)
    }

    /// A coordinator on the Redis at `url`.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` when the URL is malformed.
    public convenience init(url: String) throws(SendingDomainsError) {
        self.init(try RedisConfiguration(url: url))
    }

    /// `redis user@host:port/db`, never the password.
    public var displayName: String { configuration.description }
    /// `RedisLeaseCoordinator(redis …)`.
    public var description: String { "RedisLeaseCoordinator(\(configuration))" }
    /// The configuration, its password redacted.
    public var customMirror: Mirror { Mirror(self, children: ["configuration": configuration]) }

    package func leaseKey(_ name: String) -> String { configuration.keyPrefix + "lease:" + name }
    package func snapshotKey(_ name: String) -> String { configuration.keyPrefix + "snapshot:" + name }

    private static func milliseconds(_ lifetime: Duration) -> String {
        String(format: "%.0f", max(1, min(lifetime.seconds * 1000, 86_400_000)))
    }

    /// Takes the lease with `SET NX PX`, or renews it when `token` already holds it.
    ///
    /// - Throws: `SendingDomainsError` when Redis cannot be reached or refuses the command.
    public func acquire(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool {
        let reply = try await client.send(["SET", leaseKey(name), token, "NX", "PX", Self.milliseconds(lifetime)])
        switch reply {
        case .simple("OK"): return true
        case .bulk(nil), .array(nil): return try await renew(name, token: token, lifetime: lifetime)
        case .error(let text): throw client.failure(text, doing: "SET NX")
        default: throw unexpected("SET NX")
        }
    }

    /// Extends the lease if `token` holds it.
    ///
    /// - Throws: `SendingDomainsError` when Redis cannot be reached or refuses the script.
    public func renew(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool {
        try await flag(
            client.run(Self.renewScript, keys: [leaseKey(name)], arguments: [token, Self.milliseconds(lifetime)]),
            "renew")
    }

    /// Gives the lease up if `token` holds it.
    ///
    /// - Throws: `SendingDomainsError` when Redis cannot be reached or refuses the script.
    public func release(_ name: String, token: String) async throws(SendingDomainsError) {
        _ = try await flag(client.run(Self.releaseScript, keys: [leaseKey(name)], arguments: [token]), "release")
    }

    /// Writes the snapshot if `token` holds the lease.
    ///
    /// - Throws: `SendingDomainsError` when Redis cannot be reached or refuses the script, or
    ///   `validation` when the snapshot is larger than the configuration's reply limit (it
    ///   could not be read back).
    public func saveSnapshot(
        _ snapshot: Data, for name: String, token: String
    ) async throws(SendingDomainsError) -> Bool {
        guard snapshot.count < configuration.maximumReplySize - 64 else {
            throw .invalidInput(
                field: "snapshot",
                "\(snapshot.count) bytes is more than the Redis reply limit (\(configuration.maximumReplySize) bytes) lets it read back"
            )
        }
        return try await flag(
            client.run(
                Self.saveScript, keys: [leaseKey(name), snapshotKey(name)], arguments: [Data(token.utf8), snapshot]),
            "saveSnapshot")
    }

    /// Reads the snapshot.
    ///
    /// - Throws: `SendingDomainsError` when Redis cannot be reached or refuses `GET`.
    public func loadSnapshot(for name: String) async throws(SendingDomainsError) -> Data? {
        switch try await client.send(["GET", snapshotKey(name)]) {
        case .bulk(let data): return data
        case .error(let text): throw client.failure(text, doing: "GET")
        default: throw unexpected("GET")
        }
    }

    private func flag(_ reply: RESPValue, _ what: String) throws(SendingDomainsError) -> Bool {
        guard case .integer(let value) = reply else { throw unexpected(what) }
        return value == 1
    }

    private func unexpected(_ what: String) -> SendingDomainsError {
        RedisError.make(.decoding, "Redis at \(configuration.address) answered \(what) with an unexpected reply")
    }

    static let renewScript = RedisClient.Script(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """)

    static let releaseScript = RedisClient.Script(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """)

    static let saveScript = RedisClient.Script(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[2], ARGV[2])
          return 1
        end
        return 0
        """)
}

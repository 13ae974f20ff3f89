import Foundation
import HTTPTransport

/// A shared rate budget kept in Redis: the `SharedRateStore` that lets several instances of
/// an app stay under one provider account's limit together.
///
/// Each scope's budget is one hash, `<prefix>rate:<scope>`, that a single Lua script updates
/// atomically: a GCRA token bucket (the "generic cell rate algorithm" of brandur/redis-cell)
/// measured on the server's clock (`TIME`), so that instances whose clocks disagree still agree.
/// A reservation takes one round trip. Pauses (a provider's 429 or spent quota) live in the same
/// hash and hold every instance back until the reset. Keys expire on their own once idle.
///
/// ```swift
/// import AutoSendClient
/// import SendingDomainsRedis
///
/// let store = try RedisRateStore(url: "redis://sdk@127.0.0.1:6379")
/// let options = ClientOptions(rateLimiting: .shared(store))
/// let autoSend = AutoSend.Client(apiKey: key, options: options)
/// ```
///
/// Needs Redis 5 or later (a script that writes after reading `TIME`), or a compatible server
/// (Valkey, KeyDB, Dragonfly with scripting). Create one store per Redis and share it between
/// clients; it holds a small connection pool.
public final class RedisRateStore: SharedRateStore, CustomStringConvertible, CustomReflectable {
    /// The server and its settings (the password never shows).
    public let configuration: RedisConfiguration
    package let client: RedisClient

    /// The longest wait the store accepts from the server; a longer one is read as a broken
    /// server's answer.
    package static let maximumWait: Duration = .seconds(3600)

    /// A store on the Redis `configuration` describes. Nothing is sent until the first call.
    public init(_ configuration: RedisConfiguration) {
        self.configuration = configuration
        self.client = RedisClient(configuration)
    }

    /// A store on the Redis at `url` (see ``RedisConfiguration/init(url:passwordVariable:environment:)``).
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` when the URL is malformed.
    public convenience init(url: String) throws(SendingDomainsError) {
        self.init(try RedisConfiguration(url: url))
    }

    /// `redis user@host:port/db`, never the password.
    public var displayName: String { configuration.description }
    /// `RedisRateStore(redis …)`.
    public var description: String { "RedisRateStore(\(configuration))" }
    /// The configuration, its password redacted.
    public var customMirror: Mirror { Mirror(self, children: ["configuration": configuration]) }

    /// The Redis key of a scope.
    package func redisKey(_ key: String) -> String { configuration.keyPrefix + "rate:" + key }

    /// Takes one request from the budget under `key`; see `SharedRateStore.reserve(key:limit:)`.
    ///
    /// - Throws: `SendingDomainsError`: `transport` or `timeout` when Redis cannot be reached,
    ///   `authentication` or `permission` when it refuses the login or the script, `decoding`
    ///   when it answers nonsense.
    public func reserve(key: String, limit: RateLimit) async throws(SendingDomainsError) -> Duration {
        let rate = limit.rate.isFinite && limit.rate > 0 ? max(limit.rate, 0.001) : 1_000_000
        let interval = max(1, (1_000_000 / rate).rounded())
        let tolerance = Double(max(limit.burst, 1) - 1) * interval
        let reply = try await client.run(
            Self.script, keys: [redisKey(key)],
            arguments: ["reserve", String(format: "%.0f", interval), String(format: "%.0f", tolerance)])
        guard case .integer(let microseconds) = reply else {
            throw RedisError.make(
                .decoding, "Redis at \(configuration.address) answered the rate script with something not a number")
        }
        let wait = Duration.microseconds(max(0, microseconds))
        guard wait <= Self.maximumWait else {
            throw RedisError.make(
                .decoding,
                "Redis at \(configuration.address) asked for a wait of \(microseconds / 1_000_000) s, longer than any budget allows"
            )
        }
        return wait
    }

    /// Holds every caller of `key` back; see `SharedRateStore.pause(key:for:)`.
    ///
    /// - Throws: the errors ``reserve(key:limit:)`` throws.
    public func pause(key: String, for duration: Duration) async throws(SendingDomainsError) {
        let microseconds = max(0, min(duration.seconds, 86_400)) * 1_000_000
        let reply = try await client.run(
            Self.script, keys: [redisKey(key)], arguments: ["pause", String(format: "%.0f", microseconds)])
        guard case .integer = reply else {
            throw RedisError.make(
                .decoding, "Redis at \(configuration.address) answered the rate script with something not a number")
        }
    }

    /// The bucket: GCRA on the server's clock, in microseconds. `tat` is the theoretical arrival
    /// time of the next request; `pause` the end of a pause a provider asked for.
    /// `reserve INTERVAL TOLERANCE` returns the wait in microseconds; `pause DURATION` returns 0.
    package static let script = RedisClient.Script(
        """
        if redis.replicate_commands then redis.replicate_commands() end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local key = KEYS[1]
        local pause = tonumber(redis.call('HGET', key, 'pause')) or 0
        if ARGV[1] == 'pause' then
          local untilTime = now + tonumber(ARGV[2])
          if untilTime > pause then
            redis.call('HSET', key, 'pause', string.format('%.0f', untilTime))
          end
          local need = math.ceil((untilTime - now) / 1000) + 1000
          if redis.call('PTTL', key) < need then redis.call('PEXPIRE', key, need) end
          return 0
        end
        local interval = tonumber(ARGV[2])
        local tolerance = tonumber(ARGV[3])
        local tat = tonumber(redis.call('HGET', key, 'tat')) or 0
        local base = math.max(now, pause)
        tat = math.max(tat, base)
        local allow = math.max(tat - tolerance, base)
        local nextTat = tat + interval
        redis.call('HSET', key, 'tat', string.format('%.0f', nextTat))
        redis.call('PEXPIRE', key, math.ceil((math.max(nextTat, pause) - now) / 1000) + 1000)
        return allow - now
        """)
}

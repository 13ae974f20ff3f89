import Dispatch
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// A RESP2 client over a small pool of connections, with no dependencies: commands, Lua
/// scripts run by `EVALSHA` (loaded with `SCRIPT LOAD`, reloaded on `NOSCRIPT`), timeouts on
/// connecting and on every reply, and reconnection with backoff.
///
/// A connection that fails, times out, is cancelled mid-reply or receives anything that is not
/// RESP2 is closed, never reused. While the server cannot be reached, new connections are tried
/// no more often than the backoff allows (0.1 s, doubling to 5 s), and commands in between fail
/// at once.
package final class RedisClient: Sendable, CustomStringConvertible, CustomReflectable {
    package let configuration: RedisConfiguration
    private let redactor: Redactor
    private let pool: Pool

    package init(_ configuration: RedisConfiguration) {
        self.configuration = configuration
        self.redactor = Redactor(secrets: configuration.password.map { [$0] } ?? [])
        self.pool = Pool(maximum: max(1, configuration.maximumConnections))
    }

    /// `RedisClient(redis host:port/db)`.
    package var description: String { "RedisClient(\(configuration))" }
    /// A mirror with the configuration only (its password redacted).
    package var customMirror: Mirror { Mirror(self, children: ["configuration": configuration]) }

    /// Sends one command and returns its reply; an error reply is returned, not thrown.
    package func send(_ arguments: [String]) async throws(SendingDomainsError) -> RESPValue {
        try await send(arguments.map { Data($0.utf8) })
    }

    /// Sends one command of binary arguments.
    package func send(_ arguments: [Data]) async throws(SendingDomainsError) -> RESPValue {
        let replies = try await pipeline([arguments])
        guard let reply = replies.first else {
            throw RedisError.make(.decoding, "Redis at \(configuration.address) sent no reply")
        }
        return reply
    }

    /// Sends commands in one write and returns one reply for each.
    package func pipeline(_ commands: [[Data]]) async throws(SendingDomainsError) -> [RESPValue] {
        let connection = try await checkout()
        let configuration = configuration
        let redactor = redactor
        let result: [RESPValue]
        do {
            result = try await Blocking.run { cancelled in
                connection.roundTrip(
                    commands, deadline: RedisConnection.deadline(after: configuration.replyTimeout),
                    cancelled: cancelled, redactor: redactor)
            }
        } catch {
            await pool.discard()
            throw error
        }
        await pool.checkin(connection)
        return result
    }

    private func checkout() async throws(SendingDomainsError) -> RedisConnection {
        switch await pool.checkout() {
        case .idle(let connection):
            return connection
        case .backingOff(let remaining):
            throw RedisError.make(
                .transport,
                "Redis at \(configuration.address) is unreachable; the next attempt to connect is in \(String(format: "%.1f", remaining.seconds)) s",
                .connectionRefused)
        case .connect:
            let configuration = configuration
            let redactor = redactor
            do {
                let connection = try await Blocking.run { cancelled in
                    RedisConnection.open(configuration, redactor: redactor, cancelled: cancelled)
                }
                await pool.connected()
                return connection
            } catch {
                await pool.connectFailed(counts: error.kind != .cancelled && error.kind != .authentication)
                throw error
            }
        }
    }

    /// A Lua script the client runs by its SHA-1, loading it first.
    package final class Script: Sendable {
        package let source: String
        private let sha = LockedState<String?>(nil)

        package init(_ source: String) {
            self.source = source
        }

        var loaded: String? { sha.withLock { $0 } }
        func remember(_ digest: String?) { sha.withLock { $0 = digest } }
    }

    /// Runs `script` with `keys` and `arguments` by `EVALSHA`, loading it with `SCRIPT LOAD`
    /// when the server does not know it (first use, a restart, `SCRIPT FLUSH`).
    ///
    /// - Throws: `SendingDomainsError` of kind `server` when the script fails (the server's
    ///   message, made printable).
    package func run(
        _ script: Script, keys: [String], arguments: [String]
    ) async throws(SendingDomainsError) -> RESPValue {
        try await run(script, keys: keys, arguments: arguments.map { Data($0.utf8) })
    }

    /// Runs `script` with binary arguments.
    package func run(
        _ script: Script, keys: [String], arguments: [Data]
    ) async throws(SendingDomainsError) -> RESPValue {
        for _ in 0..<2 {
            let digest: String
            if let known = script.loaded {
                digest = known
            } else {
                digest = try await load(script)
            }
            let head = (["EVALSHA", digest, "\(keys.count)"] + keys).map { Data($0.utf8) }
            let reply = try await send(head + arguments)
            if case .error(let text) = reply {
                if text.hasPrefix("NOSCRIPT") {
                    script.remember(nil)
                    continue
                }
                throw failure(text, doing: "a script")
            }
            return reply
        }
        throw RedisError.make(.server, "Redis at \(configuration.address) forgot the script right after loading it")
    }

    private func load(_ script: Script) async throws(SendingDomainsError) -> String {
        let reply = try await send(["SCRIPT", "LOAD", script.source])
        if case .error(let text) = reply { throw failure(text, doing: "SCRIPT LOAD") }
        guard let digest = reply.text, digest.count == 40, digest.allSatisfy(\.isHexDigit) else {
            throw RedisError.make(.decoding, "Redis at \(configuration.address) answered SCRIPT LOAD with no SHA-1")
        }
        script.remember(digest)
        return digest
    }

    /// The error an error reply means: `permission` for an ACL refusal, `authentication` for a
    /// missing login, otherwise `server`.
    package func failure(_ text: String, doing what: String) -> SendingDomainsError {
        let safe = RedisError.printable(text, redactor: redactor)
        let kind: SendingDomainsError.Kind =
            text.hasPrefix("NOPERM") ? .permission : text.hasPrefix("NOAUTH") ? .authentication : .server
        return RedisError.make(kind, "Redis at \(configuration.address) refused \(what): \(safe)")
    }

    /// The connections: idle ones to lend, a cap on how many are open, and the backoff after a
    /// failed connect.
    private actor Pool {
        enum Lease {
            case idle(RedisConnection)
            case connect
            case backingOff(Duration)
        }

        let maximum: Int
        var idle: [RedisConnection] = []
        var open = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        var retryAt: UInt64 = 0
        var backoff: UInt64 = 0

        static let minimumBackoff: UInt64 = 100_000_000
        static let maximumBackoff: UInt64 = 5_000_000_000

        init(maximum: Int) {
            self.maximum = maximum
        }

        func checkout() async -> Lease {
            while true {
                if let connection = idle.popLast() { return .idle(connection) }
                if open < maximum {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if now < retryAt { return .backingOff(.nanoseconds(Int64(retryAt - now))) }
                    open += 1
                    return .connect
                }
                await withCheckedContinuation { waiting.append($0) }
            }
        }

        func checkin(_ connection: RedisConnection) {
            idle.append(connection)
            wake()
        }

        func discard() {
            open -= 1
            wake()
        }

        func connected() {
            backoff = 0
            retryAt = 0
        }

        func connectFailed(counts: Bool) {
            open -= 1
            if counts {
                backoff = backoff == 0 ? Self.minimumBackoff : min(backoff * 2, Self.maximumBackoff)
                retryAt = DispatchTime.now().uptimeNanoseconds &+ backoff
            }
            // Everyone waiting learns of the failure (or connects) instead of waiting for a slot.
            let woken = waiting
            waiting.removeAll()
            for continuation in woken { continuation.resume() }
        }

        private func wake() {
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
    }
}

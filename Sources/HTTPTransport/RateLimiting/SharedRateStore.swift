import Foundation

/// Where a rate budget shared by many clients lives: the SDK's seam to Redis or to whatever
/// your instances already share.
///
/// The SDK ships one implementation, `SendingDomainsRedis.RedisRateStore`. An app that already
/// runs a Redis connection pool (RediStack, valkey-swift) can implement this protocol over it
/// instead: keep the bucket in one atomic server-side step (a Lua script), measured on the
/// server's clock, so that instances whose clocks disagree still agree on the budget.
///
/// ```swift
/// import Foundation
/// import HTTPTransport
///
/// /// A store for one process, for illustration: every client in it shares one budget.
/// final class InProcessRateStore: SharedRateStore {
///     let displayName = "in-process"
///     private let lock = NSLock()
///     private nonisolated(unsafe) var state: [String: (next: Date, pausedUntil: Date)] = [:]
///
///     func reserve(key: String, limit: RateLimit) async throws(SendingDomainsError) -> Duration {
///         lock.withLock {
///             let now = Date()
///             let entry = state[key] ?? (now, now)
///             let start = max(now, entry.next, entry.pausedUntil)
///             state[key] = (start.addingTimeInterval(1 / limit.rate), entry.pausedUntil)
///             return .seconds(start.timeIntervalSince(now))
///         }
///     }
///
///     func pause(key: String, for duration: Duration) async throws(SendingDomainsError) {
///         lock.withLock {
///             let parts = duration.components
///             let until = Date().addingTimeInterval(Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
///             let entry = state[key] ?? (Date(), until)
///             state[key] = (entry.next, max(entry.pausedUntil, until))
///         }
///     }
/// }
/// ```
///
/// A store is compared by identity (it is a class or an actor), so one store object serves
/// every client that should share its budgets.
public protocol SharedRateStore: AnyObject, Sendable {
    /// A name for logs and errors that carries no secret, for example `redis 10.0.0.5:6379/0`.
    var displayName: String { get }

    /// Takes one request from the budget under `key` and returns how long the caller must wait
    /// before sending it (zero: send now). Callers queue in the order of their reservations.
    ///
    /// - Parameters:
    ///   - key: The rate-limit scope, for example `autosend:3f9a…` (never a credential).
    ///   - limit: The budget: ``RateLimit/rate`` requests per second, bursts of
    ///     ``RateLimit/burst`` after a quiet period.
    /// - Throws: `SendingDomainsError` when the store cannot be reached or answers nonsense;
    ///   the client then applies its ``ClientOptions/RateLimiting/OutagePolicy``.
    func reserve(key: String, limit: RateLimit) async throws(SendingDomainsError) -> Duration

    /// Holds every caller of `key` back for `duration` from now: what a provider's 429 or its
    /// spent-quota headers say. A shorter pause than one in force changes nothing.
    func pause(key: String, for duration: Duration) async throws(SendingDomainsError)
}

/// Leases that make one instance of many the active one for a named job, and a place to keep
/// that job's state for whichever instance holds the lease next.
///
/// An instance *acquires* the lease `name` with a token of its own (random, and unique to the
/// instance: `UUID().uuidString` will do); only one token holds
/// a lease at a time, until it is *released* or its lifetime passes without a *renewal*. Every
/// renewal, release and snapshot write is checked against the token, so an instance that lost
/// its lease (it was paused past the lifetime) cannot renew it, release another's, or overwrite
/// the snapshot. The SDK ships `SendingDomainsRedis.RedisLeaseCoordinator`
/// (`SET NX PX` and compare-the-token scripts).
///
/// ```swift
/// import Foundation
/// import HTTPTransport
///
/// func runIfActive(_ coordinator: any LeaseCoordinator) async throws(SendingDomainsError) {
///     let token = UUID().uuidString
///     guard try await coordinator.acquire("watch:customers", token: token, lifetime: .seconds(30)) else {
///         return  // another instance is active
///     }
///     // … work, renewing well inside the lifetime …
///     _ = try await coordinator.renew("watch:customers", token: token, lifetime: .seconds(30))
///     try await coordinator.release("watch:customers", token: token)
/// }
/// ```
public protocol LeaseCoordinator: AnyObject, Sendable {
    /// A name for logs and errors that carries no secret.
    var displayName: String { get }

    /// Takes the lease `name` for `token` when no one holds it; `true` when `token` now holds
    /// it (also when it already did: the lifetime is then renewed).
    func acquire(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool

    /// Extends the lease for another `lifetime` if `token` still holds it; `false` when it does
    /// not (it expired, or another instance took it).
    func renew(_ name: String, token: String, lifetime: Duration) async throws(SendingDomainsError) -> Bool

    /// Gives the lease up if `token` holds it; does nothing otherwise.
    func release(_ name: String, token: String) async throws(SendingDomainsError)

    /// Stores `snapshot` as the state of `name`, only while `token` holds its lease; `false`
    /// (nothing written) when it does not.
    func saveSnapshot(_ snapshot: Data, for name: String, token: String) async throws(SendingDomainsError) -> Bool

    /// The state last saved for `name`, or `nil` when there is none.
    func loadSnapshot(for name: String) async throws(SendingDomainsError) -> Data?
}

import Foundation

/// A client's side of a shared rate budget: reserves each attempt's slot in the
/// ``SharedRateStore``, waits for it, passes what the provider reports on to the store, and
/// applies the outage policy while the store cannot be reached.
package actor SharedBudget {
    /// The store.
    package nonisolated let store: any SharedRateStore
    /// The store key: the provider and the rate-limit scope, never a credential.
    package nonisolated let key: String
    /// The limit aimed for: the published one less the margin.
    package nonisolated let limit: RateLimit
    package nonisolated let policy: ClientOptions.RateLimiting.OutagePolicy
    /// The local bucket used during an outage (`nil` when the policy fails the call).
    package nonisolated let fallback: TokenBucket?
    private let logger: CallLogger
    private let timeSource: TimeSource
    /// When the store failed last, while it is failing.
    private var outage: (since: Duration, retryAt: Duration, backoff: Duration)?

    package static let minimumBackoff: Duration = .milliseconds(500)
    package static let maximumBackoff: Duration = .seconds(30)

    package init(
        store: any SharedRateStore, key: String, limit: RateLimit,
        policy: ClientOptions.RateLimiting.OutagePolicy, logger: CallLogger, timeSource: TimeSource
    ) {
        self.store = store
        self.key = key
        self.limit = limit
        self.policy = policy
        self.logger = logger
        self.timeSource = timeSource
        self.fallback = policy.fallbackShare.map { share in
            TokenBucket(
                rate: limit.rate * share, burst: Int((Double(limit.burst) * share).rounded(.down)),
                timeSource: timeSource)
        }
    }

    /// What a shared budget aims for: the rate less the margin, and one request less than the
    /// burst (when the burst is over one), so that the provider's own bucket always keeps a
    /// token in reserve for a request that the network delayed past its neighbour.
    package static func aim(_ published: RateLimit, margin: Double) -> RateLimit {
        RateLimit(rate: published.rate * (1 - margin), burst: published.burst > 1 ? published.burst - 1 : 1)
    }

    /// The key of a scope: `sendingdomains:<provider>:<scope>` with the scope's control
    /// characters and spaces replaced and its length capped, so that a scope name cannot
    /// break a log line or make an unbounded key.
    package static func key(provider: ProviderID, scope: String) -> String {
        let cleaned = String(
            scope.unicodeScalars.prefix(128).map { $0.value > 0x20 && $0.value != 0x7F ? Character($0) : "_" })
        return "\(provider.rawValue):\(cleaned)"
    }

    /// The default scope for credentials: the first 16 bytes of the SHA-256 of the secrets, in
    /// hexadecimal. A hash of a high-entropy API key reveals nothing of it.
    package static func scope(hashing secrets: [Secret]) -> String {
        let joined = secrets.map { $0.reveal() }.joined(separator: "\u{0}")
        let digest = HMACSHA256.digest(Data(joined.utf8)).prefix(16)
        return "key-" + digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// Waits for this attempt's slot in the shared budget, or in the fallback bucket during an
    /// outage.
    package func acquire(_ context: MiddlewareContext) async throws(SendingDomainsError) {
        let wait: Duration
        let now = timeSource.now()
        if let outage, now < outage.retryAt {
            try await waitForFallback(context)
            return
        }
        do {
            wait = try await store.reserve(key: key, limit: limit)
        } catch {
            try await storeFailed(error, context)
            return
        }
        if let outage {
            self.outage = nil
            logger.log(
                .warning,
                "The shared rate store \(store.displayName) is back after \((timeSource.now() - outage.since).formattedSeconds); the shared budget is in force again",
                ["rateStore": store.displayName, "event": "recovered"])
        }
        guard wait > .zero else { return }
        logger.log(
            .info, "… waiting \(wait.formattedSeconds) for the shared rate budget (\(key))",
            [
                "rateStore": store.displayName, "event": "wait", "delay": wait.formattedSeconds,
                "provider": context.provider.rawValue, "operation": context.operation,
            ])
        do {
            try await timeSource.sleep(wait)
        } catch {
            throw SendingDomainsError(
                kind: .cancelled, message: "The task was cancelled while waiting for the shared rate budget",
                provider: context.provider, operation: context.operation)
        }
    }

    private func storeFailed(
        _ error: SendingDomainsError, _ context: MiddlewareContext
    ) async throws(SendingDomainsError) {
        let now = timeSource.now()
        if let outage {
            let backoff = min(outage.backoff * 2, Self.maximumBackoff)
            self.outage = (outage.since, now + backoff, backoff)
        } else {
            outage = (now, now + Self.minimumBackoff, Self.minimumBackoff)
            logger.log(
                .warning,
                "The shared rate store \(store.displayName) cannot be reached (\(error.message)); \(policy.fallbackShare == nil ? "calls fail" : "using a \(policy) (\(Self.rateText(fallback?.rate ?? 0)))") until it is back",
                ["rateStore": store.displayName, "event": "unavailable", "fallback": policy.description])
        }
        try await waitForFallback(context, error)
    }

    private func waitForFallback(
        _ context: MiddlewareContext, _ error: SendingDomainsError? = nil
    ) async throws(SendingDomainsError) {
        guard let fallback else {
            throw SendingDomainsError(
                kind: error?.kind ?? .transport,
                message:
                    "The shared rate store \(store.displayName) cannot be reached\(error.map { " (\($0.message))" } ?? ""); nothing was sent (the outage policy is to fail the call)",
                provider: context.provider, operation: context.operation, transportFailure: error?.transportFailure)
        }
        do {
            try await fallback.acquire()
        } catch {
            throw SendingDomainsError(
                kind: .cancelled, message: "The task was cancelled while waiting for the rate limiter",
                provider: context.provider, operation: context.operation)
        }
    }

    /// Tells every client of the scope to hold back for `duration`; the fallback bucket too.
    package func pause(for duration: Duration) async {
        await fallback?.pause(for: duration)
        if let outage, timeSource.now() < outage.retryAt { return }
        do {
            try await store.pause(key: key, for: duration)
        } catch {
            // The next reservation meets the same failure and applies the outage policy.
        }
    }

    private static func rateText(_ rate: Double) -> String {
        let rounded = (rate * 100).rounded() / 100
        return "\(rounded) requests/s"
    }
}

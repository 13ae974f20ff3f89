@_spi(ProviderAuthoring) import HTTPTransport

/// How ``DomainProvisioning/waitUntilVerified(id:timeout:policy:progress:)`` polls.
public struct PollingPolicy: Sendable, Hashable {
    /// The wait before the second check.
    public var initialInterval: Duration
    /// The longest wait between checks.
    public var maximumInterval: Duration
    /// How much the wait grows after each check.
    public var multiplier: Double

    /// Creates a policy.
    public init(
        initialInterval: Duration = .seconds(5), maximumInterval: Duration = .seconds(60), multiplier: Double = 1.5
    ) {
        self.initialInterval = max(initialInterval, .milliseconds(1))
        self.maximumInterval = max(maximumInterval, self.initialInterval)
        self.multiplier = multiplier.isFinite ? max(multiplier, 1) : 1
    }

    /// 5 s, growing by half each time, at most 60 s between checks — gentle on every provider's
    /// rate limit (AhaSend caches check-dns results for 60 s anyway).
    public static let `default` = PollingPolicy()

    /// The wait after check `number` (from 1).
    public func interval(afterCheck number: Int) -> Duration {
        var seconds = initialInterval.seconds
        for _ in 1..<max(number, 1) { seconds = min(seconds * multiplier, maximumInterval.seconds) }
        return Duration.clampedSeconds(min(seconds, maximumInterval.seconds)) ?? initialInterval
    }
}

/// One report of ``DomainProvisioning/waitUntilVerified(id:timeout:policy:progress:)``.
public struct VerificationProgress: Sendable, Hashable {
    /// The check's number, from 1.
    public var attempt: Int
    /// The domain's status after the check.
    public var status: DomainStatus
    /// The domain as the check returned it.
    public var domain: SendingDomain
    /// Time since waiting began.
    public var elapsed: Duration
    /// The wait before the next check, or `nil` when waiting is over.
    public var nextCheckIn: Duration?
}

extension DomainProvisioning {
    /// Polls the provider until the domain is verified or failed, the timeout passes, or the task
    /// is cancelled, reporting each check to `progress`.
    ///
    /// Each check asks the provider to re-check DNS (``verifyDomain(id:)``; for Krafter, whose
    /// verify only enqueues a background check, a get and a new verify when the domain fell back
    /// to pending); waits grow
    /// per `policy` and run on the client's `TimeSource`, so tests wait in virtual time.
    ///
    /// ```swift
    /// let final = try await provider.waitUntilVerified(id: domain.id, timeout: .seconds(900)) { progress in
    ///     print("check \(progress.attempt): \(progress.status)")
    /// }
    /// if final.status == .failed { showMissingRecords((final.records ?? []).filter { $0.status != .verified }) }
    /// ```
    ///
    /// - Returns: The domain once its status is verified **or failed** (check ``SendingDomain/status``).
    /// - Throws: `SendingDomainsError`: `timeout` (with the last status in the message) when
    ///   `timeout` passes first, `cancelled` when the task is cancelled, `unsupportedOperation`
    ///   for a provider without verification, and any failure of a check.
    public func waitUntilVerified(
        id: String, timeout: Duration = .seconds(600), policy: PollingPolicy = .default,
        progress: (@Sendable (VerificationProgress) -> Void)? = nil
    ) async throws(SendingDomainsError) -> SendingDomain {
        try require(.verify, .waitUntilVerified)
        let clock = timeSource
        let start = clock.now()
        var attempt = 0
        while true {
            if Task.isCancelled {
                throw SendingDomainsError(
                    kind: .cancelled, message: "Waiting for verification was cancelled", provider: provider,
                    operation: OperationName.waitUntilVerified.rawValue, attempts: max(attempt, 1))
            }
            attempt += 1
            let domain =
                if let refreshing = self as? any VerificationRefreshing {
                    try await refreshing.refreshVerification(id: id)
                } else {
                    try await verifyDomain(id: id)
                }
            let elapsed = clock.now() - start
            var wait: Duration? = policy.interval(afterCheck: attempt)
            if domain.status.isTerminal { wait = nil }
            if let pending = wait, elapsed + pending > timeout { wait = nil }
            progress?(
                VerificationProgress(
                    attempt: attempt, status: domain.status, domain: domain, elapsed: elapsed, nextCheckIn: wait))
            if domain.status.isTerminal { return domain }
            guard let wait else {
                throw SendingDomainsError(
                    kind: .timeout,
                    message:
                        "\(domain.name) was still \(domain.status) after \(attempt) checks in \(elapsed.seconds.rounded()) s",
                    provider: provider, operation: OperationName.waitUntilVerified.rawValue, attempts: attempt)
            }
            do {
                try await clock.sleep(wait)
            } catch {
                throw SendingDomainsError(
                    kind: .cancelled, message: "Waiting for verification was cancelled", provider: provider,
                    operation: OperationName.waitUntilVerified.rawValue, attempts: attempt)
            }
        }
    }
}

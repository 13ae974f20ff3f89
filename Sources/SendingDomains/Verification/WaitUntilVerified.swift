@_spi(ProviderAuthoring) import HTTPTransport

/// How ``DomainProvisioning/waitUntilVerified(id:timeout:policy:preflight:progress:)`` polls.
public struct PollingPolicy: Sendable, Hashable {
    /// The wait before the second check.
    public var initialInterval: Duration
    /// The longest wait between checks.
    public var maximumInterval: Duration
    /// How much the wait grows after each check.
    public var multiplier: Double
    /// With a DNS preflight, the longest time the provider goes unasked while the records do
    /// not look right yet (5 minutes by default): DNS is checked at every interval, the provider
    /// only once the records are in place or at this slow pace.
    public var providerFallbackInterval: Duration

    /// Creates a policy.
    public init(
        initialInterval: Duration = .seconds(5), maximumInterval: Duration = .seconds(60), multiplier: Double = 1.5,
        providerFallbackInterval: Duration = .seconds(300)
    ) {
        self.initialInterval = max(initialInterval, .milliseconds(1))
        self.maximumInterval = max(maximumInterval, self.initialInterval)
        self.multiplier = multiplier.isFinite ? max(multiplier, 1) : 1
        self.providerFallbackInterval = max(providerFallbackInterval, .zero)
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

/// One report of ``DomainProvisioning/waitUntilVerified(id:timeout:policy:preflight:progress:)``.
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
    /// The latest DNS preflight, when waiting with one: which record is missing or wrong.
    public var preflight: PreflightReport?
    /// Whether this check asked the provider; with a preflight, the provider is asked only when
    /// the records look right or at ``PollingPolicy/providerFallbackInterval``.
    public var askedProvider: Bool

    /// A progress report.
    public init(
        attempt: Int, status: DomainStatus, domain: SendingDomain, elapsed: Duration, nextCheckIn: Duration?,
        preflight: PreflightReport? = nil, askedProvider: Bool = true
    ) {
        self.attempt = attempt
        self.status = status
        self.domain = domain
        self.elapsed = elapsed
        self.nextCheckIn = nextCheckIn
        self.preflight = preflight
        self.askedProvider = askedProvider
    }
}

extension DomainProvisioning {
    /// Polls the provider until the domain is verified or failed, the timeout passes, or the task
    /// is cancelled, reporting each check to `progress`.
    ///
    /// Each check asks the provider to re-check DNS (``verifyDomain(id:)``; for Krafter, whose
    /// verify only enqueues a background check, a get and a new verify when the domain fell back
    /// to pending); waits grow per `policy` and run on the client's `TimeSource`, so tests wait
    /// in virtual time.
    ///
    /// With a `preflight`, every check first looks the records up in DNS, and the provider is
    /// asked only when every required record is in place — or at the policy's slow
    /// ``PollingPolicy/providerFallbackInterval``, or when DNS cannot be asked. Fewer provider
    /// calls, and each progress report says which record is wrong.
    ///
    /// ```swift
    /// let preflight = DNSPreflight(lookup: try DNSResolver.system())
    /// let final = try await provider.waitUntilVerified(id: domain.id, timeout: .seconds(900), preflight: preflight) {
    ///     progress in
    ///     for record in progress.preflight?.blocking ?? [] { print(record.state, record.record.name) }
    /// }
    /// if final.status == .failed { showMissingRecords((final.records ?? []).filter { $0.status != .verified }) }
    /// ```
    ///
    /// - Returns: The domain once its status is verified **or failed** (check ``SendingDomain/status``).
    /// - Throws: `SendingDomainsError`: `timeout` (with the last status in the message) when
    ///   `timeout` passes first, `cancelled` when the task is cancelled, `unsupportedOperation`
    ///   for a provider without verification, and any failure of a provider check (a failing
    ///   DNS lookup is not an error: the provider is asked instead).
    public func waitUntilVerified(
        id: String, timeout: Duration = .seconds(600), policy: PollingPolicy = .default,
        preflight: DNSPreflight? = nil, progress: (@Sendable (VerificationProgress) -> Void)? = nil
    ) async throws(SendingDomainsError) -> SendingDomain {
        try await waitUntilVerified(
            id: id, holding: nil, timeout: timeout, policy: policy, preflight: preflight, progress: progress)
    }

    /// ``waitUntilVerified(id:timeout:policy:preflight:progress:)`` for a domain you already hold
    /// (the one `createDomain` returned): with a `preflight` and the domain's records, **check 1
    /// is the DNS lookup** — the provider is asked only once the records are in place (or at the
    /// fallback interval), so a customer who has not published yet costs no provider call.
    ///
    /// ```swift
    /// let created = try await provider.createDomain(DomainRequest(name: "example.com"))
    /// let preflight = DNSPreflight(lookup: try DNSResolver.system())
    /// let final = try await provider.waitUntilVerified(created, timeout: .seconds(900), preflight: preflight)
    /// print(final.status)
    /// ```
    ///
    /// - Throws: As ``waitUntilVerified(id:timeout:policy:preflight:progress:)``.
    public func waitUntilVerified(
        _ domain: SendingDomain, timeout: Duration = .seconds(600), policy: PollingPolicy = .default,
        preflight: DNSPreflight? = nil, progress: (@Sendable (VerificationProgress) -> Void)? = nil
    ) async throws(SendingDomainsError) -> SendingDomain {
        try await waitUntilVerified(
            id: domain.id, holding: domain, timeout: timeout, policy: policy, preflight: preflight, progress: progress)
    }

    private func waitUntilVerified(
        id: String, holding: SendingDomain?, timeout: Duration, policy: PollingPolicy,
        preflight: DNSPreflight?, progress: (@Sendable (VerificationProgress) -> Void)?
    ) async throws(SendingDomainsError) -> SendingDomain {
        try require(.verify, .waitUntilVerified)
        let clock = timeSource
        let start = clock.now()
        var attempt = 0
        // A domain held with its records lets check 1 be the DNS lookup.
        var domain: SendingDomain? = holding?.records == nil ? nil : holding
        var records: [DNSRecord]? = domain?.records
        // Holding the domain counts as having just asked: the fallback interval runs from now.
        var lastAsked: Duration? = domain == nil ? nil : start
        while true {
            if Task.isCancelled { throw cancelledWaiting(attempt) }
            attempt += 1
            var report: PreflightReport?
            if let preflight, let records, let name = domain?.name {
                report = try? await preflight.check(records, domain: name)
            }
            let fallbackDue = lastAsked.map { clock.now() - $0 >= policy.providerFallbackInterval } ?? true
            let ask = domain == nil || report == nil || report?.ready == true || fallbackDue
            if ask {
                let checked = try await providerCheck(id: id)
                lastAsked = clock.now()
                domain = checked
                if preflight != nil, records == nil { records = try await recordsForPreflight(checked) }
            }
            guard let current = domain else { continue }
            let elapsed = clock.now() - start
            var wait: Duration? = policy.interval(afterCheck: attempt)
            if current.status.isTerminal { wait = nil }
            if let pending = wait, elapsed + pending > timeout { wait = nil }
            progress?(
                VerificationProgress(
                    attempt: attempt, status: current.status, domain: current, elapsed: elapsed, nextCheckIn: wait,
                    preflight: report, askedProvider: ask))
            if current.status.isTerminal { return current }
            guard let wait else {
                var message =
                    "\(current.name) was still \(current.status) after \(attempt) checks in \(elapsed.seconds.rounded()) s"
                if let blocking = report?.blocking, !blocking.isEmpty {
                    message +=
                        "; DNS: "
                        + blocking.map { "\($0.record.type.rawValue) \($0.record.name) \($0.state.rawValue)" }
                        .joined(separator: ", ")
                }
                throw SendingDomainsError(
                    kind: .timeout, message: message, provider: provider,
                    operation: OperationName.waitUntilVerified.rawValue, attempts: attempt)
            }
            do {
                try await clock.sleep(wait)
            } catch {
                throw cancelledWaiting(attempt)
            }
        }
    }

    private func cancelledWaiting(_ attempt: Int) -> SendingDomainsError {
        SendingDomainsError(
            kind: .cancelled, message: "Waiting for verification was cancelled", provider: provider,
            operation: OperationName.waitUntilVerified.rawValue, attempts: max(attempt, 1))
    }

    /// One provider check: ``DomainProvisioning/checkVerification(id:)``.
    private func providerCheck(id: String) async throws(SendingDomainsError) -> SendingDomain {
        try await checkVerification(id: id)
    }

    /// The records to check in DNS: the check's own, or a get's where the check carries none.
    private func recordsForPreflight(_ domain: SendingDomain) async throws(SendingDomainsError) -> [DNSRecord]? {
        if let records = domain.records { return records }
        guard capabilities.supports(.get) else { return nil }
        return try await getDomain(id: domain.id).records
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension DomainStatus {
    /// A stable code for the status, as the `domains` command's JSON and ``WatchSnapshot`` write
    /// it: `pending`, `verifying`, `verified`, `partially_verified`, `failed`,
    /// `temporary_failure`, or a provider's own status.
    public var code: String {
        switch self {
        case .pending: "pending"
        case .verifying: "verifying"
        case .verified: "verified"
        case .partiallyVerified: "partially_verified"
        case .failed: "failed"
        case .temporaryFailure: "temporary_failure"
        case .unknown(let raw): raw
        }
    }

    /// The status with code `code`.
    public init(code: String) {
        self =
            switch code {
            case "pending": .pending
            case "verifying": .verifying
            case "verified": .verified
            case "partially_verified": .partiallyVerified
            case "failed": .failed
            case "temporary_failure": .temporaryFailure
            default: .unknown(code)
            }
    }
}

/// What a ``DomainWatcher`` knows about the domains it watches: the state it compares each check
/// against, and when it last checked. The watcher persists nothing; store the snapshot (it is
/// `Codable`) and start the next watcher from it, so that a restart reports only what changed
/// meanwhile.
///
/// ```swift
/// var snapshot = WatchSnapshot(domains: [domain])
/// let data = try JSONEncoder().encode(snapshot)
/// snapshot = try JSONDecoder().decode(WatchSnapshot.self, from: data)
/// ```
public struct WatchSnapshot: Sendable, Hashable, Codable {
    /// One watched domain.
    public struct Entry: Sendable, Hashable, Codable {
        /// The provider, e.g. `ahasend`.
        public var provider: String
        /// The domain's id at the provider.
        public var id: String
        /// The domain's name, once known.
        public var name: String?
        /// The status code last seen (``DomainStatus/code``); `nil` before the first check.
        public var status: String?
        /// Per record (`"TXT send.example.com v=spf1 …"`: type, name, value), the provider's
        /// status last seen.
        public var records: [String: String]
        /// Per record, the DNS preflight's state last seen.
        public var dns: [String: String]
        /// When the domain was last checked.
        public var lastCheckedAt: Date?
        /// How many checks in a row found nothing changed: a domain is polled less often once
        /// it is stable.
        public var unchangedChecks: Int

        /// An entry to watch from its first check on (nothing reported for what that check finds).
        public init(provider: ProviderID, id: String) {
            self.provider = provider.rawValue
            self.id = id
            records = [:]
            dns = [:]
            unchangedChecks = 0
        }

        var key: String { "\(provider)/\(id)" }
    }

    /// The entries.
    public var entries: [Entry]

    /// A snapshot of `domains` as they are now — with their records' DNS states from
    /// `preflight` reports, matched by domain name — so that a later check reports what differs.
    public init(domains: [SendingDomain], preflight reports: [PreflightReport] = []) {
        entries = domains.map { domain in
            var entry = Entry(provider: domain.provider, id: domain.id)
            entry.name = domain.name
            entry.status = domain.status.code
            for record in domain.records ?? [] {
                if let status = record.status { entry.records[DomainWatcher.key(record)] = status.rawValue }
            }
            for report in reports where report.domain == DNSName.normalized(domain.name) {
                for result in report.records { entry.dns[DomainWatcher.key(result.record)] = result.state.rawValue }
            }
            return entry
        }
    }

    /// A snapshot of domains known only by id: their first check sets the baseline.
    public init(entries: [Entry]) {
        self.entries = entries
    }
}

/// Watches many domains at any of the providers and yields a ``DomainEvent`` whenever one
/// changes: its status, a record's status as the provider reports it, or — with a DNS
/// preflight — a record's state in DNS.
///
/// Each provider is polled within a **share of its rate limit** (by default a tenth of
/// AhaSend's 100/s, one request per 2 s at AutoSend, one per second at Krafter), one `getDomain`
/// per check; domains that keep not changing are checked less often. The watcher persists
/// nothing: it starts from a ``WatchSnapshot`` and exposes the current one. Cancelling the task
/// that iterates ``events()`` stops every check at once.
///
/// ```swift
/// let krafter = try ProviderFactory.sandbox(.krafter)
/// let domain = try await krafter.createDomain(DomainRequest(name: "example.com"))
/// let watcher = DomainWatcher(providers: [krafter], snapshot: WatchSnapshot(domains: [domain]))
/// for await event in watcher.events() {
///     print(event.domainName, event.change)
///     break
/// }
/// let snapshot = await watcher.snapshot   // store it, start the next watcher from it
/// ```
public actor DomainWatcher {
    /// How the watcher polls.
    public struct Options: Sendable {
        /// Per provider, the share of its rate limit the watcher may use; a provider without
        /// one uses ``defaultShares``, and a provider in neither is not polled.
        public var shares: [ProviderID: RateLimit]
        /// The interval between checks of a domain that changed recently.
        public var changingInterval: Duration
        /// The interval between checks of a domain that has not changed for ``stableAfter`` checks.
        public var stableInterval: Duration
        /// How many unchanged checks make a domain stable.
        public var stableAfter: Int
        /// Looks each domain's records up in DNS after each provider check, reporting record
        /// states as they change (lookups do not count against the provider's share).
        public var preflight: DNSPreflight?
        /// The clock: the system's, or a test's virtual one.
        public var timeSource: TimeSource
        /// Receives one `MetricsSink.WatcherCheck` per check (domains watched at the provider,
        /// whether the check failed); `nil` for none.
        public var metrics: MetricsSink?

        /// A tenth of AhaSend's 100/s; one request per 2 s at AutoSend (whose whole limit is
        /// 2/s); one per second at Krafter. SendKit and Cllavio have no read endpoint to poll.
        public static let defaultShares: [ProviderID: RateLimit] = [
            .ahaSend: RateLimit(rate: 10, burst: 1),
            .autoSend: RateLimit(rate: 0.5, burst: 1),
            .krafter: RateLimit(rate: 1, burst: 1),
        ]

        /// Options.
        public init(
            shares: [ProviderID: RateLimit] = [:], changingInterval: Duration = .seconds(60),
            stableInterval: Duration = .seconds(900), stableAfter: Int = 3, preflight: DNSPreflight? = nil,
            timeSource: TimeSource = .system
        ) {
            self.shares = shares
            self.changingInterval = changingInterval
            self.stableInterval = max(stableInterval, changingInterval)
            self.stableAfter = max(1, stableAfter)
            self.preflight = preflight
            self.timeSource = timeSource
        }
    }

    private let providers: [ProviderID: any DomainProvisioning]
    private let options: Options
    private var entries: [String: WatchSnapshot.Entry]
    private var order: [String]
    /// When each entry is due, on the monotonic clock; entries are due at once when never checked.
    private var due: [String: Duration] = [:]

    /// A watcher over `snapshot`'s domains, checked through `providers` (one per provider id;
    /// an entry whose provider is missing is kept in the snapshot but not checked).
    public init(providers: [any DomainProvisioning], snapshot: WatchSnapshot, options: Options = Options()) {
        var byID: [ProviderID: any DomainProvisioning] = [:]
        for provider in providers { byID[provider.provider] = provider }
        self.providers = byID
        self.options = options
        var entries: [String: WatchSnapshot.Entry] = [:]
        var order: [String] = []
        for entry in snapshot.entries where entries[entry.key] == nil {
            entries[entry.key] = entry
            order.append(entry.key)
        }
        self.entries = entries
        self.order = order
    }

    /// The current snapshot, to store and start the next watcher from.
    public var snapshot: WatchSnapshot {
        WatchSnapshot(entries: order.compactMap { entries[$0] })
    }

    /// The events, as they happen, until the iterating task is cancelled (or breaks out of its
    /// loop). Iterate it once: each call starts its own polling.
    public nonisolated func events() -> AsyncStream<DomainEvent> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let task = Task {
                await withTaskGroup(of: Void.self) { group in
                    for provider in await self.watchedProviders() {
                        group.addTask { await self.poll(provider, continuation) }
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func watchedProviders() -> [ProviderID] {
        let wanted = Set(entries.values.map(\.provider))
        return ProviderID.all.filter { wanted.contains($0.rawValue) && providers[$0] != nil && share(for: $0) != nil }
    }

    private func share(for provider: ProviderID) -> RateLimit? {
        options.shares[provider] ?? Options.defaultShares[provider]
    }

    /// One provider's loop: the next due domain, its turn in the share, one check.
    private func poll(_ provider: ProviderID, _ continuation: AsyncStream<DomainEvent>.Continuation) async {
        guard let share = share(for: provider), let provisioner = providers[provider] else { return }
        let time = options.timeSource
        let bucket = TokenBucket(rate: share.rate, burst: share.burst, timeSource: time)
        while !Task.isCancelled {
            guard let (key, wait) = nextDue(provider) else { return }
            do {
                if wait > .zero { try await time.sleep(wait) }
                try await bucket.acquire()
            } catch {
                return
            }
            guard let entry = entries[key], !Task.isCancelled else { return }
            let result: Result<SendingDomain, SendingDomainsError>
            do {
                result = .success(try await provisioner.getDomain(id: entry.id))
            } catch {
                result = .failure(error)
            }
            reportCheck(provider, result)
            var report: PreflightReport?
            if case .success(let domain) = result, let preflight = options.preflight, let records = domain.records {
                report = try? await preflight.check(records, domain: domain.name)
            }
            if Task.isCancelled { return }
            for event in apply(key, result, report) { continuation.yield(event) }
        }
    }

    /// The provider's entry due first, and how long until it is due.
    private func nextDue(_ provider: ProviderID) -> (String, Duration)? {
        let now = options.timeSource.now()
        var best: (String, Duration)?
        for key in order {
            guard let entry = entries[key], entry.provider == provider.rawValue else { continue }
            let at = due[key] ?? .zero
            if best == nil || at < (best?.1 ?? .zero) { best = (key, at) }
        }
        return best.map { ($0.0, $0.1 - now) }
    }

    /// Compares a check with the entry, updates it, schedules the next check, returns the events.
    private func apply(
        _ key: String, _ result: Result<SendingDomain, SendingDomainsError>, _ report: PreflightReport?
    ) -> [DomainEvent] {
        guard var entry = entries[key] else { return [] }
        let now = options.timeSource.now()
        let date = options.timeSource.date()
        entry.lastCheckedAt = date
        guard case .success(let domain) = result else {
            // A failed check changes nothing known; it is tried again at the changing pace.
            entries[key] = entry
            due[key] = now + options.changingInterval
            return []
        }
        var events: [DomainEvent] = []
        func event(_ change: DomainEvent.Change) {
            events.append(
                DomainEvent(
                    provider: domain.provider, domainID: entry.id, domainName: domain.name, change: change,
                    observedAt: date, domain: domain))
        }
        entry.name = domain.name
        let status = domain.status.code
        if let previous = entry.status, previous != status {
            switch domain.status {
            case .verified: event(.verified)
            case .failed: event(.failed)
            default: event(.statusChanged(from: DomainStatus(code: previous), to: domain.status))
            }
        }
        entry.status = status
        for record in domain.records ?? [] {
            guard let now = record.status?.rawValue else { continue }
            let key = Self.key(record)
            if let before = entry.records[key], before != now {
                event(.recordChanged(RecordChange(record: record, source: .provider, from: before, to: now)))
            }
            entry.records[key] = now
        }
        if let report {
            for result in report.records {
                let key = Self.key(result.record)
                let now = result.state.rawValue
                if let before = entry.dns[key], before != now {
                    event(.recordChanged(RecordChange(record: result.record, source: .dns, from: before, to: now)))
                }
                entry.dns[key] = now
            }
        }
        entry.unchangedChecks = events.isEmpty ? entry.unchangedChecks + 1 : 0
        entries[key] = entry
        due[key] =
            now + (entry.unchangedChecks >= options.stableAfter ? options.stableInterval : options.changingInterval)
        return events
    }

    /// `"TXT send.example.com v=spf1 include:amazonses.com ~all"`: a record's key in the
    /// snapshot (a name may hold several records of one type).
    static func key(_ record: DNSRecord) -> String {
        "\(record.type.rawValue) \(record.name) \(record.value)"
    }
}

// MARK: - Metrics (issue 24: one event per check, kept apart from the polling logic)

extension DomainWatcher {
    /// Sends one check's `MetricsSink.WatcherCheck` to ``Options/metrics`` (and to a sink bound
    /// with `MetricsSink.withSink`).
    private func reportCheck(_ provider: ProviderID, _ result: Result<SendingDomain, SendingDomainsError>) {
        guard let metrics = options.metrics else { return }
        let watched = entries.values.reduce(0) { $0 + ($1.provider == provider.rawValue ? 1 : 0) }
        var errorKind: SendingDomainsError.Kind?
        if case .failure(let error) = result { errorKind = error.kind }
        metrics.record(.init(provider: provider, watchedDomains: watched, errorKind: errorKind))
    }
}

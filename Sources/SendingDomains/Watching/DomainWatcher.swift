import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

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
        /// How many events the watcher has reported for this domain: the next event's sequence
        /// number, so that an event's ``DomainEvent/id`` survives a restart from this snapshot.
        public var eventCount: Int?
        /// When checks of this domain started failing (``DomainEvent/Change/checkFailed(_:)``
        /// was reported); `nil` while they work.
        public var failingSince: Date?

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
/// preflight — a record's state in DNS; and when checking a domain fails, or works again.
///
/// Each provider is polled within a **share of its rate limit** (by default a tenth of
/// AhaSend's 100/s, one request per 2 s at AutoSend, one per second at Krafter). The share
/// limits *attempts*, not calls: every call is charged each attempt the client's pipeline sent
/// for it — retries after a `429` included — before the next check at that provider may start.
/// Domains that keep not changing are checked less often; a check that takes longer than
/// ``Options/checkTimeout`` is abandoned (reported as a failed check) so that one hung call
/// cannot hold up the provider's other domains.
///
/// Events are delivered with **backpressure**: while the consumer is behind by
/// ``Options/bufferSize`` events, polling pauses; nothing is dropped or coalesced. One
/// ``events()`` sequence is iterated at a time. The watcher persists nothing: it starts from a
/// ``WatchSnapshot`` and exposes the current one. Cancelling the task that iterates
/// ``events()`` (or breaking out of its loop) stops every check and every delivery at once.
///
/// ```swift
/// let krafter = try ProviderFactory.sandbox(.krafter)
/// let domain = try await krafter.createDomain(DomainRequest(name: "example.com"))
/// let watcher = DomainWatcher(providers: [krafter], snapshot: WatchSnapshot(domains: [domain]))
/// for try await event in watcher.events() {
///     print(event.domainName, event.change)
///     break
/// }
/// let snapshot = await watcher.snapshot   // store it, start the next watcher from it
/// ```
public actor DomainWatcher {
    /// How the watcher polls.
    public struct Options: Sendable {
        /// Per provider, the share of its rate limit the watcher may use; a provider without
        /// one uses ``defaultShares``, and a provider in neither is not polled. The share
        /// counts attempts: a call that was retried is charged every attempt.
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
        /// The longest one check (the provider call and the DNS lookups) may take, on the real
        /// clock, before it is abandoned and reported as failed (kind `timeout`); 60 s by default.
        public var checkTimeout: Duration
        /// How many events may wait for the consumer before polling pauses; 16 by default.
        public var bufferSize: Int
        /// One active watcher among your app's instances (see ``DomainWatcher/Coordination``);
        /// `nil` (the default) polls in this instance alone.
        public var coordination: Coordination?
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
            checkTimeout: Duration = .seconds(60), bufferSize: Int = 16, coordination: Coordination? = nil,
            timeSource: TimeSource = .system
        ) {
            self.coordination = coordination
            self.shares = shares
            self.changingInterval = changingInterval
            self.stableInterval = max(stableInterval, changingInterval)
            self.stableAfter = max(1, stableAfter)
            self.preflight = preflight
            self.checkTimeout = max(checkTimeout, .milliseconds(1))
            self.bufferSize = max(1, bufferSize)
            self.timeSource = timeSource
        }
    }

    private let providers: [ProviderID: any DomainProvisioning]
    let options: Options
    var entries: [String: WatchSnapshot.Entry]
    var order: [String]
    /// When each entry is due, on the monotonic clock; entries are due at once when never checked.
    var due: [String: Duration] = [:]
    /// With ``Options/coordination``: until when this instance surely holds the lease.
    var window: LeaseWindow?
    /// Whether an ``events()`` sequence is being iterated.
    private nonisolated let streaming = LockedState(false)

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

    /// The events, as they happen, until the iterating task is cancelled or breaks out of its
    /// loop. Polling starts with the first `next()` and pauses while the consumer is behind.
    ///
    /// - Throws: (from iteration) `SendingDomainsError` of kind `validation` when another
    ///   sequence of this watcher is being iterated: one watcher polls once, so share its events
    ///   yourself if several consumers need them. A failing check is an event
    ///   (``DomainEvent/Change/checkFailed(_:)``), never an error.
    public nonisolated func events() -> Events {
        Events(watcher: self)
    }

    /// The watcher's events: an `AsyncSequence` with backpressure (see ``DomainWatcher``).
    public struct Events: AsyncSequence, Sendable {
        /// An event.
        public typealias Element = DomainEvent
        /// Only a second concurrent iteration fails.
        public typealias Failure = SendingDomainsError

        let watcher: DomainWatcher

        /// An iterator; polling starts with its first `next()`.
        public func makeAsyncIterator() -> Iterator {
            Iterator(subscription: Subscription(watcher: watcher))
        }

        /// Iterates the events.
        public struct Iterator: AsyncIteratorProtocol {
            let subscription: Subscription

            /// The next event; `nil` once cancelled.
            public mutating func next() async throws(SendingDomainsError) -> DomainEvent? {
                try await subscription.next()
            }

            /// The next event; `nil` once cancelled.
            public mutating func next(
                isolation actor: isolated (any Actor)?
            ) async throws(SendingDomainsError)
                -> DomainEvent?
            {
                try await subscription.next()
            }
        }
    }

    /// One iteration: its channel and the polling task, cancelled when the iterator goes away.
    final class Subscription: Sendable {
        private let watcher: DomainWatcher
        private let channel: EventChannel<DomainEvent>
        private let task = LockedState<Task<Void, Never>?>(nil)
        private let started = LockedState(false)

        init(watcher: DomainWatcher) {
            self.watcher = watcher
            channel = EventChannel(capacity: watcher.options.bufferSize)
        }

        /// Whether this subscription holds the watcher's one iteration.
        private let claimed = LockedState(false)

        deinit {
            channel.finish()
            task.withLock { $0?.cancel() }
            // Breaking out of the loop ends the iteration: the watcher may be iterated again.
            if claimed.withLock({ $0 }) { watcher.streaming.withLock { $0 = false } }
        }

        func next() async throws(SendingDomainsError) -> DomainEvent? {
            let first = started.withLock { started in
                defer { started = true }
                return !started
            }
            if first { try start() }
            guard let event = await channel.next() else {
                await stop()
                return nil
            }
            return event
        }

        /// Cancels the polling and waits (at most 3 s, even from a cancelled task) for it to end,
        /// so that a coordinated watch has released its lease when the iteration returns.
        private func stop() async {
            guard let polling = task.withLock({ $0 }) else { return }
            polling.cancel()
            await Task.detached { _ = await Deadline.run(within: .seconds(3)) { await polling.value } }.value
        }

        private func start() throws(SendingDomainsError) {
            let claimed = watcher.streaming.withLock { streaming in
                defer { streaming = true }
                return !streaming
            }
            self.claimed.withLock { $0 = claimed }
            guard claimed else {
                channel.finish()
                self.claimed.withLock { $0 = false }
                throw SendingDomainsError(
                    kind: .validation,
                    message:
                        "This DomainWatcher's events are already being iterated: one watcher polls once, so iterate one events() sequence and share its events yourself"
                )
            }
            let watcher = self.watcher
            let channel = self.channel
            let ownsIteration = self.claimed
            // The task holds the watcher and the channel, never the subscription: the iterator
            // going away (a `break`) must deinit it, which cancels the task.
            let polling = Task {
                if let coordination = watcher.options.coordination {
                    await watcher.coordinated(coordination, channel)
                } else {
                    await withTaskGroup(of: Void.self) { group in
                        for provider in await watcher.watchedProviders() {
                            group.addTask { await watcher.poll(provider, channel) }
                        }
                    }
                }
                channel.finish()
                if ownsIteration.withLock({ $0 }) { watcher.streaming.withLock { $0 = false } }
            }
            task.withLock { $0 = polling }
        }
    }

    func watchedProviders() -> [ProviderID] {
        let wanted = Set(entries.values.map(\.provider))
        return ProviderID.all.filter { wanted.contains($0.rawValue) && providers[$0] != nil && share(for: $0) != nil }
    }

    private func share(for provider: ProviderID) -> RateLimit? {
        options.shares[provider] ?? Options.defaultShares[provider]
    }

    /// What one check found.
    private struct Check: Sendable {
        var result: Result<SendingDomain, SendingDomainsError>
        var report: PreflightReport?
        var attempts: Int
    }

    /// One provider's loop: the next due domain, its turn in the share, one check, its events
    /// handed to the consumer (waiting while the consumer is behind), the check's extra attempts
    /// charged to the share.
    func poll(_ provider: ProviderID, _ channel: EventChannel<DomainEvent>) async {
        guard let share = share(for: provider), let provisioner = providers[provider] else { return }
        let time = options.timeSource
        let bucket = TokenBucket(rate: share.rate, burst: share.burst, timeSource: time)
        while !Task.isCancelled && !channel.isFinished {
            guard let (key, wait) = nextDue(provider) else { return }
            do {
                if wait > .zero { try await time.sleep(wait) }
                try await bucket.acquire()
            } catch {
                return
            }
            guard let entry = entries[key], !Task.isCancelled else { return }
            // Coordinated: never a check on a lease this instance cannot be sure it holds for a
            // fifth of its lifetime more (the check's request must leave well before it expires).
            if let coordination = options.coordination, window?.isOpen(margin: coordination.lease / 5) != true {
                return
            }
            // Coordinated: the check must end while the lease is surely held.
            var limit = options.checkTimeout
            if let coordination = options.coordination, let end = window?.deadline {
                limit = min(limit, end - ContinuousClock.now - coordination.lease / 10)
            }
            let check = await Self.check(entry.id, provisioner, preflight: options.preflight, within: limit)
            if Task.isCancelled { return }
            reportCheck(provider, check.result)
            let firstCheck = entry.status == nil
            let events = apply(key, check.result, check.report)
            var ticket = 0
            for event in events {
                guard let sent = await channel.send(event) else { return }
                ticket = sent
            }
            // Coordinated: the snapshot is saved only once the consumer has taken these events,
            // so a failover re-reports (with the same ids) rather than loses them.
            if options.coordination != nil, !events.isEmpty || firstCheck {
                if !events.isEmpty {
                    guard await channel.waitUntilTaken(ticket) else { return }
                }
                await saveShared()
            }
            do {
                for _ in 1..<max(1, check.attempts) { try await bucket.acquire() }
            } catch {
                return
            }
        }
    }

    /// One check — the provider call and the DNS lookups — within `limit`, counting the
    /// attempts the call sent.
    private static func check(
        _ id: String, _ provisioner: any DomainProvisioning, preflight: DNSPreflight?, within limit: Duration
    ) async -> Check {
        let counter = AttemptCounter()
        let outcome = await Deadline.run(within: limit) {
            await AttemptCounter.$current.withValue(counter) { () async -> Check in
                do throws(SendingDomainsError) {
                    let domain = try await provisioner.getDomain(id: id)
                    var report: PreflightReport?
                    if let preflight, let records = domain.records {
                        report = try? await preflight.check(records, domain: domain.name)
                    }
                    return Check(result: .success(domain), report: report, attempts: 0)
                } catch {
                    return Check(result: .failure(error), report: nil, attempts: 0)
                }
            }
        }
        var check =
            outcome
            ?? Check(
                result: .failure(
                    SendingDomainsError(
                        kind: .timeout,
                        message:
                            "Checking the domain took longer than the watcher's \(limit.formattedSeconds) check timeout; it is tried again at the changing pace",
                        provider: provisioner.provider, operation: OperationName.getDomain.rawValue)),
                report: nil, attempts: 0)
        check.attempts = max(1, counter.attempts)
        return check
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
        var events: [DomainEvent] = []
        func event(_ change: DomainEvent.Change, name: String, domain: SendingDomain?) {
            let sequence = (entry.eventCount ?? 0) + 1
            entry.eventCount = sequence
            guard let provider = ProviderID(named: entry.provider) else { return }
            events.append(
                DomainEvent(
                    provider: provider, domainID: entry.id, domainName: name, change: change,
                    observedAt: date, domain: domain, id: "\(entry.provider)/\(entry.id)#\(sequence)"))
        }
        let domain: SendingDomain
        switch result {
        case .failure(let error):
            // Reported once per outage; the domain is tried again at the changing pace.
            if entry.failingSince == nil {
                entry.failingSince = date
                event(.checkFailed(error), name: entry.name ?? "", domain: nil)
            }
            entries[key] = entry
            due[key] = now + options.changingInterval
            return events
        case .success(let checked):
            domain = checked
        }
        if entry.failingSince != nil {
            entry.failingSince = nil
            event(.checkRecovered, name: domain.name, domain: domain)
        }
        let recovered = events.count
        entry.name = domain.name
        let status = domain.status.code
        if let previous = entry.status, previous != status {
            switch domain.status {
            case .verified: event(.verified, name: domain.name, domain: domain)
            case .failed: event(.failed, name: domain.name, domain: domain)
            default:
                event(
                    .statusChanged(from: DomainStatus(code: previous), to: domain.status), name: domain.name,
                    domain: domain)
            }
        }
        entry.status = status
        // Only the records this check returned are kept: a provider whose values change on every
        // call must not grow the snapshot.
        var records: [String: String] = [:]
        for record in domain.records ?? [] {
            guard let now = record.status?.rawValue else { continue }
            let key = Self.key(record)
            if let before = entry.records[key], before != now {
                event(
                    .recordChanged(RecordChange(record: record, source: .provider, from: before, to: now)),
                    name: domain.name, domain: domain)
            }
            records[key] = now
        }
        entry.records = records
        if let report {
            var dns: [String: String] = [:]
            for result in report.records {
                let key = Self.key(result.record)
                // DNS could not say (`unknown`): no conclusion, so no change; the last state stays.
                if result.state == .unknown {
                    if let before = entry.dns[key] { dns[key] = before }
                    continue
                }
                let now = result.state.rawValue
                if let before = entry.dns[key], before != now {
                    event(
                        .recordChanged(RecordChange(record: result.record, source: .dns, from: before, to: now)),
                        name: domain.name, domain: domain)
                }
                dns[key] = now
            }
            entry.dns = dns
        }
        entry.unchangedChecks = events.count == recovered ? entry.unchangedChecks + 1 : 0
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

// MARK: - Metrics (one event per check, kept apart from the polling logic)

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

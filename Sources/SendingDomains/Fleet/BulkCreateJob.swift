import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// Where a ``BulkCreateJob`` stands: how many names are settled, how fast, and how long the rest
/// should take.
public struct BulkProgress: Sendable, Hashable {
    /// Names settled (created, existing, failed or uncertain), earlier runs of the journal included.
    public var done: Int
    /// Distinct names in the input.
    public var total: Int
    /// Names failed so far.
    public var failed: Int
    /// Names settled per second in this run, over its recent completions (0 before two).
    public var rate: Double
    /// The time left at ``rate``, or `nil` before the rate is known.
    public var eta: Duration?

    /// Creates a progress report.
    public init(done: Int, total: Int, failed: Int, rate: Double, eta: Duration?) {
        self.done = done
        self.total = total
        self.failed = failed
        self.rate = rate
        self.eta = eta
    }
}

/// A name the job could not create.
public struct BulkFailure: Sendable, Hashable {
    /// The name, as written in the input (normalised when it was valid).
    public var name: String
    /// Its line, or 1-based index, in the input.
    public var line: Int
    /// The error's kind and message.
    public var error: BulkJournalEntry.Failure

    /// Creates a failure.
    public init(name: String, line: Int, error: BulkJournalEntry.Failure) {
        self.name = name
        self.line = line
        self.error = error
    }
}

/// What a ``BulkCreateJob`` run leaves: every distinct input name is counted once, under what
/// the journal says of it, earlier runs included.
public struct BulkSummary: Sendable, Hashable {
    /// Distinct names in the input (invalid ones included).
    public var total: Int
    /// Names created (by this run or an earlier one of the journal).
    public var created: Int
    /// Names the account already had (a create answered "exists" and the domain was found).
    public var existing: Int
    /// Names that failed: invalid (never sent), taken by another account, refused.
    public var failed: [BulkFailure]
    /// Names whose create may or may not have happened: a later run reconciles them where the
    /// provider allows it (see ``BulkCreateJob``); at SendKit check the dashboard.
    public var uncertain: [BulkEntry]
    /// Names of the input the journal did not know when this run began (a resume only).
    public var added: [String]
    /// Names the journal knows that the input no longer holds: left alone.
    public var dropped: [String]
    /// Later occurrences of a name already in the input: created once.
    public var duplicates: [BulkEntry]
    /// Whether every name was processed: `false` when the run was cancelled or stopped by an
    /// authentication or permission failure.
    public var isComplete: Bool

    /// Whether every name is created or existing.
    public var succeeded: Bool { isComplete && failed.isEmpty && uncertain.isEmpty }

    /// Creates a summary.
    public init(
        total: Int, created: Int, existing: Int, failed: [BulkFailure], uncertain: [BulkEntry], added: [String] = [],
        dropped: [String] = [], duplicates: [BulkEntry] = [], isComplete: Bool = true
    ) {
        self.total = total
        self.created = created
        self.existing = existing
        self.failed = failed
        self.uncertain = uncertain
        self.added = added
        self.dropped = dropped
        self.duplicates = duplicates
        self.isComplete = isComplete
    }
}

/// Creates many domains at one provider in one resumable job.
///
/// Each create goes through the provisioner's client, so it is paced by that client's rate
/// limiter — the provider's published limit, or the budget shared with other processes when
/// `ClientOptions.rateLimiting` is `.shared(…)` — with at most ``Options/concurrency`` creates
/// in flight. Every step is written to the ``BulkJournal`` before it is taken; running the job
/// again with the same journal skips what is settled and reconciles what is uncertain (a create
/// sent whose answer was lost):
///
/// | provider | an uncertain create is reconciled by |
/// |---|---|
/// | AhaSend | sending it again with the same idempotency key (derived per domain, journaled before the first attempt); after the key's 24 h lifetime, by reading the domain by name |
/// | AutoSend, Krafter | finding the domain by name; creating it only when it is not there |
/// | SendKit | nothing: it is reported `uncertain`, never created blind |
///
/// A create answered "exists" whose domain is then found in the account is `existing`; one that
/// is not (another account has it) is failed. Cllavio is refused: each of its generate calls
/// activates its sender and deactivates the previous one.
///
/// ```swift
/// import SendingDomains
///
/// func onboard(_ names: [String], at provider: any DomainProvisioning) async throws {
///     let journal = try JSONLinesJournal(path: "onboarding.journal")
///     defer { journal.close() }
///     let job = try BulkCreateJob(
///         provisioner: provider, requests: names.map { DomainRequest(name: $0) }, journal: journal)
///     Task { for await step in job.progress { print("\(step.done)/\(step.total)") } }
///     let summary = try await job.run()
///     print(summary.created, summary.existing, summary.failed.count, summary.uncertain.count)
/// }
/// ```
public final class BulkCreateJob: Sendable {
    /// How the job runs.
    public struct Options: Sendable {
        /// The most creates in flight at once (1…64).
        public var concurrency: Int
        /// How long the provider keeps an idempotency key: an uncertain create older than this
        /// is reconciled by a read instead of a resend. AhaSend's 24 h less a 10-minute margin.
        public var idempotencyKeyLifetime: Duration

        /// Options.
        public init(concurrency: Int = 4, idempotencyKeyLifetime: Duration = .seconds(24 * 3600 - 600)) {
            self.concurrency = min(max(concurrency, 1), 64)
            self.idempotencyKeyLifetime = idempotencyKeyLifetime
        }
    }

    /// Progress after each settled name; finishes when ``run()`` returns. One consumer; a slow
    /// one sees the newest report.
    public let progress: AsyncStream<BulkProgress>

    private let continuation: AsyncStream<BulkProgress>.Continuation
    private let provisioner: any DomainProvisioning
    private let entries: [BulkEntry]
    private let template: DomainRequest
    private let journal: any BulkJournal
    private let options: Options
    private let state = LockedState(RunState())

    /// A job creating every name of `entries` with the options of `template` (its name is
    /// ignored).
    ///
    /// - Throws: `SendingDomainsError`: `unsupportedOperation` at Cllavio (a bulk run would
    ///   leave one active sender) or at a provider without create; `validation` when `template`
    ///   carries an idempotency key (one key for many domains is refused by AhaSend) or an
    ///   option the provider does not support or lacks one it requires.
    public init(
        provisioner: any DomainProvisioning, entries: [BulkEntry], template: DomainRequest = DomainRequest(name: ""),
        journal: any BulkJournal, options: Options = Options()
    ) throws(SendingDomainsError) {
        let provider = provisioner.provider
        if provider == .cllavio {
            throw SendingDomainsError(
                kind: .unsupportedOperation,
                message:
                    "Cllavio cannot onboard in bulk: each generate call activates its sender (an address on the domain) and deactivates the previous one, so a bulk run would leave one active sender",
                provider: provider, operation: "bulkCreate")
        }
        guard provisioner.capabilities.supports(.create) else {
            throw .unsupported(.createDomain, provider: provider)
        }
        if template.idempotencyKey != nil {
            throw .invalidInput(
                field: "idempotencyKey",
                "cannot be given for a bulk job: each domain gets a key of its own (one key for many domains is refused)",
                provider: provider)
        }
        try template.check(against: provisioner.capabilities, provider: provider)
        self.provisioner = provisioner
        self.entries = entries
        self.template = template
        self.journal = journal
        self.options = options
        (progress, continuation) = AsyncStream.makeStream(of: BulkProgress.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A job creating each of `requests`; each entry's line is its 1-based index.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` when the requests differ in
    ///   anything but their names (a job creates every domain with the same options, which its
    ///   journal records), and what ``init(provisioner:entries:template:journal:options:)`` throws.
    public convenience init(
        provisioner: any DomainProvisioning, requests: [DomainRequest], journal: any BulkJournal,
        options: Options = Options()
    ) throws(SendingDomainsError) {
        var template = requests.first ?? DomainRequest(name: "")
        template.name = ""
        for request in requests {
            var options = request
            options.name = ""
            guard options == template else {
                throw .invalidInput(
                    field: "requests", "must share every option but the name: a job creates each domain alike")
            }
        }
        try self.init(
            provisioner: provisioner,
            entries: requests.enumerated().map { BulkEntry(name: $0.element.name, line: $0.offset + 1) },
            template: template, journal: journal, options: options)
    }

    /// The create options a journal records for `request`: its set options by name
    /// (`region`, `returnPathSubdomain`, …), booleans as `true`/`false`.
    public static func recordedOptions(_ request: DomainRequest) -> [String: String] {
        var options: [String: String] = [:]
        options[DomainOption.region.rawValue] = request.region
        options[DomainOption.senderAddress.rawValue] = request.senderAddress
        options[DomainOption.replyTo.rawValue] = request.replyTo
        options[DomainOption.returnPathSubdomain.rawValue] = request.returnPathSubdomain
        options[DomainOption.trackingSubdomain.rawValue] = request.trackingSubdomain
        options[DomainOption.openTracking.rawValue] = request.openTracking.map { "\($0)" }
        options[DomainOption.clickTracking.rawValue] = request.clickTracking.map { "\($0)" }
        options[DomainOption.inbound.rawValue] = request.inbound.map { "\($0)" }
        return options
    }

    /// The `code` of the error ``run()`` throws when the journal was written with other create
    /// options or for another provider.
    public static let journalMismatchCode = "journalMismatch"

    // MARK: - Running

    /// What the journal says of one name.
    struct Prior: Sendable {
        var queued = false
        var attempts = 0
        /// The attempt sent without a recorded outcome.
        var pending: (key: String?, at: Date?)?
        var outcome: Outcome?
    }

    enum Outcome: Sendable, Hashable {
        case created
        case existing
        case failed(BulkJournalEntry.Failure, retryable: Bool)
        case uncertain
    }

    /// One name to process.
    struct Work: Sendable {
        let name: String
        let line: Int
        let prior: Prior?
    }

    struct RunState: Sendable {
        var results: [String: Outcome] = [:]
        var done = 0
        var failed = 0
        var total = 0
        var recent: [Duration] = []
        var stop: SendingDomainsError?
    }

    /// Runs the job to the end, or until the task is cancelled (no new create is sent; those in
    /// flight stay uncertain in the journal and are reconciled by the next run), then syncs the
    /// journal.
    ///
    /// - Throws: `SendingDomainsError`: `validation` with code ``journalMismatchCode`` when the
    ///   journal was written for another provider or with other create options (nothing is
    ///   sent); what the journal throws (the job stops before the step it could not record);
    ///   `authentication` or `permission` when the provider refuses the credentials (the job
    ///   stops at the first such answer).
    public func run() async throws(SendingDomainsError) -> BulkSummary {
        defer { continuation.finish() }
        let provider = provisioner.provider
        let recorded = Self.recordedOptions(template)
        // Replay the journal.
        var header: BulkJournalEntry?
        var priors: [String: Prior] = [:]
        try journal.replay { entry throws(SendingDomainsError) in
            if entry.step == .job {
                if header == nil { header = entry }
                return
            }
            guard let name = entry.name else { return }
            var prior = priors[name] ?? Prior()
            switch entry.step {
            case .queued: prior.queued = true
            case .attempt:
                prior.attempts = max(prior.attempts, entry.attempt ?? prior.attempts + 1)
                prior.pending = (entry.key, entry.at)
                prior.outcome = nil
            case .created:
                prior.pending = nil
                prior.outcome = .created
            case .existing:
                prior.pending = nil
                prior.outcome = .existing
            case .failed:
                prior.pending = nil
                prior.outcome = .failed(
                    entry.error ?? .init(kind: "unknown", message: "failed"), retryable: entry.retryable ?? false)
            case .uncertain:
                prior.pending = nil
                prior.outcome = .uncertain
            default: break
            }
            priors[name] = prior
        }
        let jobID: String
        let resuming = header != nil
        if let header {
            guard header.provider == provider.rawValue else {
                throw SendingDomainsError(
                    kind: .validation,
                    message:
                        "The journal was written for \(header.provider ?? "another provider"), not \(provider.rawValue): use another journal",
                    provider: provider, operation: "bulkCreate", code: Self.journalMismatchCode)
            }
            guard (header.options ?? [:]) == recorded else {
                throw SendingDomainsError(
                    kind: .validation,
                    message:
                        "The journal was written with other create options (\(Self.describe(header.options ?? [:]))) than this run's (\(Self.describe(recorded))): resume with the same options, or use another journal",
                    provider: provider, operation: "bulkCreate", code: Self.journalMismatchCode)
            }
            jobID = header.job ?? ""
        } else {
            jobID = UUID().uuidString.lowercased()
            try journal.append(
                BulkJournalEntry(
                    step: .job, at: provisioner.timeSource.date(), provider: provider.rawValue, options: recorded,
                    job: jobID, version: 1))
            try journal.sync()
        }

        // The work list: invalid names fail at once, duplicates are skipped.
        var seen: [String: Int] = [:]
        var work: [Work] = []
        var duplicates: [BulkEntry] = []
        var invalid: [BulkFailure] = []
        var added: [String] = []
        var order: [(name: String, line: Int)] = []
        for entry in entries {
            let name: String
            do {
                name = try DomainName.normalize(entry.name, field: "name")
            } catch {
                invalid.append(
                    BulkFailure(
                        name: entry.name, line: entry.line,
                        error: .init(kind: error.kind.rawValue, message: error.message)))
                continue
            }
            if seen[name] != nil {
                duplicates.append(BulkEntry(name: name, line: entry.line))
                continue
            }
            seen[name] = entry.line
            order.append((name, entry.line))
            let prior = priors[name]
            if prior?.queued != true {
                if resuming { added.append(name) }
                try journal.append(BulkJournalEntry(step: .queued, name: name, line: entry.line))
            }
            work.append(Work(name: name, line: entry.line, prior: prior))
        }
        let dropped = priors.filter { seen[$0.key] == nil && $0.value.queued }.keys.sorted()
        state.withLock { state in
            state.total = order.count + invalid.count
            state.done = invalid.count
            state.failed = invalid.count
        }

        // Settled names count at once.
        var remaining: [Work] = []
        for item in work {
            switch item.prior?.outcome {
            case .created?, .existing?, .uncertain?:
                settle(item.name, item.prior?.outcome ?? .created)
            case .failed(_, let retryable)? where !retryable:
                settle(item.name, item.prior?.outcome ?? .created)
            default:
                remaining.append(item)
            }
        }
        report()

        let concurrency = options.concurrency
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for item in remaining {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                if Task.isCancelled || state.withLock({ $0.stop != nil }) { break }
                group.addTask { await self.process(item, jobID: jobID) }
                running += 1
            }
            await group.waitForAll()
        }
        try? journal.sync()

        let (results, stop) = state.withLock { ($0.results, $0.stop) }
        if let stop, stop.kind == .authentication || stop.kind == .permission || stop.code == "journal" {
            var error = stop
            if error.code == "journal" { error.code = nil }
            throw error
        }
        var summary = BulkSummary(
            total: order.count + invalid.count, created: 0, existing: 0, failed: invalid, uncertain: [],
            added: added, dropped: dropped, duplicates: duplicates, isComplete: true)
        for (name, line) in order {
            switch results[name] {
            case .created?: summary.created += 1
            case .existing?: summary.existing += 1
            case .failed(let failure, _)?: summary.failed.append(BulkFailure(name: name, line: line, error: failure))
            case .uncertain?: summary.uncertain.append(BulkEntry(name: name, line: line))
            case nil: summary.isComplete = false
            }
        }
        summary.failed.sort { $0.line < $1.line }
        return summary
    }

    private static func describe(_ options: [String: String]) -> String {
        options.isEmpty
            ? "none" : options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    /// Records a name's outcome for this run and reports progress.
    private func settle(_ name: String, _ outcome: Outcome, live: Bool = false) {
        let now = provisioner.timeSource.now()
        state.withLock { state in
            guard state.results.updateValue(outcome, forKey: name) == nil else { return }
            state.done += 1
            if case .failed = outcome { state.failed += 1 }
            if live {
                state.recent.append(now)
                if state.recent.count > 64 { state.recent.removeFirst(state.recent.count - 64) }
            }
        }
        if live { report() }
    }

    private func report() {
        let progress = state.withLock { state -> BulkProgress in
            var rate = 0.0
            if state.recent.count >= 2, let first = state.recent.first, let last = state.recent.last {
                let span = (last - first).seconds
                if span > 0 { rate = Double(state.recent.count - 1) / span }
            }
            let left = state.total - state.done
            let eta = rate > 0 ? Duration.clampedSeconds(Double(left) / rate) : (left == 0 ? .zero : nil)
            return BulkProgress(done: state.done, total: state.total, failed: state.failed, rate: rate, eta: eta)
        }
        continuation.yield(progress)
    }

    /// Stops the job: no new create is sent.
    private func halt(_ error: SendingDomainsError) {
        state.withLock { state in if state.stop == nil { state.stop = error } }
    }

    private func record(_ entry: BulkJournalEntry) -> Bool {
        do {
            try journal.append(entry)
            return true
        } catch {
            var stop = error
            stop.code = "journal"
            halt(stop)
            return false
        }
    }

    /// Processes one name: reconciles an uncertain create, else creates it.
    private func process(_ item: Work, jobID: String) async {
        let capabilities = provisioner.capabilities
        var attempts = item.prior?.attempts ?? 0
        if let pending = item.prior?.pending {
            let now = provisioner.timeSource.date()
            let age = pending.at.map { now.timeIntervalSince($0) } ?? .infinity
            if capabilities.idempotentCreate, let key = pending.key, age < options.idempotencyKeyLifetime.seconds,
                let idempotencyKey = try? IdempotencyKey(key)
            {
                // Within the key's lifetime the provider answers a resend with the first answer.
                guard
                    record(
                        BulkJournalEntry(
                            step: .attempt, name: item.name, line: item.line, at: pending.at, key: key,
                            attempt: attempts))
                else { return }
                await create(item, key: idempotencyKey)
                return
            }
            guard capabilities.supports(.find) else {
                _ = record(BulkJournalEntry(step: .uncertain, name: item.name, line: item.line, at: now))
                settle(item.name, .uncertain, live: true)
                return
            }
            guard record(BulkJournalEntry(step: .reconcile, name: item.name, line: item.line, at: now)) else { return }
            do {
                let domain = try await provisioner.findDomain(named: item.name)
                if record(
                    BulkJournalEntry(
                        step: .created, name: item.name, line: item.line, at: provisioner.timeSource.date(),
                        id: domain.id, records: domain.records))
                {
                    settle(item.name, .created, live: true)
                }
                return
            } catch  where error.kind == .notFound {
                // It was never created: create it now.
            } catch {
                settle(item.name, .uncertain, live: true)
                return
            }
        }
        attempts += 1
        var key: IdempotencyKey?
        if capabilities.idempotentCreate {
            key = Self.derivedKey(job: jobID, name: item.name, attempt: attempts)
        }
        guard
            record(
                BulkJournalEntry(
                    step: .attempt, name: item.name, line: item.line, at: provisioner.timeSource.date(),
                    key: key?.rawValue, attempt: attempts))
        else { return }
        await create(item, key: key)
    }

    /// The idempotency key of a name's attempt: `bulk-` and the SHA-256 of the job id, the name
    /// and the attempt number, in hexadecimal.
    static func derivedKey(job: String, name: String, attempt: Int) -> IdempotencyKey {
        let digest = HMACSHA256.digest(Data("sendingdomains-bulk\n\(job)\n\(name)\n\(attempt)".utf8))
        let hex = digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        return IdempotencyKey(unchecked: "bulk-" + hex)
    }

    /// Sends the create (its attempt is journaled) and records the outcome.
    private func create(_ item: Work, key: IdempotencyKey?) async {
        var request = template
        request.name = item.name
        request.idempotencyKey = key
        do {
            let domain = try await provisioner.createDomain(request)
            if record(
                BulkJournalEntry(
                    step: .created, name: item.name, line: item.line, at: provisioner.timeSource.date(), id: domain.id,
                    records: domain.records))
            {
                settle(item.name, .created, live: true)
            }
        } catch  where error.kind == .conflict {
            await resolveConflict(item, error)
        } catch {
            if Self.mayHaveReachedProvider(error) {
                // The attempt stays pending in the journal: the next run reconciles it.
                settle(item.name, .uncertain, live: true)
                return
            }
            if error.kind == .authentication || error.kind == .permission { halt(error) }
            let retryable =
                error.kind == .rateLimited || (error.transportFailure?.requestNeverSent ?? false)
                || error.kind == .authentication || error.kind == .permission
            fail(item, error, retryable: retryable)
        }
    }

    /// "Exists": the account's own domain is `existing`; another account's is failed.
    private func resolveConflict(_ item: Work, _ conflict: SendingDomainsError) async {
        guard provisioner.capabilities.supports(.find) else {
            fail(item, conflict, retryable: false)
            return
        }
        do {
            let domain = try await provisioner.findDomain(named: item.name)
            if record(
                BulkJournalEntry(
                    step: .existing, name: item.name, line: item.line, at: provisioner.timeSource.date(),
                    id: domain.id, records: domain.records))
            {
                settle(item.name, .existing, live: true)
            }
        } catch  where error.kind == .notFound {
            var taken = conflict
            taken.message =
                "\(item.name) exists at \(provisioner.provider.displayName) but not in this account (another account has it)"
            fail(item, taken, retryable: false)
        } catch {
            fail(item, error, retryable: true)
        }
    }

    private func fail(_ item: Work, _ error: SendingDomainsError, retryable: Bool) {
        let failure = BulkJournalEntry.Failure(kind: error.kind.rawValue, message: error.message)
        if record(
            BulkJournalEntry(
                step: .failed, name: item.name, line: item.line, at: provisioner.timeSource.date(), error: failure,
                retryable: retryable))
        {
            settle(item.name, .failed(failure, retryable: retryable), live: true)
        }
    }

    /// Whether a failed create may have been processed: a timeout, a connection lost after
    /// sending, a server error, a cancelled call, a key still in progress.
    static func mayHaveReachedProvider(_ error: SendingDomainsError) -> Bool {
        switch error.kind {
        case .timeout, .server, .cancelled, .idempotencyInProgress: true
        case .transport: !(error.transportFailure?.requestNeverSent ?? false) && error.transportFailure != .redirected
        default: false
        }
    }
}

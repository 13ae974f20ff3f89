import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A provisioner over a simulator, without retries or a rate limit, on a virtual clock, counting
/// the creates that reach the simulator and the most requests in flight at once.
struct BulkSandbox {
    let simulator: ProviderSimulator
    let mock: MockTransport
    let clock: VirtualClock
    let provisioner: any DomainProvisioning
    let inFlight = Locked((now: 0, most: 0))

    init(
        _ provider: ProviderID, latency: Bool = false,
        intercept: @escaping @Sendable (TransportRequest) -> TransportResponse? = { _ in nil }
    ) {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let simulator = ProviderSimulator.sandbox(for: provider, now: clock.timeSource.date)
        let inFlight = self.inFlight
        let mock = MockTransport { request in
            inFlight.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            defer { inFlight.withLock { $0.now -= 1 } }
            if latency { await Task.yield() }
            if let answer = intercept(request) { return answer }
            return try await simulator.send(request)
        }
        self.simulator = simulator
        self.mock = mock
        self.clock = clock
        provisioner = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: provider),
            options: ClientOptions(
                transport: mock, retryPolicy: .disabled, rateLimiting: .disabled, timeSource: clock.timeSource))
    }

    /// The create options `provider` requires.
    var template: DomainRequest {
        var request = DomainRequest(name: "")
        if provisioner.capabilities.requiredOptions.contains(.region) { request.region = "us-east-1" }
        return request
    }

    /// The creates (POSTs to a domains collection) sent so far.
    var creates: [TransportRequest] {
        mock.requests.filter { $0.method == .post && ($0.path.last == "domains" || $0.path.last == "generate") }
    }

    func job(_ names: [String], journal: any BulkJournal, concurrency: Int = 4) throws -> BulkCreateJob {
        try BulkCreateJob(
            provisioner: provisioner, entries: names.enumerated().map { BulkEntry(name: $1, line: $0 + 1) },
            template: template, journal: journal, options: .init(concurrency: concurrency))
    }
}

/// A provisioner answering every create at once, in memory, counting creates per name and the
/// most in flight: the job's own cost, without a provider's.
struct InstantProvisioner: DomainProvisioning {
    let state = Locked((created: [String: Int](), now: 0, most: 0))
    var provider: ProviderID { .krafter }
    var capabilities: ProviderCapabilities { KrafterProvisioner.capabilities }
    var timeSource: TimeSource { .system }

    func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        state.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
            $0.created[request.name, default: 0] += 1
        }
        await Task.yield()
        state.withLock { $0.now -= 1 }
        return SendingDomain(
            id: request.name, name: request.name, provider: provider, status: .pending,
            records: [
                DNSRecord(type: .txt, name: "_v.\(request.name)", domain: request.name, value: "v", purpose: .other)
            ],
            providerDomain: .cllavio(.init(name: request.name, entries: [:])))
    }

    func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        throw SendingDomainsError(kind: .notFound, message: "no \(id)")
    }

    func listDomains() -> DomainList { .failing(.unsupported("list", provider: provider)) }

    func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        throw .unsupported("verify", provider: provider)
    }

    func deleteDomain(id: String) async throws(SendingDomainsError) { throw .unsupported("delete", provider: provider) }
}

/// A journal file in a fresh temporary folder.
func temporaryJournal() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("names.journal").path
}

/// Every entry of the journal at `path`.
func journalEntries(_ path: String) throws -> [BulkJournalEntry] {
    let journal = try JSONLinesJournal(path: path)
    defer { journal.close() }
    var entries: [BulkJournalEntry] = []
    try journal.replay { entries.append($0) }
    return entries
}

@Suite("Bulk onboarding", .serialized)
struct BulkCreateTests {
    @Test("creates every name once, keeps each domain's records in the journal")
    func createsAll() async throws {
        let sandbox = BulkSandbox(.krafter)
        let path = temporaryJournal()
        let journal = try JSONLinesJournal(path: path)
        let job = try sandbox.job(["a.example", "b.example", "A.example.", "c.example"], journal: journal)
        let progress = Task { () -> [BulkProgress] in
            var seen: [BulkProgress] = []
            for await step in job.progress { seen.append(step) }
            return seen
        }
        let summary = try await job.run()
        journal.close()
        #expect(summary.total == 3)
        #expect(summary.created == 3)
        #expect(summary.succeeded)
        #expect(summary.duplicates == [BulkEntry(name: "a.example", line: 3)])
        #expect(sandbox.creates.count == 3)
        let last = await progress.value.last
        #expect(last?.done == 3 && last?.total == 3 && last?.failed == 0)
        let created = try journalEntries(path).filter { $0.step == .created }
        #expect(Set(created.compactMap(\.name)) == ["a.example", "b.example", "c.example"])
        #expect(created.allSatisfy { !($0.records ?? []).isEmpty })
    }

    @Test("each create waits for the provisioner's rate limiter")
    func paced() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let simulator = ProviderSimulator.autoSend(now: clock.timeSource.date)
        let provisioner = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .autoSend),
            options: ClientOptions(
                transport: simulator, retryPolicy: .disabled, rateLimiting: .custom(RateLimit(rate: 10, burst: 1)),
                timeSource: clock.timeSource))
        let journal = try JSONLinesJournal(path: temporaryJournal())
        defer { journal.close() }
        let job = try BulkCreateJob(
            provisioner: provisioner, requests: (1...21).map { DomainRequest(name: "p\($0).example") },
            journal: journal)
        let summary = try await job.run()
        #expect(summary.created == 21)
        // 20 creates beyond the burst of one, at 10 a second: at least 2 s of waiting.
        #expect(clock.now >= .seconds(2), "\(clock.sleeps)")
        #expect(clock.sleeps.count >= 20)
    }

    @Test("an invalid name fails with its line and is never sent; the valid ones go ahead")
    func invalidNames() async throws {
        let sandbox = BulkSandbox(.autoSend)
        let journal = try JSONLinesJournal(path: temporaryJournal())
        defer { journal.close() }
        let entries = try BulkInput.parse(
            Data("good.example\n# comment\n\nbad name!\nhttps://x.example\nok.example\n".utf8))
        let job = try BulkCreateJob(provisioner: sandbox.provisioner, entries: entries, journal: journal)
        let summary = try await job.run()
        #expect(summary.created == 2)
        #expect(summary.failed.map(\.line) == [4, 5])
        #expect(summary.failed.allSatisfy { $0.error.kind == "validation" })
        #expect(sandbox.creates.count == 2)
        #expect(!summary.succeeded)
    }

    @Test("input: a JSON array numbers by index; an empty input is refused")
    func input() throws {
        let entries = try BulkInput.parse(Data(#"["a.example", 7, "b.example"]"#.utf8))
        #expect(
            entries == [.init(name: "a.example", line: 1), .init(name: "", line: 2), .init(name: "b.example", line: 3)])
        #expect(throws: SendingDomainsError.self) { try BulkInput.parse(Data("# nothing\n\n".utf8)) }
        #expect(throws: SendingDomainsError.self) { try BulkInput.parse(Data("[]".utf8)) }
    }

    @Test("Cllavio and an idempotency key are refused before anything is sent")
    func refusals() throws {
        let journal = try JSONLinesJournal(path: temporaryJournal())
        defer { journal.close() }
        let cllavio = BulkSandbox(.cllavio)
        let error = #expect(throws: SendingDomainsError.self) {
            try BulkCreateJob(
                provisioner: cllavio.provisioner, entries: [.init(name: "a.example", line: 1)], journal: journal)
        }
        #expect(error?.kind == .unsupportedOperation)
        #expect(error?.message.contains("sender") == true)
        let aha = BulkSandbox(.ahaSend)
        var template = DomainRequest(name: "")
        template.idempotencyKey = try IdempotencyKey("one-key")
        let keyed = #expect(throws: SendingDomainsError.self) {
            try BulkCreateJob(
                provisioner: aha.provisioner, entries: [.init(name: "a.example", line: 1)], template: template,
                journal: journal)
        }
        #expect(keyed?.fieldErrors.first?.field == "idempotencyKey")
    }

    // MARK: - Reconciliation, per provider

    /// Runs a job whose first create's answer is lost, then resumes it.
    func loseThenResume(
        _ provider: ProviderID, advance: Duration = .zero
    ) async throws -> (first: BulkSummary, second: BulkSummary, sandbox: BulkSandbox, path: String) {
        let sandbox = BulkSandbox(provider)
        let path = temporaryJournal()
        await sandbox.simulator.failNext(1, with: .connectionLost)
        let first: BulkSummary
        do {
            let journal = try JSONLinesJournal(path: path)
            defer { journal.close() }
            first = try await sandbox.job(["lost.example"], journal: journal).run()
        }
        sandbox.clock.advance(by: advance)
        let journal = try JSONLinesJournal(path: path)
        defer { journal.close() }
        let second = try await sandbox.job(["lost.example"], journal: journal).run()
        return (first, second, sandbox, path)
    }

    @Test("AhaSend: an uncertain create is sent again with the same idempotency key")
    func ahaSendResend() async throws {
        let (first, second, sandbox, path) = try await loseThenResume(.ahaSend)
        #expect(first.uncertain.map(\.name) == ["lost.example"])
        #expect(second.created == 1 && second.succeeded)
        let keys = sandbox.creates.map { $0.headers["Idempotency-Key"] }
        #expect(keys.count == 2)
        #expect(keys[0] != nil && keys[0] == keys[1])
        // The key was journaled before the first attempt.
        let attempts = try journalEntries(path).filter { $0.step == .attempt }
        #expect(attempts.first?.key == keys[0])
        #expect(await sandbox.simulator.domainNames == ["lost.example"])
    }

    @Test("AhaSend: an uncertain create older than the key's 24 h is reconciled by a get")
    func ahaSendExpiredKey() async throws {
        let (_, second, sandbox, _) = try await loseThenResume(.ahaSend, advance: .seconds(25 * 3600))
        #expect(second.created == 1)
        #expect(sandbox.creates.count == 1)
        #expect(sandbox.mock.requests.last?.method == .get)
    }

    @Test(
        "AutoSend and Krafter: an uncertain create is found by name, not sent again",
        arguments: [ProviderID.autoSend, .krafter])
    func findByName(_ provider: ProviderID) async throws {
        let (first, second, sandbox, path) = try await loseThenResume(provider)
        #expect(first.uncertain.count == 1)
        #expect(second.created == 1 && second.succeeded)
        #expect(sandbox.creates.count == 1)
        #expect(try journalEntries(path).contains { $0.step == .reconcile })
        #expect(await sandbox.simulator.domainNames.count == 1)
    }

    @Test(
        "AutoSend and Krafter: an uncertain create that never arrived is created on resume",
        arguments: [ProviderID.autoSend, .krafter])
    func uncertainNeverArrived(_ provider: ProviderID) async throws {
        let sandbox = BulkSandbox(provider)
        let path = temporaryJournal()
        await sandbox.simulator.failNext(1, with: .timeout)
        // A timeout fault is answered after processing: remove the domain to model a request lost on the way.
        do {
            let journal = try JSONLinesJournal(path: path)
            defer { journal.close() }
            let first = try await sandbox.job(["gone.example"], journal: journal).run()
            #expect(first.uncertain.count == 1)
        }
        if let domain = try? await sandbox.provisioner.findDomain(named: "gone.example") {
            try await sandbox.provisioner.deleteDomain(id: domain.id)
        }
        let journal = try JSONLinesJournal(path: path)
        defer { journal.close() }
        let second = try await sandbox.job(["gone.example"], journal: journal).run()
        #expect(second.created == 1)
        #expect(sandbox.creates.count == 2)
    }

    @Test("SendKit: an uncertain create is reported uncertain and never created blind")
    func sendKitUncertain() async throws {
        let (first, second, sandbox, path) = try await loseThenResume(.sendKit)
        #expect(first.uncertain.map(\.line) == [1])
        #expect(second.uncertain.map(\.name) == ["lost.example"])
        #expect(!second.succeeded)
        #expect(sandbox.creates.count == 1)
        #expect(try journalEntries(path).contains { $0.step == .uncertain })
    }

    @Test("a conflict found in the account is existing", arguments: [ProviderID.autoSend, .krafter, .ahaSend])
    func conflictExisting(_ provider: ProviderID) async throws {
        let sandbox = BulkSandbox(provider)
        _ = try await sandbox.provisioner.createDomain(DomainRequest(name: "had.example"))
        let journal = try JSONLinesJournal(path: temporaryJournal())
        defer { journal.close() }
        let summary = try await sandbox.job(["had.example", "new.example"], journal: journal).run()
        #expect(summary.existing == 1 && summary.created == 1 && summary.succeeded)
    }

    @Test(
        "a conflict not found in the account is failed", arguments: [ProviderID.autoSend, .krafter, .ahaSend, .sendKit])
    func conflictTaken(_ provider: ProviderID) async throws {
        // Another account has the name: the create answers "exists", the account has no such domain.
        let sandbox = BulkSandbox(provider) { request in
            guard request.method == .post else { return nil }
            return TransportResponse.json(409, #"{"message":"Domain already exists","error":"Domain already exists"}"#)
        }
        let journal = try JSONLinesJournal(path: temporaryJournal())
        defer { journal.close() }
        let summary = try await sandbox.job(["taken.example"], journal: journal).run()
        #expect(summary.failed.map(\.name) == ["taken.example"])
        #expect(summary.failed.first?.error.kind == "conflict")
        #expect(sandbox.creates.count == 1)
    }

    // MARK: - The journal

    @Test("a torn last line is cut off on open, before anything is appended")
    func tornLine() async throws {
        let sandbox = BulkSandbox(.krafter)
        let path = temporaryJournal()
        do {
            let journal = try JSONLinesJournal(path: path)
            defer { journal.close() }
            _ = try await sandbox.job(["a.example"], journal: journal).run()
        }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"step":"attempt","name":"b.exa"#.utf8))
        try handle.close()
        let journal = try JSONLinesJournal(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("}\n"))
        let summary = try await sandbox.job(["a.example", "b.example"], journal: journal).run()
        journal.close()
        #expect(summary.created == 2)
        #expect(summary.added == ["b.example"])
        #expect(sandbox.creates.count == 2)
        #expect(try journalEntries(path).count > 0)
    }

    @Test("two runs cannot share one journal")
    func lock() throws {
        let path = temporaryJournal()
        let journal = try JSONLinesJournal(path: path)
        let error = #expect(throws: SendingDomainsError.self) { try JSONLinesJournal(path: path) }
        #expect(error?.kind == .conflict)
        journal.close()
        let again = try JSONLinesJournal(path: path)
        again.close()
    }

    @Test("resuming with other create options is refused; names added and dropped are listed")
    func resumeChecks() async throws {
        let sandbox = BulkSandbox(.krafter)
        let path = temporaryJournal()
        do {
            let journal = try JSONLinesJournal(path: path)
            defer { journal.close() }
            _ = try await sandbox.job(["a.example", "b.example"], journal: journal).run()
        }
        let journal = try JSONLinesJournal(path: path)
        defer { journal.close() }
        var template = DomainRequest(name: "")
        template.returnPathSubdomain = "bounce"
        let mismatch = try BulkCreateJob(
            provisioner: sandbox.provisioner, entries: [.init(name: "a.example", line: 1)], template: template,
            journal: journal)
        let error = await #expect(throws: SendingDomainsError.self) { try await mismatch.run() }
        #expect(error?.code == BulkCreateJob.journalMismatchCode)
        #expect(sandbox.creates.count == 2)
        let summary = try await sandbox.job(["a.example", "c.example"], journal: journal).run()
        #expect(summary.added == ["c.example"])
        #expect(summary.dropped == ["b.example"])
        #expect(summary.total == 2 && summary.created == 2)
        #expect(sandbox.creates.count == 3)
    }

    @Test("cancelled mid-run, then resumed: every domain created once", .timeLimit(.minutes(2)))
    func cancelAndResume() async throws {
        let sandbox = BulkSandbox(.autoSend, latency: true)
        let path = temporaryJournal()
        let names = (1...100).map { "d\($0).example" }
        do {
            let journal = try JSONLinesJournal(path: path)
            defer { journal.close() }
            let job = try sandbox.job(names, journal: journal)
            let run = Task { try await job.run() }
            for await step in job.progress where step.done >= 20 { break }
            run.cancel()
            let summary = try await run.value
            #expect(!summary.isComplete)
        }
        let journal = try JSONLinesJournal(path: path)
        defer { journal.close() }
        let summary = try await sandbox.job(names, journal: journal).run()
        #expect(summary.created == 100)
        let created = await sandbox.simulator.domainNames
        #expect(created.count == 100)
        #expect(Set(created).count == 100)
    }

    @Test("10,000 names: bounded concurrency and progress, every one created once", .timeLimit(.minutes(5)))
    func tenThousand() async throws {
        let provisioner = InstantProvisioner()
        let text = (1...10_000).map { "n\($0).example" }.joined(separator: "\n")
        let entries = try BulkInput.parse(Data(text.utf8))
        let journal = try JSONLinesJournal(path: temporaryJournal(), sync: .onRequest)
        defer { journal.close() }
        let job = try BulkCreateJob(
            provisioner: provisioner, entries: entries, journal: journal, options: .init(concurrency: 8))
        let summary = try await job.run()
        #expect(summary.created == 10_000)
        let counts = provisioner.state.withLock { $0 }
        #expect(counts.most <= 8 && counts.most >= 1)
        #expect(counts.created.count == 10_000 && counts.created.values.allSatisfy { $0 == 1 })
    }
}

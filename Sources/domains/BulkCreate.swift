import AhaSendClient
import AutoSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendingDomains
import SendingDomainsDNS
import SendingDomainsSandbox

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The options `bulk-create` and `migrate` take (each its own parser, so that the shared parser
/// in CommandLine.swift stays as it is).
struct FleetInvocation: SharedOptionValues {
    var json = false
    var verbose = false
    var help = false
    var noSandbox = false
    var dryRun = false
    var baseURL: String?
    var toBaseURL: String?
    var requestTimeout: Double?
    var rateStore: String?
    var journal: String?
    var concurrency: Int?
    var to: ProviderID?
    var request = DomainRequest(name: "")
    var resolvers: [DNSServer] = []
    var doh: String?
    var authoritative = false
    var positional: [String] = []

    var namesResolver: Bool { !resolvers.isEmpty || doh != nil || authoritative }

    /// Parses `arguments`; `allowed` are the command's own options beyond the global ones and
    /// the create options.
    static func parse(_ arguments: [String], allowed: Set<String>, help: String) throws(UsageError) -> FleetInvocation {
        var invocation = FleetInvocation()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func take() throws(UsageError) -> String {
                if let inline { return inline }
                index += 1
                guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                    throw UsageError(message: "\(flag) needs a value", help: help)
                }
                return arguments[index]
            }
            let own = [
                "--journal", "--concurrency", "--to", "--to-base-url", "--dry-run", "--resolver", "--doh",
                "--authoritative",
            ]
            if own.contains(flag) && !allowed.contains(flag) {
                throw UsageError(message: "\(flag) does not apply here", help: help)
            }
            switch flag {
            case "-h", "--help": invocation.help = true
            case "--json": invocation.json = true
            case "--verbose", "-v": invocation.verbose = true
            case "--no-sandbox": invocation.noSandbox = true
            case "--dry-run": invocation.dryRun = true
            case "--base-url": invocation.baseURL = try take()
            case "--to-base-url": invocation.toBaseURL = try take()
            case "--rate-store": invocation.rateStore = try take()
            case "--journal": invocation.journal = try take()
            case "--request-timeout":
                let text = try take()
                guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
                    throw UsageError(message: "--request-timeout takes a positive number of seconds", help: help)
                }
                invocation.requestTimeout = seconds
            case "--concurrency":
                let text = try take()
                guard let count = Int(text), (1...64).contains(count) else {
                    throw UsageError(
                        message: "--concurrency takes a number from 1 to 64, got \"\(Terminal.safe(text))\"", help: help
                    )
                }
                invocation.concurrency = count
            case "--to":
                let text = try take()
                guard let provider = ProviderID(named: text) else {
                    throw UsageError(
                        message: "unknown provider \"\(Terminal.safe(text))\"; use one of \(Help.providers)", help: help
                    )
                }
                invocation.to = provider
            case _ where SharedOptions.all.contains(flag):
                let text = SharedOptions.takingValues.contains(flag) ? try take() : nil
                try SharedOptions.apply(flag, value: text, help: help, to: &invocation)
            case "--idempotency-key":
                throw UsageError(
                    message:
                        "--idempotency-key does not apply to bulk-create: one key for many domains is refused (a 422 at AhaSend); each domain gets a key of its own, derived and kept in the journal",
                    help: help)
            default:
                if argument.hasPrefix("-") && argument.count > 1 {
                    let known = Help.knownOptions + Array(allowed)
                    throw UsageError(
                        message:
                            "unknown option \(Terminal.safe(argument))\(Help.suggestion(for: flag, among: known))",
                        help: help)
                }
                invocation.positional.append(argument)
            }
            index += 1
        }
        if invocation.doh != nil && !invocation.resolvers.isEmpty {
            throw UsageError(message: "use --resolver or --doh, not both", help: help)
        }
        return invocation
    }

    /// `--region` for `region`, and so on: the flag a create option came from.
    static func flag(for field: String) -> String {
        DomainOption.allCases.first { $0.rawValue == field }.map { "--" + Help.flagName($0).split(separator: " ")[0] }
            ?? field
    }
}

/// A provider client for a fleet command: credentials from the environment, else the offline
/// sandbox (the same rules as every other command).
struct FleetConnection {
    let provider: ProviderID
    let provisioner: any DomainProvisioning
    /// The sandbox's simulator, when offline.
    let simulator: ProviderSimulator?
    let store: SandboxStore

    var usesSandbox: Bool { simulator != nil }

    /// Saves the sandbox's state.
    @MainActor func save(json: Bool) async {
        guard let simulator else { return }
        do {
            try await store.save(simulator)
        } catch {
            fail(1, kind: "sandbox", error.message, provider: provider)
        }
    }

    /// What the provider publishes as its limit, paced a little under (3 % and one request of
    /// burst), so that a provider enforcing it exactly answers no 429.
    ///
    /// With `drained`, the burst is one request: a run resumed within a window of the last
    /// (killed) one finds the provider's bucket still spent, so it starts at the rate instead.
    static func pacedLimit(_ provider: ProviderID, drained: Bool = false) -> RateLimit? {
        let published: RateLimit? =
            switch provider {
            case .ahaSend: AhaSend.rateLimit
            case .autoSend: AutoSend.rateLimit
            case .krafter: Krafter.rateLimit
            default: nil
            }
        return published.map { published in
            var limit = SharedBudget.aim(published, margin: 0.03)
            if drained { limit.burst = 1 }
            return limit
        }
    }

    /// Loads and saves the sandbox's state. Not inlined: the release compiler (Swift 6.3.1)
    /// crashes splitting the coroutine when this typed-throws call is inlined into `connect`.
    @inline(never) static func loadSandbox(
        _ store: SandboxStore, _ provider: ProviderID
    ) async -> Result<ProviderSimulator, SandboxStore.Failure> {
        do {
            let simulator = try await store.load(provider)
            try await store.save(simulator)
            return .success(simulator)
        } catch {
            return .failure(error)
        }
    }

    /// Connects to `provider`; exits 2 on a usage error (partial credentials, a bad base URL).
    @MainActor static func connect(
        _ provider: ProviderID, baseURL: String?, invocation: FleetInvocation, environment: [String: String],
        paced: Bool, drained: Bool = false, help: String
    ) async -> FleetConnection {
        let store = SandboxStore(environment: environment)
        let variables = ProviderFactory.environmentVariables[provider] ?? []
        let presence = ProviderFactory.credentialPresence(for: provider, in: environment)
        let refused =
            invocation.noSandbox
            || ["1", "true", "yes"].contains(
                (environment["SENDINGDOMAINS_NO_SANDBOX"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    .lowercased())
        switch presence {
        case .partial(let missing):
            fail(
                2, kind: "usage",
                "\(missing.joined(separator: " and ")) not set: set every \(provider.displayName) credential (\(variables.joined(separator: ", "))), or none of them to use the offline sandbox",
                provider: provider)
        case .none where refused:
            fail(
                2, kind: "usage",
                "\(variables.joined(separator: " and ")) not set, and the offline sandbox is refused: set the \(provider.displayName) credentials",
                provider: provider)
        case .none, .complete:
            break
        }
        var options = ClientOptions.forCommand(
            requestTimeout: invocation.requestTimeout, verbose: invocation.verbose, json: invocation.json,
            rateStore: invocation.rateStore, environment: environment, help: help)
        if paced, options.rateLimiting.store == nil, let limit = pacedLimit(provider, drained: drained) {
            options.rateLimiting = .custom(limit)
        }
        if let baseURL {
            do {
                options.baseURL = try BaseURL(baseURL)
            } catch {
                fail(2, kind: "usage", "base URL \(error.message)", help: help)
            }
        }
        if presence == .complete {
            do {
                return FleetConnection(
                    provider: provider,
                    provisioner: try ProviderFactory.fromEnvironment(
                        provider, environment: environment, options: options),
                    simulator: nil, store: store)
            } catch {
                fail(2, kind: error.kind.rawValue, error.message, provider: provider)
            }
        }
        var simulator: ProviderSimulator?
        if baseURL == nil {
            let loaded: ProviderSimulator
            switch await loadSandbox(store, provider) {
            case .success(let simulator): loaded = simulator
            case .failure(let error): fail(1, kind: "sandbox", error.message, provider: provider)
            }
            simulator = loaded
            options.transport = loaded
            let state = store.file(for: provider).path
            Notice.emit(
                json: invocation.json,
                "domains: no \(variables.joined(separator: " and ")) and no base URL: using the offline \(provider.displayName) sandbox (state in \(state))",
                Notice.Sandbox(provider: provider.rawValue, state: state))
        } else {
            Notice.emit(
                json: invocation.json,
                "domains: no credentials in the environment: sending the sandbox credentials to \(Terminal.safe(baseURL ?? ""))",
                Notice.SandboxCredentials(provider: provider.rawValue, baseURL: baseURL ?? ""))
        }
        return FleetConnection(
            provider: provider,
            provisioner: ProviderFactory.make(ProviderSimulator.sandboxCredentials(for: provider), options: options),
            simulator: simulator, store: store)
    }
}

/// `domains <provider> bulk-create FILE [--journal FILE] [--concurrency N] [create options] [--json]`.
enum BulkCreateCommand {
    static func usage(_ provider: ProviderID) -> String {
        """
        USAGE
          domains \(provider.rawValue) bulk-create FILE [--journal FILE] [--concurrency N] [create options] [--json]
        Run `domains \(provider.rawValue) bulk-create --help` for its options.
        """
    }

    static func help(_ provider: ProviderID) -> String {
        let options = Help.createOptions(provider).filter { !$0.contains("--idempotency-key") }
        return """
            USAGE
              domains \(provider.rawValue) bulk-create FILE [--journal FILE] [--concurrency N] [create options] [--json]

            Creates every domain of FILE — one per line (blank lines and # comments ignored), or a JSON
            array of names — paced a little under \(provider.displayName)'s rate limit (or the --rate-store
            budget). Each step is written to the journal before it is taken: run the same command again
            to resume after a failure, a kill or an interrupt; what is done is skipped and what is
            uncertain is reconciled. The journal keeps each created domain's records.

            BULK OPTIONS
              --journal FILE      the journal (default FILE.journal); one run at a time
              --concurrency N     creates in flight at once, 1–64 (default 4)

            CREATE OPTIONS
            \(options.isEmpty ? "  (none)" : options.joined(separator: "\n"))
              (--idempotency-key is refused: each domain gets a key of its own)

            OPTIONS
            \(Help.globalOptions)

            OUTPUT
              stderr: progress (done/total, rate, ETA, failures); with --json one line
              {"progress": {"done", "total", "rate", "eta", "failed"}} a second at most.
              stdout with --json: {"total", "created", "existing", "failed": [{"name", "line", "error":
              {"kind", "message"}}], "uncertain": [{"name", "line"}]}

            EXIT STATUS
              0 every domain created or existing · 1 any failed or uncertain, or the API failed
              2 usage (also: the journal was written with other create options, or is in use)
              130/143 interrupted (SIGINT/SIGTERM): the journal is flushed; the same command resumes
            """
    }

    struct ProgressJSON: Encodable {
        struct Body: Encodable {
            let done: Int
            let total: Int
            let rate: Double
            let eta: Double?
            let failed: Int

            enum CodingKeys: String, CodingKey { case done, total, rate, eta, failed }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(done, forKey: .done)
                try container.encode(total, forKey: .total)
                try container.encode(rate, forKey: .rate)
                try container.encode(eta, forKey: .eta)
                try container.encode(failed, forKey: .failed)
            }
        }
        let progress: Body

        init(_ step: BulkProgress) {
            progress = Body(
                done: step.done, total: step.total, rate: (step.rate * 10).rounded() / 10,
                eta: step.eta.map { ($0.seconds * 10).rounded() / 10 }, failed: step.failed)
        }
    }

    struct SummaryJSON: Encodable {
        struct Failed: Encodable {
            struct ErrorBody: Encodable {
                let kind: String
                let message: String
            }
            let name: String
            let line: Int
            let error: ErrorBody
        }
        struct Uncertain: Encodable {
            let name: String
            let line: Int
        }
        let total: Int
        let created: Int
        let existing: Int
        let failed: [Failed]
        let uncertain: [Uncertain]

        init(_ summary: BulkSummary) {
            total = summary.total
            created = summary.created
            existing = summary.existing
            failed = summary.failed.map {
                Failed(name: $0.name, line: $0.line, error: .init(kind: $0.error.kind, message: $0.error.message))
            }
            uncertain = summary.uncertain.map { Uncertain(name: $0.name, line: $0.line) }
        }
    }

    /// `{"notice": "names", "added": […], "dropped": […], "duplicates": [{"name", "line"}]}`.
    struct NamesNotice: Encodable {
        let notice = "names"
        let added: [String]
        let dropped: [String]
        let duplicates: [SummaryJSON.Uncertain]
    }

    /// `{"notice": "interrupted", "journal": PATH}`.
    struct Interrupted: Encodable {
        let notice = "interrupted"
        let journal: String
    }

    /// The largest FILE read: 64 MiB (millions of names).
    static let maximumInput = 64 * 1024 * 1024

    static func progressLine(_ step: BulkProgress) -> String {
        let rate = String(format: "%.1f/s", step.rate)
        let eta: String
        if let left = step.eta {
            // Bounded before converting: a huge estimate must not trap.
            let seconds = Int(min(max(left.seconds, 0), 8_640_000).rounded())
            eta = seconds >= 3600 ? "\(seconds / 3600)h\(seconds % 3600 / 60)m" : "\(seconds / 60)m\(seconds % 60)s"
        } else {
            eta = "–"
        }
        return "\(step.done)/\(step.total) · \(rate) · ETA \(eta) · \(step.failed) failed"
    }

    /// Runs the command and exits.
    @MainActor static func run(_ arguments: [String], environment: [String: String]) async -> Never {
        guard let provider = arguments.first.flatMap(ProviderID.init(named:)) else {
            fail(2, kind: "usage", "unknown provider \"\(Terminal.safe(arguments.first ?? ""))\"", help: Help.main)
        }
        let shortHelp = usage(provider)
        let invocation: FleetInvocation
        do {
            invocation = try FleetInvocation.parse(
                Array(arguments.dropFirst(2)), allowed: ["--journal", "--concurrency"], help: shortHelp)
        } catch {
            fail(2, kind: error.kind, error.message, help: error.help)
        }
        if invocation.help {
            Console.out(help(provider))
            exit(0)
        }
        if provider == .cllavio {
            fail(
                2, kind: "usage",
                "bulk-create is not offered at Cllavio: each generate call activates its sender (an address on the domain) and deactivates the previous one, so a bulk run would leave one active sender",
                help: shortHelp, provider: provider)
        }
        guard invocation.positional.count == 1, let file = invocation.positional.first else {
            fail(
                2, kind: "usage",
                invocation.positional.isEmpty
                    ? "bulk-create needs FILE (one domain per line, or a JSON array of names)"
                    : "unexpected argument \"\(Terminal.safe(invocation.positional[1]))\"",
                help: shortHelp, provider: provider)
        }
        let capabilities = ProviderFactory.capabilities[provider] ?? ProviderCapabilities(operations: [], options: [])
        do {
            try invocation.request.check(against: capabilities, provider: provider)
        } catch {
            let field = error.fieldErrors.first?.field ?? "option"
            fail(
                2, kind: "usage",
                "\(FleetInvocation.flag(for: field)) \(error.fieldErrors.first?.message ?? error.message)",
                help: shortHelp, provider: provider)
        }
        let data: Data
        do {
            let handle =
                file == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            data = try handle.read(upToCount: maximumInput + 1) ?? Data()
        } catch {
            fail(2, kind: "usage", "cannot read \(Terminal.safe(file)): \(error.localizedDescription)", help: shortHelp)
        }
        guard data.count <= maximumInput else {
            fail(2, kind: "usage", "\(Terminal.safe(file)) is over 64 MiB: split it into several runs", help: shortHelp)
        }
        let entries: [BulkEntry]
        do {
            entries = try BulkInput.parse(data)
        } catch {
            fail(
                2, kind: "usage", "\(Terminal.safe(file)) \(error.fieldErrors.first?.message ?? error.message)",
                help: shortHelp)
        }
        let journalPath = invocation.journal ?? (file == "-" ? "bulk-create.journal" : file + ".journal")
        // A journal written to within the provider's window: the last run may have spent its bucket.
        var drained = false
        if let limit = FleetConnection.pacedLimit(provider), limit.rate > 0,
            let modified = try? FileManager.default.attributesOfItem(atPath: journalPath)[.modificationDate] as? Date
        {
            drained = Date().timeIntervalSince(modified) < Double(limit.burst + 1) / limit.rate
        }
        let journal: JSONLinesJournal
        do {
            journal = try JSONLinesJournal(path: journalPath)
        } catch {
            fail(2, kind: error.kind == .conflict ? "usage" : error.kind.rawValue, error.message, help: shortHelp)
        }
        let connection = await FleetConnection.connect(
            provider, baseURL: invocation.baseURL, invocation: invocation, environment: environment, paced: true,
            drained: drained, help: shortHelp)
        let job: BulkCreateJob
        do {
            job = try BulkCreateJob(
                provisioner: connection.provisioner, entries: entries, template: invocation.request, journal: journal,
                options: .init(concurrency: invocation.concurrency ?? 4))
        } catch {
            fail(2, kind: "usage", error.message, help: shortHelp, provider: provider)
        }
        let json = invocation.json
        let live = isatty(STDERR_FILENO) == 1 && !json
        let reporter = Task {
            var last: ContinuousClock.Instant?
            var latest: BulkProgress?
            let interval: Duration = live ? .milliseconds(100) : json ? .seconds(1) : .seconds(5)
            for await step in job.progress {
                latest = step
                let now = ContinuousClock.now
                if let last, now - last < interval, step.done < step.total { continue }
                last = now
                if json {
                    Console.err(Render.json(ProgressJSON(step), pretty: false))
                } else if live {
                    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + progressLine(step)).utf8))
                } else {
                    Console.err("domains: " + progressLine(step))
                }
            }
            if live, latest != nil { FileHandle.standardError.write(Data("\n".utf8)) }
        }
        let running = Task { () async throws -> BulkSummary in try await job.run() }
        let signals = StopSignals(cancelling: running)
        let outcome = await running.result
        await reporter.value
        signals.stop()
        journal.close()
        await connection.save(json: json)
        let summary: BulkSummary
        switch outcome {
        case .success(let value): summary = value
        case .failure(let failure):
            let error =
                (failure as? SendingDomainsError)
                ?? SendingDomainsError.wrapping(failure, provider: provider, operation: "bulkCreate")
            let usage = error.code == BulkCreateJob.journalMismatchCode
            if json {
                Console.err(Render.json(Render.ErrorJSON(error, hint: nil), pretty: false))
            } else {
                Console.err("domains: \(Terminal.safe(error.description))")
            }
            exit(usage ? 2 : 1)
        }
        if !summary.added.isEmpty || !summary.dropped.isEmpty || !summary.duplicates.isEmpty {
            Notice.emit(
                json: json,
                "domains: "
                    + [
                        summary.added.isEmpty
                            ? nil
                            : "added since the journal began: \(summary.added.map(Terminal.safe).joined(separator: ", "))",
                        summary.dropped.isEmpty
                            ? nil
                            : "in the journal, no longer in \(Terminal.safe(file)) (left alone): \(summary.dropped.map(Terminal.safe).joined(separator: ", "))",
                        summary.duplicates.isEmpty
                            ? nil
                            : "duplicates created once: \(summary.duplicates.map { "\(Terminal.safe($0.name)) (line \($0.line))" }.joined(separator: ", "))",
                    ].compactMap { $0 }.joined(separator: "; "),
                NamesNotice(
                    added: summary.added, dropped: summary.dropped,
                    duplicates: summary.duplicates.map { .init(name: $0.name, line: $0.line) }))
        }
        if json {
            Console.out(Render.json(SummaryJSON(summary), pretty: false))
        } else {
            var lines = [
                "\(summary.total) domain\(summary.total == 1 ? "" : "s"): \(summary.created) created, \(summary.existing) existing, \(summary.failed.count) failed, \(summary.uncertain.count) uncertain."
            ]
            for failure in summary.failed {
                lines.append(
                    "  failed    line \(failure.line)  \(Terminal.safe(failure.name))  \(Terminal.safe(failure.error.message))"
                )
            }
            for entry in summary.uncertain {
                lines.append(
                    "  uncertain line \(entry.line)  \(Terminal.safe(entry.name))"
                        + (capabilities.supports(.find) || capabilities.idempotentCreate
                            ? "  (run again to reconcile)" : "  (check the \(provider.displayName) dashboard)"))
            }
            lines.append("Records of each created domain: \(Terminal.safe(journalPath))")
            Console.out(lines.joined(separator: "\n"))
        }
        if let signalNumber = signals.received {
            Notice.emit(
                json: json, "domains: interrupted; the journal is flushed: run the same command to resume",
                Interrupted(journal: journalPath))
            exit(128 + signalNumber)
        }
        exit(summary.succeeded ? 0 : 1)
    }
}

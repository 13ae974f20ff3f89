// domains: onboard sending domains from the command line, at any of the five providers.
//
//     swift run domains ahasend create example.com        # offline sandbox, no account needed
//     AHASEND_API_KEY=… AHASEND_ACCOUNT_ID=… swift run domains ahasend create example.com
//
// Exit status: 0 success, 1 an API, network, DNS or sandbox-state failure, 2 a usage error,
// 3 `check`: at least one required record is missing, wrong or in conflict (1 when nothing is
// wrong but DNS could not say for a required record: the report is still printed).
// Docs/CLI.md documents every command, option, JSON shape and exit status.

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsRedis
import SendingDomainsSandbox
import SendingDomainsServing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A parent may have spawned this process with signals blocked (a test runner's thread mask is
// inherited): `watch` and `webhook listen` must still stop when interrupted or terminated.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&stopSignals, signal) }
pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)

let arguments = Array(CommandLine.arguments.dropFirst())
let wantsJSON = arguments.contains("--json")

/// Prints a failure — as one JSON object with `--json` — and exits with `status`.
func fail(_ status: Int32, kind: String, _ message: String, help: String? = nil, provider: ProviderID? = nil) -> Never {
    if wantsJSON {
        Console.err(Render.json(Render.ErrorJSON(kind: kind, message: message, provider: provider), pretty: false))
    } else {
        Console.err("domains: \(Terminal.safe(message))" + (help.map { "\n\n" + $0 } ?? ""))
    }
    exit(status)
}

// The fleet commands parse their own options (Sources/domains/BulkCreate.swift, Migrate.swift).
if arguments.first == "migrate" {
    await MigrateCommand.run(Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
}
if arguments.count > 1, arguments[1] == "bulk-create" {
    await BulkCreateCommand.run(arguments, environment: ProcessInfo.processInfo.environment)
}

let invocation: Invocation
do {
    invocation = try Parser.parse(arguments)
} catch {
    fail(2, kind: error.kind, error.message, help: error.help)
}

if invocation.help {
    switch invocation.target {
    case .provider(let provider, let command?): Console.out(Help.command(command, provider: provider))
    case .provider(let provider, nil): Console.out(Help.provider(provider))
    case .sandboxReset: Console.out(Help.sandbox)
    case .checkRecords: Console.out(Help.checkRecords)
    case nil: Console.out(arguments.first == "sandbox" ? Help.sandbox : Help.main)
    }
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
let store = SandboxStore(environment: environment)

if case .sandboxReset(let only) = invocation.target {
    let providers = only.map { [$0] } ?? ProviderID.all
    do {
        let removed = try store.reset(providers)
        if invocation.json {
            Console.out(Render.json(["reset": removed.map(\.rawValue)], pretty: false))
        } else if removed.isEmpty {
            Console.out("The sandbox in \(store.folder.path) holds nothing to reset.")
        } else {
            Console.out(
                "Reset the \(removed.map(\.displayName).joined(separator: ", ")) sandbox (\(store.folder.path)).")
        }
        exit(0)
    } catch {
        fail(1, kind: "sandbox", error.message)
    }
}

/// Where DNS lookups go: the servers or endpoint named on the command line, the sandbox's zone,
/// or the system's resolvers; `--authoritative` then asks `domain`'s own name servers.
func dnsLookup(sandboxZone: DNSZone?, domain: String) async throws(SendingDomainsError) -> any DNSLookup {
    if let zone = sandboxZone, !invocation.namesResolver { return zone }
    var resolver: DNSResolver
    if let doh = invocation.doh {
        resolver = try DNSResolver(dnsOverHTTPS: doh)
    } else if !invocation.resolvers.isEmpty {
        resolver = DNSResolver(servers: invocation.resolvers)
    } else {
        resolver = try DNSResolver.system()
    }
    if invocation.authoritative { resolver = try await resolver.authoritative(for: domain) }
    return resolver
}

/// Prints a preflight report and exits: 0 ready, 3 not, 1 when nothing is known to be wrong but
/// DNS could not say for a required record (`unknown`).
func finish(_ report: PreflightReport, sandbox: Bool) -> Never {
    Console.out(
        invocation.json ? Render.json(Render.ReportJSON(report: report, sandbox: sandbox)) : Render.preflight(report))
    exit(report.ready ? 0 : report.isConclusive ? 3 : 1)
}

if case .checkRecords = invocation.target {
    let (records, domain): ([DNSRecord], String)
    do {
        (records, domain) = try RecordsFile.read(invocation.recordsFile ?? "-")
    } catch {
        fail(1, kind: "validation", error.message)
    }
    do {
        let lookup = try await dnsLookup(sandboxZone: nil, domain: domain)
        var preflight = DNSPreflight(lookup: lookup)
        preflight.dnsHost = HostOptions.chosen(invocation, domain: domain)
        finish(try await preflight.check(records, domain: domain), sandbox: false)
    } catch {
        if invocation.json {
            Console.err(Render.json(Render.ErrorJSON(error, hint: nil), pretty: false))
        } else {
            Console.err("domains: \(Terminal.safe(error.description))")
        }
        exit(1)
    }
}

guard let provider = invocation.provider, let command = invocation.command else { exit(2) }

if command == .webhook {
    WebhookCommand.run(invocation, environment: environment)
}

// The sandbox is used only when none of the provider's credential variables is set and no
// --base-url is given: a misspelt variable must never turn a real provisioning run into a fake one.
let variables = ProviderFactory.environmentVariables[provider] ?? []
let presence = ProviderFactory.credentialPresence(for: provider, in: environment)
let sandboxRefused =
    invocation.noSandbox
    || ["1", "true", "yes"].contains(
        (environment["SENDINGDOMAINS_NO_SANDBOX"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
switch presence {
case .partial(let missing):
    fail(
        2, kind: "usage",
        "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set, but \(variables.filter { !missing.contains($0) }.joined(separator: " and ")) \(variables.count - missing.count == 1 ? "is" : "are"): set every \(provider.displayName) credential (\(variables.joined(separator: ", "))), or none of them to use the offline sandbox",
        provider: provider)
case .none where sandboxRefused:
    let reason = invocation.noSandbox ? "--no-sandbox" : "SENDINGDOMAINS_NO_SANDBOX"
    fail(
        2, kind: "usage",
        "\(variables.joined(separator: " and ")) \(variables.count == 1 ? "is" : "are") not set, and \(reason) refuses the offline sandbox: set the \(provider.displayName) credentials",
        provider: provider)
case .none, .complete:
    break
}
let usesSandbox = presence == .none && invocation.baseURL == nil

if command == .publish, !usesSandbox {
    fail(
        2, kind: "usage",
        "publish writes to the offline sandbox's DNS zone; with a real account, publish the records at your DNS host",
        help: Help.short(provider: provider, command: .publish), provider: provider)
}

var options = ClientOptions.forCommand(
    requestTimeout: invocation.requestTimeout, verbose: invocation.verbose, json: invocation.json,
    rateStore: invocation.rateStore, environment: environment, help: Help.main)
if let base = invocation.baseURL {
    do {
        options.baseURL = try BaseURL(base)
    } catch {
        fail(2, kind: "usage", "--base-url \(error.message)", help: Help.short(provider: provider, command: command))
    }
}

if command == .create {
    var request = invocation.request
    request.name = invocation.argument ?? ""
    let capabilities = ProviderFactory.capabilities[provider] ?? ProviderCapabilities(operations: [], options: [])
    do {
        try request.check(against: capabilities, provider: provider)
    } catch {
        let field = error.fieldErrors.first?.field ?? "option"
        let option =
            DomainOption.allCases.first { $0.rawValue == field }.map {
                "--" + Help.flagName($0).split(separator: " ")[0]
            }
            ?? field
        fail(
            2, kind: "usage", "\(option) \(error.fieldErrors.first?.message ?? error.message)",
            help: Help.short(provider: provider, command: .create), provider: provider)
    }
}

/// The sandbox simulator, when running offline.
var sandbox: ProviderSimulator?

let provisioner: any DomainProvisioning
do {
    if presence == .complete {
        provisioner = try ProviderFactory.fromEnvironment(provider, environment: environment, options: options)
    } else {
        if usesSandbox {
            let simulator: ProviderSimulator
            do {
                simulator = try await store.load(provider)
                try await store.save(simulator)  // fail now, before any change, if it cannot be saved
            } catch {
                fail(1, kind: "sandbox", error.message, provider: provider)
            }
            sandbox = simulator
            options.transport = simulator
            let state = store.file(for: provider).path
            Notice.emit(
                json: invocation.json,
                "domains: no \(variables.joined(separator: " and ")) and no --base-url: using the offline \(provider.displayName) sandbox (state in \(state))",
                Notice.Sandbox(provider: provider.rawValue, state: state))
        } else {
            let base = invocation.baseURL ?? ""
            Notice.emit(
                json: invocation.json,
                "domains: no credentials in the environment: sending the sandbox credentials to \(Terminal.safe(base))",
                Notice.SandboxCredentials(provider: provider.rawValue, baseURL: base))
        }
        provisioner = ProviderFactory.make(ProviderSimulator.sandboxCredentials(for: provider), options: options)
    }
} catch {
    report(error)
    exit(1)
}

/// Prints an API failure, with what to do next in sandbox mode.
@MainActor func report(_ error: SendingDomainsError) {
    var hint: String?
    let capabilities = ProviderFactory.capabilities[provider]
    if command == .create, error.kind == .timeout || error.transportFailure == .connectionLost,
        capabilities?.idempotentCreate == false
    {
        hint =
            "\(provider.displayName) has no idempotency keys, so the create may have succeeded: "
            + (Help.offered(provider).contains(.find)
                ? "run `domains \(provider.rawValue) find \(Terminal.safe(invocation.argument ?? "<name>"))` before creating it again."
                : "check the provider's dashboard before creating it again.")
    }
    if error.kind == .conflict, command == .create {
        let offered = Help.offered(provider)
        let find =
            offered.contains(.find)
            ? "`domains \(provider.rawValue) find \(Terminal.safe(invocation.argument ?? "<name>"))` shows it"
            : "\(provider.displayName) has no read endpoint: its dashboard shows it"
        hint =
            sandbox == nil
            ? "It already exists: \(find)."
            : "It is already in the offline sandbox: \(find), or `domains sandbox reset \(provider.rawValue)` starts afresh."
    }
    if invocation.json {
        Console.err(Render.json(Render.ErrorJSON(error, hint: hint), pretty: false))
    } else {
        Console.err("domains: \(Terminal.safe(error.description))" + (hint.map { "\n" + $0 } ?? ""))
    }
}

/// The sandbox's DNS zone for this provider.
@MainActor func loadSandboxZone() throws(SendingDomainsError) -> DNSZone {
    do {
        return try store.loadZone(provider)
    } catch {
        fail(1, kind: "sandbox", error.message, provider: provider)
    }
}

/// Saves the simulator's state (before `finish` exits).
@MainActor func saveSandbox() async throws(SendingDomainsError) {
    guard let sandbox else { return }
    do {
        try await store.save(sandbox)
    } catch {
        fail(1, kind: "sandbox", error.message, provider: provider)
    }
}

/// Prints the watcher's events until it ends or SIGINT/SIGTERM arrives. A signal ends the watch
/// gracefully, as a ServiceLifecycle service would: the iteration is cancelled (a coordinated
/// watch releases its lease, so a standby takes over at once), then the process exits 130 or 143.
@MainActor func watchUntilStopped(_ watcher: DomainWatcher) async throws(SendingDomainsError) {
    let json = invocation.json
    let inSandbox = usesSandbox
    let watching = Task {
        for try await event in watcher.events() {
            Console.out(
                json ? Render.json(Render.EventJSON(event, sandbox: inSandbox), pretty: false) : Render.event(event))
        }
    }
    let signals = StopSignals(cancelling: watching)
    let outcome = await watching.result
    signals.stop()
    if let signalNumber = signals.received {
        try await saveSandbox()
        exit(128 + signalNumber)
    }
    guard case .failure(let failure) = outcome else { return }
    throw (failure as? SendingDomainsError) ?? SendingDomainsError.wrapping(failure, provider: provider, operation: nil)
}

let id = invocation.argument ?? ""
var status: Int32 = 0
do {
    switch command {
    case .create:
        var request = invocation.request
        request.name = id
        let domain = try await provisioner.createDomain(request)
        Console.out(
            invocation.json ? Render.json(Render.DomainJSON(domain, sandbox: usesSandbox)) : Render.summary(domain))
    case .list:
        let domains = try await provisioner.listDomains().collect()
        Console.out(
            invocation.json
                ? Render.json(domains.map { Render.DomainJSON($0, sandbox: usesSandbox) }) : Render.list(domains))
    case .find:
        let domain = try await provisioner.findDomain(named: id)
        Console.out(
            invocation.json ? Render.json(Render.DomainJSON(domain, sandbox: usesSandbox)) : Render.summary(domain))
    case .get:
        let domain = try await provisioner.getDomain(id: id)
        Console.out(
            invocation.json ? Render.json(Render.DomainJSON(domain, sandbox: usesSandbox)) : Render.summary(domain))
    case .verify:
        let domain = try await provisioner.verifyDomain(id: id)
        Console.out(
            invocation.json ? Render.json(Render.DomainJSON(domain, sandbox: usesSandbox)) : Render.summary(domain))
    case .delete:
        try await provisioner.deleteDomain(id: id)
        Console.out(invocation.json ? Render.json(["deleted": id]) : "Deleted \(Terminal.safe(id)).")
    case .records:
        let domain = try await provisioner.getDomain(id: id)
        let records = domain.records ?? []
        var host = HostOptions.chosen(invocation, domain: domain.name)
        if invocation.detectHost {
            let zone = try sandbox.map { _ throws(SendingDomainsError) in try loadSandboxZone() }
            let lookup = try await dnsLookup(sandboxZone: zone, domain: domain.name)
            host = try await DNSHost.detect(domain.name, lookup: lookup)
        }
        if let host, invocation.format != .zone || invocation.json {
            if invocation.json { Console.err(Render.json(HostOptions.Notice(dnsHost: host), pretty: false)) }
            Console.out(HostOptions.render(records, host: host, json: invocation.json || invocation.format == .json))
            break
        }
        switch invocation.json ? .json : invocation.format {
        case .json: Console.out(RecordExport.json(records))
        case .zone: Console.out(RecordExport.zoneFile(records.map(Render.safe), origin: Terminal.safe(domain.name)))
        default: Console.out(Render.table(records))
        }
    case .check:
        let domain = try await provisioner.getDomain(id: id)
        let zone = try sandbox.map { _ throws(SendingDomainsError) in try loadSandboxZone() }
        let lookup = try await dnsLookup(sandboxZone: zone, domain: domain.name)
        var preflight = DNSPreflight(lookup: lookup)
        preflight.dnsHost = HostOptions.chosen(invocation, domain: domain.name)
        let report = try await preflight.check(domain)
        try await saveSandbox()
        finish(report, sandbox: usesSandbox)
    case .publish:
        let domain = try await provisioner.getDomain(id: id)
        var zone = try loadSandboxZone()
        for record in domain.records ?? [] { zone.remove(record.name, record.type) }
        zone.publish(domain.records ?? [])
        do {
            try store.saveZone(zone, for: provider)
        } catch {
            fail(1, kind: "sandbox", error.message, provider: provider)
        }
        await sandbox?.publishRecords(for: domain.name)
        let count = domain.records?.count ?? 0
        Console.out(
            invocation.json
                ? Render.json(["published": domain.name], pretty: false)
                : "Published \(count) record\(count == 1 ? "" : "s") of \(Terminal.safe(domain.name)) in the \(provider.displayName) sandbox's DNS zone."
        )
    case .watch:
        var domains: [SendingDomain] = []
        for id in invocation.arguments { domains.append(try await provisioner.getDomain(id: id)) }
        // --interval: how often a changing domain is checked; a stable one, 15 times less often
        // (at most every 15 minutes).
        let interval = Duration.clampedSeconds(invocation.interval ?? 60) ?? .seconds(60)
        var watchOptions = DomainWatcher.Options(
            changingInterval: interval, stableInterval: max(interval, min(interval * 15, .seconds(900))))
        var watched = provisioner
        if sandbox != nil {
            // Another process's `publish` and `verify` change the sandbox while this one watches.
            try await saveSandbox()
            var reloading = options
            reloading.transport = ReloadingSandboxTransport(store: store, provider: provider)
            watched = ProviderFactory.make(ProviderSimulator.sandboxCredentials(for: provider), options: reloading)
            if !invocation.namesResolver {
                watchOptions.preflight = DNSPreflight(lookup: ReloadingSandboxZone(store: store, provider: provider))
            }
        }
        if invocation.namesResolver {
            watchOptions.preflight = DNSPreflight(
                lookup: try await dnsLookup(sandboxZone: nil, domain: domains.first?.name ?? ""))
        }
        // The DNS states now are the baseline: a change from here on is reported.
        var reports: [PreflightReport] = []
        if let preflight = watchOptions.preflight {
            for domain in domains { if let report = try? await preflight.check(domain) { reports.append(report) } }
        }
        if let url = invocation.coordinate, let name = invocation.watchName {
            let json = invocation.json
            let coordinator = RedisLeaseCoordinator(try RedisConfiguration(url: url, environment: environment))
            watchOptions.coordination = DomainWatcher.Coordination(
                coordinator: coordinator, name: name,
                lease: Duration.clampedSeconds(invocation.lease ?? 15) ?? .seconds(15)
            ) { change in
                Notice.emit(
                    json: json, "domains: \(change.role) (\(Terminal.safe(name))): \(Terminal.safe(change.reason))",
                    Notice.WatchRole(watch: change.role.rawValue, name: name, reason: change.reason))
            }
        }
        let watcher = DomainWatcher(
            providers: [watched], snapshot: WatchSnapshot(domains: domains, preflight: reports), options: watchOptions)
        Notice.emit(
            json: invocation.json,
            "domains: watching \(domains.count) domain\(domains.count == 1 ? "" : "s") at \(provider.displayName); interrupt to stop",
            Notice.Watching(provider: provider.rawValue, domains: domains.count))
        try await watchUntilStopped(watcher)
    case .webhook:
        break
    case .connectTemplate, .connect:
        let zone = try sandbox.map { _ throws(SendingDomainsError) in try loadSandboxZone() }
        status = try await ConnectCommand.run(
            invocation, provisioner: provisioner,
            lookup: { domain throws(SendingDomainsError) in try await dnsLookup(sandboxZone: zone, domain: domain) },
            environment: environment)
    case .wait:
        let policy = PollingPolicy(
            initialInterval: Duration.clampedSeconds(invocation.interval ?? 5) ?? .seconds(5),
            maximumInterval: .seconds(max(60, invocation.interval ?? 5)))
        var preflight: DNSPreflight?
        if sandbox != nil || invocation.namesResolver {
            let zone = try sandbox.map { _ throws(SendingDomainsError) in try loadSandboxZone() }
            // `--authoritative` needs the domain's name to find its zone's servers, sandbox or not.
            let name = invocation.namesResolver ? try await provisioner.getDomain(id: id).name : ""
            preflight = DNSPreflight(lookup: try await dnsLookup(sandboxZone: zone, domain: name))
        }
        let domain = try await provisioner.waitUntilVerified(
            id: id, timeout: Duration.clampedSeconds(invocation.timeout) ?? .seconds(600), policy: policy,
            preflight: preflight
        ) { progress in
            Notice.emit(json: invocation.json, Render.progress(progress), Notice.WaitProgress(progress))
        }
        Console.out(
            invocation.json ? Render.json(Render.DomainJSON(domain, sandbox: usesSandbox)) : Render.summary(domain))
        if domain.status == .failed {
            let message =
                "verification of \(domain.name) failed: check the records and publish them exactly (`domains \(provider.rawValue) check \(id)` says which is wrong)"
            if invocation.json {
                Console.err(
                    Render.json(
                        Render.ErrorJSON(kind: "verificationFailed", message: message, provider: provider),
                        pretty: false))
            } else {
                Console.err("domains: \(Terminal.safe(message))")
            }
            status = 1
        }
    }
} catch {
    report(error)
    status = 1
}
if let sandbox {
    do {
        try await store.save(sandbox)
    } catch {
        fail(1, kind: "sandbox", error.message, provider: provider)
    }
}
exit(status)

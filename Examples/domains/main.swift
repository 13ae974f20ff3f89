// domains: onboard sending domains from the command line, at any of the five providers.
//
//     swift run domains ahasend create example.com        # offline sandbox, no account needed
//     AHASEND_API_KEY=… AHASEND_ACCOUNT_ID=… swift run domains ahasend create example.com
//
// Exit status: 0 success, 1 an API or network failure, 2 a usage error.

import Foundation
import SendingDomains
import SendingDomainsTesting

let invocation: Invocation
do {
    invocation = try Parser.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    Console.err("domains: \(error.message)\n\n\(error.help)")
    exit(2)
}

if invocation.help {
    if let provider = invocation.provider, let command = invocation.command {
        Console.out(Help.command(command, provider: provider))
    } else {
        Console.out(invocation.provider.map(Help.provider) ?? Help.main)
    }
    exit(0)
}

guard let provider = invocation.provider, let command = invocation.command else { exit(2) }

let environment = ProcessInfo.processInfo.environment
var options = ClientOptions()
if invocation.verbose {
    options.logger = LogSink(minimumLevel: .debug) { event in Console.err("domains: \(event)") }
}
if let base = invocation.baseURL {
    do {
        options.baseURL = try BaseURL(base)
    } catch {
        Console.err("domains: \(error.message)\n\n\(Help.main)")
        exit(2)
    }
}

/// The sandbox's saved state, when running offline.
var sandbox: (simulator: ProviderSimulator, file: URL)?

let provisioner: any DomainProvisioning
do {
    if ProviderFactory.hasCredentials(for: provider, in: environment) {
        provisioner = try ProviderFactory.fromEnvironment(provider, environment: environment, options: options)
    } else {
        let credentials = ProviderSimulator.sandboxCredentials(for: provider)
        if invocation.baseURL == nil {
            let folder =
                environment["SENDINGDOMAINS_SANDBOX_DIR"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("sendingdomains-sandbox")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("\(provider.rawValue).json")
            let simulator = ProviderSimulator.sandbox(for: provider)
            if let saved = try? Data(contentsOf: file) {
                do {
                    try await simulator.importState(saved)
                } catch {
                    Console.err("domains: ignoring unreadable sandbox state at \(file.path)")
                }
            }
            sandbox = (simulator, file)
            options.transport = simulator
            let variables = (ProviderFactory.environmentVariables[provider] ?? []).joined(separator: " and ")
            Console.err(
                "domains: no \(variables) and no --base-url: using the offline \(provider.displayName) sandbox (state in \(file.path))"
            )
        } else {
            Console.err(
                "domains: no credentials in the environment: sending the sandbox credentials to \(invocation.baseURL ?? "")"
            )
        }
        provisioner = try ProviderFactory.make(provider, credentials: credentials, options: options)
    }
} catch {
    Console.err("domains: \(error.description)")
    exit(1)
}

@MainActor func saveSandbox() async {
    guard let sandbox else { return }
    let state = await sandbox.simulator.exportState()
    try? state.write(to: sandbox.file, options: .atomic)
}

let id = invocation.argument ?? ""
var status: Int32 = 0
do {
    switch command {
    case .create:
        var request = invocation.request
        request.domain = id
        do {
            try request.check(against: provisioner.capabilities, provider: provider)
        } catch {
            let field = error.fieldErrors.first?.field ?? "option"
            let option =
                DomainOption(rawValue: field).map { "--" + Help.flagName($0).split(separator: " ")[0] } ?? field
            Console.err(
                "domains: \(option) \(error.fieldErrors.first?.message ?? error.message)\n\n\(Help.provider(provider))")
            exit(2)
        }
        let domain = try await provisioner.createDomain(request)
        Console.out(invocation.json ? Render.json(Render.DomainJSON(domain)) : Render.summary(domain))
    case .list:
        let domains = try await provisioner.listDomains().collect()
        Console.out(invocation.json ? Render.json(domains.map(Render.DomainJSON.init)) : Render.list(domains))
    case .get:
        let domain = try await provisioner.getDomain(id: id)
        Console.out(invocation.json ? Render.json(Render.DomainJSON(domain)) : Render.summary(domain))
    case .verify:
        let domain = try await provisioner.verifyDomain(id: id)
        Console.out(invocation.json ? Render.json(Render.DomainJSON(domain)) : Render.summary(domain))
    case .delete:
        try await provisioner.deleteDomain(id: id)
        Console.out(invocation.json ? Render.json(["deleted": id]) : "Deleted \(id).")
    case .records:
        let domain = try await provisioner.getDomain(id: id)
        let format = invocation.json ? .json : invocation.format
        Console.out(RecordExport.render(domain.records, as: format, origin: domain.name))
    case .wait:
        let policy = PollingPolicy(
            initialInterval: Duration.clampedSeconds(invocation.interval) ?? .seconds(5),
            maximumInterval: .seconds(max(60, invocation.interval)))
        let domain = try await provisioner.waitUntilVerified(
            id: id, timeout: Duration.clampedSeconds(invocation.timeout) ?? .seconds(600), policy: policy
        ) { progress in
            let next = progress.nextCheckIn.map { "; next check in \($0.seconds) s" } ?? ""
            Console.err("domains: check \(progress.attempt): \(progress.status)\(next)")
        }
        Console.out(invocation.json ? Render.json(Render.DomainJSON(domain)) : Render.summary(domain))
        if domain.status == .failed {
            Console.err(
                "domains: verification of \(domain.name) failed: check the records above and publish them exactly")
            status = 1
        }
    }
} catch {
    Console.err("domains: \(error.description)")
    status = 1
}
await saveSandbox()
exit(status)

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsSandbox

/// `domains migrate <from> <id> --to <provider> [destination create options] [--dry-run] [DNS options] [--json]`.
enum MigrateCommand {
    static let usage = """
        USAGE
          domains migrate <from> <id> --to <provider> [create options] [--dry-run] [DNS options] [--json]
        Run `domains migrate --help` for its options.
        """

    static let help = """
        USAGE
          domains migrate <from> <id> --to <provider> [create options] [--dry-run] [DNS options] [--json]

        Plans moving a domain from one provider to another without a gap in authentication: reads it at
        <from> (autosend, krafter or ahasend: a provider with a read endpoint), creates it at <provider>
        (or takes the domain already there), and compares both record sets with what DNS holds now:
        the records to add now (one transition SPF record where both need SPF at a name), to keep (one
        DMARC record), to remove once sending has moved, and the names both want with different data.
        Where the destination takes a MAIL FROM label (krafter's return_path, ahasend's
        return_path_subdomain) and its default collides, a free label is chosen and said.

        MIGRATE OPTIONS
          --to PROVIDER        the destination (required)
          --dry-run            create nothing: the destination's records come from its simulator (placeholders)
          --base-url URL       the source's API base URL
          --to-base-url URL    the destination's API base URL
          create options       --region, --sender, --reply-to, --return-path, --tracking-subdomain,
                               --open-tracking, --click-tracking, --inbound (as the destination takes them)

        \(Help.dnsOptions)

        OPTIONS
        \(Help.globalOptions)

        CREDENTIALS
          Both providers' from the environment (without them, each provider's offline sandbox).

        OUTPUT (--json)
          {"domain", "from": {"provider", "id"}, "to": {"provider", "id"}, "add": [record],
           "keep": [record], "removeAfterCutover": [record], "conflicts": [{"name", "detail"}],
           "steps": ["…"]}   records as `check --json` prints them

        EXIT STATUS
          0 plan made · 3 the plan has a conflict to resolve first · 1 an API or DNS failure · 2 usage
        """

    struct PlanJSON: Encodable {
        struct Side: Encodable {
            let provider: String
            let id: String?

            enum CodingKeys: String, CodingKey { case provider, id }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(provider, forKey: .provider)
                try container.encode(id, forKey: .id)
            }
        }
        struct Conflict: Encodable {
            let name: String
            let detail: String
        }
        let domain: String
        let from: Side
        let to: Side
        let add: [PreflightReport.Record]
        let keep: [PreflightReport.Record]
        let removeAfterCutover: [PreflightReport.Record]
        let conflicts: [Conflict]
        let steps: [String]

        init(_ plan: MigrationPlan) {
            domain = plan.domain
            from = Side(provider: plan.from.provider.rawValue, id: plan.from.id)
            to = Side(provider: plan.to.provider.rawValue, id: plan.to.id)
            add = plan.add.map(Self.safe)
            keep = plan.keep.map(Self.safe)
            removeAfterCutover = plan.removeAfterCutover.map(Self.safe)
            conflicts = plan.conflicts.map { Conflict(name: $0.name, detail: $0.detail) }
            steps = plan.steps
        }

        static func safe(_ record: PreflightReport.Record) -> PreflightReport.Record {
            var record = record
            record.record = Render.safe(record.record)
            return record
        }
    }

    static func text(_ plan: MigrationPlan) -> String {
        func section(_ title: String, _ records: [PreflightReport.Record]) -> [String] {
            guard !records.isEmpty else { return ["\(title): none"] }
            return ["\(title):"]
                + records.map { entry in
                    let record = entry.record
                    return
                        "  \(record.type.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(Terminal.safe(record.name))  \(Terminal.safe(entry.suggested ?? record.answerValue))  [\(entry.state.rawValue)]"
                }
        }
        var lines = [
            "Migration of \(Terminal.safe(plan.domain)) from \(plan.from.provider.displayName) (\(Terminal.safe(plan.from.id ?? "-"))) to \(plan.to.provider.displayName) (\(Terminal.safe(plan.to.id ?? "dry run: nothing created")))",
            "",
        ]
        lines += section("Add now", plan.add)
        lines += section("Keep", plan.keep)
        lines += section("Remove after cutover", plan.removeAfterCutover)
        if !plan.conflicts.isEmpty {
            lines.append("Conflicts:")
            lines += plan.conflicts.map { "  \(Terminal.safe($0.name)): \(Terminal.safe($0.detail))" }
        }
        lines.append("")
        lines.append("Steps:")
        lines += plan.steps.enumerated().map { "  \($0.offset + 1). \(Terminal.safe($0.element))" }
        return lines.joined(separator: "\n")
    }

    /// Runs the command and exits.
    @MainActor static func run(_ arguments: [String], environment: [String: String]) async -> Never {
        let invocation: FleetInvocation
        do {
            invocation = try FleetInvocation.parse(
                arguments,
                allowed: ["--to", "--to-base-url", "--dry-run", "--resolver", "--doh", "--authoritative"], help: usage)
        } catch {
            fail(2, kind: error.kind, error.message, help: error.help)
        }
        if invocation.help {
            Console.out(help)
            exit(0)
        }
        guard invocation.positional.count == 2, let from = ProviderID(named: invocation.positional[0]) else {
            fail(
                2, kind: "usage",
                invocation.positional.isEmpty
                    ? "migrate needs <from> <id> --to <provider>"
                    : invocation.positional.count == 1 || ProviderID(named: invocation.positional[0]) != nil
                        ? "migrate takes <from> <id>: \(invocation.positional.count) arguments given"
                        : "unknown provider \"\(Terminal.safe(invocation.positional[0]))\"; use one of \(Help.providers)",
                help: usage)
        }
        let id = invocation.positional[1]
        guard let to = invocation.to else { fail(2, kind: "usage", "migrate needs --to <provider>", help: usage) }
        guard to != from else { fail(2, kind: "usage", "--to names the provider the domain is at", help: usage) }
        let sourceCapabilities = ProviderFactory.capabilities[from] ?? ProviderCapabilities(operations: [], options: [])
        guard sourceCapabilities.supports(.get) else {
            fail(
                2, kind: "unsupportedOperation",
                "\(from.displayName) publishes no read endpoint: a migration needs the source domain's records (autosend, krafter or ahasend)",
                help: usage, provider: from)
        }
        let capabilities = ProviderFactory.capabilities[to] ?? ProviderCapabilities(operations: [], options: [])
        do {
            try invocation.request.check(against: capabilities, provider: to)
        } catch {
            let field = error.fieldErrors.first?.field ?? "option"
            fail(
                2, kind: "usage",
                "\(FleetInvocation.flag(for: field)) \(error.fieldErrors.first?.message ?? error.message)",
                help: usage, provider: to)
        }
        let source = await FleetConnection.connect(
            from, baseURL: invocation.baseURL, invocation: invocation, environment: environment, paced: false,
            help: usage)
        let destination = await FleetConnection.connect(
            to, baseURL: invocation.toBaseURL, invocation: invocation, environment: environment, paced: false,
            help: usage)
        let json = invocation.json
        func report(_ error: SendingDomainsError) -> Never {
            if json {
                Console.err(Render.json(Render.ErrorJSON(error, hint: nil), pretty: false))
            } else {
                Console.err("domains: \(Terminal.safe(error.description))")
            }
            exit(1)
        }
        let lookup: any DNSLookup
        do {
            if source.usesSandbox && !invocation.namesResolver {
                lookup = try source.store.loadZone(from)
            } else {
                var resolver: DNSResolver
                if let doh = invocation.doh {
                    resolver = try DNSResolver(dnsOverHTTPS: doh)
                } else if !invocation.resolvers.isEmpty {
                    resolver = DNSResolver(servers: invocation.resolvers)
                } else {
                    resolver = try DNSResolver.system()
                }
                if invocation.authoritative {
                    let name = try await source.provisioner.getDomain(id: id).name
                    resolver = try await resolver.authoritative(for: name)
                }
                lookup = resolver
            }
        } catch let error as SendingDomainsError {
            report(error)
        } catch let error as SandboxStore.Failure {
            fail(1, kind: "sandbox", error.message, provider: from)
        } catch {
            report(SendingDomainsError.wrapping(error, provider: nil, operation: "migrate"))
        }
        let migration = DomainMigration(
            source: source.provisioner, destination: destination.provisioner, preflight: DNSPreflight(lookup: lookup)
        ) {
            // A fresh, in-memory simulator each time: it predicts the destination's records.
            ProviderFactory.make(
                ProviderSimulator.sandboxCredentials(for: to),
                options: ClientOptions(transport: ProviderSimulator.sandbox(for: to)))
        }
        let plan: MigrationPlan
        do {
            plan = try await migration.plan(sourceID: id, request: invocation.request, dryRun: invocation.dryRun)
        } catch {
            await source.save(json: json)
            await destination.save(json: json)
            report(error)
        }
        await source.save(json: json)
        await destination.save(json: json)
        Console.out(json ? Render.json(PlanJSON(plan)) : text(plan))
        exit(plan.hasConflicts ? 3 : 0)
    }
}

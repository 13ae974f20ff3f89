import Foundation
import SendingDomains

/// The parsed command line of `domains`.
struct Invocation: SharedOptionValues {
    /// A command on one provider's domains.
    enum Command: String, CaseIterable {
        case create, list, get, find, verify, delete, records, wait, check, publish, watch, webhook
        case connectTemplate = "connect-template", connect

        /// The ``DomainOperation`` the command needs the provider to offer.
        var operation: DomainOperation {
            switch self {
            case .create: .create
            case .find: .find
            case .list: .list
            case .get, .records, .check, .publish, .watch, .webhook: .get
            case .verify, .wait: .verify
            case .delete: .delete
            // The records come from a read, or from --records FILE where there is none.
            case .connectTemplate, .connect: .create
            }
        }
    }

    /// What to run: a provider's command, or a sandbox maintenance command.
    enum Target {
        case provider(ProviderID, Command?)
        case sandboxReset(ProviderID?)
        /// `domains check --records FILE`: records from a file, no provider.
        case checkRecords
    }

    var target: Target?
    var baseURL: String?
    /// `--rate-store redis://…`: a rate budget shared through Redis.
    var rateStore: String?
    /// `watch --coordinate redis://… --name NAME [--lease SECONDS]`: one active watcher among
    /// the processes that watch under the same name.
    var coordinate: String?
    var watchName: String?
    var lease: Double?
    var json = false
    var verbose = false
    var help = false
    /// `--no-sandbox` (or `SENDINGDOMAINS_NO_SANDBOX`): no credentials is an error, never the sandbox.
    var noSandbox = false
    var format: RecordExport.Format = .table
    var timeout: Double = 600
    /// `--interval SECONDS`, when given (`wait` defaults to 5 s, `watch` to 60 s).
    var interval: Double?
    var requestTimeout: Double?
    var request = DomainRequest(name: "")
    /// `--resolver HOST[:PORT]`, in order.
    var resolvers: [DNSServer] = []
    /// `--doh URL`.
    var doh: String?
    /// `--authoritative`: ask the zone's own name servers.
    var authoritative = false
    /// `--records FILE` (`-` for stdin).
    var recordsFile: String?
    /// `connect-template` and `connect`'s options (Connect.swift).
    var connect = ConnectOptions()
    /// `--dns-host ID` (`records`, `check`): the customer's DNS host, chosen (DNSHosts.md).
    var dnsHost: String?
    /// `--detect-host` (`records`): look the DNS host up (SOA, NS).
    var detectHost = false
    /// Every positional argument after the command: `watch`'s ids, `webhook`'s subcommand.
    var arguments: [String] = []
    /// The first of them: the domain `create` adds, the id other commands take.
    var argument: String? { arguments.first }
    /// `--header 'NAME: VALUE'`, in order (`webhook verify`).
    var headers: [(String, String)] = []
    /// `--body FILE` (`webhook verify`).
    var bodyFile: String?
    /// `--at UNIX_SECONDS` (`webhook verify`): the moment a saved delivery is checked against.
    var at: Double?
    /// `--tolerance SECONDS` (`webhook`): how far a delivery's timestamp may be from now.
    var tolerance: Double = 300
    /// `--host` and `--port` (`webhook listen`).
    var host = "127.0.0.1"
    var port: UInt16 = 0

    /// Whether a DNS source was named on the command line.
    var namesResolver: Bool { !resolvers.isEmpty || doh != nil || authoritative }

    var provider: ProviderID? {
        if case .provider(let provider, _) = target { return provider }
        return nil
    }

    var command: Command? {
        if case .provider(_, let command) = target { return command }
        return nil
    }

    var isCheckRecords: Bool {
        if case .checkRecords = target { return true }
        return false
    }
}

/// A usage error: the message and the help text to show with it (exit status 2). `kind` is
/// `usage`, or `unsupportedOperation` for a command the provider does not offer.
struct UsageError: Error {
    var kind = "usage"
    let message: String
    let help: String
}

enum Help {
    static let providers = ProviderID.all.map(\.rawValue).joined(separator: "|")

    static let globalOptions = """
          --json                  print machine-readable JSON (errors too, on stderr; see Docs/CLI.md)
          --verbose               log every request and attempt to stderr (secrets redacted)
          --base-url URL          send to this API base URL (a proxy, a sandbox, a loopback server)
          --no-sandbox            never fall back to the offline sandbox (also SENDINGDOMAINS_NO_SANDBOX=1)
          --request-timeout SECS  give up on one attempt after SECS seconds, connecting to last byte (default 30)
          --rate-store URL        share one rate budget through Redis (redis://[user@]host[:port][/db]) with every
                                  process naming it; or SENDINGDOMAINS_RATE_STORE; password SENDINGDOMAINS_REDIS_PASSWORD
          -h, --help              show help
        """

    static let main = """
        domains — onboard sending domains at SendKit, AutoSend, Krafter, Cllavio and AhaSend

        USAGE
          domains <provider> <command> [arguments] [options]
          domains sandbox reset [provider]

        PROVIDERS
          sendkit, autosend, krafter, cllavio (sendtrim), ahasend

        COMMANDS
          create <domain>     add a domain and print the DNS records to publish
          list                list the account's domains
          get <id>            show a domain
          find <name>         show the account's domain with this name (after create said it exists)
          verify <id>         ask the provider to check the domain's DNS now
          delete <id>         delete a domain
          records <id>        print a domain's DNS records (--format table|zone|json)
          wait <id>           poll until the domain is verified (--timeout SECONDS)
          check <id>          look the domain's records up in DNS: what is missing, wrong or in conflict
          publish <id>        sandbox only: publish the domain's records in the sandbox's DNS zone
          watch <id>…         print changes to the domains as they happen, until interrupted
          connect-template <id> --template P/S   the Domain Connect template for the domain's records
          connect <id> --template P/S            one-click publishing at the customer's DNS host (Domain Connect)
          webhook listen      ahasend: receive webhook deliveries, verify them, print the events
          webhook verify      ahasend: verify one saved delivery (--header 'NAME: VALUE'… --body FILE)
          sandbox reset       forget the offline sandbox's domains (one provider's, or all)
          bulk-create FILE    create every domain of FILE in one resumable job (--journal, --concurrency)

          domains migrate <from> <id> --to <provider>   plan moving a domain to another provider

          domains check --records FILE   check the records `create --json` or `records --format json` printed

        OPTIONS
        \(globalOptions)

        CREDENTIALS (environment)
          SENDKIT_API_KEY · AUTOSEND_API_KEY · KRAFTER_API_KEY · AHASEND_API_KEY + AHASEND_ACCOUNT_ID ·
          CLLAVIO_ACCESS_TOKEN + CLLAVIO_SECRET_TOKEN
          Without any of them and without --base-url, domains runs against an offline sandbox: a
          simulator of the provider's API whose state is kept per user in $SENDINGDOMAINS_SANDBOX_DIR
          (default: \(SandboxStore.defaultFolderDescription)). The sandbox keeps a DNS zone per
          provider: `publish <id>` puts a domain's records there, `check <id>` reads it, and a
          sandbox domain verifies once its records are published. Some but not all of a provider's
          variables set is a usage error (exit 2) naming the missing ones: never the sandbox.

        EXIT STATUS
          0 success · 1 the API, the network, DNS or the sandbox state failed · 2 usage error
          (including a command the provider does not offer; nothing is sent) · 3 check: at least
          one required record is missing, wrong or in conflict; connect: the DNS host does not
          support Domain Connect or the template

        EXAMPLES
          domains ahasend create example.com
          domains sendkit create example.com --region us-east-1 --open-tracking
          domains krafter records 550e8400-e29b-41d4-a716-446655440000 --format zone
          domains autosend wait 60d5ec49f1b2c72d9c8b2222 --timeout 900
          domains ahasend check example.com --resolver 1.1.1.1 --json
          domains check --records records.json --doh https://dns.google/dns-query
          domains sandbox reset ahasend
        """

    static func offered(_ provider: ProviderID) -> [Invocation.Command] {
        let capabilities = ProviderFactory.capabilities[provider] ?? ProviderCapabilities(operations: [], options: [])
        return Invocation.Command.allCases.filter {
            capabilities.supports($0.operation) && ($0 != .webhook || provider == .ahaSend)
        }
    }

    static func createOptions(_ provider: ProviderID) -> [String] {
        let capabilities = ProviderFactory.capabilities[provider] ?? ProviderCapabilities(operations: [], options: [])
        var options = DomainOption.allCases.filter { capabilities.supports($0) }.map { option in
            "  --\(flagName(option))" + (capabilities.requiredOptions.contains(option) ? "   (required)" : "")
        }
        if provider == .ahaSend {
            options.append("  --idempotency-key KEY   reuse a key to make a retried create safe")
        }
        return options
    }

    static func provider(_ provider: ProviderID) -> String {
        let commands = offered(provider)
        // bulk-create is parsed on its own (Sources/domains/BulkCreate.swift); Cllavio refuses it.
        let bulk = provider == .cllavio ? [] : ["bulk-create"]
        let missing =
            Invocation.Command.allCases.filter { !commands.contains($0) }.map(\.rawValue)
            + (bulk.isEmpty ? ["bulk-create"] : [])
        let options = createOptions(provider)
        let variables = (ProviderFactory.environmentVariables[provider] ?? []).joined(separator: ", ")
        return """
            domains \(provider.rawValue) — \(provider.displayName)

            USAGE
              domains \(provider.rawValue) <command> [arguments] [options]

            COMMANDS
              \((commands.map(\.rawValue) + bulk).joined(separator: ", "))
              (\(provider.displayName) does not offer: \(missing.joined(separator: ", ").nonEmpty ?? "—"))

            CREATE OPTIONS
            \(options.isEmpty ? "  (none)" : options.joined(separator: "\n"))

            OPTIONS
            \(globalOptions)

            CREDENTIALS
              \(variables)

            Run `domains \(provider.rawValue) <command> --help` for a command's help.
            """
    }

    static func usageLine(_ command: Invocation.Command) -> String {
        switch command {
        case .create: "create <domain> [create options]   add a domain and print the DNS records to publish"
        case .list: "list                               list the account's domains"
        case .get: "get <id>                           show a domain"
        case .find: "find <name>                        show the account's domain with this name"
        case .verify: "verify <id>                        ask the provider to check the domain's DNS now"
        case .delete: "delete <id>                        delete a domain"
        case .records: "records <id> [--format F]         print the DNS records to publish"
        case .wait: "wait <id> [--timeout S] [--interval S] [DNS options]   poll until verified"
        case .check: "check <id> [DNS options]          look the domain's records up in DNS"
        case .publish: "publish <id>                       publish the records in the sandbox's DNS zone"
        case .watch: "watch <id>… [--interval S]         print changes as they happen, until interrupted"
        case .webhook: "webhook listen|verify [options]    receive or check AhaSend webhook deliveries"
        case .connectTemplate, .connect: ConnectCommand.usageLine(command, provider: nil)
        }
    }

    /// The few lines a usage error shows: the command's usage and where its full help is.
    static func short(provider: ProviderID?, command: Invocation.Command?) -> String {
        if let provider, let command {
            return """
                USAGE
                  domains \(provider.rawValue) \(usageLine(command))
                Run `domains \(provider.rawValue) \(command.rawValue) --help` for its options.
                """
        }
        if let provider {
            return """
                USAGE
                  domains \(provider.rawValue) <command> [arguments] [options]
                  commands: \(offered(provider).map(\.rawValue).joined(separator: ", "))
                Run `domains \(provider.rawValue) --help` for more.
                """
        }
        return """
            USAGE
              domains <provider> <command> [arguments] [options]   (providers: \(providers))
            Run `domains --help` for every command and option.
            """
    }

    /// `" (did you mean --json?)"` for the known word closest to `word`, or `""` when none is close.
    static func suggestion(for word: String, among known: [String]) -> String {
        let lowered = word.lowercased()
        let scored = known.map { ($0, editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
        let limit = max(1, min(2, best.0.count / 3))
        return best.1 <= limit || (lowered.count >= 3 && best.0.hasPrefix(lowered))
            ? " (did you mean \(best.0)?)" : ""
    }

    /// Levenshtein distance, on characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// Every option `domains` knows, for "did you mean".
    static let knownOptions =
        [
            "--help", "--json", "--verbose", "--no-sandbox", "--base-url", "--format", "--timeout", "--interval",
            "--request-timeout", "--region", "--sender", "--reply-to", "--return-path", "--tracking-subdomain",
            "--open-tracking", "--click-tracking", "--inbound", "--resolver", "--doh", "--authoritative", "--records",
            "--header", "--body", "--at", "--tolerance", "--host", "--port", "--idempotency-key", "--rate-store",
            "--coordinate", "--name", "--lease", "--dns-host", "--detect-host",
        ] + ConnectOptions.flags

    static func command(_ command: Invocation.Command, provider: ProviderID) -> String {
        let usage = usageLine(command)
        var sections: [String] = []
        switch command {
        case .create:
            let options = createOptions(provider)
            sections.append("CREATE OPTIONS\n" + (options.isEmpty ? "  (none)" : options.joined(separator: "\n")))
        case .records:
            sections.append(
                "RECORDS OPTIONS\n  --format table|zone|json   a table (default), a BIND zone fragment, or JSON\n"
                    + HostOptions.help + "\n\n" + dnsOptions)
        case .wait:
            sections.append(
                """
                WAIT OPTIONS
                  --timeout SECONDS    give up after this long (default 600)
                  --interval SECONDS   the first wait between checks, growing to 60 s (default 5)
                With DNS options (or in the sandbox), every check first looks the records up in DNS
                and asks the provider only once they are in place (or every 5 minutes).

                \(dnsOptions)
                """)
        case .check:
            sections.append(
                dnsOptions + "\n  --dns-host ID            the customer's DNS host, instead of looking it up (SOA, NS)"
                    + "\n\nEXIT STATUS\n  0 every required record in place · 3 at least one is missing, wrong or in conflict\n  1 the API, the network or DNS failed, or nothing is wrong but DNS could not say for a\n    required record (unknown: the report is still printed on stdout) · 2 usage"
            )
        case .connectTemplate, .connect:
            sections.append(ConnectCommand.help(command))
        case .publish:
            sections.append("Only in the offline sandbox: with credentials, publish the records at your DNS host.")
        case .watch:
            sections.append(
                """
                WATCH OPTIONS
                  --interval SECONDS   how often a changing domain is checked (default 60); a stable one
                                       (3 checks without change) 15 times less often, at most every 15 min
                  --coordinate redis://…  --name NAME  [--lease SECONDS]
                                       one active watcher among the processes watching under NAME
                                       (lease default 15 s): "active"/"standby" on stderr as it changes
                Each provider is polled within a share of its rate limit (every attempt counts). With
                --json, one event per line. With DNS options (or in the sandbox, its zone) the records
                are also looked up in DNS. A check that fails is reported once (checkFailed), and
                again when it works (checkRecovered).

                \(dnsOptions)
                """)
        case .webhook:
            sections.append(
                """
                WEBHOOK COMMANDS
                  listen [--host ADDRESS] [--port N]   receive deliveries (the secret from AHASEND_WEBHOOK_SECRET);
                                                       answers 204 verified, 401 bad signature or timestamp, 400 malformed;
                                                       prints "listening on HOST:PORT" to stderr when ready; loopback by default
                  verify --header 'NAME: VALUE'… [--body FILE] [--at UNIX_SECONDS]
                                                       verify one saved delivery (the body from stdin without
                                                       --body; its timestamp checked against --at, default now):
                                                       exit 0 and the event, or 1 and the reason
                  --tolerance SECONDS                  how far a timestamp may be from now (default 300)
                """)
        default: break
        }
        let idLine =
            command == .create || command == .list
            ? "" : "\n<id> is what create printed as the id (\(idHint(provider))).\n"
        let offered = offered(provider).contains(command)
        let note = offered ? "" : "\n\(provider.displayName) does not offer \(command.rawValue).\n"
        return """
            USAGE
              domains \(provider.rawValue) \(usage)
            \(idLine)\(note)
            \(sections.map { $0 + "\n\n" }.joined())OPTIONS
            \(globalOptions)
            """
    }

    static let dnsOptions = """
        DNS OPTIONS
          --resolver HOST[:PORT]   ask this DNS server (repeatable); default: /etc/resolv.conf's
          --doh URL                ask a DNS-over-HTTPS endpoint instead (e.g. https://dns.google/dns-query)
          --authoritative          ask the zone's own name servers, to see a change before caches expire
          The sandbox, without these options, answers from its own zone (see `publish`).
        """

    static let checkRecords = """
        USAGE
          domains check --records FILE [--resolver HOST[:PORT]]… [--doh URL] [--authoritative] [--json]

        Looks up the records in FILE — what `domains <provider> create --json` or
        `domains <provider> records <id> --format json` printed (either form; `-` reads stdin) —
        and says for each whether it is published, missing, different, to be merged (SPF) or in
        conflict, and what to change at the DNS host.

        \(dnsOptions)

        EXIT STATUS
          0 every required record in place · 3 at least one is missing, wrong or in conflict
          1 the file, the network or DNS failed, or nothing is wrong but DNS could not say for a
            required record (unknown: the report is still printed on stdout) · 2 usage
        """

    static let sandbox = """
        USAGE
          domains sandbox reset [provider]

        Forgets the offline sandbox's domains: one provider's, or every provider's without an
        argument. The state lives in $SENDINGDOMAINS_SANDBOX_DIR (default:
        \(SandboxStore.defaultFolderDescription)).

        OPTIONS
          --json       print {"reset": ["ahasend", …]}
          -h, --help   show help
        """

    static func idHint(_ provider: ProviderID) -> String {
        switch provider {
        case .ahaSend, .cllavio: "the domain name"
        case .autoSend: "24 hexadecimal characters"
        default: "a UUID"
        }
    }

    static func flagName(_ option: DomainOption) -> String {
        switch option {
        case .region: "region NAME"
        case .senderAddress: "sender EMAIL"
        case .replyTo: "reply-to EMAIL"
        case .returnPathSubdomain: "return-path SUBDOMAIN"
        case .trackingSubdomain: "tracking-subdomain SUBDOMAIN"
        case .openTracking: "open-tracking"
        case .clickTracking: "click-tracking"
        case .inbound: "inbound"
        default: option.rawValue
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

enum Parser {
    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        var invocation = Invocation()
        var positional: [String] = []
        var index = 0
        var sandboxGroup = false
        // A usage error shows the command's short usage, not its whole help.
        func help() -> String {
            if sandboxGroup { return "USAGE\n  domains sandbox reset [provider]" }
            if invocation.isCheckRecords {
                return
                    "USAGE\n  domains check --records FILE [DNS options] [--json]\nRun `domains check --help` for more."
            }
            return Help.short(provider: invocation.provider, command: invocation.command)
        }
        func value(_ flag: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw UsageError(message: "\(flag) needs a value", help: help())
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func take(_ name: String) throws(UsageError) -> String {
                if let inline { return inline }
                return try value(name)
            }
            func seconds(_ name: String, positive: Bool = false) throws(UsageError) -> Double {
                let text = try take(name)
                guard let number = Double(text), number.isFinite, number >= 0, !positive || number > 0 else {
                    throw UsageError(
                        message: "\(name) takes a \(positive ? "positive " : "")number of seconds, got \"\(text)\"",
                        help: help())
                }
                return number
            }
            switch flag {
            case "-h", "--help": invocation.help = true
            case "--json": invocation.json = true
            case "--verbose", "-v": invocation.verbose = true
            case "--no-sandbox": invocation.noSandbox = true
            case "--base-url": invocation.baseURL = try take(flag)
            case "--rate-store": invocation.rateStore = try take(flag)
            case "--coordinate": invocation.coordinate = try take(flag)
            case "--name": invocation.watchName = try take(flag)
            case "--lease": invocation.lease = try seconds(flag, positive: true)
            case "--format":
                let text = try take(flag)
                guard let format = RecordExport.Format.allCases.first(where: { $0.rawValue == text }) else {
                    throw UsageError(message: "--format takes table, zone or json, got \"\(text)\"", help: help())
                }
                invocation.format = format
            case "--timeout": invocation.timeout = try seconds(flag)
            case "--interval":
                invocation.interval = try seconds(flag)
            case "--request-timeout": invocation.requestTimeout = try seconds(flag, positive: true)
            case _ where SharedOptions.all.contains(flag):
                let text = SharedOptions.takingValues.contains(flag) ? try take(flag) : nil
                try SharedOptions.apply(flag, value: text, help: help(), to: &invocation)
            case "--records": invocation.recordsFile = try take(flag)
            case "--dns-host": invocation.dnsHost = try take(flag)
            case "--detect-host": invocation.detectHost = true
            case _ where ConnectOptions.flags.contains(flag): invocation.connect.values[flag] = try take(flag)
            case "--header":
                let text = try take(flag)
                guard let colon = text.firstIndex(of: ":") else {
                    throw UsageError(message: "--header takes 'NAME: VALUE'", help: help())
                }
                invocation.headers.append(
                    (
                        String(text[..<colon]).trimmingCharacters(in: .whitespaces),
                        String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                    ))
            case "--body": invocation.bodyFile = try take(flag)
            case "--at": invocation.at = try seconds(flag)
            case "--tolerance": invocation.tolerance = try seconds(flag, positive: true)
            case "--host": invocation.host = try take(flag)
            case "--port":
                let text = try take(flag)
                guard let port = UInt16(text) else {
                    throw UsageError(
                        message: "--port takes a port number (0–65535), got \"\(Terminal.safe(text))\"", help: help())
                }
                invocation.port = port
            case "--idempotency-key":
                let text = try take(flag)
                do {
                    invocation.request.idempotencyKey = try IdempotencyKey(text)
                } catch {
                    throw UsageError(message: error.message, help: help())
                }
            default:
                if argument.hasPrefix("-") && argument.count > 1 {
                    throw UsageError(
                        message:
                            "unknown option \(Terminal.safe(argument))\(Help.suggestion(for: flag, among: Help.knownOptions))",
                        help: help())
                }
                positional.append(argument)
                switch (positional.count, sandboxGroup) {
                case (1, _):
                    if argument == "sandbox" {
                        sandboxGroup = true
                    } else if argument == "check" {
                        invocation.target = .checkRecords
                    } else if let provider = ProviderID(named: argument) {
                        invocation.target = .provider(provider, nil)
                    } else {
                        let known = ProviderID.all.map(\.rawValue) + ["sandbox", "check", "sendtrim"]
                        throw UsageError(
                            message:
                                "unknown provider \"\(Terminal.safe(argument))\"\(Help.suggestion(for: argument, among: known)); use one of \(Help.providers) or sandbox",
                            help: help())
                    }
                case (2, true):
                    guard argument == "reset" else {
                        throw UsageError(
                            message: "unknown sandbox command \"\(Terminal.safe(argument))\"", help: help())
                    }
                    invocation.target = .sandboxReset(nil)
                case (3, true):
                    guard let provider = ProviderID(named: argument) else {
                        throw UsageError(
                            message: "unknown provider \"\(Terminal.safe(argument))\"; use one of \(Help.providers)",
                            help: help())
                    }
                    invocation.target = .sandboxReset(provider)
                case (_, false) where invocation.isCheckRecords:
                    throw UsageError(
                        message: "check takes --records FILE, not \"\(Terminal.safe(argument))\"",
                        help: help())
                case (2, false):
                    guard let provider = invocation.provider, let command = Invocation.Command(rawValue: argument)
                    else {
                        let known = Invocation.Command.allCases.map(\.rawValue)
                        throw UsageError(
                            message:
                                "unknown command \"\(Terminal.safe(argument))\"\(Help.suggestion(for: argument, among: known))",
                            help: help())
                    }
                    invocation.target = .provider(provider, command)
                case (3, false):
                    invocation.arguments.append(argument)
                case (_, false) where invocation.command == .watch:
                    invocation.arguments.append(argument)
                default:
                    throw UsageError(message: "unexpected argument \"\(Terminal.safe(argument))\"", help: help())
                }
            }
            index += 1
        }
        if invocation.help { return invocation }
        if invocation.command == .connect || invocation.command == .connectTemplate {
            try ConnectCommand.validate(invocation, help: help())
            return invocation
        }
        if let flag = invocation.connect.values.keys.sorted().first {
            throw UsageError(message: "\(flag) applies to connect and connect-template", help: help())
        }
        let dnsCommand =
            invocation.isCheckRecords || invocation.command == .check || invocation.command == .wait
            || invocation.command == .watch || (invocation.command == .records && invocation.detectHost)
        if !dnsCommand && (invocation.namesResolver || invocation.recordsFile != nil) {
            throw UsageError(
                message: "DNS options apply only to check, wait, watch and records --detect-host", help: help())
        }
        try HostOptions.validate(invocation, help: help())
        let coordinates = invocation.coordinate != nil || invocation.watchName != nil || invocation.lease != nil
        if coordinates && invocation.command != .watch {
            throw UsageError(message: "--coordinate, --name and --lease apply to watch", help: help())
        }
        if invocation.coordinate != nil && (invocation.watchName ?? "").isEmpty {
            throw UsageError(
                message: "--coordinate needs --name NAME: the processes that watch with one name share one lease",
                help: help())
        }
        if invocation.coordinate == nil && (invocation.watchName != nil || invocation.lease != nil) {
            throw UsageError(message: "--name and --lease need --coordinate redis://…", help: help())
        }
        if invocation.doh != nil && !invocation.resolvers.isEmpty {
            throw UsageError(message: "use --resolver or --doh, not both", help: help())
        }
        if invocation.isCheckRecords {
            guard invocation.recordsFile != nil else {
                throw UsageError(
                    message: "check needs --records FILE (or a provider and an id)", help: help())
            }
            return invocation
        }
        if invocation.recordsFile != nil {
            throw UsageError(message: "--records applies to `domains check`, without a provider", help: help())
        }
        if sandboxGroup {
            guard invocation.target != nil else { throw UsageError(message: "missing sandbox command", help: help()) }
            return invocation
        }
        guard let provider = invocation.provider else { throw UsageError(message: "missing provider", help: help()) }
        guard let command = invocation.command else { throw UsageError(message: "missing command", help: help()) }
        let offered = Help.offered(provider)
        if command == .webhook {
            guard provider == .ahaSend else {
                throw UsageError(
                    kind: "unsupportedOperation",
                    message: "\(provider.displayName) sends no domain webhooks; only AhaSend does (use watch to poll)",
                    help: help())
            }
            guard ["listen", "verify"].contains(invocation.argument ?? "") else {
                throw UsageError(message: "webhook takes listen or verify", help: help())
            }
            return invocation
        }
        guard offered.contains(command) else {
            throw UsageError(
                kind: "unsupportedOperation",
                message:
                    "\(provider.displayName) does not offer \(command.rawValue); it offers \(offered.map(\.rawValue).joined(separator: ", "))",
                help: help())
        }
        if invocation.bodyFile != nil || !invocation.headers.isEmpty || invocation.at != nil {
            throw UsageError(message: "--header, --body and --at apply to webhook verify", help: help())
        }
        if command != .watch && invocation.arguments.count > 1 {
            throw UsageError(message: "unexpected argument \"\(Terminal.safe(invocation.arguments[1]))\"", help: help())
        }
        let needsArgument = command != .list
        if needsArgument && invocation.argument == nil {
            throw UsageError(
                message: "\(command.rawValue) needs \(command == .create || command == .find ? "a domain" : "an id")",
                help: help())
        }
        if !needsArgument && invocation.argument != nil {
            throw UsageError(message: "list takes no argument", help: help())
        }
        if command != .create && !invocation.request.specifiedOptions.isEmpty {
            throw UsageError(message: "create options apply only to create", help: help())
        }
        return invocation
    }
}

/// What holds the options several commands share (``SharedOptions``).
protocol SharedOptionValues {
    /// The create options land here.
    var request: DomainRequest { get set }
    /// `--resolver`, in order.
    var resolvers: [DNSServer] { get set }
    /// `--doh`.
    var doh: String? { get set }
    /// `--authoritative`.
    var authoritative: Bool { get set }
}

/// The options several commands share — a domain's create options and the DNS options — parsed
/// in one place, so that an option added here is an option of every command that takes them.
enum SharedOptions {
    /// The create options.
    static let create: Set<String> = [
        "--region", "--sender", "--reply-to", "--return-path", "--tracking-subdomain", "--open-tracking",
        "--click-tracking", "--inbound",
    ]
    /// The DNS options.
    static let dns: Set<String> = ["--resolver", "--doh", "--authoritative"]
    /// Every shared option.
    static let all = create.union(dns)
    /// The shared options that take a value.
    static let takingValues: Set<String> = [
        "--region", "--sender", "--reply-to", "--return-path", "--tracking-subdomain", "--resolver", "--doh",
    ]

    /// Sets the shared option `flag` (one of ``all``, with its `value` when it takes one). The
    /// value is read first and `help` made first, so that nothing reads the options while they
    /// are being set.
    ///
    /// - Throws: ``UsageError`` (with `help`) for a resolver that does not parse.
    static func apply(
        _ flag: String, value: String?, help: String, to options: inout some SharedOptionValues
    ) throws(UsageError) {
        let text = value ?? ""
        switch flag {
        case "--region": options.request.region = text
        case "--sender": options.request.senderAddress = text
        case "--reply-to": options.request.replyTo = text
        case "--return-path": options.request.returnPathSubdomain = text
        case "--tracking-subdomain": options.request.trackingSubdomain = text
        case "--open-tracking": options.request.openTracking = true
        case "--click-tracking": options.request.clickTracking = true
        case "--inbound": options.request.inbound = true
        case "--resolver":
            do {
                options.resolvers.append(try DNSServer(parsing: text))
            } catch {
                throw UsageError(message: "--resolver: \(error.message)", help: help)
            }
        case "--doh": options.doh = text
        default: options.authoritative = true
        }
    }
}

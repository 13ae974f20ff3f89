import Foundation
import SendingDomains

/// The parsed command line of `domains`.
struct Invocation {
    enum Command: String, CaseIterable {
        case create, list, get, verify, delete, records, wait
    }

    var provider: ProviderID?
    var command: Command?
    var argument: String?
    var baseURL: String?
    var json = false
    var verbose = false
    var help = false
    var format: RecordExport.Format = .table
    var timeout: Double = 600
    var interval: Double = 5
    var request = DomainRequest(domain: "")
}

/// A usage error: the message and the help text to show with it (exit status 2).
struct UsageError: Error {
    let message: String
    let help: String
}

enum Help {
    static let providers = ProviderID.all.map(\.rawValue).joined(separator: "|")

    static let main = """
        domains — onboard sending domains at SendKit, AutoSend, Krafter, Cllavio and AhaSend

        USAGE
          domains <provider> <command> [arguments] [options]

        PROVIDERS
          sendkit, autosend, krafter, cllavio (sendtrim), ahasend

        COMMANDS
          create <domain>     add a domain and print the DNS records to publish
          list                list the account's domains
          get <id>            show a domain
          verify <id>         ask the provider to check the domain's DNS now
          delete <id>         delete a domain
          records <id>        print a domain's DNS records (--format table|zone|json)
          wait <id>           poll until the domain is verified (--timeout SECONDS)

        OPTIONS
          --base-url URL      send to this API base URL (a proxy, a sandbox, a loopback server)
          --json              print machine-readable JSON
          --verbose           log every request and attempt to stderr (secrets redacted)
          -h, --help          show help (also after a provider or a command)

        CREDENTIALS (environment)
          SENDKIT_API_KEY · AUTOSEND_API_KEY · KRAFTER_API_KEY · AHASEND_API_KEY + AHASEND_ACCOUNT_ID ·
          CLLAVIO_ACCESS_TOKEN + CLLAVIO_SECRET_TOKEN
          Without credentials and without --base-url, domains runs against an offline sandbox
          (a simulator of the provider's API whose state is kept in $SENDINGDOMAINS_SANDBOX_DIR,
          or a folder in the temporary directory).

        EXIT STATUS
          0 success · 1 the API or the network failed · 2 usage error

        EXAMPLES
          domains ahasend create example.com
          domains sendkit create example.com --region us-east-1 --open-tracking
          domains krafter records 550e8400-e29b-41d4-a716-446655440000 --format zone
          domains autosend wait 60d5ec49f1b2c72d9c8b2222 --timeout 900
        """

    static func provider(_ provider: ProviderID) -> String {
        let capabilities = ProviderFactory.capabilities[provider] ?? ProviderCapabilities(operations: [], options: [])
        let commands = Invocation.Command.allCases.filter { command in
            switch command {
            case .create: capabilities.supports(.create)
            case .list: capabilities.supports(.list)
            case .get, .records: capabilities.supports(.get)
            case .verify, .wait: capabilities.supports(.verify)
            case .delete: capabilities.supports(.delete)
            }
        }
        let options = DomainOption.allCases.filter { capabilities.supports($0) }.map { option in
            let flag = flagName(option)
            return "  --\(flag)" + (capabilities.requiredOptions.contains(option) ? " (required)" : "")
        }
        let variables = (ProviderFactory.environmentVariables[provider] ?? []).joined(separator: ", ")
        return """
            domains \(provider.rawValue) — \(provider.displayName)

            USAGE
              domains \(provider.rawValue) <command> [arguments] [options]

            COMMANDS
              \(commands.map(\.rawValue).joined(separator: ", "))
              (\(provider.displayName) does not offer: \(Invocation.Command.allCases.filter { !commands.contains($0) }.map(\.rawValue).joined(separator: ", ").nonEmpty ?? "—"))

            CREATE OPTIONS
            \(options.isEmpty ? "  (none)" : options.joined(separator: "\n"))\(provider == .ahaSend ? "\n  --idempotency-key KEY" : "")

            CREDENTIALS
              \(variables)

            Run `domains \(provider.rawValue) <command> --help` for a command's help.
            """
    }

    static func command(_ command: Invocation.Command, provider: ProviderID) -> String {
        let usage: String =
            switch command {
            case .create: "create <domain> [create options]   add a domain and print the DNS records to publish"
            case .list: "list                               list the account's domains"
            case .get: "get <id>                           show a domain"
            case .verify: "verify <id>                        ask the provider to check the domain's DNS now"
            case .delete: "delete <id>                        delete a domain"
            case .records: "records <id> [--format table|zone|json]   print the DNS records to publish"
            case .wait:
                "wait <id> [--timeout SECONDS] [--interval SECONDS]   poll until verified (default 600 s, first wait 5 s)"
            }
        return """
            USAGE
              domains \(provider.rawValue) \(usage)

            <id> is what create printed as the id (\(idHint(provider))).
            Global options: --base-url URL, --json, --verbose, --help.
            """
    }

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
        func help() -> String {
            if let provider = invocation.provider, let command = invocation.command {
                return Help.command(command, provider: provider)
            }
            return invocation.provider.map(Help.provider) ?? Help.main
        }
        func value(_ flag: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw UsageError(message: "\(flag) needs a value", help: help())
            }
            return arguments[index]
        }
        func number(_ flag: String, inline: String?) throws(UsageError) -> Double {
            let text: String
            if let inline { text = inline } else { text = try value(flag) }
            guard let number = Double(text), number.isFinite, number >= 0 else {
                throw UsageError(message: "\(flag) takes a number of seconds, got \"\(text)\"", help: help())
            }
            return number
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
            switch flag {
            case "-h", "--help": invocation.help = true
            case "--json": invocation.json = true
            case "--verbose", "-v": invocation.verbose = true
            case "--base-url": invocation.baseURL = try take(flag)
            case "--format":
                let text = try take(flag)
                guard let format = RecordExport.Format(rawValue: text) else {
                    throw UsageError(message: "--format takes table, zone or json, got \"\(text)\"", help: help())
                }
                invocation.format = format
            case "--timeout": invocation.timeout = try number(flag, inline: inline)
            case "--interval": invocation.interval = try number(flag, inline: inline)
            case "--region": invocation.request.region = try take(flag)
            case "--sender": invocation.request.senderAddress = try take(flag)
            case "--reply-to": invocation.request.replyTo = try take(flag)
            case "--return-path": invocation.request.returnPathSubdomain = try take(flag)
            case "--tracking-subdomain": invocation.request.trackingSubdomain = try take(flag)
            case "--open-tracking": invocation.request.openTracking = true
            case "--click-tracking": invocation.request.clickTracking = true
            case "--inbound": invocation.request.inbound = true
            case "--idempotency-key":
                let text = try take(flag)
                do {
                    invocation.request.idempotencyKey = try IdempotencyKey(text)
                } catch {
                    throw UsageError(message: error.message, help: help())
                }
            default:
                if argument.hasPrefix("-") && argument.count > 1 {
                    throw UsageError(message: "unknown option \(argument)", help: help())
                }
                positional.append(argument)
                if invocation.provider == nil {
                    guard let provider = ProviderID(named: argument) else {
                        throw UsageError(
                            message: "unknown provider \"\(argument)\"; use one of \(Help.providers)", help: Help.main)
                    }
                    invocation.provider = provider
                } else if invocation.command == nil {
                    guard let command = Invocation.Command(rawValue: argument) else {
                        throw UsageError(message: "unknown command \"\(argument)\"", help: help())
                    }
                    invocation.command = command
                } else if invocation.argument == nil {
                    invocation.argument = argument
                } else {
                    throw UsageError(message: "unexpected argument \"\(argument)\"", help: help())
                }
            }
            index += 1
        }
        if invocation.help { return invocation }
        guard invocation.provider != nil else { throw UsageError(message: "missing provider", help: Help.main) }
        guard let command = invocation.command else { throw UsageError(message: "missing command", help: help()) }
        let needsArgument = command != .list
        if needsArgument && invocation.argument == nil {
            throw UsageError(
                message: "\(command.rawValue) needs \(command == .create ? "a domain" : "an id")", help: help())
        }
        if !needsArgument && invocation.argument != nil {
            throw UsageError(message: "list takes no argument", help: help())
        }
        if command != .create && !invocation.request.setOptions.isEmpty {
            throw UsageError(message: "create options apply only to create", help: help())
        }
        return invocation
    }
}

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The options of `connect-template` and `connect` (Docs/DomainConnect.md, Docs/CLI.md).
struct ConnectOptions {
    /// The flags both commands take, each with a value.
    static let flags = [
        "--template", "--provider-name", "--service-name", "--sync-pub-key-domain", "--sync-redirect-domain",
        "--redirect-uri", "--state", "--key-host", "--sign-command",
    ]
    static let templateFlags: Set = [
        "--template", "--provider-name", "--service-name", "--sync-pub-key-domain", "--sync-redirect-domain",
    ]
    static let connectFlags: Set = ["--template", "--redirect-uri", "--state", "--key-host", "--sign-command"]

    /// The values given, by flag.
    var values: [String: String] = [:]

    var isEmpty: Bool { values.isEmpty }

    /// `--template PROVIDER_ID/SERVICE_ID`, split.
    var template: (providerID: String, serviceID: String)? {
        guard let text = values["--template"] else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts.allSatisfy(Self.isID) else { return nil }
        return (parts[0], parts[1])
    }

    static func isID(_ text: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        return !text.isEmpty && text.utf8.count <= 253 && text.allSatisfy { allowed.contains($0) }
    }
}

/// `domains <provider> connect-template` and `domains <provider> connect`.
enum ConnectCommand {
    /// Providers without a read endpoint: the commands take `--records FILE` there, not an id.
    static let recordsOnly: Set<ProviderID> = [.sendKit, .cllavio]

    static func usageLine(_ command: Invocation.Command, provider: ProviderID?) -> String {
        let subject = provider.map { recordsOnly.contains($0) } == true ? "--records FILE" : "<id>"
        return command == .connect
            ? "connect \(subject) --template PROVIDER_ID/SERVICE_ID [--redirect-uri URL] [--state S] [--key-host KEY --sign-command CMD] [DNS options]   one-click publishing URL (Domain Connect)"
            : "connect-template \(subject) --template PROVIDER_ID/SERVICE_ID [--provider-name N] [--service-name N] [--sync-pub-key-domain D] [--sync-redirect-domain D]   the Domain Connect template"
    }

    static func help(_ command: Invocation.Command) -> String {
        if command == .connectTemplate {
            return """
                CONNECT-TEMPLATE OPTIONS
                  --template PROVIDER_ID/SERVICE_ID   your platform's Domain Connect providerId and serviceId
                                                      (not the DNS host's)
                  --provider-name N        shown on the DNS host's consent page (default: the providerId)
                  --service-name N         shown on the consent page (default: the serviceId)
                  --sync-pub-key-domain D  where your public key is published: every apply URL is then signed
                  --sync-redirect-domain D where redirect_uri may point (comma-separated)
                Prints the template JSON to submit to Domain-Connect/Templates and the DNS hosts; with --json,
                {"template": {…}, "variables": {"name": "value", …}} (this domain's values).
                SendKit and Cllavio have no read endpoint: give --records FILE (what create --json printed).
                """
        }
        return """
            CONNECT OPTIONS
              --template PROVIDER_ID/SERVICE_ID   your platform's Domain Connect providerId and serviceId
              --redirect-uri URL       where the DNS host sends the customer back
              --state S                returned on the redirect (against CSRF)
              --key-host KEY --sign-command CMD
                                       sign the URL: CMD reads the bytes to sign on stdin and prints the
                                       base64 RSA-SHA256 signature (e.g. openssl dgst -sha256 -sign key.pem | base64 -w0);
                                       KEY is the host of your public key's TXT records under syncPubKeyDomain
            Finds the zone (SOA) and DNS host, reads TXT _domainconnect.<zone>, asks the host's API whether it
            has the template, and prints the apply URL. The URL is signed exactly when the template (the
            DNS host's copy) has syncPubKeyDomain; when the host returns no copy, when --sign-command is given.
            SendKit and Cllavio have no read endpoint: give --records FILE (what create --json printed).
            SENDINGDOMAINS_DOMAIN_CONNECT_INSECURE_LOOPBACK=1 lets discovery use plain http to loopback: tests only.

            \(Help.dnsOptions)

            EXIT STATUS
              0 the apply URL printed · 3 the DNS host does not support Domain Connect or the template
              (the reason, and in the table the records to type in) · 1 the API, the network or DNS failed
              (a refused or redirecting Domain Connect host included) · 2 usage, including a template that
              requires a signature without --sign-command
            """
    }

    /// The rules of both commands; the rest of the parser's checks do not apply to them.
    static func validate(_ invocation: Invocation, help: String) throws(UsageError) {
        guard let provider = invocation.provider, let command = invocation.command else { return }
        let options = invocation.connect
        let allowed = command == .connect ? ConnectOptions.connectFlags : ConnectOptions.templateFlags
        if let stray = options.values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw UsageError(message: "\(stray) does not apply to \(command.rawValue)", help: help)
        }
        guard options.values["--template"] != nil else {
            throw UsageError(message: "\(command.rawValue) needs --template PROVIDER_ID/SERVICE_ID", help: help)
        }
        guard options.template != nil else {
            throw UsageError(
                message:
                    "--template takes PROVIDER_ID/SERVICE_ID (letters, digits, '.', '-', '_'), e.g. platform.example/sending",
                help: help)
        }
        if command == .connectTemplate && invocation.namesResolver {
            throw UsageError(message: "DNS options apply to connect, not connect-template", help: help)
        }
        if (options.values["--key-host"] == nil) != (options.values["--sign-command"] == nil) {
            throw UsageError(message: "--key-host and --sign-command go together", help: help)
        }
        if invocation.arguments.count > 1 {
            throw UsageError(message: "unexpected argument \"\(Terminal.safe(invocation.arguments[1]))\"", help: help)
        }
        if recordsOnly.contains(provider) {
            guard invocation.recordsFile != nil, invocation.argument == nil else {
                throw UsageError(
                    message:
                        "\(provider.displayName) has no read endpoint: give --records FILE (what `create --json` printed), not an id",
                    help: help)
            }
        } else {
            guard invocation.argument != nil else {
                throw UsageError(message: "\(command.rawValue) needs an id", help: help)
            }
            if invocation.recordsFile != nil {
                throw UsageError(
                    message: "--records applies to SendKit and Cllavio; \(provider.displayName) reads the domain by id",
                    help: help)
            }
        }
        if !invocation.request.specifiedOptions.isEmpty || invocation.dnsHost != nil || invocation.detectHost {
            throw UsageError(
                message: "create options, --dns-host and --detect-host do not apply to \(command.rawValue)", help: help)
        }
    }

    /// The platform's template identity from the options.
    static func service(_ options: ConnectOptions) -> DomainConnect.Service {
        let (providerID, serviceID) = options.template ?? ("", "")
        return DomainConnect.Service(
            providerID: providerID, providerName: options.values["--provider-name"] ?? providerID,
            serviceID: serviceID, serviceName: options.values["--service-name"] ?? serviceID,
            syncPubKeyDomain: options.values["--sync-pub-key-domain"],
            syncRedirectDomain: options.values["--sync-redirect-domain"])
    }

    /// `connect`'s `--json` output.
    struct ConnectJSON: Encodable {
        struct DomainConnectHost: Encodable {
            let providerId: String
            let providerName: String
        }

        let domain: String
        let supported: Bool
        let dnsHost: DNSHost?
        let domainConnect: DomainConnectHost?
        let reason: String?
        let applyURL: String?

        enum CodingKeys: String, CodingKey { case domain, supported, dnsHost, domainConnect, reason, applyURL }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(domain, forKey: .domain)
            try container.encode(supported, forKey: .supported)
            if let dnsHost {
                try container.encode(dnsHost, forKey: .dnsHost)
            } else {
                try container.encodeNil(forKey: .dnsHost)
            }
            if let domainConnect {
                try container.encode(domainConnect, forKey: .domainConnect)
            } else {
                try container.encodeNil(forKey: .domainConnect)
            }
            if let reason {
                try container.encode(reason, forKey: .reason)
            } else {
                try container.encodeNil(forKey: .reason)
            }
            if let applyURL {
                try container.encode(applyURL, forKey: .applyURL)
            } else {
                try container.encodeNil(forKey: .applyURL)
            }
        }
    }

    /// Runs the command; returns the exit status. A usage error (a signature required without
    /// `--sign-command`, an unreadable records file) exits from here.
    @MainActor
    static func run(
        _ invocation: Invocation, provisioner: any DomainProvisioning,
        lookup: (String) async throws(SendingDomainsError) -> any DNSLookup, environment: [String: String]
    ) async throws(SendingDomainsError) -> Int32 {
        let records: [DNSRecord]
        let domain: String
        if let file = invocation.recordsFile {
            do {
                (records, domain) = try RecordsFile.read(file)
            } catch {
                fail(1, kind: "validation", error.message)
            }
        } else {
            let found = try await provisioner.getDomain(id: invocation.argument ?? "")
            records = found.records ?? []
            domain = found.name
        }
        var service = service(invocation.connect)
        if invocation.command == .connectTemplate {
            let generated = try DomainConnect.Template.generate(from: records, domain: domain, service: service)
            Console.out(invocation.json ? generated.json : generated.template.json)
            return 0
        }
        let dns = try await lookup(domain)
        let dnsHost = try await DNSHost.detect(domain, lookup: dns)
        let report = try? await DNSPreflight(lookup: dns).check(records, domain: domain)
        var discovery = DomainConnect.Discovery(
            lookup: dns,
            allowsInsecureLoopback: environment["SENDINGDOMAINS_DOMAIN_CONNECT_INSECURE_LOOPBACK"] == "1")
        if let seconds = invocation.requestTimeout, let timeout = Duration.clampedSeconds(seconds) {
            discovery.timeout = timeout
        }
        var signer: DomainConnect.Signer?
        if let command = invocation.connect.values["--sign-command"],
            let keyHost = invocation.connect.values["--key-host"]
        {
            signer = DomainConnect.Signer(keyHost: keyHost) { bytes in try SignCommand.sign(bytes, command: command) }
            // A host that returns no copy of the template: sign, since the platform configured a signer.
            service.syncPubKeyDomain = keyHost
        }
        let onboarding: DomainConnect.Onboarding
        do {
            onboarding = try await DomainConnect.Onboarding.prepare(
                records: records, domain: domain, dnsHost: dnsHost, service: service, discovery: discovery,
                preflight: report, redirectURI: invocation.connect.values["--redirect-uri"],
                state: invocation.connect.values["--state"], signer: signer)
        } catch  where error.code == DomainConnect.Onboarding.signatureRequiredCode {
            fail(
                2, kind: "usage",
                "the template \(service.providerID)/\(service.serviceID) at \(domain)'s DNS host requires a signed URL (it has a syncPubKeyDomain): give --key-host KEY --sign-command CMD",
                help: Help.short(provider: invocation.provider, command: .connect), provider: invocation.provider)
        }
        let settings = onboarding.support.settings
        let reason = onboarding.isOneClick ? nil : onboarding.support.status.rawValue
        if invocation.json {
            Console.out(
                Render.json(
                    ConnectJSON(
                        domain: domain, supported: onboarding.isOneClick, dnsHost: dnsHost,
                        domainConnect: settings.map { .init(providerId: $0.providerID, providerName: $0.providerName) },
                        reason: reason, applyURL: onboarding.link?.url.absoluteString)))
        } else if let link = onboarding.link {
            Console.out(
                [
                    HostOptions.describe(dnsHost),
                    Terminal.safe(onboarding.support.detail) + ". Send the customer to:",
                    Terminal.safe(link.url.absoluteString),
                ].joined(separator: "\n"))
        } else {
            Console.out(
                Terminal.safe("Domain Connect: \(reason ?? "") — \(onboarding.support.detail).")
                    + " Type the records in at the DNS host:\n\n"
                    + HostOptions.render(records, host: dnsHost, json: false))
        }
        return onboarding.isOneClick ? 0 : 3
    }
}

/// `--sign-command CMD`: signs by running `sh -c CMD` with the bytes on stdin, reading the
/// base64 signature from its stdout.
enum SignCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The largest output read: a 16384-bit RSA signature is under 3 KB in base64.
    static let maximumOutput = 64 * 1024
    static let timeout: Double = 30

    static func sign(_ bytes: Data, command: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw Failure(description: "--sign-command could not be started: \(error.localizedDescription)")
        }
        let collected = LockedState(Data())
        let reading = DispatchSemaphore(value: 0)
        let handle = output.fileHandleForReading
        Thread {
            collected.withLock { $0 = (try? handle.read(upToCount: maximumOutput + 1)) ?? Data() }
            reading.signal()
        }.start()
        // A command that exits without reading its input must not end this process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: bytes)
        try? input.fileHandleForWriting.close()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Failure(description: "--sign-command did not finish within \(Int(timeout)) s")
        }
        _ = reading.wait(timeout: .now() + 5)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "--sign-command exited with status \(process.terminationStatus)")
        }
        let text = String(decoding: collected.withLock { $0 }.prefix(maximumOutput), as: UTF8.self)
            .filter { !$0.isWhitespace }
        guard let signature = Data(base64Encoded: text), !signature.isEmpty else {
            throw Failure(description: "--sign-command printed no base64 signature")
        }
        return signature
    }
}

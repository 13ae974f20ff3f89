import Foundation
import HTTPTransport
import SendingDomainsRedis

/// `--rate-store redis://…` (or `SENDINGDOMAINS_RATE_STORE`): one rate budget shared by every
/// `domains` process — and every app instance — that names the same store.
enum RateStoreOption {
    static let environmentVariable = "SENDINGDOMAINS_RATE_STORE"

    /// Puts the shared budget into `options`. Without `--verbose`, the only lines it prints are
    /// the store's outage (naming the store and the fallback in force, never the URL's
    /// password) and its return; `--verbose` also shows each wait for the budget.
    static func apply(
        _ url: String?, to options: inout ClientOptions, verbose: Bool, json: Bool, environment: [String: String]
    ) throws(SendingDomainsError) {
        guard let url = url ?? environment[environmentVariable], !url.isEmpty else { return }
        let store = RedisRateStore(try RedisConfiguration(url: url, environment: environment))
        options.rateLimiting = .shared(store)
        guard !verbose else { return }
        options.logger = LogSink(minimumLevel: .info) { event in
            guard let name = event.metadata["rateStore"], event.metadata["event"] != "wait" else { return }
            if json {
                Console.err(
                    Render.json(
                        ["rateStore": name, "event": event.metadata["event"] ?? "", "message": event.message],
                        pretty: false))
            } else {
                Console.err("domains: \(Terminal.safe(event.message))")
            }
        }
    }
}

extension ClientOptions {
    /// The client options a command runs with: `--request-timeout`, `--verbose` logs on stderr
    /// (JSON lines with `--json`), and `--rate-store`'s shared budget; a store that does not parse
    /// is a usage error (exit 2, with `help`).
    static func forCommand(
        requestTimeout: Double?, verbose: Bool, json: Bool, rateStore: String?, environment: [String: String],
        help: String
    ) -> ClientOptions {
        var options = ClientOptions()
        if let seconds = requestTimeout, let timeout = Duration.clampedSeconds(seconds) {
            options.timeout = timeout
        }
        if verbose {
            options.logger = LogSink(minimumLevel: .debug) { event in
                Notice.emit(json: json, "domains: \(Terminal.safe("\(event)"))", Notice.Log(event))
            }
        }
        do {
            try RateStoreOption.apply(rateStore, to: &options, verbose: verbose, json: json, environment: environment)
        } catch {
            fail(2, kind: "usage", "--rate-store: \(error.message)", help: help)
        }
        return options
    }
}

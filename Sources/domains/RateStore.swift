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

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

/// One provider's HTTP API, simulated in memory. ``ProviderSimulator`` runs it.
protocol SimulatedAPI: Sendable, Codable {
    /// Answers one request, changing the simulated state.
    mutating func handle(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse
    /// The provider's answer to an injected status or rate-limit fault.
    func fault(_ fault: SimulatedFault, request: TransportRequest, now: Date) -> TransportResponse
    /// The names of the domains it holds.
    var domainNames: [String] { get }
    /// Makes the domain pass its next DNS check.
    mutating func publishRecords(for domain: String)
}

/// A stateful, in-memory simulator of one provider's domain API, usable as a `Transport`.
///
/// It accepts exactly what the real API accepts (method, path, credentials, JSON fields),
/// answers in the documented shapes, generates each provider's DNS records for a new domain (a
/// well-formed RSA public key for DKIM), keeps domains across calls, moves their status as they
/// are verified, and reproduces the provider's errors — bad credentials, validation, not found,
/// duplicate domain, 429 with that provider's hints, AhaSend's idempotent replay, in-progress
/// and key mismatch.
///
/// ```swift
/// let sandbox = ProviderSimulator.ahaSend()
/// let client = AhaSend.Client(apiKey: ProviderSimulator.sandboxAPIKey, accountID: ProviderSimulator.sandboxAccountID,
///                             options: .init(transport: sandbox))
/// let domain = try await client.createDomain(.init(name: "example.com"))
///
/// await sandbox.failNext(2, with: .status(503))      // fault injection for your own tests
/// ```
///
/// **One rule, as in the `domains` command's sandbox**: a domain verifies at its first check
/// (verify, check-dns, Krafter's refresh) after its records were published —
/// ``publishRecords(for:)``, which the command's `publish` calls — and stays pending (never
/// "partially verified") until then. A test of polling that wants verification without
/// publishing passes `checksToVerify`: the domain then also verifies at that check.
public actor ProviderSimulator: Transport {
    /// The API key every sandbox simulator accepts by default.
    public static let sandboxAPIKey = "sandbox-api-key"
    /// The secret token Cllavio's sandbox accepts by default.
    public static let sandboxSecretToken = "sandbox-secret-token"
    /// The account id AhaSend's sandbox accepts by default.
    public static let sandboxAccountID = "00000000-0000-4000-8000-000000000001"

    /// The provider simulated.
    public nonisolated let provider: ProviderID
    private var api: any SimulatedAPI
    private var state = SimulatorState()
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void

    init(
        provider: ProviderID, api: any SimulatedAPI, now: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.provider = provider
        self.api = api
        self.now = now
        self.sleep = sleep
    }

    /// The default `checksToVerify`: `Int.max`, so that a domain verifies only once its records
    /// are published (``publishRecords(for:)``), never by being checked often enough.
    public static let defaultChecksToVerify = Int.max

    /// A SendKit simulator (`POST /domains`).
    public static func sendKit(
        apiKey: String = sandboxAPIKey, now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> ProviderSimulator {
        ProviderSimulator(provider: .sendKit, api: SendKitAPI(apiKey: apiKey), now: now, sleep: sleep)
    }

    /// An AutoSend simulator (create, list, get, verify, delete under the base URL's `/v1`).
    public static func autoSend(
        apiKey: String = sandboxAPIKey, checksToVerify: Int = defaultChecksToVerify,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> ProviderSimulator {
        ProviderSimulator(
            provider: .autoSend, api: AutoSendAPI(apiKey: apiKey, checksToVerify: checksToVerify), now: now,
            sleep: sleep)
    }

    /// A Krafter simulator (create, list, get, verify, delete under the base URL's `/api/v1`).
    public static func krafter(
        apiKey: String = sandboxAPIKey, checksToVerify: Int = defaultChecksToVerify,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> ProviderSimulator {
        ProviderSimulator(
            provider: .krafter, api: KrafterAPI(apiKey: apiKey, checksToVerify: checksToVerify), now: now, sleep: sleep)
    }

    /// A Cllavio simulator (`POST /api/v1/emails/domains/generate`). `takenDomains` are
    /// registered to another organization (409 "Domain is already taken").
    public static func cllavio(
        accessToken: String = sandboxAPIKey, secretToken: String = sandboxSecretToken, takenDomains: Set<String> = [],
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> ProviderSimulator {
        ProviderSimulator(
            provider: .cllavio,
            api: CllavioAPI(accessToken: accessToken, secretToken: secretToken, takenDomains: takenDomains), now: now,
            sleep: sleep)
    }

    /// An AhaSend simulator (`/v2/accounts/{account_id}/domains…`, idempotency keys, cursor pages).
    public static func ahaSend(
        apiKey: String = sandboxAPIKey, accountID: String = sandboxAccountID,
        checksToVerify: Int = defaultChecksToVerify,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) -> ProviderSimulator {
        ProviderSimulator(
            provider: .ahaSend, api: AhaSendAPI(apiKey: apiKey, accountID: accountID, checksToVerify: checksToVerify),
            now: now, sleep: sleep)
    }

    /// A simulator for `provider` with the sandbox credentials.
    ///
    /// - Parameters:
    ///   - provider: The provider to simulate.
    ///   - checksToVerify: How many checks verify a domain whose records were never published;
    ///     by default none do: it verifies only after ``publishRecords(for:)``, as in the
    ///     `domains` command's sandbox, whose verification follows its DNS zone.
    ///   - now: The simulator's clock, for timestamps.
    public static func sandbox(
        for provider: ProviderID, checksToVerify: Int = defaultChecksToVerify,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> ProviderSimulator {
        switch provider {
        case .autoSend: .autoSend(checksToVerify: checksToVerify, now: now)
        case .krafter: .krafter(checksToVerify: checksToVerify, now: now)
        case .cllavio: .cllavio(now: now)
        case .ahaSend: .ahaSend(checksToVerify: checksToVerify, now: now)
        default: .sendKit(now: now)
        }
    }

    /// Makes the next `count` requests fail with `fault` (in addition to faults already queued).
    public func failNext(_ count: Int = 1, with fault: SimulatedFault) {
        state.faults += Array(repeating: fault, count: max(0, count))
    }

    /// Adds `latency` before every answer (slept with the simulator's `sleep`).
    public func setLatency(_ latency: Duration) {
        state.latency = latency
    }

    /// Makes `domain` pass its next DNS check, as if the customer published every record.
    public func publishRecords(for domain: String) {
        api.publishRecords(for: domain.lowercased())
    }

    /// How many requests arrived.
    public var requestCount: Int { state.requestCount }

    /// The names of the domains the simulator holds.
    public var domainNames: [String] { api.domainNames }

    /// The simulator's whole state — domains, verification progress, stored idempotent
    /// responses, queued faults — as JSON, so a sandbox can outlive one process (the `domains`
    /// command keeps one per provider between runs).
    public func exportState() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let api = (try? encoder.encode(AnyAPI(api))) ?? Data()
        return (try? encoder.encode(Snapshot(provider: provider.rawValue, state: state, api: api))) ?? Data()
    }

    /// Restores state saved by ``exportState()``.
    ///
    /// - Throws: `SendingDomainsError` of kind `decoding` when `data` is not a snapshot of a
    ///   simulator of the same provider.
    public func importState(_ data: Data) throws(SendingDomainsError) {
        let decoder = JSONDecoder()
        guard let snapshot = try? decoder.decode(Snapshot.self, from: data), snapshot.provider == provider.rawValue,
            let restored = try? decoder.decode(AnyAPI.self, from: snapshot.api), type(of: restored.api) == type(of: api)
        else {
            throw SendingDomainsError(
                kind: .decoding,
                message:
                    "The sandbox state is not a \(provider.displayName) simulator snapshot; delete it to start afresh")
        }
        state = snapshot.state
        api = restored.api
    }

    /// Answers a request as the provider would.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        state.requestCount += 1
        if state.latency > .zero { try await sleep(state.latency) }
        try Task.checkCancellation()
        let date = now()
        guard let fault = state.nextFault() else {
            return api.handle(request, context: &state, now: date)
        }
        switch fault {
        case .connectionRefused:
            try throwTransportFault(fault)
            return api.fault(fault, request: request, now: date)
        case .connectionLost, .timeout:
            _ = api.handle(request, context: &state, now: date)  // the server did the work
            try throwTransportFault(fault)
            return api.fault(fault, request: request, now: date)
        default:
            return api.fault(fault, request: request, now: date)
        }
    }
}

private struct Snapshot: Codable {
    let provider: String
    let state: SimulatorState
    let api: Data
}

/// Encodes whichever API a simulator runs, tagged with its type.
private struct AnyAPI: Codable {
    let api: any SimulatedAPI

    init(_ api: any SimulatedAPI) {
        self.api = api
    }

    enum CodingKeys: String, CodingKey { case kind, value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "sendkit": api = try container.decode(SendKitAPI.self, forKey: .value)
        case "autosend": api = try container.decode(AutoSendAPI.self, forKey: .value)
        case "krafter": api = try container.decode(KrafterAPI.self, forKey: .value)
        case "cllavio": api = try container.decode(CllavioAPI.self, forKey: .value)
        default: api = try container.decode(AhaSendAPI.self, forKey: .value)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let kind: String =
            switch api {
            case is SendKitAPI: "sendkit"
            case is AutoSendAPI: "autosend"
            case is KrafterAPI: "krafter"
            case is CllavioAPI: "cllavio"
            default: "ahasend"
            }
        try container.encode(kind, forKey: .kind)
        try container.encode(api, forKey: .value)
    }
}

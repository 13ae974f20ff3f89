import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// AhaSend (`api.ahasend.com`, API v2): its client, wire models and defaults.
///
/// Documented domain operations: create, list (cursor pages), get, update, delete and
/// check-dns, all under `/v2/accounts/{account_id}/domains`, where `{domain}` is the domain
/// **name**. POSTs carry an `Idempotency-Key`, minted once per call, so a retried create can
/// never add a domain twice.
///
/// ```swift
/// import AhaSendClient
///
/// let ahaSend = AhaSend.Client(apiKey: "aha-sk-…", accountID: "9f3c…")
/// let domain = try await ahaSend.createDomain(.init(name: "example.com"))
/// for record in domain.dnsRecords where record.required {
///     print(record.type, record.host, record.value)
/// }
/// ```
public enum AhaSend {
    /// The production base URL, `https://api.ahasend.com`.
    public static let productionBaseURL = BaseURL(trusted: "https://api.ahasend.com")

    /// AhaSend's published limit for general endpoints: 100 requests/s, bursts of 200.
    public static let rateLimit = RateLimit(rate: 100, burst: 200)

    /// The retry policy of AhaSend's official Go SDK — 3 attempts, 1 s·2^(n−1) ±25 % capped at
    /// 30 s — plus what it lacks: `Retry-After` honoured, and a 409 "in progress" retried with
    /// the same key.
    public static let retryPolicy = RetryPolicy(
        maximumAttempts: 3, initialBackoff: .seconds(1), maximumBackoff: .seconds(30), jitter: .proportional(0.25))

    /// The profile the pipeline uses.
    @_spi(ProviderAuthoring) public static let profile = ProviderProfile(
        id: .ahaSend,
        defaultBaseURL: productionBaseURL,
        defaultRateLimit: rateLimit,
        defaultRetryPolicy: retryPolicy,
        idempotency: IdempotencySupport(headerName: "Idempotency-Key", replayedHeaderName: "Idempotent-Replayed"),
        errorDecoder: decodeError
    )

    /// Reads AhaSend's `{ "message": "…" }` errors. The kind comes from the status and the
    /// idempotency headers, never from the text (AhaSend asks clients not to parse it):
    /// 409 with `Idempotent-Replayed: false` **and** a `Retry-After` is a request still in
    /// progress; any other 409 is a domain that already exists (an original response may carry
    /// `Idempotent-Replayed: false` too, so the header alone is not enough); 412 is a key whose
    /// first request failed, 422 a key reused with another payload.
    @_spi(ProviderAuthoring) @Sendable public static func decodeError(
        _ response: TransportResponse
    ) -> ProviderErrorDetails {
        struct Body: Decodable { let message: String? }
        let message = (try? JSONCoding.decoder.decode(Body.self, from: response.body))?.message
        let replayed = response.headers["Idempotent-Replayed"]?.lowercased()
        let kind: SendingDomainsError.Kind? =
            switch response.status {
            case 409 where replayed == "false" && response.headers["Retry-After"] != nil: .idempotencyInProgress
            case 409: .conflict
            case 412: .conflict
            case 422: .idempotencyMismatch
            default: nil
            }
        return ProviderErrorDetails(kind: kind, message: message)
    }
}

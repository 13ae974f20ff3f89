import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// AutoSend (`api.autosend.com/v1`): its client, wire models and defaults.
///
/// Documented operations: add, list, get, verify and delete a domain. Every response is a
/// `{ "success": true, "data": … }` envelope; errors are
/// `{ "success": false, "error": { "message", "code", "details" } }`.
///
/// ```swift
/// import AutoSendClient
///
/// let autoSend = AutoSend.Client(apiKey: "…")
/// let domain = try await autoSend.createDomain(.init(name: "example.com", regionKey: "us-east-1"))
/// // publish domain.dnsRecords, then:
/// let check = try await autoSend.verifyDomain(id: domain.id)
/// print(check.verificationStatus ?? .pendingConfiguration)
/// ```
public enum AutoSend {
    /// The production base URL, `https://api.autosend.com/v1`.
    public static let productionBaseURL = BaseURL(trusted: "https://api.autosend.com/v1")

    /// AutoSend's published limit: 2 requests per second per key.
    public static let rateLimit = RateLimit(rate: 2, burst: 2)

    /// The profile the pipeline uses: bearer auth, 2 requests/s, `X-RateLimit-*` headers,
    /// `retryAfter` in 429 bodies.
    @_spi(ProviderAuthoring) public static let profile = ProviderProfile(
        id: .autoSend,
        defaultBaseURL: productionBaseURL,
        defaultRateLimit: rateLimit,
        rateLimitHeaders: RateLimitHeaderNames(remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset"),
        errorDecoder: decodeError
    )

    struct ErrorEnvelope: Decodable {
        struct Detail: Decodable {
            let field: String?
            let message: String?
        }
        struct Body: Decodable {
            let message: String?
            let code: String?
            let details: [Detail]?
        }
        let success: Bool?
        let error: Body?
        let message: String?
        let retryAfter: Double?
    }

    /// Reads AutoSend's error envelope, including `details` field errors and the 429 body's
    /// `retryAfter` (seconds).
    @_spi(ProviderAuthoring) @Sendable public static func decodeError(
        _ response: TransportResponse
    ) -> ProviderErrorDetails {
        guard let envelope = try? JSONCoding.decoder.decode(ErrorEnvelope.self, from: response.body) else {
            return ProviderErrorDetails()
        }
        let code = envelope.error?.code
        let kind: SendingDomainsError.Kind? =
            switch code {
            case "VALIDATION_FAILED": .validation
            case "UNAUTHORIZED": .authentication
            case "FORBIDDEN": .permission
            case "NOT_FOUND": .notFound
            case "RATE_LIMITED", "RATE_LIMIT_EXCEEDED", "TOO_MANY_REQUESTS": .rateLimited
            default: nil
            }
        return ProviderErrorDetails(
            kind: kind,
            message: envelope.error?.message ?? envelope.message,
            code: code,
            fieldErrors: (envelope.error?.details ?? []).map {
                .init(field: $0.field ?? "", message: $0.message ?? "")
            },
            retryAfter: envelope.retryAfter.flatMap { Duration.clampedSeconds($0) }
        )
    }

    /// Unwraps `{ "success": true, "data": T }`. A `success: false` envelope in a 2xx response
    /// becomes the error it describes.
    static func unwrap<T: Decodable>(
        _ type: T.Type, from response: TransportResponse, operation: String
    ) throws(SendingDomainsError) -> T {
        let envelope = try JSONCoding.decode(
            Envelope<T>.self, from: response, provider: .autoSend, operation: operation)
        if envelope.success == false {
            let details = decodeError(response)
            throw SendingDomainsError(
                kind: details.kind ?? .server, message: details.message ?? "AutoSend reported success: false",
                provider: .autoSend, operation: operation, status: response.status, code: details.code,
                fieldErrors: details.fieldErrors, rawBody: SendingDomainsError.excerpt(of: response.body))
        }
        guard let data = envelope.data else {
            throw JSONCoding.decodingError(
                "The response lacks the field data", response: response, provider: .autoSend, operation: operation)
        }
        return data
    }

    struct Envelope<T: Decodable>: Decodable {
        let success: Bool?
        let data: T?
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// Krafter (`app.krafter.dev/api/v1`): its client, wire models and defaults.
///
/// Documented operations: add, list, get, verify and delete a domain (scope `domains:manage`).
/// Responses are `{ "data": … }` envelopes; errors come in four shapes, all read.
///
/// ```swift
/// import KrafterClient
///
/// let krafter = Krafter.Client(apiKey: "kr_live_…")
/// let domain = try await krafter.createDomain(.init(name: "example.com", returnPath: "send"))
/// for record in domain.dnsRecords ?? [] where record.required {
///     print(record.type, record.name, record.value)
/// }
/// ```
public enum Krafter {
    /// The production base URL, `https://app.krafter.dev/api/v1`.
    public static let productionBaseURL = BaseURL(trusted: "https://app.krafter.dev/api/v1")

    /// Krafter's published limit: 100 requests per fixed 60-second window per team.
    public static let rateLimit = RateLimit.perWindow(100, per: .seconds(60))

    /// The profile the pipeline uses: bearer auth, 100 per 60 s, lowercase `x-ratelimit-*`
    /// headers (matched case-insensitively), four error shapes.
    @_spi(ProviderAuthoring) public static let profile = ProviderProfile(
        id: .krafter,
        defaultBaseURL: productionBaseURL,
        defaultRateLimit: rateLimit,
        rateLimitHeaders: RateLimitHeaderNames(remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset"),
        errorDecoder: decodeError
    )

    struct ErrorBody: Decodable {
        let error: String?
        let code: String?
        let details: [String: [String]]?
        let retryAfter: Double?

        enum CodingKeys: String, CodingKey {
            case error, code, details
            case retryAfter = "retry_after"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            error = try c.decodeIfPresent(String.self, forKey: .error)
            code = try? c.decodeIfPresent(String.self, forKey: .code)
            retryAfter = try? c.decodeIfPresent(Double.self, forKey: .retryAfter)
            if let lists = try? c.decodeIfPresent([String: [String]].self, forKey: .details) {
                details = lists
            } else if let single = try? c.decodeIfPresent([String: String].self, forKey: .details) {
                details = single.mapValues { [$0] }
            } else {
                details = nil
            }
        }
    }

    /// Reads Krafter's error shapes: `{error}` (401, 403), `{error, code}` (policy),
    /// `{error, details: {field: [messages]}}` (422) and `{error, retry_after}` (429).
    @_spi(ProviderAuthoring) @Sendable public static func decodeError(
        _ response: TransportResponse
    ) -> ProviderErrorDetails {
        guard let body = try? JSONCoding.decoder.decode(ErrorBody.self, from: response.body) else {
            return ProviderErrorDetails()
        }
        let fields = (body.details ?? [:]).sorted { $0.key < $1.key }.flatMap { field, messages in
            messages.map { SendingDomainsError.FieldError(field: field, message: $0) }
        }
        return ProviderErrorDetails(
            message: body.error, code: body.code, fieldErrors: fields,
            retryAfter: body.retryAfter.flatMap { Duration.clampedSeconds($0) })
    }

    struct Envelope<T: Decodable>: Decodable {
        let data: T
    }
}

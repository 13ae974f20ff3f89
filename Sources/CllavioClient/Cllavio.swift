import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// Cllavio, also sold as Sendtrim (`api-marketing.cllavio.com`): its client, wire models and
/// defaults.
///
/// Cllavio publishes a single domain endpoint, `POST /api/v1/emails/domains/generate`, which
/// creates the domain (if new), registers a sender address, and returns the TXT records to
/// publish. There is no public list, get, verify or delete: verification is a separate,
/// JWT-authenticated endpoint outside the public API, so this SDK does not call it.
///
/// ```swift
/// import CllavioClient
///
/// let cllavio = Cllavio.Client(accessToken: "…", secretToken: "…")
/// let result = try await cllavio.generateDomain(.init(email: "noreply@example.com"))
/// for record in result.records {
///     print("TXT", record.host, record.value)
/// }
/// ```
public enum Cllavio {
    /// The production base URL, `https://api-marketing.cllavio.com`.
    public static let productionBaseURL = BaseURL(trusted: "https://api-marketing.cllavio.com")

    /// The profile the pipeline uses: two token headers, no published rate limit, plain-string
    /// errors.
    @_spi(ProviderAuthoring) public static let profile = ProviderProfile(
        id: .cllavio,
        defaultBaseURL: productionBaseURL,
        defaultRateLimit: nil,
        errorDecoder: decodeError
    )

    /// Reads Cllavio's errors: a JSON string such as `"Invalid sender address: x"` (or the same
    /// as plain text), or `{ "error": "…" }` for a 500.
    @_spi(ProviderAuthoring) @Sendable public static func decodeError(
        _ response: TransportResponse
    ) -> ProviderErrorDetails {
        struct Object: Decodable {
            let error: String?
            let message: String?
        }
        let decoder = JSONCoding.decoder
        if let text = try? decoder.decode(String.self, from: response.body) {
            return ProviderErrorDetails(message: text, fieldErrors: fieldErrors(for: text))
        }
        if let object = try? decoder.decode(Object.self, from: response.body), let text = object.error ?? object.message
        {
            return ProviderErrorDetails(message: text)
        }
        let plain = String(decoding: response.body.prefix(512), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let isPlainText =
            !plain.isEmpty && !plain.hasPrefix("<") && !plain.hasPrefix("{") && !plain.hasPrefix("[")
            && !plain.contains("\n")
        return isPlainText
            ? ProviderErrorDetails(message: plain, fieldErrors: fieldErrors(for: plain)) : ProviderErrorDetails()
    }

    private static func fieldErrors(for message: String) -> [SendingDomainsError.FieldError] {
        if message.hasPrefix("Invalid sender address") { return [.init(field: "email", message: message)] }
        if message.hasPrefix("Invalid reply-to address") { return [.init(field: "replyTo", message: message)] }
        return []
    }
}

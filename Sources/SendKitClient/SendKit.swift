@_spi(ProviderAuthoring) import HTTPTransport

/// SendKit (`api.sendkit.dev`): its client, wire models and defaults.
///
/// SendKit documents one domain endpoint, `POST /domains`, so ``Client`` offers
/// ``Client/createDomain(_:)`` only; listing, reading, verifying and deleting are not part of
/// its published API (its official SDKs have no domain methods either).
///
/// ```swift
/// import SendKitClient
///
/// let sendKit = SendKit.Client(apiKey: "sk_live_…")
/// let domain = try await sendKit.createDomain(.init(name: "example.com", region: "us-east-1"))
/// for record in domain.dnsRecords {
///     print(record.recordType, record.name, record.value)
/// }
/// ```
public enum SendKit {
    /// The production base URL, `https://api.sendkit.dev`.
    public static let productionBaseURL = BaseURL(trusted: "https://api.sendkit.dev")

    /// The profile the pipeline uses: bearer auth, no published rate limit (429s carry
    /// `Retry-After`, which is honoured), `{name, message}` errors.
    @_spi(ProviderAuthoring) public static let profile = ProviderProfile(
        id: .sendKit,
        defaultBaseURL: productionBaseURL,
        defaultRateLimit: nil,
        errorDecoder: decodeError
    )

    /// Reads SendKit's `{ "name": "validation_error", "message": "…" }` error bodies.
    @_spi(ProviderAuthoring) @Sendable public static func decodeError(
        _ response: TransportResponse
    ) -> ProviderErrorDetails {
        struct Body: Decodable {
            let name: String?
            let message: String?
        }
        guard let body = try? JSONCoding.decoder.decode(Body.self, from: response.body) else {
            return ProviderErrorDetails()
        }
        let kind: SendingDomainsError.Kind? =
            switch body.name {
            case "validation_error": .validation
            case "rate_limit_exceeded": .rateLimited
            case "not_found": .notFound
            case "unauthorized", "missing_api_key", "invalid_api_key": .authentication
            default: nil
            }
        return ProviderErrorDetails(kind: kind, message: body.message, code: body.name)
    }
}

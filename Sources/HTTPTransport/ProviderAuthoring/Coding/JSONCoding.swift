import Foundation

/// The JSON encoder and decoder every client uses, and typed decoding of response bodies.
@_spi(ProviderAuthoring) public enum JSONCoding {
    /// The shared decoder (see ``makeDecoder()``). Decoders are thread-safe once configured;
    /// sharing one saves building it on every call.
    package static let decoder = makeDecoder()

    /// The shared encoder (see ``makeEncoder()``).
    package static let encoder = makeEncoder()

    /// A decoder whose dates accept every form ``Timestamp`` does.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Unrecognised timestamp format")
            }
            return date
        }
        return decoder
    }

    /// An encoder with sorted keys (stable bodies, so idempotent replays match) and ISO 8601 dates.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Encodes a request body.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` when the
    ///   value cannot be encoded (for example a non-finite number).
    public static func encode(_ value: some Encodable) throws(SendingDomainsError) -> Data {
        do {
            return try encoder.encode(value)
        } catch {
            throw SendingDomainsError(kind: .validation, message: "The request body could not be encoded as JSON")
        }
    }

    /// Decodes a response body as `T`.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/decoding`` saying
    ///   which field was missing or of the wrong type, with the status, request id and a raw
    ///   body excerpt.
    public static func decode<T: Decodable>(
        _ type: T.Type, from response: TransportResponse, provider: ProviderID? = nil, operation: String? = nil
    ) throws(SendingDomainsError) -> T {
        do {
            return try decoder.decode(T.self, from: response.body)
        } catch {
            var failure = decodingError(describe(error), response: response, provider: provider, operation: operation)
            failure.underlyingError = error
            throw failure
        }
    }

    /// A ``SendingDomainsError/Kind/decoding`` error about `response`.
    public static func decodingError(
        _ message: String, response: TransportResponse, provider: ProviderID?, operation: String?
    ) -> SendingDomainsError {
        SendingDomainsError(
            kind: .decoding, message: message, provider: provider, operation: operation, status: response.status,
            requestID: response.headers.requestID,
            rawBody: SendingDomainsError.excerpt(of: response.body))
    }

    /// A one-line account of a `DecodingError` that names the path but quotes no values.
    public static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
        }
        guard let error = error as? DecodingError else { return "The response body is not valid JSON" }
        switch error {
        case .keyNotFound(let key, let context):
            return "The response lacks the field \(path(context.codingPath + [key]))"
        case .valueNotFound(_, let context):
            return "The response has null where a value is required at \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "The response has the wrong type at \(path(context.codingPath)); expected \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "The response body is not valid JSON"
                : "The response has an invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "The response could not be decoded"
        }
    }
}

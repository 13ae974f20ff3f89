import Foundation

/// One provider operation, described once: its name, its method, its path built from validated
/// ids, its body, whether repeating it is harmless, and how its response decodes.
///
/// A provider client describes each operation as a static member and sends it with
/// ``APIClient/call(_:idempotencyKey:)``, so that a client method is one line:
///
/// ```swift
/// struct Widget: Decodable, Sendable {
///     let id: String
/// }
///
/// extension Endpoint where Response == Widget {
///     static func getWidget(id: String) -> Endpoint<Widget> {
///         Endpoint(.getDomain, .get, decoding: .json) { () throws(SendingDomainsError) in
///             .init(path: ["widgets", try ResourceID.uuid(id, field: "id")])
///         }
///     }
/// }
///
/// struct WidgetClient {
///     let api: APIClient
///
///     func getWidget(id: String) async throws(SendingDomainsError) -> Widget {
///         try await api.call(.getWidget(id: id))
///     }
/// }
/// ```
///
/// The description is built eagerly; a validation failure while building it (a malformed id, a
/// body that does not validate) is kept and thrown by ``APIClient/call(_:idempotencyKey:)``
/// before anything is sent, stamped with the provider and the operation's name. An endpoint is a
/// reference, so the async frames of a call in flight hold a pointer rather than the request.
@_spi(ProviderAuthoring) public final class Endpoint<Response> {
    /// The operation's name, for errors and logs.
    public let name: OperationName
    /// The method.
    public let method: RequestMethod
    /// Whether sending the request twice is harmless (the retry policy may replay it after a
    /// timeout or a lost connection): the method's own answer unless the endpoint says otherwise.
    public let isIdempotent: Bool
    /// The path, query and body, or the validation failure that prevented building them.
    public let parts: Result<Parts, SendingDomainsError>
    /// How a 2xx response becomes a `Response`.
    public let decoding: ResponseDecoding<Response>

    /// What the request carries besides its method and name.
    public struct Parts: Sendable {
        /// The path segments after the base URL, unencoded.
        public var path: [String]
        /// The query parameters.
        public var query: [QueryItem]
        /// The JSON body, if any.
        public var body: Data?
        /// Secrets the body carries besides the client's credentials (AhaSend's DKIM private
        /// key): removed from any error the call throws, should the provider echo the body.
        public var secrets: [Secret]

        /// Parts without a body.
        public init(path: [String], query: [QueryItem] = []) {
            self.path = path
            self.query = query
            self.body = nil
            self.secrets = []
        }

        /// Parts whose body is `body` encoded as JSON.
        ///
        /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` when
        ///   the body cannot be encoded.
        /// - Parameter secrets: Secrets `body` carries besides the client's credentials, removed
        ///   from any error the call throws.
        public init(
            path: [String], query: [QueryItem] = [], json body: some Encodable, secrets: [Secret] = []
        ) throws(SendingDomainsError) {
            self.path = path
            self.query = query
            self.body = try JSONCoding.encode(body)
            self.secrets = secrets
        }
    }

    /// Describes an operation.
    ///
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - method: The method.
    ///   - idempotent: Whether sending the request twice is harmless, so that the retry policy
    ///     may replay it after a timeout or a lost connection; `nil` for the method's own answer
    ///     (GET, PUT and DELETE are; POST is not). A POST that only asks the provider to look at
    ///     something again, such as a DNS check, is idempotent.
    ///   - decoding: How the response decodes.
    ///   - parts: Builds the path, query and body; a validation error it throws is kept, and so
    ///     is an empty path segment (it would change the path's shape: `domains//verify`).
    @inline(never) public init(
        _ name: OperationName, _ method: RequestMethod, idempotent: Bool? = nil,
        decoding: ResponseDecoding<Response>, parts: () throws(SendingDomainsError) -> Parts
    ) {
        self.name = name
        self.method = method
        self.isIdempotent = idempotent ?? method.isIdempotent
        self.decoding = decoding
        self.parts = Result { () throws(SendingDomainsError) in
            let parts = try parts()
            try TransportRequest.checkSegments(parts.path)
            return parts
        }
    }
}

/// How an ``Endpoint``'s 2xx response becomes its `Response`: plain JSON, JSON inside a
/// provider's envelope, or no body at all.
@_spi(ProviderAuthoring) public struct ResponseDecoding<Response> {
    /// Decodes a response; errors are stamped with the provider and operation by the caller.
    public let decode: (TransportResponse, OperationName) throws(SendingDomainsError) -> Response

    /// A decoding of your own, e.g. a provider's envelope.
    public init(_ decode: @escaping (TransportResponse, OperationName) throws(SendingDomainsError) -> Response) {
        self.decode = decode
    }

    /// The body decoded as `Wire`, then transformed: e.g. `.json(Envelope<Domain>.self) { $0.data }`.
    public static func json<Wire: Decodable>(
        _ wire: Wire.Type, _ transform: @escaping (Wire) -> Response
    ) -> Self {
        Self { response, operation throws(SendingDomainsError) in
            transform(try JSONCoding.decode(Wire.self, from: response, operation: operation.rawValue))
        }
    }
}

extension ResponseDecoding where Response: Decodable {
    /// The body decoded as `Response`.
    public static var json: Self {
        Self { response, operation throws(SendingDomainsError) in
            try JSONCoding.decode(Response.self, from: response, operation: operation.rawValue)
        }
    }
}

extension ResponseDecoding where Response == Void {
    /// Any 2xx counts; the body, which the provider does not publish, is ignored.
    public static var ignoringBody: Self { Self { _, _ in } }

    /// The body must decode as `Wire` (a provider's success message), then is dropped.
    public static func expecting<Wire: Decodable>(_ wire: Wire.Type) -> Self {
        Self { response, operation throws(SendingDomainsError) in
            _ = try JSONCoding.decode(Wire.self, from: response, operation: operation.rawValue)
        }
    }
}

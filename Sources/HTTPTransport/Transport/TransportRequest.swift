import Foundation

/// One query parameter. Names and values are percent-encoded when the URL is built.
public struct QueryItem: Sendable, Hashable {
    /// The parameter name.
    public var name: String
    /// The parameter value.
    public var value: String

    /// Creates a query parameter.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request as the transport sends it.
///
/// The path is a list of **unencoded segments**; ``url()`` percent-encodes each one, so a
/// caller's value can never add a segment, a query or a fragment:
///
/// ```swift
/// let request = TransportRequest(
///     method: .get,
///     baseURL: URL(string: "https://api.ahasend.com")!,
///     path: ["v2", "accounts", accountID, "domains", "example.com"]
/// )
/// ```
public struct TransportRequest: Sendable, Hashable {
    // One pointer wide: every async frame that holds a request in flight holds a reference, not
    // a hundred bytes (see Docs/Performance.md, memory per call).
    private struct Fields: Sendable, Hashable {
        var method: RequestMethod
        var baseURL: URL
        var path: [String]
        var query: [QueryItem]
        var headers: HeaderFields
        var body: Data?
        var timeout: Duration?
        var isReplayable: Bool
        var maximumBodySize: Int?
    }

    private var fields: CopyOnWrite<Fields>

    /// The request method.
    public var method: RequestMethod {
        get { fields.value.method }
        _modify { yield &fields.value.method }
    }
    /// The provider's base URL; may itself have a path prefix such as `/v1`.
    public var baseURL: URL {
        get { fields.value.baseURL }
        _modify { yield &fields.value.baseURL }
    }
    /// The path segments after the base URL, unencoded.
    public var path: [String] {
        get { fields.value.path }
        _modify { yield &fields.value.path }
    }
    /// The query parameters, in order.
    public var query: [QueryItem] {
        get { fields.value.query }
        _modify { yield &fields.value.query }
    }
    /// The header fields.
    public var headers: HeaderFields {
        get { fields.value.headers }
        _modify { yield &fields.value.headers }
    }
    /// The body, if any.
    public var body: Data? {
        get { fields.value.body }
        _modify { yield &fields.value.body }
    }
    /// The attempt's limit, from connecting to the last byte of the response, or `nil` for the
    /// transport's default. The pipeline sets it to ``ClientOptions/timeout``, shortened to what
    /// is left of the retry policy's deadline; a transport must end the attempt when it passes.
    public var timeout: Duration? {
        get { fields.value.timeout }
        _modify { yield &fields.value.timeout }
    }
    /// Whether sending the request twice is harmless: an idempotent method, or a request that
    /// carries an idempotency key the provider honours (the pipeline sets this when it adds
    /// one). A transport must never resend a request that is not replayable on its own —
    /// ``URLSessionTransport`` sends such a request on a connection that is not reused.
    public var isReplayable: Bool {
        get { fields.value.isReplayable }
        _modify { yield &fields.value.isReplayable }
    }
    /// The largest response body the caller accepts, in bytes, or `nil` for the transport's own
    /// limit; the pipeline sets it to ``ClientOptions/maximumBodySize``. A transport stops
    /// reading — and fails the attempt — as soon as the body passes the smaller of the two.
    public var maximumBodySize: Int? {
        get { fields.value.maximumBodySize }
        _modify { yield &fields.value.maximumBodySize }
    }

    /// Creates a request.
    public init(
        method: RequestMethod,
        baseURL: URL,
        path: [String],
        query: [QueryItem] = [],
        headers: HeaderFields = [:],
        body: Data? = nil,
        timeout: Duration? = nil,
        isReplayable: Bool? = nil,
        maximumBodySize: Int? = nil
    ) {
        fields = CopyOnWrite(
            Fields(
                method: method, baseURL: baseURL, path: path, query: query, headers: headers, body: body,
                timeout: timeout, isReplayable: isReplayable ?? method.isIdempotent, maximumBodySize: maximumBodySize))
    }

    /// Refuses an empty path segment: it would change the path's shape (`domains//verify`).
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming the
    ///   segment.
    static func checkSegments(_ path: [String]) throws(SendingDomainsError) {
        if let index = path.firstIndex(where: \.isEmpty) {
            throw .invalidInput(field: "path", "segment \(index + 1) is empty; an id or name is required")
        }
    }

    /// The path after the base URL, encoded, starting with `/`.
    package var encodedPath: String {
        "/" + path.map(PercentEncoding.encode).joined(separator: "/")
    }

    /// The full URL: base URL, encoded segments, encoded query.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` when a
    ///   segment is empty (it would change the path's shape) or the base URL is not absolute.
    public func url() throws(SendingDomainsError) -> URL {
        try Self.checkSegments(path)
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var text = base + encodedPath
        if !query.isEmpty {
            text +=
                "?"
                + query.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
                .joined(separator: "&")
        }
        guard let url = URL(string: text), url.scheme != nil, url.host != nil else {
            throw .invalidInput(field: "baseURL", "is not an absolute URL")
        }
        return url
    }
}

/// An HTTP response as the transport received it.
public struct TransportResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The header fields.
    public var headers: HeaderFields
    /// The body, possibly empty.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: HeaderFields = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is in `200..<300`.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends one HTTP request and returns its response: the seam between the SDK and the network.
///
/// ``URLSessionTransport`` is the production implementation; `SendingDomainsTesting` has a
/// `MockTransport` and per-provider simulators. A transport returns every response it receives,
/// whatever its status, and throws only when no response arrived (preferably a
/// ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/transport`` or
/// ``SendingDomainsError/Kind/timeout``; the pipeline maps `URLError` and `CancellationError`
/// itself).
///
/// ```swift
/// struct EchoTransport: Transport {
///     func send(_ request: TransportRequest) async throws -> TransportResponse {
///         TransportResponse(status: 200, body: request.body ?? Data())
///     }
/// }
/// ```
public protocol Transport: Sendable {
    /// Sends `request` and returns the response. Must honour task cancellation.
    func send(_ request: TransportRequest) async throws -> TransportResponse
}

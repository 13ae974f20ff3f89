/// An HTTP request method.
///
/// The SDK only needs a handful of methods, but the type is open so that a custom middleware
/// or a test can use any token:
///
/// ```swift
/// let method: RequestMethod = .post
/// print(method.isIdempotent)  // false
/// ```
public struct RequestMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token as it goes on the wire, for example `"GET"`.
    public let rawValue: String

    /// Creates a method from its wire token. The token is upper-cased.
    public init(rawValue: String) {
        self.rawValue = rawValue.uppercased()
    }

    /// `GET`: reads a resource.
    public static let get = RequestMethod(rawValue: "GET")
    /// `POST`: creates a resource or triggers an action; not idempotent.
    public static let post = RequestMethod(rawValue: "POST")
    /// `PUT`: replaces a resource; idempotent.
    public static let put = RequestMethod(rawValue: "PUT")
    /// `PATCH`: partially updates a resource; not idempotent.
    public static let patch = RequestMethod(rawValue: "PATCH")
    /// `DELETE`: removes a resource; idempotent.
    public static let delete = RequestMethod(rawValue: "DELETE")
    /// `HEAD`: reads a resource's headers.
    public static let head = RequestMethod(rawValue: "HEAD")

    /// Whether RFC 9110 defines the method as idempotent, so that sending it twice has the
    /// same effect as sending it once. The retry policy replays only idempotent requests
    /// (or requests that carry an idempotency key the provider honours).
    public var isIdempotent: Bool {
        switch self {
        case .get, .head, .put, .delete, RequestMethod(rawValue: "OPTIONS"), RequestMethod(rawValue: "TRACE"): true
        default: false
        }
    }

    /// The wire token.
    public var description: String { rawValue }
}

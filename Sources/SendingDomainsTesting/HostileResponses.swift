import Foundation
import HTTPTransport

/// Responses no provider should send but every client must survive: each must give a typed
/// `HTTPTransport/SendingDomainsError` (decoding or server), never a crash.
///
/// ```swift
/// for (name, response) in HostileResponses.all {
///     let mock = MockTransport.always(response)
///     // call the client and expect a SendingDomainsError
/// }
/// ```
public enum HostileResponses {
    /// Named hostile responses: an HTML 502 page, truncated JSON, wrong types, an empty body,
    /// a JSON `null`, an array where an object belongs, binary garbage, a deeply nested document.
    public static let all: [(name: String, response: TransportResponse)] = [
        (
            "HTML 502",
            TransportResponse(
                status: 502, headers: ["Content-Type": "text/html"],
                body: Data("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))
        ),
        (
            "HTML 200",
            TransportResponse(
                status: 200, headers: ["Content-Type": "text/html"], body: Data("<html>maintenance</html>".utf8))
        ),
        ("truncated JSON", .json(200, #"{"data": {"id": "550e8400-e29b-41d4-a716-44665544"#)),
        ("wrong types", .json(200, #"{"id": 42, "name": ["x"], "domain": false, "data": "nope", "success": "yes"}"#)),
        ("empty body 200", TransportResponse(status: 200)),
        ("empty body 500", TransportResponse(status: 500)),
        ("JSON null", .json(200, "null")),
        ("array instead of object", .json(200, "[1, 2, 3]")),
        ("binary garbage", TransportResponse(status: 200, body: Data([0xFF, 0xFE, 0x00, 0x01, 0xC3, 0x28]))),
        ("deep nesting", .json(200, String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))),
        (
            "error envelope in a 200",
            .json(200, #"{"success": false, "error": {"message": "Something failed", "code": "INTERNAL"}}"#)
        ),
    ]
}

// Stand-ins for the few Hummingbird 2 names Docs/Webhooks.md uses, so that
// scripts/check-snippets.py can type-check its handler without the package depending on
// Hummingbird. `HTTPFields` (swift-http-types) iterates `HTTPField`s with a `name.rawName` and a
// `value`; a request body collects into a `ByteBuffer`.
import Foundation

struct ByteBuffer {
    var readableBytesView: [UInt8]
}

struct HTTPField {
    struct Name {
        var rawName: String
    }
    var name: Name
    var value: String
}

struct HTTPFields: Sequence {
    var fields: [HTTPField]
    func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }
}

enum HTTPResponse {
    enum Status {
        case noContent, unauthorized, badRequest
    }
}

struct HTTPError: Error {
    init(_ status: HTTPResponse.Status, message: String? = nil) {}
}

struct Request: Sendable {
    var headers = HTTPFields(fields: [])
    struct Body: Sendable {
        func collect(upTo maximum: Int) async throws -> ByteBuffer { ByteBuffer(readableBytesView: []) }
    }
    var body = Body()
}

struct BasicRequestContext: Sendable {}

final class Router<Context>: @unchecked Sendable {
    init(context: Context.Type = Context.self) {}
    @discardableResult
    func post(
        _ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> HTTPResponse.Status
    ) -> Self { self }
}

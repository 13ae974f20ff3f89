// Stand-ins for the few Vapor names Docs/Webhooks.md uses, so that scripts/check-snippets.py can
// type-check its Vapor handler without the package depending on Vapor. The shapes follow Vapor 4:
// `HTTPHeaders` iterates `(name, value)` pairs; a request body collects into a `ByteBuffer`.
import Foundation

struct ByteBuffer {
    var readableBytesView: [UInt8]
}

struct HTTPHeaders: Sequence {
    var pairs: [(String, String)]
    func makeIterator() -> IndexingIterator<[(String, String)]> { pairs.makeIterator() }
}

enum HTTPStatus {
    case noContent, unauthorized, badRequest
}

struct Abort: Error {
    init(_ status: HTTPStatus, reason: String? = nil) {}
}

final class Request: @unchecked Sendable {
    var headers = HTTPHeaders(pairs: [])
    struct Body {
        var data: ByteBuffer?
        func collect(max: Int?) async throws -> ByteBuffer? { data }
    }
    var body = Body()
    struct Logger {
        func info(_ message: String) {}
    }
    var logger = Logger()
}

final class Application: @unchecked Sendable {
    func post(
        _ path: String..., use closure: @escaping @Sendable (Request) async throws -> HTTPStatus
    ) {}
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the echo route saw.
struct Echo: Codable {
    let method: String
    let target: String
    let headers: [String: String]
    let body: String
    let query: [String: String]
}

/// The test server's routes: `echo` (anything else), `status/N`, `big?bytes=N&length=none`,
/// `hang`, `redirect-http`.
func routes(_ request: LoopbackRequest) -> LoopbackReply {
    switch request.path.first {
    case "status":
        let status = Int(request.path.last ?? "") ?? 500
        return .response(
            TransportResponse(
                status: status, headers: ["Content-Type": "application/json", "X-Request-Id": "req-loopback"],
                body: Data(#"{"message":"status requested"}"#.utf8)))
    case "big":
        let bytes = Int(request.query.first { $0.name == "bytes" }?.value ?? "") ?? 1000
        let body = Data(repeating: UInt8(ascii: "x"), count: bytes)
        guard request.query.contains(where: { $0.name == "length" && $0.value == "none" }) else {
            return .response(TransportResponse(status: 200, headers: ["Content-Type": "text/plain"], body: body))
        }
        return .raw { wire in
            wire.write(LoopbackWire.head(status: 200, headers: ["Content-Type": "text/plain", "Connection": "close"]))
            wire.write(body)
        }
    case "hang":
        return .hang
    case "redirect-http":
        return .response(TransportResponse(status: 302, headers: ["Location": "http://insecure.example.invalid/v1"]))
    default:
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.lowercased()] = field.value }
        let echo = Echo(
            method: request.method.rawValue, target: request.target, headers: headers,
            body: String(decoding: request.body ?? Data(), as: UTF8.self),
            query: Dictionary(request.query.map { ($0.name, $0.value) }) { $1 })
        return .response(
            TransportResponse(
                status: 200, headers: ["Content-Type": "application/json"],
                body: (try? JSONEncoder().encode(echo)) ?? Data()))
    }
}

@Suite("URLSessionTransport against a loopback server", .timeLimit(.minutes(1)))
struct URLSessionTransportTests {
    let server: LoopbackServer
    let transport = URLSessionTransport(configuration: .init(defaultTimeout: .seconds(30), maximumBodySize: 64 * 1024))

    init() throws {
        server = try LoopbackServer { routes($0) }
    }

    func request(
        _ method: RequestMethod, _ path: [String], body: Data? = nil, timeout: Duration? = nil
    ) throws -> TransportRequest {
        TransportRequest(
            method: method, baseURL: try #require(URL(string: server.baseURL)), path: path,
            query: [QueryItem(name: "q", value: "a b&c")], headers: ["X-Test": "1"], body: body, timeout: timeout)
    }

    @Test("a GET goes out with its encoded path, query and headers")
    func get() async throws {
        let response = try await transport.send(try request(.get, ["domains", "a/b?c"]))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "GET")
        #expect(echo.target == "/domains/a%2Fb%3Fc?q=a%20b%26c")
        #expect(echo.query == ["q": "a b&c"])
        #expect(echo.headers["x-test"] == "1")
    }

    @Test("a POST body makes the round trip byte for byte")
    func post() async throws {
        let body = Data(#"{"domain":"example.com","emoji":"✉️"}"#.utf8)
        let response = try await transport.send(try request(.post, ["echo"], body: body))
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "POST")
        #expect(Data(echo.body.utf8) == body)
    }

    @Test("error statuses are returned, not thrown")
    func status() async throws {
        let response = try await transport.send(try request(.get, ["status", "503"]))
        #expect(response.status == 503)
        #expect(response.headers["X-Request-Id"] == "req-loopback")
    }

    @Test("a server that never answers times out")
    func timeout() async throws {
        let error = await captureError {
            try await transport.send(try request(.get, ["hang"], timeout: .milliseconds(300)))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.transportFailure == .timedOut)
        // The transport's own whole-attempt timer ended it, not URLSession's idle timeout.
        #expect(error?.message.contains("from connecting to the last byte") == true, "\(String(describing: error))")
    }

    @Test("a refused connection is a transport error that proves the request was never sent")
    func refused() async throws {
        let closed = TransportRequest(
            method: .post, baseURL: try #require(URL(string: "http://127.0.0.1:\(try LoopbackServer.closedPort())")),
            path: ["domains"])
        let error = await captureError { try await transport.send(closed) }
        #expect(error?.kind == .transport)
        #expect(error?.transportFailure == .connectionRefused)
    }

    @Test("bodies over the cap are cut off, with or without Content-Length")
    func bodyCap() async throws {
        for length in ["given", "none"] {
            var big = try request(.get, ["big"])
            big.query = [QueryItem(name: "bytes", value: "200000"), QueryItem(name: "length", value: length)]
            let error = await captureError { try await transport.send(big) }
            #expect(error?.kind == .decoding, "length: \(length)")
        }
        var small = try request(.get, ["big"])
        small.query = [QueryItem(name: "bytes", value: "1000")]
        #expect(try await transport.send(small).body.count == 1000)
    }

    @Test("a redirect to plain http is refused")
    func redirected() async throws {
        let error = await captureError { try await transport.send(try request(.get, ["redirect-http"])) }
        #expect(error?.transportFailure == .redirected)
    }

    @Test("the server stops when released: its port refuses connections afterwards")
    func serverStops() async throws {
        var server: LoopbackServer? = try LoopbackServer { routes($0) }
        let text = server?.baseURL ?? ""
        let base = try #require(URL(string: text))
        #expect(try await transport.send(TransportRequest(method: .get, baseURL: base, path: ["echo"])).status == 200)
        server = nil
        let error = await captureError {
            try await transport.send(TransportRequest(method: .get, baseURL: base, path: ["x"]))
        }
        #expect(error?.transportFailure == .connectionRefused)
    }
}

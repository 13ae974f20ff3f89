import Foundation
import HTTPTransport
import SendingDomainsTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("URLSessionTransport against a loopback server")
struct URLSessionTransportTests {
    let server: LoopbackServer
    let transport = URLSessionTransport(configuration: .init(defaultTimeout: .seconds(5), maximumBodySize: 64 * 1024))

    init() throws {
        server = try LoopbackServer()
    }

    func request(
        _ method: HTTPMethod, _ path: [String], body: Data? = nil, timeout: Duration? = nil
    ) throws -> HTTPRequest {
        HTTPRequest(
            method: method, baseURL: try #require(URL(string: server.baseURL)), path: path,
            query: [QueryItem(name: "q", value: "a b&c")], headers: ["X-Test": "1"], body: body, timeout: timeout)
    }

    struct Echo: Decodable {
        let method: String
        let rawPath: String
        let headers: [String: String]
        let body: String
        let query: [String: String]
    }

    @Test("a GET goes out with its encoded path, query and headers")
    func get() async throws {
        let response = try await transport.send(try request(.get, ["domains", "a/b?c"]))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "GET")
        #expect(echo.rawPath == "/domains/a%2Fb%3Fc?q=a%20b%26c")
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

    @Test("a slow server times out")
    func timeout() async throws {
        var slow = try request(.get, ["slow"], timeout: .milliseconds(300))
        slow.query = [QueryItem(name: "seconds", value: "3")]
        let error = await captureError { try await transport.send(slow) }
        #expect(error?.kind == .timeout)
        #expect(error?.transportFailure == .timedOut)
    }

    @Test("a refused connection is a transport error that proves the request was never sent")
    func refused() async throws {
        let closed = HTTPRequest(
            method: .post, baseURL: try #require(URL(string: "http://127.0.0.1:\(server.closedPort)")),
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
    func insecureRedirect() async throws {
        let error = await captureError { try await transport.send(try request(.get, ["redirect-http"])) }
        #expect(error?.transportFailure == .insecureRedirect)
    }
}

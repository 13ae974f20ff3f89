import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A client of `provider` at `baseURL` over the real `URLSessionTransport`, with test credentials.
func hostileClient(
    _ provider: ProviderID, baseURL: String, apiKey: String = FaultyProvider.secret,
    configure: (inout ClientOptions) -> Void = { _ in }
) throws -> any DomainProvisioning {
    var options = ClientOptions(
        baseURL: try BaseURL(baseURL), transport: URLSessionTransport(), retryPolicy: .disabled,
        timeout: .seconds(30), logger: LogSink(minimumLevel: .debug) { record($0.description) })
    configure(&options)
    let credentials = ProviderSimulator.credentials(
        for: provider, apiKey: apiKey, secretToken: FaultyProvider.secondSecret)
    return ProviderFactory.make(credentials, options: options)
}

/// A create request with what `provider` requires.
func createRequest(_ provider: ProviderID, _ domain: String = "example.com") -> DomainRequest {
    var request = DomainRequest(name: domain)
    if provider == .sendKit { request.region = "us-east-1" }
    if provider == .cllavio { request.senderAddress = "noreply@\(domain)" }
    return request
}

/// Counts what a hostile writer managed to send, and says when it gave up.
final class WriterLog: Sendable {
    let bytes = Locked(0)
    let finished = Signal()

    /// Writes `data`, counting it; `false` once the client is gone.
    func write(_ wire: LoopbackWire, _ data: Data) -> Bool {
        guard wire.write(data) else { return false }
        bytes.withLock { $0 += data.count }
        return true
    }
}

@Suite("Reliability: hostile servers over real loopback HTTP", .timeLimit(.minutes(2)))
struct HostileServerTests {
    static let redirectCases: [(ProviderID, Int)] = ProviderID.all.flatMap { provider in
        [301, 302, 303, 307, 308].map { (provider, $0) }
    }

    @Test("redirects to another origin are never followed: credentials and keys stay home", arguments: redirectCases)
    func redirects(provider: ProviderID, status: Int) async throws {
        let elsewhere = Locked<[TransportRequest]>([])
        let target = try LoopbackServer { request in
            elsewhere.withLock { $0.append(request.http) }
            return .response(.json(200, "{}"))
        }
        let toHTTPS = status % 2 == 0
        let location = toHTTPS ? "https://attacker.invalid:8443/steal" : "\(target.baseURL)/steal?token=abc"
        let origin = Locked<[TransportRequest]>([])
        let server = try LoopbackServer { request in
            origin.withLock { $0.append(request.http) }
            return .response(TransportResponse(status: status, headers: ["Location": location]))
        }
        let client = try hostileClient(provider, baseURL: server.baseURL) { $0.retryPolicy = .default }
        let error = await captureError { try await client.createDomain(createRequest(provider)) }
        #expect(error?.transportFailure == .redirected, "\(String(describing: error))")
        #expect(error?.status == status)
        #expect(error?.message.contains(toHTTPS ? "https://attacker.invalid:8443" : "127.0.0.1:\(target.port)") == true)
        #expect(error?.message.contains("token=abc") == false, "the location's path and query stay out of errors")
        #expect(elsewhere.withLock { $0 }.isEmpty, "a request reached the other origin")
        #expect(origin.withLock { $0 }.count == 1, "a redirect is not retried")
    }

    @Test("an endless chunked body stops at the size cap, and the transfer really stops")
    func endlessChunkedBody() async throws {
        let log = WriterLog()
        let server = try LoopbackServer { _ in
            .raw { wire in
                defer { log.finished.fire() }
                guard wire.write(LoopbackWire.head(status: 200, headers: ["Transfer-Encoding": "chunked"])) else {
                    return
                }
                // 16 KiB a millisecond at most: a very fast network, paced so that the test
                // measures the client, not how fast one loopback socket can be filled.
                let chunk = Data("4000\r\n".utf8) + Data(repeating: 0x20, count: 0x4000) + Data("\r\n".utf8)
                while log.write(wire, chunk) && wire.pause(0.001) {}
            }
        }
        let client = try hostileClient(.krafter, baseURL: server.baseURL) { $0.maximumBodySize = 1_048_576 }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("exceeds the 1048576-byte limit") == true, "\(String(describing: error))")
        await log.finished.wait()
        let sent = log.bytes.withLock { $0 }
        #expect(sent < 64 * 1_048_576, "the server kept sending: \(sent) bytes")
    }

    @Test("a Content-Length over the cap fails at the headers, before the body is read")
    func declaredHugeBody() async throws {
        let log = WriterLog()
        let server = try LoopbackServer { _ in
            .raw { wire in
                defer { log.finished.fire() }
                guard wire.write(LoopbackWire.head(status: 200, headers: ["Content-Length": "1073741824"])) else {
                    return
                }
                let block = Data(repeating: 0x20, count: 16_384)
                while log.write(wire, block) && wire.pause(0.001) {}
            }
        }
        let client = try hostileClient(.krafter, baseURL: server.baseURL) { $0.maximumBodySize = 1_048_576 }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("declares 1073741824 bytes") == true, "\(String(describing: error))")
        await log.finished.wait()
        #expect(log.bytes.withLock { $0 } < 64 * 1_048_576)
    }

    @Test("a compressed bomb counts its decompressed bytes against the cap")
    func gzipBombStops() async throws {
        let bomb = gzipBomb(expandedMiB: 64)
        let server = try LoopbackServer { _ in
            .raw { wire in
                wire.write(
                    LoopbackWire.head(
                        status: 200,
                        headers: [
                            "Content-Type": "application/json", "Content-Encoding": "gzip", "Connection": "close",
                        ]))
                wire.write(bomb)
            }
        }
        let client = try hostileClient(.krafter, baseURL: server.baseURL) { $0.maximumBodySize = 1_048_576 }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("exceeds the 1048576-byte limit") == true, "\(String(describing: error))")
        #expect(bomb.count < 1_048_576, "the bomb itself is under the cap; only its expansion is over")
    }

    @Test("a body of 8 MiB reads whole under a 10 MiB cap")
    func largeBody() async throws {
        let body = Data(repeating: UInt8(ascii: "x"), count: 8 * 1_048_576)
        let server = try LoopbackServer { _ in .response(TransportResponse(status: 200, body: body)) }
        let transport = URLSessionTransport()
        let response = try await transport.send(
            TransportRequest(method: .get, baseURL: try #require(URL(string: server.baseURL)), path: ["big"]))
        #expect(response.body == body)
    }

    @Test("a body trickled one byte at a time ends at the attempt's timeout")
    func trickledBody() async throws {
        let server = try LoopbackServer { _ in
            .raw { wire in
                guard wire.write(LoopbackWire.head(status: 200, headers: ["Content-Length": "100000"])) else { return }
                while wire.write(Data("x".utf8)) && wire.pause(0.2) {}
            }
        }
        let client = try hostileClient(.krafter, baseURL: server.baseURL) { $0.timeout = .seconds(1) }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .timeout, "\(String(describing: error))")
    }

    @Test("headers trickled one byte at a time end at the attempt's timeout")
    func trickledHeaders() async throws {
        let server = try LoopbackServer { _ in
            .raw { wire in
                let head = LoopbackWire.head(status: 200, headers: ["Content-Length": "2", "X-Slow": "1"])
                for byte in head where !(wire.write(Data([byte])) && wire.pause(0.2)) { return }
            }
        }
        let client = try hostileClient(.krafter, baseURL: server.baseURL) { $0.timeout = .seconds(1) }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .timeout, "\(String(describing: error))")
    }

    @Test("the retry policy's deadline bounds an attempt that is still running")
    func deadlineDuringAttempt() async throws {
        let server = try LoopbackServer { _ in .hang }
        let client = try hostileClient(.krafter, baseURL: server.baseURL) {
            $0.timeout = .seconds(600)
            $0.retryPolicy = RetryPolicy(deadline: .seconds(1))
        }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .timeout, "\(String(describing: error))")
    }

    @Test("cursors that come back (a, b, a) end the iteration with a typed error")
    func alternatingCursors() async throws {
        let requests = Locked(0)
        let server = try LoopbackServer { request in
            requests.withLock { $0 += 1 }
            let after = request.query.first { $0.name == "after" }?.value
            let next = after == "a" ? "b" : "a"
            return .response(
                .json(
                    200,
                    DocumentedExamples.AhaSend.page(["d\(requests.withLock { $0 }).com"], hasMore: true, next: next)))
        }
        let client = try hostileClient(.ahaSend, baseURL: server.baseURL)
        var names: [String] = []
        let error = await captureError {
            for try await domain in client.listDomains() { names.append(domain.name) }
        }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("already used") == true, "\(String(describing: error))")
        #expect(requests.withLock { $0 } == 3)
        #expect(names == ["d1.com", "d2.com", "d3.com"], "every page's items are served before the error")
    }

    @Test("a server that invents new cursors forever stops at the page ceiling")
    func endlessCursors() async throws {
        let requests = Locked(0)
        let server = try LoopbackServer { _ in
            let count = requests.withLock { value in
                value += 1
                return value
            }
            return .response(
                .json(200, DocumentedExamples.AhaSend.page(["d\(count).com"], hasMore: true, next: "cursor-\(count)")))
        }
        let client = try hostileClient(.ahaSend, baseURL: server.baseURL) { $0.maximumPages = 5 }
        let error = await captureError { try await client.listDomains().collect() }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("after 5 pages") == true, "\(String(describing: error))")
        #expect(requests.withLock { $0 } == 5)
    }

    @Test("a request id echoing the key never reaches an error, a description or a log")
    func requestIDEchoingKey() async throws {
        let server = try LoopbackServer { request in
            .response(
                .json(
                    404, #"{"error": "Not found"}"#,
                    headers: ["X-Request-Id": request.headers["Authorization"] ?? "none"]))
        }
        let lines = Locked<[String]>([])
        let client = try hostileClient(.krafter, baseURL: server.baseURL) { options in
            options.logger = LogSink(minimumLevel: .debug) { event in lines.withLock { $0.append("\(event)") } }
        }
        let error = try #require(
            await captureError { try await client.getDomain(id: "550e8400-e29b-41d4-a716-446655440000") })
        #expect(error.requestID == "Bearer <redacted>")
        for text in [error.description, String(reflecting: error), error.requestID ?? ""] + lines.withLock({ $0 }) {
            #expect(!text.contains(FaultyProvider.secret), "\(text)")
        }
    }

    @Test("a POST without an idempotency key is never replayed by a layer below, even when a pooled connection dies")
    func noKeepAliveReplay() async throws {
        let simulator = ProviderSimulator.krafter(apiKey: FaultyProvider.secret)
        let posts = Locked<[LoopbackRequest]>([])
        let server = try LoopbackServer { request in
            if request.method == .post {
                posts.withLock { $0.append(request) }
                // A reused keep-alive connection that dies right after the server read the POST.
                if request.sequenceOnConnection > 1 { return .close }
            }
            return (try? await simulator.send(request.http)).map(LoopbackReply.response) ?? .close
        }
        let client = try hostileClient(.krafter, baseURL: server.baseURL)
        _ = try await client.listDomains().collect()  // leaves a pooled keep-alive connection
        _ = try await client.listDomains().collect()
        let outcome = await captureError { try await client.createDomain(createRequest(.krafter)) }
        let seen = posts.withLock { $0 }
        #expect(seen.count == 1, "the POST reached the server \(seen.count) times")
        #expect(seen.first?.sequenceOnConnection == 1, "the POST went out on a reused connection")
        #expect(outcome == nil, "\(String(describing: outcome))")
        // …while idempotent requests keep reusing connections.
        #expect(server.connectionCount < 4)
    }

    @Test(
        "a credential holding a character a header cannot carry is refused, naming it, and nothing is sent",
        arguments: ["key\n", "key\r\nX-Injected: 1", "key\u{0}", "key\u{7}", "kéy-with-accent"])
    func unsendableCredential(key: String) async throws {
        let requests = Locked(0)
        let server = try LoopbackServer { _ in
            requests.withLock { $0 += 1 }
            return .close
        }
        for provider in ProviderID.all {
            let client = try hostileClient(provider, baseURL: server.baseURL, apiKey: key + "-padding")
            let error = await captureError { try await client.createDomain(createRequest(provider)) }
            #expect(error?.kind == .validation, "\(provider): \(String(describing: error))")
            let field = provider == .cllavio ? "X-Api-Access-Token" : "Authorization"
            #expect(error?.fieldErrors.first?.field == field)
            #expect(error?.description.contains(key) == false)
        }
        let cllavio = ProviderFactory.make(
            .cllavio(accessToken: "good-access-token", secretToken: Secret(key + "-padding")),
            options: ClientOptions(baseURL: try BaseURL(server.baseURL)))
        let error = await captureError { try await cllavio.createDomain(createRequest(.cllavio)) }
        #expect(error?.fieldErrors.first?.field == "X-Api-Secret-Token")
        #expect(requests.withLock { $0 } == 0)
    }

    @Test("clients, pipelines and provisioners print no credential under print, dump, reflection or Mirror")
    func reflection() async throws {
        for provider in ProviderID.all {
            let provisioner = try hostileClient(provider, baseURL: "https://api.example.com")
            var dumped = ""
            dump(provisioner, to: &dumped)
            var texts = [String(describing: provisioner), String(reflecting: provisioner), dumped]
            func walk(_ value: Any, depth: Int) {
                guard depth < 12 else { return }
                for child in Mirror(reflecting: value).children {
                    texts.append(String(describing: child.value))
                    walk(child.value, depth: depth + 1)
                }
            }
            walk(provisioner, depth: 0)
            for text in texts {
                #expect(!text.contains(FaultyProvider.secret), "\(provider): \(text.prefix(300))")
                #expect(!text.contains(FaultyProvider.secondSecret), "\(provider): \(text.prefix(300))")
            }
            #expect(dumped.contains("<redacted>"), "\(provider)")
        }
    }

    @Test("an IPv6 loopback base URL works", .enabled(if: (try? LoopbackServer(address: .ipv6) { _ in .close }) != nil))
    func ipv6Loopback() async throws {
        let simulator = ProviderSimulator.krafter(apiKey: FaultyProvider.secret)
        let server = try LoopbackServer.serving(simulator, address: .ipv6)
        #expect(server.baseURL.hasPrefix("http://[::1]:"))
        let client = try hostileClient(.krafter, baseURL: server.baseURL)
        let created = try await client.createDomain(createRequest(.krafter))
        #expect(try await client.listDomains().collect().map(\.id) == [created.id])
    }
}

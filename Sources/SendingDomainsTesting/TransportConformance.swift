import Foundation
import HTTPTransport

/// The promises every `HTTPTransport/Transport` must keep (Docs/Security.md), as checks you run
/// against your own transport — an AsyncHTTPClient one, a proxy-aware one — from your own test
/// target, over real HTTP to hostile servers on the loopback interface.
///
/// Each ``Check`` starts its own `LoopbackServer`, sends a request or three through the
/// transport, and returns a ``Verdict``. The checks take a few seconds in all (three of them wait
/// for a 1-second timeout) and each is bounded by a watchdog, so a transport that ignores its
/// timeout fails instead of hanging the test run.
///
/// With Swift Testing, one test case per check: mark this function
/// `@Test(arguments: TransportConformance.checks)`.
///
/// ```swift
/// func conforms(_ check: TransportConformance.Check) async {
///     let verdict = await check.run(against: URLSessionTransport())  // your transport
///     #expect(verdict.isAcceptable, "\(check.name): \(verdict)")
/// }
/// ```
///
/// With XCTest, or anywhere else, all at once:
///
/// ```swift
/// let results = await TransportConformance.run(against: URLSessionTransport())
/// for result in results where !result.verdict.isAcceptable {
///     print("✗ \(result.check.name): \(result.verdict)")  // XCTFail in an XCTestCase
/// }
/// ```
public enum TransportConformance {
    /// How one check went. Frozen: a check passes, fails or does not apply.
    public enum Verdict: Sendable, Hashable, CustomStringConvertible {
        /// The transport kept the promise.
        case passed
        /// The transport broke the promise; the text says how.
        case failed(String)
        /// The check does not apply on this machine (no IPv6 loopback); the text says why.
        case skipped(String)

        /// Passed or skipped.
        public var isAcceptable: Bool {
            if case .failed = self { return false }
            return true
        }

        /// `passed`, `failed: …` or `skipped: …`.
        public var description: String {
            switch self {
            case .passed: "passed"
            case .failed(let why): "failed: \(why)"
            case .skipped(let why): "skipped: \(why)"
            }
        }
    }

    /// One promise and the way it is checked.
    public struct Check: Sendable, Hashable, CustomStringConvertible {
        /// A stable identifier, for example `"noRedirects"`.
        public let name: String
        /// The promise, in a sentence.
        public let promise: String
        private let body: @Sendable (any Transport) async -> Verdict

        init(_ name: String, _ promise: String, _ body: @escaping @Sendable (any Transport) async -> Verdict) {
            self.name = name
            self.promise = promise
            self.body = body
        }

        /// Runs the check against `transport`: starts its loopback server, sends, judges, stops
        /// the server.
        public func run(against transport: any Transport) async -> Verdict {
            await body(transport)
        }

        /// `name: promise`.
        public var description: String { "\(name): \(promise)" }

        /// Checks are equal when their names are.
        public static func == (lhs: Check, rhs: Check) -> Bool { lhs.name == rhs.name }

        /// Hashes the name.
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    /// A check and its verdict.
    public struct Result: Sendable, Hashable {
        /// The check.
        public let check: Check
        /// How it went.
        public let verdict: Verdict
    }

    /// Every check, in the order ``run(against:checks:)`` runs them.
    public static let checks: [Check] = [
        Check(
            "roundTrip", "sends the method, path, query, headers and body as given; returns status, headers and body",
            roundTrip),
        Check("errorStatuses", "returns a 4xx or 5xx response as a response, without throwing", errorStatuses),
        Check(
            "noRedirects",
            "follows no redirect: returns the 3xx (or throws transportFailure .redirected); the other origin sees nothing",
            noRedirects),
        Check(
            "declaredBodyOverCap", "fails on a Content-Length over the request's maximumBodySize and stops reading",
            declaredBodyOverCap),
        Check(
            "endlessBodyOverCap", "fails an endless chunked body once it passes the cap, and the transfer stops",
            endlessBodyOverCap),
        Check(
            "compressedBomb", "counts decompressed bytes against the cap (or does not decompress at all)",
            compressedBomb),
        Check("largeBody", "reads an 8 MiB body whole under a 10 MiB cap", largeBody),
        Check("timeoutNoAnswer", "ends an attempt whose server never answers at the request's timeout", noAnswer),
        Check(
            "timeoutTrickledHeaders", "ends an attempt whose headers trickle in at the request's timeout", slowHeaders),
        Check("timeoutTrickledBody", "ends an attempt whose body trickles in at the request's timeout", slowBody),
        Check("cancellation", "ends an attempt in flight soon after its task is cancelled", cancellation),
        Check(
            "noReplayOnReusedConnection",
            "sends a request that is not replayable at most once, even when a pooled connection dies under it",
            noReplay),
        Check("ipv6Loopback", "reaches an http://[::1]:PORT base URL", ipv6Loopback),
    ]

    /// Runs `checks` against `transport`, one after another.
    ///
    /// - Returns: One result per check, in order.
    public static func run(against transport: any Transport, checks: [Check] = checks) async -> [Result] {
        var results: [Result] = []
        for check in checks {
            results.append(Result(check: check, verdict: await check.run(against: transport)))
        }
        return results
    }

    // MARK: - The checks

    static let mebibyte = 1_048_576
    /// How long any one send may take before the check fails: far beyond the 1-second timeouts
    /// the checks set, so that a loaded machine does not fail a conforming transport.
    static let watchdog: Duration = .seconds(30)

    static func roundTrip(_ transport: any Transport) async -> Verdict {
        await withServer({ request in
            let echoed = request.headers["X-Conformance"] ?? ""
            return .response(
                TransportResponse(
                    status: 201, headers: ["X-Echo": echoed, "Content-Type": "application/json"],
                    body: Data(#"{"ok":true}"#.utf8)))
        }) { server, seen in
            var request = try server.request(.post, ["domains", "a b"], query: [QueryItem(name: "q", value: "x&y")])
            request.headers["X-Conformance"] = "1"
            request.headers["Content-Type"] = "application/json"
            request.body = Data(#"{"name":"example.com"}"#.utf8)
            let response = try await send(request, through: transport).get()
            guard let received = seen.withLock({ $0.first }) else { return .failed("the server received nothing") }
            if received.method != .post { return .failed("the server saw \(received.method), not POST") }
            if received.target != "/domains/a%20b?q=x%26y" { return .failed("the server saw \(received.target)") }
            if received.headers["X-Conformance"] != "1" { return .failed("the X-Conformance header did not arrive") }
            if received.body != request.body { return .failed("the body arrived changed") }
            if response.status != 201 { return .failed("returned status \(response.status), not 201") }
            if response.headers["X-Echo"] != "1" { return .failed("the response's X-Echo header is missing") }
            if response.body != Data(#"{"ok":true}"#.utf8) { return .failed("the response body changed") }
            return .passed
        }
    }

    static func errorStatuses(_ transport: any Transport) async -> Verdict {
        await withServer({ request in
            let status = request.path.last == "missing" ? 404 : 503
            return .response(.json(status, #"{"error":"no"}"#))
        }) { server, _ in
            for (segment, status) in [("missing", 404), ("down", 503)] {
                let response = try await send(try server.request(.get, [segment]), through: transport).get()
                if response.status != status { return .failed("returned \(response.status) for a \(status)") }
                if response.body != Data(#"{"error":"no"}"#.utf8) { return .failed("the \(status)'s body changed") }
            }
            return .passed
        }
    }

    static func noRedirects(_ transport: any Transport) async -> Verdict {
        await withServer({ _ in .response(.json(200, "{}")) }) { elsewhere, reached in
            for (status, method) in [(302, RequestMethod.get), (307, .post)] {
                let verdict = await withServer({ _ in
                    .response(TransportResponse(status: status, headers: ["Location": "\(elsewhere.baseURL)/stolen"]))
                }) { origin, _ in
                    var request = try origin.request(method, ["domains"])
                    request.headers["Authorization"] = "Bearer conformance-secret"
                    if method == .post { request.body = Data("{}".utf8) }
                    switch await send(request, through: transport) {
                    case .success(let response) where response.status == status: return .passed
                    case .success(let response): return .failed("a \(status) came back as \(response.status)")
                    case .failure(let error):
                        let known = SendingDomainsError.wrapping(error, provider: nil, operation: nil)
                        return known.transportFailure == .redirected
                            ? .passed : .failed("a \(status) threw \(known.kind.rawValue): \(known.message)")
                    }
                }
                if verdict != .passed { return verdict }
                if !reached.withLock({ $0 }).isEmpty {
                    return .failed("a request followed a \(status) to the other origin")
                }
            }
            return .passed
        }
    }

    static func declaredBodyOverCap(_ transport: any Transport) async -> Verdict {
        await floodCheck(transport, head: ["Content-Length": "1073741824"], chunked: false)
    }

    static func endlessBodyOverCap(_ transport: any Transport) async -> Verdict {
        await floodCheck(transport, head: ["Transfer-Encoding": "chunked"], chunked: true)
    }

    /// A body far over a 1 MiB cap: the send must throw, and the server must see the client stop
    /// reading long before 64 MiB.
    private static func floodCheck(_ transport: any Transport, head: HeaderFields, chunked: Bool) async -> Verdict {
        let sent = Locked(0)
        let finished = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        return await withServer({ _ in
            .raw { wire in
                defer { finished.continuation.yield() }
                guard wire.write(LoopbackWire.head(status: 200, headers: head)) else { return }
                let block = Data(repeating: 0x20, count: 16_384)
                let piece = chunked ? Data("4000\r\n".utf8) + block + Data("\r\n".utf8) : block
                while sent.withLock({ $0 }) < 256 * mebibyte, wire.write(piece), wire.pause(0.001) {
                    sent.withLock { $0 += piece.count }
                }
            }
        }) { server, seen in
            var request = try server.request(.get, ["domains"])
            request.maximumBodySize = mebibyte
            switch await send(request, through: transport) {
            case .success(let response):
                return .failed("returned \(response.body.count) bytes instead of failing past the 1 MiB cap")
            case .failure:
                break
            }
            server.stop()
            if seen.withLock({ $0.isEmpty }) { return .failed("the server received nothing") }
            for await _ in finished.stream { break }
            let total = sent.withLock { $0 }
            return total < 64 * mebibyte
                ? .passed : .failed("the server wrote \(total) bytes before the client stopped")
        }
    }

    static func compressedBomb(_ transport: any Transport) async -> Verdict {
        let bomb = gzipBomb(expandedMiB: 64)
        return await withServer({ _ in
            .raw { wire in
                wire.write(
                    LoopbackWire.head(
                        status: 200,
                        headers: [
                            "Content-Type": "application/json", "Content-Encoding": "gzip",
                            "Content-Length": "\(bomb.count)",
                        ]))
                wire.write(bomb)
            }
        }) { server, _ in
            var request = try server.request(.get, ["domains"])
            request.maximumBodySize = mebibyte
            switch await send(request, through: transport) {
            case .success(let response) where response.body.count <= mebibyte: return .passed
            case .success(let response):
                return .failed("returned \(response.body.count) decompressed bytes past the 1 MiB cap")
            case .failure: return .passed
            }
        }
    }

    static func largeBody(_ transport: any Transport) async -> Verdict {
        let body = Data(repeating: UInt8(ascii: "x"), count: 8 * mebibyte)
        return await withServer({ _ in .response(TransportResponse(status: 200, body: body)) }) { server, _ in
            var request = try server.request(.get, ["big"])
            request.maximumBodySize = 10 * mebibyte
            let response = try await send(request, through: transport).get()
            return response.body == body ? .passed : .failed("read \(response.body.count) of \(body.count) bytes")
        }
    }

    static func noAnswer(_ transport: any Transport) async -> Verdict {
        await timeoutCheck(transport) { _ in .hang }
    }

    static func slowHeaders(_ transport: any Transport) async -> Verdict {
        await timeoutCheck(transport) { _ in
            .raw { wire in
                let head = LoopbackWire.head(status: 200, headers: ["Content-Length": "2", "X-Slow": "1"])
                for byte in head where !(wire.write(Data([byte])) && wire.pause(0.2)) { return }
            }
        }
    }

    static func slowBody(_ transport: any Transport) async -> Verdict {
        await timeoutCheck(transport) { _ in
            .raw { wire in
                guard wire.write(LoopbackWire.head(status: 200, headers: ["Content-Length": "100000"])) else { return }
                while wire.write(Data("x".utf8)) && wire.pause(0.2) {}
            }
        }
    }

    /// A 1-second timeout against a server that stalls: the send must throw a timeout.
    private static func timeoutCheck(
        _ transport: any Transport, _ handler: @escaping LoopbackServer.Handler
    ) async -> Verdict {
        await withServer(handler) { server, _ in
            var request = try server.request(.get, ["domains"])
            request.timeout = .seconds(1)
            switch await send(request, through: transport) {
            case .success(let response): return .failed("returned \(response.status) from a stalled server")
            case .failure(let error):
                let known = SendingDomainsError.wrapping(error, provider: nil, operation: nil)
                return known.kind == .timeout
                    ? .passed : .failed("threw \(known.kind.rawValue) (\(known.message)), not a timeout")
            }
        }
    }

    static func cancellation(_ transport: any Transport) async -> Verdict {
        // Set when the server has the request, or when the send ended before it did.
        let underway = Once<Bool>()
        return await withServer({ _ in
            underway.set(true)
            return .hang
        }) { server, _ in
            var request = try server.request(.get, ["domains"])
            request.timeout = .seconds(600)
            let outcome = Once<Swift.Result<TransportResponse, any Error>>()
            let task = Task {
                do {
                    outcome.set(.success(try await transport.send(request)))
                } catch {
                    outcome.set(.failure(error))
                }
                underway.set(false)
            }
            guard await underway.value(within: watchdog) == true else {
                task.cancel()
                return .failed("the request did not reach the server")
            }
            task.cancel()
            switch await outcome.value(within: watchdog) {
            case nil: return .failed("the send went on for \(watchdog) after its task was cancelled")
            case .success(let response)?: return .failed("returned \(response.status) from a server that never answers")
            case .failure?: return .passed
            }
        }
    }

    static func noReplay(_ transport: any Transport) async -> Verdict {
        await withServer({ request in
            // A reused keep-alive connection that dies right after the server read the POST.
            if request.method == .post && request.sequenceOnConnection > 1 { return .close }
            return .response(.json(request.method == .post ? 201 : 200, "{}"))
        }) { server, seen in
            _ = try await send(try server.request(.get, ["domains"]), through: transport).get()
            _ = try await send(try server.request(.get, ["domains"]), through: transport).get()
            var post = try server.request(.post, ["domains"])
            post.body = Data("{}".utf8)
            post.isReplayable = false
            _ = await send(post, through: transport)
            let posts = seen.withLock { $0 }.filter { $0.method == .post }
            if posts.count != 1 { return .failed("the POST reached the server \(posts.count) times") }
            if posts[0].sequenceOnConnection != 1 { return .failed("the POST went out on a reused connection") }
            return .passed
        }
    }

    static func ipv6Loopback(_ transport: any Transport) async -> Verdict {
        guard let server = try? LoopbackServer(address: .ipv6, handler: { _ in .response(.json(200, "{}")) }) else {
            return .skipped("this machine has no IPv6 loopback")
        }
        defer { server.stop() }
        do {
            let response = try await send(try server.request(.get, ["domains"]), through: transport).get()
            return response.status == 200 ? .passed : .failed("returned \(response.status)")
        } catch {
            return .failed("\(SendingDomainsError.wrapping(error, provider: nil, operation: nil).message)")
        }
    }

    // MARK: - Support

    /// Runs `body` against a loopback server that records every request; a thrown error fails
    /// the check, and the server stops at the end.
    private static func withServer(
        _ handler: @escaping LoopbackServer.Handler,
        _ body: (LoopbackServer, Locked<[LoopbackRequest]>) async throws -> Verdict
    ) async -> Verdict {
        let seen = Locked<[LoopbackRequest]>([])
        let server: LoopbackServer
        do {
            server = try LoopbackServer { request in
                seen.withLock { $0.append(request) }
                return await handler(request)
            }
        } catch {
            return .failed("could not start a loopback server: \(error)")
        }
        defer { server.stop() }
        do {
            return try await body(server, seen)
        } catch let error as Watchdog {
            return .failed(error.message)
        } catch {
            let known = SendingDomainsError.wrapping(error, provider: nil, operation: nil)
            return .failed("threw \(known.kind.rawValue): \(known.message)")
        }
    }

    /// Sends through `transport` in a task of its own; a send still running after ``watchdog``
    /// is cancelled and reported as a ``Watchdog`` failure.
    private static func send(
        _ request: TransportRequest, through transport: any Transport
    ) async -> Swift.Result<TransportResponse, any Error> {
        let outcome = Once<Swift.Result<TransportResponse, any Error>>()
        let task = Task {
            do {
                outcome.set(.success(try await transport.send(request)))
            } catch {
                outcome.set(.failure(error))
            }
        }
        guard let result = await outcome.value(within: watchdog) else {
            task.cancel()
            return .failure(Watchdog(message: "the send had not ended after \(watchdog)"))
        }
        return result
    }

    struct Watchdog: Error {
        let message: String
    }
}

extension LoopbackServer {
    fileprivate func request(
        _ method: RequestMethod, _ path: [String], query: [QueryItem] = []
    ) throws -> TransportRequest {
        guard let url = URL(string: baseURL) else { throw SendingDomainsError.invalidInput(field: "baseURL", "bad") }
        return TransportRequest(method: method, baseURL: url, path: path, query: query, timeout: .seconds(20))
    }
}

/// A value set once, awaited with a bound.
private final class Once<Value: Sendable>: Sendable {
    private let state = Locked<(Value?, [CheckedContinuation<Value?, Never>])>((nil, []))

    func set(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.0 == nil else { return [] }
            state.0 = value
            defer { state.1 = [] }
            return state.1
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, or `nil` when it is not set within `limit`.
    func value(within limit: Duration) async -> Value? {
        let timer = Task {
            try? await Task.sleep(for: limit)
            self.expire()
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value?? in
                if let value = state.0 { return .some(value) }
                state.1.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func expire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            defer { state.1 = [] }
            return state.1
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}

/// A gzip member whose DEFLATE stream expands to `expandedMiB` MiB of zeros: one fixed-Huffman
/// block of a literal zero and then (length 258, distance 1) copies, 13 bits each — about 1:1,300.
/// Its CRC is not computed: a client that honours its size cap never reaches the trailer.
package func gzipBomb(expandedMiB: Int) -> Data {
    var bytes: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF]
    var bitBuffer: UInt32 = 0
    var bitCount = 0
    func put(_ value: UInt32, _ count: Int) {  // LSB-first
        bitBuffer |= value << UInt32(bitCount)
        bitCount += count
        while bitCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: bitBuffer))
            bitBuffer >>= 8
            bitCount -= 8
        }
    }
    func putHuffman(_ code: UInt32, _ count: Int) {  // Huffman codes go MSB-first
        var reversed: UInt32 = 0
        for bit in 0..<count where code & (1 << UInt32(count - 1 - bit)) != 0 { reversed |= 1 << UInt32(bit) }
        put(reversed, count)
    }
    put(1, 1)  // BFINAL
    put(1, 2)  // BTYPE 01: fixed Huffman
    putHuffman(0x30, 8)  // literal 0
    for _ in 0..<(expandedMiB * 1_048_576 / 258) {
        putHuffman(0xC5, 8)  // length code 285: 258
        putHuffman(0, 5)  // distance code 0: 1
    }
    putHuffman(0, 7)  // end of block
    if bitCount > 0 { put(0, 8 - bitCount) }
    bytes += [0, 0, 0, 0, 0, 0, 0, 0]  // CRC-32 and size: never reached
    return Data(bytes)
}

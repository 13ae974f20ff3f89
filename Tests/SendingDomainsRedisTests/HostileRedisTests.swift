import Foundation
import HTTPTransport
import SendingDomainsTesting
import Testing

@testable import SendingDomainsRedis

@Suite("A broken or hostile Redis: typed errors, bounded time and memory", .timeLimit(.minutes(1)))
struct HostileRedisTests {
    func configuration(_ port: Int, replyTimeout: Duration = .milliseconds(300)) -> RedisConfiguration {
        RedisConfiguration(
            host: "127.0.0.1", port: UInt16(port), password: Secret("hunter22-pass"), connectTimeout: .seconds(2),
            replyTimeout: replyTimeout, maximumReplySize: 64 * 1024)
    }

    @Test(
        "Garbage, a 2 GiB bulk length and an oversized reply are decoding errors",
        arguments: [
            "HTTP/1.1 400 Bad Request\r\n\r\n", "$2147483648\r\n",
            "$1000000\r\n" + String(repeating: "x", count: 70_000),
            "*3\r\n:1\r\n+" + String(repeating: "y", count: 100_000),
        ])
    func garbage(reply: String) async throws {
        // The password's AUTH gets the reply, so the connection setup is what fails.
        let standIn = try RESPStandIn(.reply(Data(reply.utf8)))
        defer { standIn.stop() }
        let client = RedisClient(configuration(standIn.port))
        let error = await #expect(throws: SendingDomainsError.self) { _ = try await client.send(["PING"]) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("127.0.0.1:\(standIn.port)") == true)
        #expect(error.map { !"\($0)".contains("hunter22-pass") } == true)
    }

    @Test("A server that echoes the password in an error reply does not get it into the error")
    func echoedPassword() async throws {
        let standIn = try RESPStandIn(.reply(Data("-ERR bad password hunter22-pass \u{1B}[31m\r\n".utf8)))
        defer { standIn.stop() }
        let error = await #expect(throws: SendingDomainsError.self) {
            _ = try await RedisClient(configuration(standIn.port)).send(["PING"])
        }
        #expect(error.map { !"\($0)".contains("hunter22-pass") } == true)
        #expect(error.map { !$0.message.contains("\u{1B}") } == true)
    }

    @Test("A server that accepts and never answers times out at the reply timeout")
    func silent() async throws {
        let standIn = try RESPStandIn(.silent)
        defer { standIn.stop() }
        let client = RedisClient(configuration(standIn.port))
        let error = await #expect(throws: SendingDomainsError.self) { _ = try await client.send(["PING"]) }
        #expect(error?.kind == .timeout)
    }

    @Test("Cancelling a call to a silent server ends it with cancelled, long before its timeout")
    func cancelled() async throws {
        let standIn = try RESPStandIn(.silent)
        defer { standIn.stop() }
        let client = RedisClient(configuration(standIn.port, replyTimeout: .seconds(3600)))
        let task = Task { () async -> SendingDomainsError? in
            do {
                _ = try await client.send(["PING"])
                return nil
            } catch {
                return error as? SendingDomainsError
            }
        }
        // Wait until the AUTH arrived, so the call is waiting for its reply.
        while standIn.received.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
    }

    @Test("A closed port is a transport error, and the next attempts back off instead of reconnecting each time")
    func refused() async throws {
        let port = try LoopbackServer.closedPort()
        let client = RedisClient(configuration(port))
        let first = await #expect(throws: SendingDomainsError.self) { _ = try await client.send(["PING"]) }
        #expect(first?.kind == .transport)
        #expect(first?.transportFailure == .connectionRefused)
        let second = await #expect(throws: SendingDomainsError.self) { _ = try await client.send(["PING"]) }
        #expect(second?.message.contains("next attempt to connect") == true)
    }
}

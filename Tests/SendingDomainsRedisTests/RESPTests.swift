import Foundation
import Testing

@testable import SendingDomainsRedis

@Suite("RESP2: what a Redis server sends, bounded")
struct RESPTests {
    let limits = RESP.Limits(maximumReplySize: 1024 * 1024)

    func parse(_ text: String) -> RESP.Parsed {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { RESP.parse($0, limits: limits) }
    }

    @Test(
        "Every RESP2 type is read",
        arguments: [
            ("+OK\r\n", RESPValue.simple("OK")),
            ("-ERR nope\r\n", .error("ERR nope")),
            (":-42\r\n", .integer(-42)),
            ("$5\r\nhello\r\n", .bulk(Data("hello".utf8))),
            ("$0\r\n\r\n", .bulk(Data())),
            ("$-1\r\n", .bulk(nil)),
            ("*-1\r\n", .array(nil)),
            ("*2\r\n:1\r\n$1\r\nx\r\n", .array([.integer(1), .bulk(Data("x".utf8))])),
        ])
    func types(text: String, value: RESPValue) {
        #expect(parse(text) == .value(value, consumed: text.utf8.count))
    }

    @Test("A reply cut anywhere is incomplete, not wrong", arguments: ["$5\r\nhel", "*2\r\n:1\r\n", "+OK\r", ":12"])
    func incomplete(text: String) {
        #expect(parse(text) == .incomplete)
    }

    @Test(
        "Garbage, a 2 GiB bulk length, absurd arrays and endless lines are typed failures, never allocations",
        arguments: [
            "HTTP/1.1 200 OK\r\n", "$2147483648\r\n", "$9223372036854775807\r\n", "$-7\r\n", "*2000000000\r\n",
            ":12x\r\n", "+OK\n", String(repeating: "*1\r\n", count: 20) + ":1\r\n",
        ])
    func invalid(text: String) {
        guard case .invalid = parse(text) else {
            Issue.record("\(text.prefix(20)) was accepted")
            return
        }
    }

    @Test("A line longer than the limit fails before its end arrives")
    func longLine() {
        guard case .invalid = parse("+" + String(repeating: "a", count: 70 * 1024)) else {
            Issue.record("an endless line was accepted")
            return
        }
    }

    @Test("Commands are arrays of bulk strings")
    func encode() {
        #expect(RESP.encode([Data("GET".utf8), Data("k".utf8)]) == Data("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".utf8))
    }
}

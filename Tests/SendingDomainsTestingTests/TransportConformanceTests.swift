import Foundation
import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("The public Transport conformance suite", .timeLimit(.minutes(3)))
struct TransportConformanceTests {
    static let transport = URLSessionTransport()

    @Test("URLSessionTransport keeps every promise", arguments: TransportConformance.checks)
    func urlSession(_ check: TransportConformance.Check) async {
        let verdict = await check.run(against: Self.transport)
        #expect(verdict.isAcceptable, "\(check.name): \(verdict)")
        if case .skipped = verdict { #expect(check.name == "ipv6Loopback", "only the IPv6 check may be skipped") }
    }

    @Test("a mock that never reaches the network fails the checks that need the server, with reasons")
    func mockFails() async {
        let mock = MockTransport.always(.json(200, "{}"))
        let results = await TransportConformance.run(against: mock)
        #expect(results.map(\.check) == TransportConformance.checks)
        let failed = Set(results.filter { !$0.verdict.isAcceptable }.map(\.check.name))
        let expected: Set<String> = [
            "roundTrip", "errorStatuses", "noRedirects", "declaredBodyOverCap", "endlessBodyOverCap", "largeBody",
            "timeoutNoAnswer", "timeoutTrickledHeaders", "timeoutTrickledBody", "cancellation",
            "noReplayOnReusedConnection",
        ]
        #expect(failed == expected)
        for result in results {
            if case .failed(let reason) = result.verdict { #expect(!reason.isEmpty) }
        }
    }
}

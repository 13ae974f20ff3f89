import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

@Suite("DNS answers and preflights that cannot mislead or hang: TC, NXDOMAIN, names, servers, deadline")
struct DNSHardeningTests {
    static let question = DNSQuestion(name: "send.example.com", type: .txt)
    static let published = DNSResourceRecord(
        name: "send.example.com", type: .txt, data: .text(["v=spf1 include:amazonses.com ~all"]))
    static let spf = DNSRecord(
        type: .txt, name: "send.example.com", domain: "example.com", value: "v=spf1 include:amazonses.com ~all",
        purpose: .spf, required: true)

    /// Bytes a server sends back whatever was asked: this question, these flags and records
    /// (the id is the query's, put in by the server).
    static func reply(
        truncated: Bool = false, code: DNSResponseCode = .noError, answers: [DNSResourceRecord]
    )
        -> LoopbackDNSServer.Behavior
    {
        let message = DNSMessage(
            id: 0, isResponse: true, isAuthoritative: true, isTruncated: truncated, recursionDesired: true,
            responseCode: code, questions: [question], answers: answers)
        return .raw(message.encoded(), keepID: false)
    }

    static func resolver(_ server: LoopbackDNSServer, timeout: Duration = .seconds(5)) -> DNSResolver {
        DNSResolver(servers: [server.address], timeout: timeout, attempts: 1)
    }

    @Test("a truncated (TC) answer over TCP is an error, not a complete answer")
    func truncatedOverTCP() async throws {
        // TC over UDP sends the resolver to TCP, where the same TC message comes back, with
        // one record of several: taking it as complete would hide the rest.
        let server = try LoopbackDNSServer(
            zone: DNSZone(), behavior: Self.reply(truncated: true, answers: [Self.published]))
        let error = await captureError { try await Self.resolver(server).query("send.example.com", type: .txt) }
        #expect(error?.kind == .dns)
        #expect(error?.message.contains("truncated") == true)
        #expect(server.tcpQueryCount == 1)
        // And the preflight draws no conclusion from it (`unknown`, the reason in the detail)
        // rather than reporting a record.
        let report = try await DNSPreflight(lookup: Self.resolver(server)).check([Self.spf], domain: "example.com")
        #expect(report.records.map(\.state) == [.unknown])
        #expect(report.records.first?.detail.contains("truncated") == true)
        #expect(!report.ready && !report.isConclusive)
    }

    @Test("an NXDOMAIN answer carrying records is an error; NXDOMAIN after a CNAME chain stays an answer")
    func nameErrorWithRecords() async throws {
        let liar = try LoopbackDNSServer(
            zone: DNSZone(), behavior: Self.reply(code: .nameError, answers: [Self.published]))
        let error = await captureError { try await Self.resolver(liar).query("send.example.com", type: .txt) }
        #expect(error?.kind == .dns)
        #expect(error?.message.contains("NXDOMAIN") == true)
        let preflight = try await DNSPreflight(lookup: Self.resolver(liar)).check([Self.spf], domain: "example.com")
        #expect(preflight.records.map(\.state) == [.unknown])
        #expect(preflight.records.first?.detail.contains("NXDOMAIN") == true)

        // RFC 6604: the code speaks of the chain's last name; the alias itself is an answer.
        let alias = DNSResourceRecord(name: "send.example.com", type: .cname, data: .name("gone.provider.net"))
        let chain = try LoopbackDNSServer(zone: DNSZone(), behavior: Self.reply(code: .nameError, answers: [alias]))
        let answer = try await Self.resolver(chain).query("send.example.com", type: .txt)
        #expect(answer.responseCode == .nameError)
        #expect(answer.records == [alias])
    }

    /// A lookup of its own, as an app may write: it passes on whatever it was told for its
    /// question's name, and an empty answer for any other (the SPF include the check follows).
    struct PassThrough: DNSLookup {
        let answer: DNSAnswer
        func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
            guard DNSName.normalized(name) == answer.question.name else {
                return DNSAnswer(question: DNSQuestion(name: name, type: type), responseCode: .noError, records: [])
            }
            return answer
        }
        var description: String { "pass-through" }
    }

    @Test("whatever a lookup returns, an NXDOMAIN answer's records never count as published")
    func nameErrorRecordsNotPublished() async throws {
        let lookup = PassThrough(
            answer: DNSAnswer(question: Self.question, responseCode: .nameError, records: [Self.published]))
        let report = try await DNSPreflight(lookup: lookup).check([Self.spf], domain: "example.com")
        #expect(report.records.first?.state == .missing)
        #expect(report.records.first?.detail.contains("NXDOMAIN") == true)
        #expect(!report.ready)
    }

    @Test(
        "a name with a control or space character is refused before any query",
        arguments: [
            "send\u{0}.example.com", "send\n.example.com", "send.example.com\r", "se\u{7F}nd.example.com",
            "send\u{9B}.example.com", "send\t.example.com", "send example.com", "send.example.com\u{2028}",
        ])
    func controlCharacters(name: String) async throws {
        let server = try LoopbackDNSServer(zone: DNSZone())
        let error = await captureError { try await Self.resolver(server).query(name, type: .txt) }
        #expect(error?.kind == .validation)
        #expect(error.map { !$0.message.contains(name) } ?? false)
        #expect(error?.message.contains("U+") == true)
        // In a preflight, one such record stops the whole check before any record is asked.
        var bad = Self.spf
        bad.name = name
        let preflight = await captureError {
            try await DNSPreflight(lookup: Self.resolver(server)).check([Self.spf, bad], domain: "example.com")
        }
        #expect(preflight?.kind == .validation)
        #expect(preflight?.operation == "dnsPreflight")
        #expect(server.queryCount == 0)
    }

    @Test("authoritative(for:) keeps at most 4 servers however many NS the zone lists, and looks up no more")
    func authoritativeCap() async throws {
        var world = DNSZone()
        for index in 1...200 {
            let host = "ns\(String(format: "%03d", index)).example.com"
            world.add("example.com", .ns, host)
            world.add(host, .a, "127.0.\(index / 250).\(index % 250 + 1)")
        }
        let recursive = try LoopbackDNSServer(zone: world)
        let direct = try await Self.resolver(recursive).authoritative(for: "example.com", port: 5353)
        guard case .servers(let servers) = direct.upstream else {
            Issue.record("not a server list")
            return
        }
        #expect(servers.count == DNSResolver.maximumAuthoritativeServers)
        #expect(servers.map(\.host) == ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"])
        // One NS question, then A and AAAA for no more hosts than servers kept.
        #expect(recursive.queryCount <= 1 + 2 * DNSResolver.maximumAuthoritativeServers)
    }

    @Test("a preflight that outlives its deadline throws a dns error saying so", .timeLimit(.minutes(1)))
    func deadline() async throws {
        // A server that answers after a minute, a resolver that would wait that long: only the
        // deadline (in virtual time: its sleep returns at once) ends the check.
        let slow = try LoopbackDNSServer(zone: DNSZone(), behavior: .delay(.seconds(60)))
        var preflight = DNSPreflight(lookup: Self.resolver(slow, timeout: .seconds(120)))
        #expect(preflight.deadline == .seconds(30))
        let clock = VirtualClock()
        preflight.timeSource = clock.timeSource
        preflight.deadline = .seconds(5)
        let error = await captureError { try await preflight.check([Self.spf], domain: "example.com") }
        #expect(error?.kind == .dns)
        #expect(error?.code == "preflight_deadline")
        #expect(error?.message.contains("5s deadline") == true)
        #expect(clock.sleeps == [.seconds(5)])
    }

    @Test("no deadline: the check waits for its lookups")
    func noDeadline() async throws {
        var zone = DNSZone()
        zone.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
        let server = try LoopbackDNSServer(zone: zone)
        var preflight = DNSPreflight(lookup: Self.resolver(server))
        preflight.deadline = nil
        let clock = VirtualClock()
        preflight.timeSource = clock.timeSource
        let report = try await preflight.check([Self.spf], domain: "example.com")
        #expect(report.ready)
        #expect(clock.sleeps.isEmpty)
    }
}

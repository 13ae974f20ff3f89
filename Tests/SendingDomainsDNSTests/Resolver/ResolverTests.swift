import Foundation
import HTTPTransport
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

@Suite("The resolver against the project's loopback DNS server")
struct ResolverTests {
    static var zone: DNSZone {
        var zone = DNSZone(negativeTTL: 120)
        zone.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
        zone.add("send.example.com", .mx, "10 feedback-smtp.us-east-1.amazonses.com")
        zone.add("dkim._domainkey.example.com", .cname, "dkim.provider.net")
        zone.add("dkim.provider.net", .txt, "v=DKIM1; k=rsa; p=MIGf")
        // An answer over 1,232 bytes: it arrives truncated over UDP.
        for index in 0..<12 { zone.add("big.example.com", .txt, String(repeating: "\(index % 10)", count: 200)) }
        return zone
    }

    func resolver(_ servers: LoopbackDNSServer..., timeout: Duration = .seconds(2)) -> DNSResolver {
        DNSResolver(servers: servers.map(\.address), timeout: timeout, attempts: 1)
    }

    @Test("a TXT answer over UDP, strings joined")
    func udp() async throws {
        let server = try LoopbackDNSServer(zone: Self.zone)
        let answer = try await resolver(server).query("Send.Example.com.", type: .txt)
        #expect(answer.responseCode == .noError)
        #expect(answer.records.map(\.data.value) == ["v=spf1 include:amazonses.com ~all"])
        #expect(answer.server == server.address.description)
        #expect(server.tcpQueryCount == 0)
    }

    @Test("a truncated answer is asked again over TCP (RFC 7766)")
    func tcpFallback() async throws {
        let server = try LoopbackDNSServer(zone: Self.zone)
        let answer = try await resolver(server).query("big.example.com", type: .txt)
        #expect(answer.records.count == 12)
        #expect(server.tcpQueryCount == 1)
        #expect(server.queryCount == 2)

        let truncating = try LoopbackDNSServer(zone: Self.zone, behavior: .truncateUDP)
        let small = try await resolver(truncating).query("send.example.com", type: .mx)
        #expect(small.records.map(\.data.value) == ["10 feedback-smtp.us-east-1.amazonses.com"])
        #expect(truncating.tcpQueryCount == 1)
    }

    @Test("CNAME chains come back with the target's records; NXDOMAIN carries the negative TTL")
    func cnameAndNXDOMAIN() async throws {
        let server = try LoopbackDNSServer(zone: Self.zone)
        let alias = try await resolver(server).query("dkim._domainkey.example.com", type: .txt)
        #expect(alias.records.map(\.type) == [.cname, .txt])
        let missing = try await resolver(server).query("nothing.example.com", type: .txt)
        #expect(missing.responseCode == .nameError)
        #expect(missing.records.isEmpty)
        #expect(missing.negativeCacheTTL == 120)
    }

    @Test("a silent server, then SERVFAIL: the next server answers")
    func failover() async throws {
        let silent = try LoopbackDNSServer(zone: Self.zone, behavior: .dropUDP)
        let failing = try LoopbackDNSServer(zone: Self.zone, behavior: .responseCode(.serverFailure))
        let good = try LoopbackDNSServer(zone: Self.zone)
        let answer = try await resolver(silent, failing, good, timeout: .milliseconds(300)).query(
            "send.example.com", type: .txt)
        #expect(answer.server == good.address.description)
        #expect(silent.queryCount == 1)
        #expect(failing.queryCount == 1)
    }

    @Test("every server failing is one typed error naming what happened")
    func allFail() async throws {
        let failing = try LoopbackDNSServer(zone: Self.zone, behavior: .responseCode(.refused))
        let error = await captureError { try await resolver(failing).query("send.example.com", type: .txt) }
        #expect(error?.kind == .dns)
        #expect(error?.code == "REFUSED")

        let silent = try LoopbackDNSServer(zone: Self.zone, behavior: .dropUDP)
        var retrying = resolver(silent, timeout: .milliseconds(200))
        retrying.attempts = 2
        let timeout = await captureError { try await retrying.query("send.example.com", type: .txt) }
        #expect(timeout?.kind == .dns)
        #expect(timeout?.transportFailure == .timedOut)
        #expect(timeout?.message.contains(silent.address.description) == true)
        #expect(silent.queryCount == 2)
    }

    @Test(
        "hostile answers are typed decoding errors",
        arguments: [
            ("garbage", Data([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xFF])),
            ("a pointer loop", Data([0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 16, 0, 1])),
            ("no QR bit", Data([0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])),
        ])
    func hostile(_ name: String, _ bytes: Data) async throws {
        let server = try LoopbackDNSServer(zone: Self.zone, behavior: .raw(bytes, keepID: false))
        let error = await captureError { try await resolver(server).query("send.example.com", type: .txt) }
        #expect(error?.kind == .dns, "\(name)")
        #expect(error?.message.contains("Malformed DNS message") == true, "\(name)")
    }

    @Test("a datagram with another id is ignored; the real answer is taken")
    func forgedID() async throws {
        let server = try LoopbackDNSServer(zone: Self.zone, behavior: .wrongIDFirst)
        let answer = try await resolver(server).query("send.example.com", type: .txt)
        #expect(answer.records.count == 1)
    }

    @Test("an unreachable server is a transport error")
    func unreachable() async throws {
        let port = try LoopbackServer.closedPort()
        let resolver = DNSResolver(
            servers: [try DNSServer(host: "127.0.0.1", port: UInt16(port))], timeout: .seconds(5), attempts: 1)
        let error = await captureError { try await resolver.query("send.example.com", type: .txt) }
        #expect(error?.kind == .dns)
        #expect(error?.transportFailure == .connectionRefused || error?.transportFailure == .timedOut)
    }

    @Test("cancelling a query ends it at once with a cancelled error", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let server = try LoopbackDNSServer(zone: Self.zone, behavior: .delay(.seconds(600)))
        let resolver = resolver(server, timeout: .seconds(600))
        let task = Task { try await resolver.query("send.example.com", type: .txt) }
        while server.queryCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let error = await captureError { try await task.value }
        #expect(error?.kind == .cancelled)
    }

    @Test("authoritative: the zone's name servers found through NS and asked without recursion")
    func authoritative() async throws {
        var primary = DNSZone()
        primary.add("send.example.com", .txt, "just published")
        let authority = try LoopbackDNSServer(zone: primary)
        var world = DNSZone()
        world.add("example.com", .ns, "ns1.example.com")
        world.add("ns1.example.com", .a, "127.0.0.1")
        world.add("send.example.com", .txt, "stale cached value")
        let recursive = try LoopbackDNSServer(zone: world)
        let direct = try await resolver(recursive).authoritative(for: "send.example.com", port: authority.address.port)
        #expect(!direct.recursionDesired)
        #expect(direct.description == authority.address.description)
        let answer = try await direct.query("send.example.com", type: .txt)
        #expect(answer.records.map(\.data.value) == ["just published"])
        #expect(authority.lastQueryRecursionDesired == false)

        let nowhere = try LoopbackDNSServer(zone: DNSZone())
        let error = await captureError { try await resolver(nowhere).authoritative(for: "example.com") }
        #expect(error?.kind == .notFound)
    }

    @Test("resolv.conf: nameservers (at most three, scoped IPv6 skipped), timeout and attempts")
    func resolvConf() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("resolv.conf").path
        try """
        # generated
        search example.com
        nameserver 10.0.0.2
        nameserver fe80::1%eth0
        nameserver 2001:4860:4860::8888
        nameserver 127.0.0.53
        nameserver 9.9.9.9
        options edns0 timeout:3 attempts:4
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let resolver = try DNSResolver.system(path: path)
        #expect(resolver.description == "10.0.0.2:53, [2001:4860:4860::8888]:53, 127.0.0.53:53")
        #expect(resolver.timeout == .seconds(3))
        #expect(resolver.attempts == 4)

        try "search example.com\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SendingDomainsError.self) { try DNSResolver.system(path: path) }
        #expect(throws: SendingDomainsError.self) {
            try DNSResolver.system(path: directory.appendingPathComponent("none").path)
        }
    }

    @Test("server addresses: host, host:port, IPv6 with and without brackets; names are refused")
    func servers() throws {
        #expect(try DNSServer(parsing: "127.0.0.1:5353").description == "127.0.0.1:5353")
        #expect(try DNSServer(parsing: "8.8.8.8").port == 53)
        #expect(try DNSServer(parsing: "[::1]:5353").description == "[::1]:5353")
        #expect(try DNSServer(parsing: "2001:db8::1").host == "2001:db8::1")
        #expect(throws: SendingDomainsError.self) { try DNSServer(parsing: "dns.google") }
        #expect(throws: SendingDomainsError.self) { try DNSServer(parsing: "127.0.0.1:0") }
        #expect(throws: SendingDomainsError.self) { try DNSServer(parsing: "[::1") }
    }

    @Test("DNS over HTTPS: POST application/dns-message with id 0, through the SDK's transport")
    func dnsOverHTTPS() async throws {
        let zone = Self.zone
        let seen = Locked<[LoopbackRequest]>([])
        let server = try LoopbackServer { request in
            seen.withLock { $0.append(request) }
            guard let query = try? DNSMessage(decoding: request.body ?? Data()), let question = query.questions.first
            else {
                return .response(TransportResponse(status: 400))
            }
            let answer = zone.answer(question)
            let response = DNSMessage(
                id: query.id, isResponse: true, questions: query.questions, answers: answer.records,
                authorities: answer.authorities)
            return .response(
                TransportResponse(
                    status: 200, headers: ["Content-Type": "application/dns-message"], body: response.encoded()))
        }
        let resolver = try DNSResolver(dnsOverHTTPS: "http://127.0.0.1:\(server.port)/dns-query")
        let answer = try await resolver.query("send.example.com", type: .txt)
        #expect(answer.records.map(\.data.value) == ["v=spf1 include:amazonses.com ~all"])
        let request = try #require(seen.withLock { $0.first })
        #expect(request.method == .post)
        #expect(request.target == "/dns-query")
        #expect(request.headers["Content-Type"] == "application/dns-message")
        #expect(try DNSMessage(decoding: request.body ?? Data()).id == 0)

        #expect(throws: SendingDomainsError.self) { try DNSResolver(dnsOverHTTPS: "http://dns.example/dns-query") }
    }
}

import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
@_spi(ProviderAuthoring) import SendingDomainsTesting
import Testing

/// BIND's `named` serving a test zone on a loopback port, started and stopped by the test.
final class NamedServer {
    let process = Process()
    let directory: URL
    let server: DNSServer
    let log: URL

    static let dkimKey = String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", count: 9)

    /// `named` serving `example.test`, with `extra` zone-file lines appended to its zone.
    init(extra: String = "") throws {
        guard let named = ExternalTool.namedPath else {
            throw ExternalTool.Missing(description: ExternalTool.named.skipReason)
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("named-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try LoopbackServer.closedPort()
        server = try DNSServer(host: "127.0.0.1", port: UInt16(port))
        let dir = directory.path
        let key = Self.dkimKey
        let dkim = "\"v=DKIM1; k=rsa; p=\(key.prefix(200))\" \"\(key.dropFirst(200))\""
        let big = (0..<12).map { "big IN TXT \"\($0)-\(String(repeating: "x", count: 200))\"" }.joined(separator: "\n")
        try """
        $TTL 300
        @ IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
        @ IN NS ns1.example.test.
        ns1 IN A 127.0.0.1
        send IN TXT "v=spf1 include:amazonses.com ~all"
        send IN MX 10 feedback-smtp.us-east-1.amazonses.com.
        dkim._domainkey IN TXT \(dkim)
        alias IN CNAME target.example.test.
        target IN TXT "target-data"
        _dmarc IN TXT "v=DMARC1; p=reject"
        \(big)
        \(extra)

        """.write(toFile: "\(dir)/example.test.zone", atomically: true, encoding: .utf8)
        try """
        options {
            directory "\(dir)";
            pid-file "\(dir)/named.pid";
            session-keyfile "\(dir)/session.key";
            managed-keys-directory "\(dir)";
            listen-on port \(port) { 127.0.0.1; };
            listen-on-v6 { none; };
            recursion no;
            dnssec-validation no;
            allow-query { any; };
        };
        controls { };
        zone "example.test" { type primary; file "\(dir)/example.test.zone"; };

        """.write(toFile: "\(dir)/named.conf", atomically: true, encoding: .utf8)
        log = directory.appendingPathComponent("named.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: named)
        process.arguments = ["-g", "-n", "1", "-c", "\(dir)/named.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    /// Waits until `named` answers (it loads the zone after binding), at most about 30 s.
    func ready() async throws {
        let probe = DNSResolver(servers: [server], timeout: .milliseconds(200), attempts: 1)
        for _ in 0..<150 {
            if let answer = try? await probe.query("example.test", type: .soa), !answer.records.isEmpty { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw ExternalTool.Missing(description: "named did not start serving: \(output.suffix(2_000))")
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite(
    "The resolver against BIND's named on loopback",
    .enabled(if: ExternalTool.named.shouldRun, Comment(rawValue: ExternalTool.named.skipReason)))
struct NamedTests {
    @Test(
        "TXT strings joined, MX, CNAME chains, NXDOMAIN with its negative TTL, TCP on truncation",
        .timeLimit(.minutes(2)))
    func realServer() async throws {
        try ExternalTool.named.require()
        let named = try NamedServer()
        try await named.ready()
        let resolver = DNSResolver(servers: [named.server], timeout: .seconds(2), attempts: 2)

        let spf = try await resolver.query("send.example.test", type: .txt)
        #expect(spf.records.map(\.data.value) == ["v=spf1 include:amazonses.com ~all"])
        #expect(spf.isAuthoritative)

        let dkim = try await resolver.query("dkim._domainkey.example.test", type: .txt)
        #expect(dkim.records.first?.data.value == "v=DKIM1; k=rsa; p=\(NamedServer.dkimKey)")
        if case .text(let strings) = dkim.records.first?.data { #expect(strings.count == 2) }

        let mx = try await resolver.query("send.example.test", type: .mx)
        #expect(mx.records.map(\.data.value) == ["10 feedback-smtp.us-east-1.amazonses.com"])

        let alias = try await resolver.query("alias.example.test", type: .txt)
        #expect(alias.records.map(\.type) == [.cname, .txt])
        #expect(alias.records.last?.data.value == "target-data")

        let missing = try await resolver.query("nothing.example.test", type: .txt)
        #expect(missing.responseCode == .nameError)
        #expect(missing.negativeCacheTTL == 60)
        let nodata = try await resolver.query("send.example.test", type: .aaaa)
        #expect(nodata.responseCode == .noError)
        #expect(nodata.records.isEmpty)

        let big = try await resolver.query("big.example.test", type: .txt)
        #expect(big.records.count == 12)  // over 1,232 bytes: truncated over UDP, whole over TCP
    }

    @Test("the preflight against named: SPF, split DKIM key, DMARC p=reject kept, MX", .timeLimit(.minutes(2)))
    func preflight() async throws {
        try ExternalTool.named.require()
        let named = try NamedServer()
        try await named.ready()
        let preflight = DNSPreflight(lookup: DNSResolver(servers: [named.server], timeout: .seconds(2), attempts: 2))
        let domain = "example.test"
        let report = try await preflight.check(
            [
                DNSRecord(
                    type: .txt, name: "send.example.test", domain: domain, value: "v=spf1 include:amazonses.com ~all",
                    purpose: .spf),
                DNSRecord(
                    type: .txt, name: "dkim._domainkey.example.test", domain: domain,
                    value: "v=DKIM1; k=rsa; p=\(NamedServer.dkimKey)", purpose: .dkim),
                DNSRecord(
                    type: .mx, name: "send.example.test", domain: domain,
                    value: "feedback-smtp.us-east-1.amazonses.com", priority: 10, purpose: .returnPath),
                DNSRecord(
                    type: .txt, name: "_dmarc.example.test", domain: domain, value: "v=DMARC1; p=none;",
                    purpose: .dmarc, required: false),
                DNSRecord(
                    type: .cname, name: "track.example.test", domain: domain, value: "links.provider.net",
                    purpose: .tracking),
            ], domain: domain)
        #expect(report.records.map(\.state) == [.ok, .ok, .ok, .ok, .missing])
        #expect(report.records[3].detail.contains("p=reject"))
        #expect(!report.ready)
    }
}

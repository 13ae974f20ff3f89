import Foundation
import SendingDomainsDNS
import SendingDomainsServing

/// BIND's `named` serving the project's test zone (`example.test`) on a loopback port, started
/// and stopped by the test: the resolver's and the preflight's tests against a real server.
package final class NamedServer {
    package let process = Process()
    package let directory: URL
    package let server: DNSServer
    package let log: URL

    package static let dkimKey = String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", count: 9)

    /// `named` serving `example.test`, with `extra` zone-file lines appended to its zone.
    package init(extra: String = "") throws {
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
    package func ready() async throws {
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

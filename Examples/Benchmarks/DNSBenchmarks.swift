import Foundation
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting

/// The DNS preflight over UDP against the project's loopback DNS server: one domain's records
/// looked up concurrently (baseline: the same lookups one after another, in the same run), and
/// 1,000 domains through a `RateLimitedLookup` (baseline: the configured rate).
enum PreflightBenchmark {
    /// Records like a provider's: a verification TXT, three DKIM CNAMEs, an SPF TXT, an MX and DMARC.
    static func records(_ domain: String) -> [DNSRecord] {
        [
            DNSRecord(
                type: .txt, name: "_amazonses.\(domain)", domain: domain, value: "token-\(domain)",
                purpose: .ownershipVerification),
            DNSRecord(
                type: .cname, name: "s1._domainkey.\(domain)", domain: domain, value: "s1.dkim.provider.net",
                purpose: .dkim),
            DNSRecord(
                type: .cname, name: "s2._domainkey.\(domain)", domain: domain, value: "s2.dkim.provider.net",
                purpose: .dkim),
            DNSRecord(
                type: .cname, name: "s3._domainkey.\(domain)", domain: domain, value: "s3.dkim.provider.net",
                purpose: .dkim),
            DNSRecord(
                type: .txt, name: "send.\(domain)", domain: domain, value: "v=spf1 include:amazonses.com ~all",
                purpose: .spf),
            DNSRecord(
                type: .mx, name: "send.\(domain)", domain: domain, value: "feedback-smtp.us-east-1.amazonses.com",
                priority: 10, purpose: .returnPath),
            DNSRecord(
                type: .txt, name: "_dmarc.\(domain)", domain: domain, value: "v=DMARC1; p=none;", purpose: .dmarc,
                required: false),
        ]
    }

    static func run(runs: Int, domains: Int, rate: Double) async throws -> [Row] {
        var zone = DNSZone()
        for index in 0..<domains { zone.publish(records("d\(index).example.com")) }
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        let server = try LoopbackDNSServer(zone: zone)
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 2)
        let preflight = DNSPreflight(lookup: resolver)
        var undetected = preflight
        undetected.detectsHost = false
        let one = records("d0.example.com")
        _ = try await preflight.check(one, domain: "d0.example.com")

        var concurrent: [Double] = []
        var sequential: [Double] = []
        for _ in 0..<runs {
            var start = Measure.wallSeconds()
            let report = try await preflight.check(one, domain: "d0.example.com")
            concurrent.append((Measure.wallSeconds() - start) * 1000)
            guard report.ready else { throw CancellationError() }
            // The same lookups: the host detected once, then each record on its own.
            start = Measure.wallSeconds()
            _ = try? await DNSHost.detect("d0.example.com", lookup: resolver)
            for record in one { _ = try await undetected.check([record], domain: "d0.example.com") }
            sequential.append((Measure.wallSeconds() - start) * 1000)
        }

        // 1,000 domains, 32 checked at a time, every query through one rate limit.
        let limited = DNSPreflight(lookup: RateLimitedLookup(resolver, limit: RateLimit(rate: rate, burst: 1)))
        let before = server.queryCount
        let start = Measure.wallSeconds()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            func add() {
                let domain = "d\(next).example.com"
                group.addTask { try await limited.check(records(domain), domain: domain).ready }
                next += 1
            }
            while next < min(32, domains) { add() }
            while let ready = try await group.next() {
                guard ready else { throw CancellationError() }
                if next < domains { add() }
            }
        }
        let seconds = Measure.wallSeconds() - start
        let queries = Double(server.queryCount - before)
        return [
            Row(
                benchmark: "preflight, one domain (7 records) over loopback UDP", measured: Measure.median(concurrent),
                baseline: Measure.median(sequential), unit: "ms (baseline: the same lookups one after another)",
                target: "< 1× (concurrent)"),
            Row(
                benchmark: "preflight, \(domains) domains at \(Int(rate)) queries/s", measured: queries / seconds,
                baseline: rate, unit: "queries/s (baseline: the configured rate)", target: "≤ 1.02× (never above)"),
            Row(
                benchmark: "preflight, \(domains) domains: time per domain", measured: seconds * 1000 / Double(domains),
                baseline: nil, unit: "ms", target: "report"),
        ]
    }
}

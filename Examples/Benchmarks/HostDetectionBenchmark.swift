import Foundation
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting

/// What host detection and the mistake probes cost a DNS preflight, in queries (counted, not
/// timed) and in time over loopback UDP: detection is at most 2 queries per report (SOA, NS), and
/// the probes run only for a record that is not `ok`.
enum HostDetectionBenchmark {
    /// A lookup that records every question it passes on.
    final class Recording: DNSLookup {
        let upstream: any DNSLookup
        let questions = Locked<[String]>([])
        init(_ upstream: any DNSLookup) { self.upstream = upstream }
        var description: String { upstream.description }
        func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
            questions.withLock { $0.append("\(DNSName.normalized(name)) \(type.rawValue)") }
            return try await upstream.query(name, type: type)
        }
        func take() -> [String] {
            questions.withLock { list in
                defer { list = [] }; return list
            }
        }
    }

    static func run(runs: Int) async throws -> [Row] {
        let domain = "example.com"
        let records = PreflightBenchmark.records(domain)
        var zone = DNSZone()
        zone.add(domain, .soa, "ada.ns.cloudflare.com hostmaster.example.com 1 300")
        zone.add(domain, .ns, "ada.ns.cloudflare.com")
        zone.add(domain, .ns, "bob.ns.cloudflare.com")
        zone.publish(records)
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        let server = try LoopbackDNSServer(zone: zone)
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 2)
        let recording = Recording(resolver)
        let detecting = DNSPreflight(lookup: recording)
        var plain = DNSPreflight(lookup: recording)
        plain.detectsHost = false

        // Queries: every record ok, with and without detection; then one record missing.
        let ok = try await detecting.check(records, domain: domain)
        guard ok.ready, ok.dnsHost?.id == .cloudflare else { throw CancellationError() }
        let withHost = recording.take()
        _ = try await plain.check(records, domain: domain)
        let without = recording.take()
        let detection = withHost.count - without.count
        let recordNames = Set(records.map { DNSName.normalized($0.name) }).union(["amazonses.com"])
        let probesWhenOK = withHost.filter { question in
            let name = String(question.split(separator: " ").first ?? "")
            return !recordNames.contains(name) && !question.hasSuffix(" SOA") && !question.hasSuffix(" NS")
        }.count
        server.zone.remove("_amazonses.example.com")
        let missing = try await plain.check(records, domain: domain)
        guard missing.records.first?.state == .missing else { throw CancellationError() }
        let probesForMissing = recording.take().count - without.count

        // Time: a report with detection against one without, the same records, in the same run.
        server.zone = zone
        var timedWith: [Double] = []
        var timedWithout: [Double] = []
        let direct = DNSPreflight(lookup: resolver)
        var directPlain = DNSPreflight(lookup: resolver)
        directPlain.detectsHost = false
        for _ in 0..<runs {
            var start = Measure.wallSeconds()
            _ = try await direct.check(records, domain: domain)
            timedWith.append((Measure.wallSeconds() - start) * 1000)
            start = Measure.wallSeconds()
            _ = try await directPlain.check(records, domain: domain)
            timedWithout.append((Measure.wallSeconds() - start) * 1000)
        }
        return [
            Row(
                benchmark: "host detection: DNS queries per report (SOA, NS)", measured: Double(detection),
                baseline: nil, unit: "queries", target: "≤ 2"),
            Row(
                benchmark: "mistake probes: queries when every record is ok", measured: Double(probesWhenOK),
                baseline: nil, unit: "queries", target: "0"),
            Row(
                benchmark: "mistake probes: queries for one missing TXT record", measured: Double(probesForMissing),
                baseline: nil, unit: "queries (name.zone, apex)", target: "≤ 2"),
            Row(
                benchmark: "preflight with host detection, 7 records over loopback UDP",
                measured: Measure.median(timedWith), baseline: Measure.median(timedWithout),
                unit: "ms (baseline: the same report without detection)", target: "report (concurrent with the lookups)"
            ),
        ]
    }
}

import Foundation
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting

/// What the SPF evaluator costs on a record at the limit — 10 DNS-querying terms, through two
/// includes, an `mx` and the provider's include — checked over UDP against the loopback DNS
/// server. Baseline: the same queries asked one after another by hand, in the same run.
enum SPFBenchmark {
    static let name = "send.spf.example.com"

    static var zone: DNSZone {
        var zone = DNSZone()
        zone.add(name, .txt, "v=spf1 include:i1.example.net include:i2.example.net ~all")
        zone.add(
            "i1.example.net", .txt, "v=spf1 a:h1.example.net a:h2.example.net a:h3.example.net a:h4.example.net ~all")
        zone.add("i2.example.net", .txt, "v=spf1 mx:m1.example.net a:h5.example.net a:h6.example.net ~all")
        zone.add("m1.example.net", .mx, "10 mail.example.net")
        zone.add("amazonses.com", .txt, "v=spf1 ip4:199.255.192.0/22 ~all")
        for host in ["h1", "h2", "h3", "h4", "h5", "h6", "mail"] { zone.add("\(host).example.net", .a, "192.0.2.1") }
        return zone
    }

    /// The questions the evaluation needs, each once.
    static let questions: [(String, DNSRecordType)] =
        [(name, .txt), ("i1.example.net", .txt), ("i2.example.net", .txt), ("m1.example.net", .mx)]
        + ["h1", "h2", "h3", "h4", "h5", "h6", "mail"].map { ("\($0).example.net", .a) } + [("amazonses.com", .txt)]

    static func run(runs: Int) async throws -> [Row] {
        let server = try LoopbackDNSServer(zone: zone)
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 2)
        let record = DNSRecord(
            type: .txt, name: name, domain: "spf.example.com", value: "v=spf1 include:amazonses.com ~all",
            purpose: .spf)
        // The SPF evaluation's questions alone: host detection (SOA, NS) has a row of its own.
        var preflight = DNSPreflight(lookup: resolver)
        preflight.detectsHost = false
        var evaluated: [Double] = []
        var byHand: [Double] = []
        var queries: [Double] = []
        for _ in 0..<runs {
            let before = server.queryCount
            var start = Measure.wallSeconds()
            let report = try await preflight.check([record], domain: "spf.example.com")
            evaluated.append((Measure.wallSeconds() - start) * 1000)
            queries.append(Double(server.queryCount - before))
            guard report.records.first?.spf?.lookups == 10, report.records.first?.state == .merge else {
                throw CancellationError()
            }
            start = Measure.wallSeconds()
            for (question, type) in questions { _ = try await resolver.query(question, type: type) }
            byHand.append((Measure.wallSeconds() - start) * 1000)
        }
        return [
            Row(
                benchmark: "preflight, an SPF record of 10 lookups: evaluated and merged",
                measured: Measure.median(evaluated),
                baseline: Measure.median(byHand),
                unit: "ms (baseline: its \(questions.count) queries one after another)",
                target: "report"),
            Row(
                benchmark: "preflight, an SPF record of 10 lookups: queries sent", measured: Measure.median(queries),
                baseline: Double(questions.count), unit: "queries (baseline: distinct questions)",
                target: "1× (each asked once)"),
        ]
    }
}

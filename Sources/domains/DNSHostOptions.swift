import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS

/// `--dns-host ID` and `--detect-host`: what to type at the customer's DNS host (Docs/DNSHosts.md).
enum HostOptions {
    static let help = """
          --dns-host ID              what to type at this DNS host (the zone taken to be the domain):
                                     \(DNSHostProfile.all.map(\.id.rawValue).joined(separator: ", "))
          --detect-host              look the DNS host up (the zone's SOA, then its NS: two DNS queries)
        """

    /// The option rules: `--dns-host` on `records` and `check`, `--detect-host` on `records`,
    /// not both, and an identifier the table knows.
    static func validate(_ invocation: Invocation, help: String) throws(UsageError) {
        let records = invocation.command == .records
        let check = invocation.command == .check || invocation.isCheckRecords
        if invocation.detectHost && !records {
            throw UsageError(message: "--detect-host applies to records (check detects the host itself)", help: help)
        }
        guard let id = invocation.dnsHost else { return }
        if !records && !check { throw UsageError(message: "--dns-host applies to records and check", help: help) }
        if invocation.detectHost { throw UsageError(message: "use --dns-host or --detect-host, not both", help: help) }
        if profile(id) == nil {
            throw UsageError(
                message:
                    "--dns-host takes one of \(DNSHostProfile.all.map(\.id.rawValue).joined(separator: ", ")), got \"\(Terminal.safe(id))\"",
                help: help)
        }
    }

    static func profile(_ id: String) -> DNSHostProfile? {
        DNSHostProfile.profile(for: DNSHost.ID(rawValue: id.lowercased()))
    }

    /// The host `--dns-host` names, serving `domain` as its zone; `nil` without the option.
    static func chosen(_ invocation: Invocation, domain: String) -> DNSHost? {
        guard let id = invocation.dnsHost, let profile = profile(id) else { return nil }
        return DNSHost(profile, zone: domain)
    }

    /// `{"notice": "dnsHost", "dnsHost": {…}}`: the host `records` writes its entries for, on
    /// stderr with `--json` (stdout keeps the array).
    struct Notice: Encodable {
        var notice = "dnsHost"
        let dnsHost: DNSHost
    }

    /// One record as `records --format json` prints it, with `"enter"` added.
    struct RecordJSON: Encodable {
        let record: RecordExport.JSONRecord
        let enter: EntryInstruction

        enum CodingKeys: String, CodingKey { case enter }

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(enter, forKey: .enter)
        }
    }

    /// `records` at a host: JSON (each record with `enter`), or a table of what to type there.
    static func render(_ records: [DNSRecord], host: DNSHost, json: Bool) -> String {
        let entries = host.entries(for: records)
        if json {
            return Render.json(zip(records, entries).map { RecordJSON(record: .init($0), enter: $1) })
        }
        let header = ["TYPE", "HOST", "VALUE", "PRIORITY", "NOTE"]
        let rows = zip(records, entries).map { record, entry in
            [
                record.type.rawValue, entry.host.isEmpty ? "(empty)" : entry.host, entry.value,
                entry.priority.map(String.init) ?? "-", entry.note ?? "",
            ].map(Terminal.safe)
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([describe(host), ""] + [line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// `DNS host: Cloudflare (zone example.com; ada.ns.cloudflare.com, …)`, terminal-safe.
    static func describe(_ host: DNSHost) -> String {
        let servers = host.nameservers.isEmpty ? "" : "; " + host.nameservers.joined(separator: ", ")
        return Terminal.safe("DNS host: \(host.name) (zone \(host.zone)\(servers))")
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    func checkCNAME(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let name = DNSName.normalized(record.name)
        let target = DNSName.normalized(record.value)
        let answer = try await lookup.query(name, type: .cname)
        let aliases = answer.records.filter { $0.name == name && $0.type == .cname }.map(\.data.value)
        if let alias = aliases.first {
            // A CNAME must stand alone at its name (RFC 1034 §3.6.2).
            for type in [DNSRecordType.txt, .a] {
                let other = try await lookup.query(name, type: type)
                if other.records.contains(where: { $0.name == name && $0.type != .cname }) {
                    return .init(
                        record: record, state: .conflict, observed: aliases,
                        detail:
                            "\(name) has a CNAME beside \(type.rawValue) data; a CNAME must be alone at its name. Remove the other records."
                    )
                }
            }
            if alias == target {
                return .init(record: record, state: .ok, observed: aliases, detail: "Published.")
            }
            return .init(
                record: record, state: .mismatch, observed: aliases,
                detail: "\(name) is an alias of \(alias), not \(target); change the CNAME's target.")
        }
        if answer.responseCode == .nameError {
            return .init(record: record, state: .missing, detail: missingDetail(record, answer.responseCode))
        }
        // No CNAME: a DNS host may flatten it, answering with the target's data.
        var present: [String] = []
        var addresses: (here: [String], there: [String]) = ([], [])
        for type in [DNSRecordType.txt, .a, .aaaa, .mx] {
            let here = try await lookup.query(name, type: type).records.filter { $0.type == type }.map(\.data.value)
            guard !here.isEmpty else { continue }
            present.append(contentsOf: here)
            let there = try await resolve(target, type).records.map(\.data.value)
            if type == .a || type == .aaaa {
                addresses.here += here
                addresses.there += there
            }
            if Set(here) == Set(there) {
                return .init(
                    record: record, state: .ok, observed: here,
                    detail:
                        "\(name) answers with \(target)'s \(type.rawValue) data: the DNS host flattened the CNAME, which works while the target's data stays the same."
                )
            }
        }
        // Cloudflare's proxy hides the CNAME and answers with its own addresses; a flattened
        // CNAME would answer with the target's (ok above). Not a conflict: the setting is wrong.
        if !addresses.here.isEmpty, addresses.here.allSatisfy(CloudflareRanges.contains),
            !addresses.there.contains(where: CloudflareRanges.contains)
        {
            return .init(
                record: record, state: .mismatch, observed: present,
                detail:
                    "\(name) answers with Cloudflare's own addresses (\(addresses.here.joined(separator: ", "))), not \(target)'s: the CNAME is proxied (orange cloud). Set its proxy status to DNS only; the record itself is right and no other record needs deleting.",
                reason: .proxied)
        }
        if !present.isEmpty {
            return .init(
                record: record, state: .conflict, observed: present,
                detail:
                    "\(name) already has other records, and a CNAME cannot be added beside them. Remove them, then add CNAME \(record.relativeName) → \(target)."
            )
        }
        return .init(record: record, state: .missing, detail: missingDetail(record, answer.responseCode))
    }
}

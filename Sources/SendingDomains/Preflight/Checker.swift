import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// The per-record logic; one instance serves a whole report.
struct Checker: Sendable {
    let lookup: any DNSLookup
    let maximumDepth: Int

    func check(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        switch record.type {
        case .txt:
            if SPF.isSPF(record.value) { return try await checkSPF(record) }
            if record.name.hasPrefix("_dmarc.") || record.value.lowercased().hasPrefix("v=dmarc1") {
                return try await checkDMARC(record)
            }
            return try await checkTXT(record)
        case .cname: return try await checkCNAME(record)
        case .mx: return try await checkMX(record)
        case .a, .aaaa: return try await checkAddress(record)
        default:
            return .init(
                record: record, state: .missing,
                detail: "\(record.type.rawValue) records cannot be checked by the SDK; check \(record.name) by hand")
        }
    }

    /// The records of `type` at the end of `name`'s `CNAME` chain (at most `maximumDepth` links),
    /// the chain, and the answer's code.
    func resolve(
        _ name: String, _ type: DNSRecordType
    ) async throws(SendingDomainsError) -> (records: [DNSResourceRecord], chain: [String], code: DNSResponseCode) {
        let start = DNSName.normalized(name)
        var current = start
        var chain: [String] = []
        var code = DNSResponseCode.noError
        while chain.count < maximumDepth {
            let answer = try await lookup.query(current, type: type)
            code = answer.responseCode
            // Walk the chain as far as this answer goes.
            var steps = 0
            while chain.count < maximumDepth {
                let here = answer.records.filter { $0.name == current }
                let matching = here.filter { $0.type == type }
                // An NXDOMAIN answer's records are never taken as published (see
                // `publishedRecords`), whatever a lookup sent beside the code.
                if !matching.isEmpty { return (Self.publishedRecords(matching, type, code), chain, code) }
                guard type != .cname, let alias = here.first(where: { $0.type == .cname }),
                    case .name(let target) = alias.data, target != start, !chain.contains(target)
                else { break }
                chain.append(target)
                current = target
                steps += 1
            }
            // Nothing more in this answer: done, unless it stopped at an alias whose target it
            // did not include, which is asked for next.
            if steps == 0 { return ([], chain, code) }
        }
        return ([], chain, code)
    }

    func missingDetail(_ record: DNSRecord, _ code: DNSResponseCode) -> String {
        let what =
            code == .nameError
            ? "\(record.name) does not exist (NXDOMAIN)" : "\(record.name) has no \(record.type.rawValue) record"
        return "\(what); add \(record.type.rawValue) \(record.relativeName) with the expected value at the DNS host. "
            + "A record published moments ago may look missing until resolvers' negative cache expires."
    }
}

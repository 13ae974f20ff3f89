import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    func checkMX(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        var host = DNSName.normalized(record.value)
        var preference = record.priority.map { UInt16(clamping: $0) }
        let parts = record.value.split(separator: " ")
        if parts.count == 2, let value = UInt16(parts[0]) {
            preference = value
            host = DNSName.normalized(String(parts[1]))
        }
        let (records, _, code) = try await resolve(record.name, .mx)
        let observed = records.map(\.data.value)
        let hosts = records.compactMap { record -> (UInt16, String)? in
            if case .mailExchange(let preference, let exchange) = record.data { return (preference, exchange) }
            return nil
        }
        if hosts.contains(where: { $0.1 == host && (preference == nil || $0.0 == preference) }) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if let same = hosts.first(where: { $0.1 == host }) {
            return .init(
                record: record, state: .mismatch, observed: observed,
                detail:
                    "\(record.name) points at \(host) with priority \(same.0), not \(preference ?? 10); change the priority (the host is right).",
                reason: .priority)
        }
        if hosts.isEmpty {
            return .init(record: record, state: .missing, observed: observed, detail: missingDetail(record, code))
        }
        return .init(
            record: record, state: .mismatch, observed: observed,
            detail:
                "\(record.name)'s mail goes to \(hosts.map(\.1).joined(separator: ", ")), not \(host); add or change the MX record."
        )
    }

    func checkAddress(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, record.type)
        let observed = records.map(\.data.value)
        if observed.contains(record.value.lowercased()) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if observed.isEmpty {
            return .init(record: record, state: .missing, detail: missingDetail(record, code))
        }
        return .init(
            record: record, state: .mismatch, observed: observed,
            detail: "\(record.name) has other addresses; change them to \(record.value).")
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    func checkTXT(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, .txt)
        let observed = records.map(\.data.value)
        let expected = Self.normalizedTXT(record.value)
        let isDKIM = record.purpose == .dkim || record.name.contains("._domainkey.")
        if observed.contains(where: {
            Self.normalizedTXT($0) == expected || (isDKIM && DKIMKey.isSameKey($0, as: record.value))
        }) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if observed.isEmpty {
            return .init(
                record: record, state: .missing,
                detail: missingDetail(record, code))
        }
        // The same kind of record with another value (a DKIM key, a verification token of the
        // same provider) is a mismatch; unrelated TXT records at the name are not.
        let kind = Self.kind(of: record.value)
        let sameKind = observed.filter { Self.kind(of: $0) == kind && kind != nil }
        if !sameKind.isEmpty || record.name.contains("._domainkey.") {
            return .init(
                record: record, state: .mismatch, observed: observed,
                detail:
                    "\(record.name) has another \(kind ?? "TXT") value; replace it with the expected one (a DKIM key must be copied whole: spaces inside it do not matter, missing or changed characters do)"
            )
        }
        return .init(
            record: record, state: .missing, observed: observed,
            detail: "\(record.name) has other TXT records but not this one; add it beside them")
    }

    /// Whitespace around `;` and runs of whitespace do not matter (DKIM tag lists).
    static func normalizedTXT(_ value: String) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\""), text.hasSuffix("\""), let strings = DNSZone.quotedStrings(text) {
            text = strings.joined()
        }
        let parts = text.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        var joined = parts.joined(separator: ";")
        while joined.hasSuffix(";") { joined.removeLast() }
        return joined
    }

    /// What a TXT value is: `v=DKIM1`, `google-site-verification`, `amazonses`… — the part
    /// before its first `=` or `:`; `nil` for a value without one.
    static func kind(of value: String) -> String? {
        let lower = value.lowercased().trimmingCharacters(in: .whitespaces)
        if lower.hasPrefix("v=") { return String(lower.prefix { $0 != ";" && $0 != " " }) }
        if lower.hasPrefix("k=") || lower.hasPrefix("p=") { return "v=dkim1" }
        guard let separator = lower.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        return String(lower[..<separator])
    }
}

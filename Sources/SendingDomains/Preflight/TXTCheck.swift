import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    func checkTXT(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, .txt)
        let observed = records.map(\.data.value)
        // A DKIM key is judged by RFC 6376 (whitespace inside it is valid); any other value is
        // an opaque token, compared exactly: published quote characters or extra spaces are
        // not the value (PreflightReason.quoted, .whitespace).
        if observed.contains(where: { Self.isExpected($0, record) }) {
            return .init(record: record, state: .ok, observed: observed, detail: "Published.")
        }
        if observed.isEmpty {
            return .init(
                record: record, state: .missing,
                detail: missingDetail(record, code))
        }
        // The same kind of record with another value (a DKIM key, a verification token of the
        // same provider) is a mismatch; unrelated TXT records at the name are not.
        let kind = Self.kind(of: Self.expectedTXT(record.value))
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

    /// What a TXT record expected is, for comparing.
    enum Flavor {
        case spf, dmarc, dkim, token
    }

    static func flavor(_ record: DNSRecord) -> Flavor {
        let value = expectedTXT(record.value)
        if SPF.isSPF(value) { return .spf }
        if record.name.hasPrefix("_dmarc.") || value.lowercased().hasPrefix("v=dmarc1") { return .dmarc }
        if record.purpose == .dkim || record.name.contains("._domainkey.") { return .dkim }
        return .token
    }

    /// The provider's value as published: its own quoting (`"part1" "part2"`) taken off.
    static func expectedTXT(_ value: String) -> String {
        DNSZone.quotedStrings(value)?.joined() ?? value
    }

    /// Whether a published TXT value (strings joined) is the record expected, by the record's
    /// own rules: SPF — an SPF record with every mechanism of the provider's; DMARC — the same
    /// tags (case and spacing aside); DKIM — the same key (RFC 6376); anything else exactly.
    static func isExpected(_ published: String, _ record: DNSRecord) -> Bool {
        let expected = expectedTXT(record.value)
        switch flavor(record) {
        case .spf:
            return SPF.isSPF(published) && SPF.missingTerms(existing: published, provider: expected).isEmpty
        case .dmarc:
            return SPF.normalized(normalizedTXT(published)) == SPF.normalized(normalizedTXT(expected))
        case .dkim:
            return normalizedTXT(published) == normalizedTXT(expected) || DKIMKey.isSameKey(published, as: expected)
        case .token:
            return published == expected
        }
    }

    /// The ways a value published with quote characters may read once they are taken off:
    /// `"a" "b"` as the strings `a`, `b`; `\"…\"` escapes; every quote character removed.
    static func unquotedForms(_ value: String) -> [String] {
        guard value.contains("\"") else { return [] }
        var forms: [String] = []
        let unescaped = value.replacingOccurrences(of: "\\\"", with: "\"")
        for text in [value, unescaped] {
            if let strings = DNSZone.quotedStrings(text) { forms.append(strings.joined()) }
        }
        forms.append(unescaped.replacingOccurrences(of: "\"", with: ""))
        forms.append(unescaped.replacingOccurrences(of: "\" \"", with: "").replacingOccurrences(of: "\"", with: ""))
        return forms
    }

    /// Whitespace around `;` and runs of whitespace do not matter (DKIM tag lists).
    static func normalizedTXT(_ value: String) -> String {
        // Quote characters are part of a published value (PreflightReason.quoted): only the
        // provider's own quoting is taken off, by `expectedTXT`.
        let text = value.trimmingCharacters(in: .whitespaces)
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

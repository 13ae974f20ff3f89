import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    /// ``check(_:)``, with a lookup that failed after the resolver's retries (`SERVFAIL`,
    /// `REFUSED`, a timeout, a malformed answer) making the record `unknown` instead of failing
    /// the report. Cancellation and a name that cannot be asked still throw.
    func checkOrUnknown(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        do {
            return try await check(record)
        } catch {
            if error.kind == .cancelled || error.kind == .validation { throw error }
            return .init(
                record: record, state: .unknown,
                detail:
                    "DNS could not say whether \(record.type.rawValue) \(record.name) is published (\(error.message)). No conclusion: check again; if it lasts, ask another resolver."
            )
        }
    }

    /// The mistake behind a record that is not `ok`, where one can be named: first what the name
    /// itself holds (a TXT value quoted, cut or spaced), then — for a `missing` record only, one
    /// lookup each — the record at `name.zone` and at the zone's apex. A failed probe names
    /// nothing; the state stays.
    func diagnose(_ result: PreflightReport.Record, host: DNSHost) async -> PreflightReport.Record {
        var result = result
        let record = result.record
        let entry = host.entry(for: record, value: result.suggested)
        if record.type == .txt, result.state == .missing || result.state == .mismatch,
            let (reason, value) = Self.textMistake(record, result.observed)
        {
            result.state = .mismatch
            result.reason = reason
            result.detail = Self.detail(reason, record, value: value, host: host, entry: entry)
            return result
        }
        guard result.state == .missing else { return result }
        let name = DNSName.normalized(record.name)
        let zone = host.zone
        guard !zone.isEmpty, name == zone || name.hasSuffix("." + zone) else { return result }
        let doubled = name + "." + zone
        if (try? DNSName.validate(doubled)) != nil, let found = await published(record, at: doubled) {
            result.reason = .zoneAppended
            result.detail = Self.detail(.zoneAppended, record, value: found, host: host, entry: entry)
            return result
        }
        if name != zone, [DNSRecordType.txt, .mx].contains(record.type),
            let found = await published(record, at: zone)
        {
            result.reason = .atApex
            result.detail = Self.detail(.atApex, record, value: found, host: host, entry: entry)
        }
        return result
    }

    /// A TXT value at the record's name that is the expected one but for quotes, a cut end or
    /// white space.
    static func textMistake(_ record: DNSRecord, _ observed: [String]) -> (PreflightReason, String)? {
        for value in observed where unquotedForms(value).contains(where: { isExpected($0, record) }) {
            return (.quoted, value)
        }
        let flavor = flavor(record)
        let expected = expectedTXT(record.value)
        let comparable = { (text: String) in flavor == .token ? text : normalizedTXT(text) }
        let whole = comparable(expected)
        // A cut value: a DKIM key or a token (an SPF or DMARC record that is a prefix of the
        // provider's is a shorter record, judged by its own rules).
        for value in observed where flavor == .dkim || flavor == .token {
            let part = comparable(value)
            if part.count >= 8, part.count < whole.count, whole.hasPrefix(part) { return (.truncated, value) }
        }
        if flavor == .token {
            let bare = expected.filter { !$0.isWhitespace }
            for value in observed where value != expected && value.filter({ !$0.isWhitespace }) == bare {
                return (.whitespace, value)
            }
        }
        return nil
    }

    /// The values at `name` that are the record expected; `nil` when none (or DNS failed).
    func published(_ record: DNSRecord, at name: String) async -> String? {
        switch record.type {
        case .txt:
            guard let answer = try? await resolve(name, .txt) else { return nil }
            return answer.records.map(\.data.value).first { Self.isExpected($0, record) }
        case .cname:
            guard let answer = try? await lookup.query(name, type: .cname) else { return nil }
            let target = DNSName.normalized(record.value)
            return answer.records.first { $0.type == .cname && $0.data.value == target }?.data.value
        case .mx:
            guard let answer = try? await resolve(name, .mx) else { return nil }
            let parts = record.value.split(separator: " ")
            let host = DNSName.normalized(parts.count == 2 ? String(parts[1]) : record.value)
            return answer.records.first {
                if case .mailExchange(_, let exchange) = $0.data { return exchange == host }
                return false
            }?.data.value
        case .a, .aaaa:
            guard let answer = try? await resolve(name, record.type) else { return nil }
            return answer.records.map(\.data.value).first { $0 == record.value.lowercased() }
        default:
            return nil
        }
    }

    /// What the mistake is and what to type instead, for people.
    static func detail(
        _ reason: PreflightReason, _ record: DNSRecord, value: String, host: DNSHost, entry: EntryInstruction
    ) -> String {
        let name = DNSName.normalized(record.name)
        let who = host.id == .unknown ? "The DNS host" : host.name
        let field = entry.host.isEmpty ? "an empty host field" : "\(entry.host) in the host field"
        switch reason {
        case .quoted:
            return
                "\(name)'s TXT value was published with literal quote characters in it, so receivers read the quotes as part of the value. Edit the record and type the value as: \(entry.value)"
        case .truncated:
            return
                "\(name) holds only the first \(value.count) characters of the expected value: the DNS host cut it (one TXT string holds 255 bytes; a longer value must be split into several). Publish the whole value: \(entry.value)"
        case .whitespace:
            return
                "\(name)'s value differs from the expected one only in white space (spaces or line breaks added while copying), and it is compared exactly. Replace it with the exact value: \(entry.value)"
        case .zoneAppended:
            return
                "\(name) has no \(record.type.rawValue) record, but \(name).\(host.zone) has the expected one: \(who) added \(host.zone) to the full name typed in its host field. Delete the record at \(name).\(host.zone) and add it again with \(field)."
        case .atApex:
            let keep =
                SPF.isSPF(expectedTXT(record.value))
                ? " Keep the apex record only if \(host.zone) itself sends mail through it." : ""
            return
                "\(name) has no \(record.type.rawValue) record, but the expected value is published at the zone's apex (\(host.zone)) instead. Add it with \(field).\(keep)"
        default:
            return reason.rawValue
        }
    }
}

import AhaSendClient
import Foundation
import SendingDomains
import SendingDomainsTesting

/// Writes to standard output and standard error.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// Makes text that a server (or any other outsider) supplied safe to print on a terminal.
///
/// Control characters — C0 (including CR, LF, TAB and ESC), DEL and C1 (including the one-byte
/// CSI, U+009B) — become visible `\u{…}` escapes, so a domain name or an error message cannot
/// clear the screen, set the window title, move the cursor, or forge a line of output.
enum Terminal {
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// How `domains` prints domains, records and errors.
enum Render {
    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        return ISO8601DateFormatter().string(from: date)
    }

    static func summary(_ domain: SendingDomain) -> String {
        var lines = [
            "\(Terminal.safe(domain.name)) at \(domain.provider.displayName)",
            "  id:       \(Terminal.safe(domain.id))",
            "  status:   \(Terminal.safe(domain.status.description))",
        ]
        if domain.createdAt != nil { lines.append("  created:  \(date(domain.createdAt))") }
        if domain.verifiedAt != nil { lines.append("  verified: \(date(domain.verifiedAt))") }
        if domain.lastCheckedAt != nil { lines.append("  checked:  \(date(domain.lastCheckedAt))") }
        if let records = domain.records, !records.isEmpty {
            lines.append("\nDNS records to publish at the domain's DNS host:\n")
            lines.append(table(records))
        } else if domain.records == nil {
            lines.append(
                "\nThis response carries no records; run `domains \(domain.provider.rawValue) records \(Terminal.safe(domain.id))`."
            )
        } else {
            lines.append("\nThe provider lists no records for this domain.")
        }
        return lines.joined(separator: "\n")
    }

    /// ``RecordExport/table(_:)`` with every server-supplied cell made terminal-safe.
    static func table(_ records: [DNSRecord]) -> String {
        RecordExport.table(records.map(safe))
    }

    /// The record with its text fields made terminal-safe.
    static func safe(_ record: DNSRecord) -> DNSRecord {
        var record = record
        record.name = Terminal.safe(record.name)
        record.relativeName = Terminal.safe(record.relativeName)
        record.value = Terminal.safe(record.value)
        if case .unknown(let raw) = record.type { record.type = .unknown(Terminal.safe(raw)) }
        return record
    }

    static func list(_ domains: [SendingDomain]) -> String {
        guard !domains.isEmpty else { return "No domains." }
        let rows =
            [["ID", "NAME", "STATUS", "CREATED"]]
            + domains.map { [$0.id, $0.name, $0.status.description, date($0.createdAt)].map(Terminal.safe) }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// A domain as `--json` prints it (Docs/CLI.md): every key always present.
    struct DomainJSON: Encodable {
        let id: String
        let name: String
        let provider: String
        let status: String
        let createdAt: String?
        let verifiedAt: String?
        let lastCheckedAt: String?
        let records: [RecordExport.JSONRecord]?
        /// Whether the domain lives in the offline sandbox (fake records), not at the provider.
        let sandbox: Bool

        init(_ domain: SendingDomain, sandbox: Bool) {
            self.sandbox = sandbox
            id = domain.id
            name = domain.name
            provider = domain.provider.rawValue
            status = domain.status.code
            createdAt = domain.createdAt.map { Render.date($0) }
            verifiedAt = domain.verifiedAt.map { Render.date($0) }
            lastCheckedAt = domain.lastCheckedAt.map { Render.date($0) }
            records = domain.records.map { $0.map(RecordExport.JSONRecord.init) }
        }

        enum CodingKeys: String, CodingKey {
            case id, name, provider, status, createdAt, verifiedAt, lastCheckedAt, records, sandbox
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(provider, forKey: .provider)
            try container.encode(status, forKey: .status)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(verifiedAt, forKey: .verifiedAt)
            try container.encode(lastCheckedAt, forKey: .lastCheckedAt)
            try container.encode(records, forKey: .records)
            try container.encode(sandbox, forKey: .sandbox)
        }
    }

    /// The error object `--json` writes to stderr (Docs/CLI.md).
    struct ErrorJSON: Encodable {
        struct Body: Encodable {
            let kind: String
            let message: String
            let status: Int?
            let provider: String?
            let operation: String?
            let requestId: String?
            let fieldErrors: [[String: String]]
            let retryAfter: Double?

            enum CodingKeys: String, CodingKey {
                case kind, message, status, provider, operation, requestId, fieldErrors, retryAfter
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(kind, forKey: .kind)
                try container.encode(message, forKey: .message)
                try container.encode(status, forKey: .status)
                try container.encode(provider, forKey: .provider)
                try container.encode(operation, forKey: .operation)
                try container.encode(requestId, forKey: .requestId)
                try container.encode(fieldErrors, forKey: .fieldErrors)
                try container.encode(retryAfter, forKey: .retryAfter)
            }
        }

        let error: Body

        init(_ error: SendingDomainsError, hint: String? = nil) {
            self.error = Body(
                kind: error.kind.rawValue, message: error.description + (hint.map { " " + $0 } ?? ""),
                status: error.status, provider: error.provider?.rawValue, operation: error.operation,
                requestId: error.requestID,
                fieldErrors: error.fieldErrors.map { ["field": $0.field, "message": $0.message] },
                retryAfter: error.retryAfter?.seconds)
        }

        init(kind: String, message: String, provider: ProviderID? = nil, operation: String? = nil) {
            error = Body(
                kind: kind, message: message, status: nil, provider: provider?.rawValue, operation: operation,
                requestId: nil, fieldErrors: [], retryAfter: nil)
        }
    }

    /// A preflight report for people: the verdict, then each record's state, what was found and
    /// what to change at the DNS host. Everything DNS returned passes through ``Terminal/safe(_:)``.
    static func preflight(_ report: PreflightReport) -> String {
        let required = report.records.filter(\.record.required).count
        let fine = report.records.filter { $0.record.required && $0.state == .ok }.count
        var lines = [
            report.ready
                ? "\(Terminal.safe(report.domain)): READY — every required record is in place (\(fine) of \(required))."
                : "\(Terminal.safe(report.domain)): NOT READY — \(report.blocking.count) record\(report.blocking.count == 1 ? "" : "s") to fix (\(fine) of \(required) required records in place).",
            "Looked up through \(Terminal.safe(report.resolver)).",
        ]
        if let host = report.dnsHost { lines.append(HostOptions.describe(host) + ".") }
        if !report.isConclusive {
            lines.append(
                "DNS could not say for some required records (UNKNOWN): check again; nothing is known to be wrong.")
        }
        lines.append("")
        for result in report.records {
            let mark =
                switch result.state {
                case .ok: "ok      "
                case .missing: "MISSING "
                case .mismatch: "MISMATCH"
                case .merge: "MERGE   "
                case .conflict: "CONFLICT"
                case .unknown: "UNKNOWN "
                default:
                    Terminal.safe(result.state.rawValue.uppercased()).padding(toLength: 8, withPad: " ", startingAt: 0)
                }
            let optional = result.record.required ? "" : " (optional)"
            let why = result.reason.map { " [\(Terminal.safe($0.rawValue))]" } ?? ""
            lines.append(
                "\(mark)  \(Terminal.safe(result.record.type.rawValue)) \(Terminal.safe(result.record.name))\(optional)\(why)"
            )
            if result.state != .ok {
                lines.append(
                    "          expected: \(Terminal.safe(result.record.answerValue))")
                for value in result.observed { lines.append("          found:    \(Terminal.safe(value))") }
                if let suggested = result.suggested { lines.append("          publish:  \(Terminal.safe(suggested))") }
            }
            if result.detail != "Published." { lines.append("          \(Terminal.safe(result.detail))") }
            if result.state != .ok, let enter = result.enter {
                // What to type at the customer's DNS host, field by field.
                let at = report.dnsHost.map { $0.id == .unknown ? "the DNS host" : $0.name } ?? "the DNS host"
                lines.append("          type at \(Terminal.safe(at)):")
                lines.append(
                    "            host:     \(enter.host.isEmpty ? "(leave empty)" : Terminal.safe(enter.host))")
                lines.append("            value:    \(Terminal.safe(enter.value))")
                if let priority = enter.priority { lines.append("            priority: \(priority)") }
                if let note = enter.note { lines.append("            note:     \(Terminal.safe(note))") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// One check of `wait`, for people.
    static func progress(_ progress: VerificationProgress) -> String {
        let next = progress.nextCheckIn.map { "; next check in \($0.seconds) s" } ?? ""
        var dns = ""
        if let report = progress.preflight {
            dns =
                report.ready
                ? "; DNS: every required record in place"
                : "; DNS: "
                    + report.blocking.map { "\($0.record.type.rawValue) \($0.record.name) \($0.state.rawValue)" }
                    .joined(separator: ", ")
        }
        let asked = progress.askedProvider ? "" : " (provider not asked)"
        return
            "domains: check \(progress.attempt): \(Terminal.safe(progress.status.description))\(asked)\(Terminal.safe(dns))\(next)"
    }

    /// A watch event for people: when, which domain, what changed.
    static func event(_ event: DomainEvent) -> String {
        let what: String =
            switch event.change {
            case .verified: "verified"
            case .failed: "FAILED"
            case .statusChanged(let from, let to): "status \(from?.description ?? "?") → \(to)"
            case .recordChanged(let change):
                "\(change.source == .dns ? "DNS" : "provider"): \(change.record.type.rawValue) \(change.record.name) \(change.from ?? "?") → \(change.to)"
            case .dnsError(let report): "DNS error: \(dnsErrorText(report))"
            case .checkFailed(let error): "CHECK FAILED (\(error.kind.rawValue)): \(error.description)"
            case .checkRecovered: "checks work again"
            }
        let name = event.domainName.isEmpty ? event.domainID : event.domainName
        return "\(date(event.observedAt))  \(Terminal.safe(name))  \(Terminal.safe(what))"
    }

    static func dnsErrorText(_ report: DNSErrorReport) -> String {
        [("SPF", report.spfValid), ("DKIM", report.dkimValid), ("DMARC", report.dmarcValid)]
            .compactMap { name, valid in valid.map { "\(name) \($0 ? "valid" : "INVALID")" } }
            .joined(separator: ", ")
    }

    /// A watch event as one JSON line.
    struct EventJSON: Encodable {
        /// `{"kind", "status", "message"}` of a failed check.
        struct ErrorBody: Encodable {
            let kind: String
            let status: Int?
            let message: String

            enum CodingKeys: String, CodingKey { case kind, status, message }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(kind, forKey: .kind)
                try container.encode(status, forKey: .status)
                try container.encode(message, forKey: .message)
            }
        }

        let eventId: String
        let provider: String
        let id: String
        let domain: String?
        let change: String
        let error: ErrorBody?
        let from: String?
        let to: String?
        let record: RecordExport.JSONRecord?
        let source: String?
        let observedAt: String
        let sandbox: Bool

        init(_ event: DomainEvent, sandbox: Bool) {
            self.sandbox = sandbox
            eventId = event.id
            provider = event.provider.rawValue
            id = event.domainID
            domain = event.domainName.isEmpty ? nil : event.domainName
            var error: ErrorBody?
            observedAt = Render.date(event.observedAt)
            var record: RecordExport.JSONRecord?
            var source: String?
            switch event.change {
            case .verified: (change, from, to) = ("verified", nil, "verified")
            case .failed: (change, from, to) = ("failed", nil, "failed")
            case .statusChanged(let before, let after): (change, from, to) = ("statusChanged", before?.code, after.code)
            case .recordChanged(let recordChange):
                (change, from, to) = ("recordChanged", recordChange.from, recordChange.to)
                record = RecordExport.JSONRecord(recordChange.record)
                source = recordChange.source.rawValue
            case .dnsError(let report): (change, from, to) = ("dnsError", nil, dnsErrorText(report))
            case .checkFailed(let failure):
                (change, from, to) = ("checkFailed", nil, nil)
                error = ErrorBody(kind: failure.kind.rawValue, status: failure.status, message: failure.description)
            case .checkRecovered: (change, from, to) = ("checkRecovered", nil, nil)
            }
            self.error = error
            self.record = record
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case eventId, provider, id, domain, change, error, from, to, record, source, observedAt, sandbox
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(eventId, forKey: .eventId)
            try container.encode(provider, forKey: .provider)
            try container.encode(id, forKey: .id)
            try container.encode(domain, forKey: .domain)
            try container.encode(change, forKey: .change)
            try container.encode(error, forKey: .error)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(record, forKey: .record)
            try container.encode(source, forKey: .source)
            try container.encode(observedAt, forKey: .observedAt)
            try container.encode(sandbox, forKey: .sandbox)
        }
    }

    /// A preflight report as `check --json` prints it: the report's own keys and `sandbox`.
    struct ReportJSON: Encodable {
        let report: PreflightReport
        let sandbox: Bool

        enum CodingKeys: String, CodingKey { case sandbox }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sandbox, forKey: .sandbox)
        }
    }

    /// A verified webhook delivery for people.
    static func webhook(_ event: AhaSend.WebhookEvent) -> String {
        switch event.payload {
        case .domainDNSError(let error):
            let report = DNSErrorReport(
                spfValid: error.spfValid, dkimValid: error.dkimValid, dmarcValid: error.dmarcValid)
            return
                "\(Terminal.safe(event.id))  \(Terminal.safe(error.domain))  domain.dns_error: \(dnsErrorText(report))"
        case .other:
            return "\(Terminal.safe(event.id))  \(Terminal.safe(event.type))"
        }
    }

    /// A verified webhook delivery as one JSON line: its id (to drop repeats), type, and data.
    struct WebhookJSON: Encodable {
        let id: String
        let type: String
        let deliveredAt: String
        let data: JSONValue

        init(_ event: AhaSend.WebhookEvent) {
            id = event.id
            type = event.type
            deliveredAt = Render.date(event.deliveredAt)
            data = (try? JSONValue(data: event.body))?["data"] ?? .null
        }
    }

    /// Pretty-printed JSON with sorted keys, through the SDK's one JSON writer (DEL and C1
    /// controls escaped too).
    static func json(_ value: some Encodable, pretty: Bool = true) -> String {
        JSONWriter.string(value, pretty: pretty)
    }
}

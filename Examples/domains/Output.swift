import Foundation
import SendingDomains

/// Writes to standard output and standard error.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// How `domains` prints domains.
enum Render {
    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static func summary(_ domain: SendingDomain) -> String {
        var lines = [
            "\(domain.name) at \(domain.provider.displayName)",
            "  id:       \(domain.id)",
            "  status:   \(domain.status)",
        ]
        if domain.createdAt != nil { lines.append("  created:  \(date(domain.createdAt))") }
        if domain.verifiedAt != nil { lines.append("  verified: \(date(domain.verifiedAt))") }
        if domain.lastCheckedAt != nil { lines.append("  checked:  \(date(domain.lastCheckedAt))") }
        if domain.records.isEmpty {
            lines.append(
                "\nNo records in this response; run `domains \(domain.provider.rawValue) records \(domain.id)`.")
        } else {
            lines.append("\nDNS records to publish at the domain's DNS host:\n")
            lines.append(RecordExport.table(domain.records))
        }
        return lines.joined(separator: "\n")
    }

    static func list(_ domains: [SendingDomain]) -> String {
        guard !domains.isEmpty else { return "No domains." }
        let rows =
            [["ID", "NAME", "STATUS", "CREATED"]]
            + domains.map { [$0.id, $0.name, "\($0.status)", date($0.createdAt)] }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    struct DomainJSON: Encodable {
        let id: String
        let name: String
        let provider: String
        let status: String
        let createdAt: String?
        let verifiedAt: String?
        let lastCheckedAt: String?
        let records: [RecordExport.JSONRecord]

        init(_ domain: SendingDomain) {
            id = domain.id
            name = domain.name
            provider = domain.provider.rawValue
            status = Render.statusCode(domain.status)
            createdAt = domain.createdAt.map { Render.date($0) }
            verifiedAt = domain.verifiedAt.map { Render.date($0) }
            lastCheckedAt = domain.lastCheckedAt.map { Render.date($0) }
            records = domain.records.map(RecordExport.JSONRecord.init)
        }
    }

    static func statusCode(_ status: DomainStatus) -> String {
        switch status {
        case .pending: "pending"
        case .verifying: "verifying"
        case .verified: "verified"
        case .partiallyVerified: "partially_verified"
        case .failed: "failed"
        case .temporaryFailure: "temporary_failure"
        case .unknown(let raw): raw
        }
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
        // Foundation pretty-prints an empty array as "[\n\n]" on Linux.
        return text.filter { !$0.isWhitespace } == "[]" ? "[]" : text
    }
}

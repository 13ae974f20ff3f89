import Foundation
import SendingDomainsDNS

/// What to type at the customer's DNS host for one record: the host field as that host wants it,
/// the value as it must be typed there, the priority, and a note.
///
/// ```swift
/// let host = DNSHost(.route53, zone: "example.com")
/// for entry in host.entries(for: domain.records ?? []) {
///     print(entry.host, entry.value, entry.priority ?? "", entry.note ?? "")
/// }
/// ```
public struct EntryInstruction: Sendable, Hashable, Encodable {
    /// The host field, relative to the zone (which differs from the record's `relativeName`,
    /// relative to the domain, when the domain is a subdomain of its zone): `send`, `@` for the
    /// apex where the host uses `@`, empty where the host leaves the field empty for the apex;
    /// the full name when the record is outside the zone.
    public var host: String
    /// The value as it must be typed: one string; for a host that wants quoted chunks (Route 53)
    /// a long TXT value's chunks, each quoted, separated by a space. A `CNAME`'s target and an
    /// `MX` host without a trailing dot.
    public var value: String
    /// The priority: an `MX`'s, `nil` for every other type.
    public var priority: Int?
    /// What else to set or know at this host ("DNS only" at Cloudflare), `nil` when nothing.
    public var note: String?

    /// An instruction.
    public init(host: String, value: String, priority: Int? = nil, note: String? = nil) {
        self.host = host
        self.value = value
        self.priority = priority
        self.note = note
    }

    private enum CodingKeys: String, CodingKey {
        case host, value, priority, note
    }

    /// `{"host", "value", "priority": 10 | null, "note": "…" | null}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(value, forKey: .value)
        if let priority {
            try container.encode(priority, forKey: .priority)
        } else {
            try container.encodeNil(forKey: .priority)
        }
        if let note { try container.encode(note, forKey: .note) } else { try container.encodeNil(forKey: .note) }
    }
}

extension DNSHost {
    /// What to type at this host for each record, in order.
    ///
    /// ```swift
    /// let entries = DNSHost(.godaddy, zone: "example.com").entries(for: domain.records ?? [])
    /// ```
    public func entries(for records: [DNSRecord]) -> [EntryInstruction] {
        records.map { entry(for: $0) }
    }

    /// What to type at this host for `record`; `value` replaces the record's own (a merged SPF
    /// record to publish instead).
    public func entry(for record: DNSRecord, value: String? = nil) -> EntryInstruction {
        let profile = self.profile
        let name = DNSName.normalized(record.name)
        let zone = self.zone
        let host: String
        var notes: [String] = []
        if name == zone || zone.isEmpty && name.isEmpty {
            host = profile.apex
            if profile.apex.isEmpty { notes.append("Leave the name field empty: the record is at \(zone) itself.") }
        } else if !zone.isEmpty, name.hasSuffix("." + zone) {
            host = String(name.dropLast(zone.count + 1))
            if profile.appendsZone {
                notes.append("Type only \(host): \(self.name) adds .\(zone) itself.")
            }
        } else {
            host = name
        }
        var typed = value ?? record.value
        var priority: Int?
        switch record.type {
        case .mx:
            let parts = typed.split(separator: " ")
            if parts.count == 2, let preference = Int(parts[0]) {
                priority = preference
                typed = String(parts[1])
            }
            priority = priority ?? record.priority ?? 10
            typed = DNSName.normalized(typed)
        case .cname:
            typed = DNSName.normalized(typed)
            if let note = profile.cnameNote { notes.append(note) }
        case .txt:
            let text = DNSZone.quotedStrings(typed)?.joined() ?? typed
            if profile.txtEntry == .quotedChunks {
                typed = Self.quotedChunks(text)
                notes.append(
                    "Type the value with its quotes: \(self.name) wants strings of at most 255 characters, each quoted."
                )
            } else {
                typed = text
            }
        default:
            break
        }
        return EntryInstruction(
            host: host, value: typed, priority: priority, note: notes.isEmpty ? nil : notes.joined(separator: " "))
    }

    /// `text` in strings of at most 255 bytes, each in double quotes (`"` and `\` escaped),
    /// separated by a space.
    static func quotedChunks(_ text: String) -> String {
        var chunks: [String] = []
        var rest = Substring(text)
        repeat {
            var chunk = rest.prefix(255)
            while chunk.utf8.count > 255 { chunk = chunk.dropLast() }
            chunks.append(
                chunk.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))
            rest = rest.dropFirst(chunk.count)
        } while !rest.isEmpty
        return chunks.map { "\"\($0)\"" }.joined(separator: " ")
    }
}

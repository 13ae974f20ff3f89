import Foundation
import HTTPTransport

/// An in-memory zone that answers as an authoritative server would: for tests, for the
/// sandbox's "published" records, and behind ``DNSLookup`` wherever the network is not wanted.
///
/// A name with a `CNAME` answers every other type with the alias and the target's records
/// (followed within the zone, at most 8 links); a name with no data of the type asked is an
/// empty `NOERROR`; a name with nothing at or below it is `NXDOMAIN`. Negative answers carry
/// an `SOA` whose minimum is ``negativeTTL``.
///
/// ```swift
/// var zone = DNSZone()
/// zone.add("send.example.com", .txt, "v=spf1 include:amazonses.com ~all")
/// zone.add("_dmarc.example.com", .txt, "v=DMARC1; p=reject")
/// let answer = try await zone.query("send.example.com", type: .txt)
/// assert(answer.records.first?.data.value == "v=spf1 include:amazonses.com ~all")
/// ```
public struct DNSZone: DNSLookup, Hashable {
    /// The records.
    public var records: [DNSResourceRecord]
    /// The negative-caching TTL the synthesised `SOA` reports, in seconds.
    public var negativeTTL: UInt32

    /// A zone with `records`.
    public init(records: [DNSResourceRecord] = [], negativeTTL: UInt32 = 300) {
        self.records = records
        self.negativeTTL = negativeTTL
    }

    /// Adds a record from its zone-file text: an address for `A`/`AAAA`, a host for
    /// `CNAME`/`NS`, `"10 host"` for `MX`, `"primary responsible serial minimum"` for `SOA` (the
    /// zone's apex: negative answers below it carry it), and for `TXT` either the text (split into
    /// 255-byte strings, as a DNS host does) or quoted strings (`"part1" "part2"`).
    public mutating func add(_ name: String, _ type: DNSRecordType, _ value: String, ttl: UInt32 = 300) {
        records.append(DNSResourceRecord(name: name, type: type, ttl: ttl, data: Self.data(type, value)))
    }

    /// Removes every record of `type` at `name` (every type when `type` is `nil`).
    public mutating func remove(_ name: String, _ type: DNSRecordType? = nil) {
        let name = DNSName.normalized(name)
        records.removeAll { $0.name == name && (type == nil || $0.type == type) }
    }

    /// `in-memory zone`.
    public var description: String { "in-memory zone" }

    /// Answers from the zone; never throws except for a malformed name.
    public func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        try DNSName.validate(name)
        return answer(DNSQuestion(name: name, type: type))
    }

    /// The answer, synchronously (the loopback DNS server uses it).
    public func answer(_ question: DNSQuestion) -> DNSAnswer {
        var name = question.name
        var found: [DNSResourceRecord] = []
        for _ in 0...8 {
            let here = records.filter { $0.name == name }
            let matching = here.filter { $0.type == question.type }
            if !matching.isEmpty {
                return positive(question, found + matching)
            }
            guard question.type != .cname, let alias = here.first(where: { $0.type == .cname }),
                case .name(let target) = alias.data
            else {
                if !found.isEmpty { return positive(question, found) }
                let exists = !here.isEmpty || records.contains { $0.name.hasSuffix("." + name) }
                return DNSAnswer(
                    question: question, responseCode: exists ? .noError : .nameError, authorities: [soa(for: name)],
                    isAuthoritative: true, server: description)
            }
            found.append(alias)
            name = target
        }
        return positive(question, found)
    }

    private func positive(_ question: DNSQuestion, _ records: [DNSResourceRecord]) -> DNSAnswer {
        DNSAnswer(question: question, records: records, isAuthoritative: true, server: description)
    }

    /// The zone's `SOA` for a negative answer about `name`: the closest `SOA` record at or above
    /// `name` added to the zone, or else one synthesised for its last two labels.
    private func soa(for name: String) -> DNSResourceRecord {
        let explicit = records.filter { record in
            record.type == .soa && (record.name == name || name.hasSuffix("." + record.name))
        }
        if let closest = explicit.max(by: { $0.name.count < $1.name.count }) { return closest }
        let apex = name.split(separator: ".").suffix(2).joined(separator: ".")
        return DNSResourceRecord(
            name: apex, type: .soa, ttl: negativeTTL,
            data: .startOfAuthority(
                DNSStartOfAuthority(
                    primaryServer: "ns1.\(apex)", responsible: "hostmaster.\(apex)", serial: 1, minimum: negativeTTL)))
    }

    /// Record data from zone-file text.
    static func data(_ type: DNSRecordType, _ value: String) -> DNSRecordData {
        switch type {
        case .a, .aaaa: return .address(value)
        case .cname, .ns: return .name(DNSName.normalized(value))
        case .soa:
            // `primary responsible serial [minimum]`, as the first fields of a zone file's SOA.
            let parts = value.split(whereSeparator: \.isWhitespace).map(String.init)
            guard parts.count >= 2 else { return .other(Data(value.utf8)) }
            return .startOfAuthority(
                DNSStartOfAuthority(
                    primaryServer: DNSName.normalized(parts[0]), responsible: DNSName.normalized(parts[1]),
                    serial: parts.count > 2 ? UInt32(parts[2]) ?? 1 : 1,
                    minimum: parts.count > 3 ? UInt32(parts[3]) ?? 300 : 300))
        case .mx:
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, let preference = UInt16(parts[0]) {
                return .mailExchange(preference: preference, exchange: DNSName.normalized(String(parts[1])))
            }
            return .mailExchange(preference: 10, exchange: DNSName.normalized(value))
        case .txt:
            if let quoted = quotedStrings(value) { return .text(quoted) }
            var strings: [String] = []
            var rest = Substring(value)
            repeat {
                var chunk = rest.prefix(255)
                while chunk.utf8.count > 255 { chunk = chunk.dropLast() }
                strings.append(String(chunk))
                rest = rest.dropFirst(chunk.count)
            } while !rest.isEmpty
            return .text(strings)
        default:
            return .other(Data(value.utf8))
        }
    }

    /// `"a" "b"` → `["a", "b"]` (backslash escapes kept literal); `nil` when `text` is not a
    /// sequence of quoted strings.
    package static func quotedStrings(_ text: String) -> [String]? {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 else { return nil }
        var strings: [String] = []
        var current = ""
        var inside = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && inside {
                escaped = true
            } else if character == "\"" {
                if inside { strings.append(current) }
                current = ""
                inside.toggle()
            } else if inside {
                current.append(character)
            } else if !character.isWhitespace {
                return nil
            }
        }
        return inside ? nil : strings
    }
}

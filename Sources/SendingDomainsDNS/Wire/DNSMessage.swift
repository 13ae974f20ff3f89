import Foundation
import HTTPTransport

/// A DNS response code (RCODE, RFC 1035 §4.1.1).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code.
    public let rawValue: UInt8

    /// A code.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `NOERROR`: the name exists; an empty answer means it has no data of that type (NODATA).
    public static let noError = DNSResponseCode(rawValue: 0)
    /// `FORMERR`: the server could not read the query.
    public static let formatError = DNSResponseCode(rawValue: 1)
    /// `SERVFAIL`: the server could not answer (often a broken zone or DNSSEC failure).
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// `NXDOMAIN`: the name does not exist.
    public static let nameError = DNSResponseCode(rawValue: 3)
    /// `NOTIMP`: the server does not support the query.
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    /// `REFUSED`: the server will not answer this client.
    public static let refused = DNSResponseCode(rawValue: 5)

    /// The mnemonic, e.g. `NXDOMAIN`.
    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

/// The data of a resource record, parsed for the types a record check reads.
///
/// Frozen: the shapes a record check reads, and ``other(_:)`` for every other type; a type
/// parsed later is read from `other`'s bytes by a new property, never added as a case.
public enum DNSRecordData: Hashable, Sendable {
    /// An IPv4 (`A`) or IPv6 (`AAAA`) address, in its text form.
    case address(String)
    /// A `CNAME` target or an `NS` host, lower-cased, without the trailing dot.
    case name(String)
    /// An `MX` record's preference and host.
    case mailExchange(preference: UInt16, exchange: String)
    /// A `TXT` record's character-strings, in order and unjoined.
    case text([String])
    /// An `SOA` record.
    case startOfAuthority(DNSStartOfAuthority)
    /// Data of another type, unparsed.
    case other(Data)

    /// The data as a record check compares it: an address, a host name, `"10 host"` for `MX`,
    /// the character-strings joined with no separator for `TXT` (RFC 7208 §3.3).
    public var value: String {
        switch self {
        case .address(let address): address
        case .name(let name): name
        case .mailExchange(let preference, let exchange): "\(preference) \(exchange)"
        case .text(let strings): strings.joined()
        case .startOfAuthority(let soa): "\(soa.primaryServer) \(soa.responsible) \(soa.serial)"
        case .other(let data): data.map { String(format: "%02x", $0) }.joined()
        }
    }
}

/// An `SOA` record (RFC 1035 §3.3.13).
public struct DNSStartOfAuthority: Hashable, Sendable {
    /// The zone's primary name server.
    public var primaryServer: String
    /// The responsible mailbox, as a name.
    public var responsible: String
    /// The zone's serial number.
    public var serial: UInt32
    /// How long a resolver caches a negative answer for a name of the zone (RFC 2308), in
    /// seconds: the smaller of this and the SOA record's own TTL.
    public var minimum: UInt32

    /// An SOA record.
    public init(primaryServer: String, responsible: String, serial: UInt32, minimum: UInt32) {
        self.primaryServer = primaryServer
        self.responsible = responsible
        self.serial = serial
        self.minimum = minimum
    }
}

/// One resource record of an answer.
public struct DNSResourceRecord: Hashable, Sendable {
    /// The owner name, lower-cased, without the trailing dot.
    public var name: String
    /// The type.
    public var type: DNSRecordType
    /// The time to live, in seconds.
    public var ttl: UInt32
    /// The data.
    public var data: DNSRecordData

    /// A record.
    public init(name: String, type: DNSRecordType, ttl: UInt32 = 300, data: DNSRecordData) {
        self.name = DNSName.normalized(name)
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// A question: a name and a type, class `IN`.
public struct DNSQuestion: Hashable, Sendable {
    /// The name, lower-cased, without the trailing dot.
    public var name: String
    /// The type asked for.
    public var type: DNSRecordType

    /// A question.
    public init(name: String, type: DNSRecordType) {
        self.name = DNSName.normalized(name)
        self.type = type
    }
}

/// A DNS message (RFC 1035 §4): a query or a response, as it travels over UDP, TCP or HTTPS.
///
/// Encoding writes no compression; decoding follows compression pointers, but only backwards
/// and at most ``maximumPointerJumps`` times per name, so that a hostile answer cannot make it
/// loop. Every malformed message is a `SendingDomainsError` of kind
/// `SendingDomainsError.Kind.decoding` saying what was wrong, never a crash.
///
/// ```swift
/// let query = DNSMessage.query(id: 7, name: "_dmarc.example.com", type: .txt)
/// let bytes = query.encoded()
/// let parsed = try DNSMessage(decoding: bytes)
/// assert(parsed.questions.first?.name == "_dmarc.example.com")
/// ```
public struct DNSMessage: Hashable, Sendable {
    /// The message id, which a response copies from its query.
    public var id: UInt16
    /// Whether this is a response.
    public var isResponse: Bool
    /// The operation code (0, a standard query).
    public var opcode: UInt8
    /// Whether the answer comes from a server authoritative for the zone.
    public var isAuthoritative: Bool
    /// Whether the response was cut short: ask again over TCP.
    public var isTruncated: Bool
    /// Whether the query asks the server to recurse.
    public var recursionDesired: Bool
    /// Whether the server offers recursion.
    public var recursionAvailable: Bool
    /// The response code (with its extended bits from an OPT record, when present).
    public var responseCode: DNSResponseCode
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section (the zone's SOA on a negative answer, NS on a referral).
    public var authorities: [DNSResourceRecord]
    /// The additional section, without the EDNS OPT record.
    public var additionals: [DNSResourceRecord]
    /// The UDP payload size advertised by an EDNS(0) OPT record (RFC 6891), or `nil` without one.
    public var udpPayloadSize: UInt16?

    /// The most compression pointers one name may follow.
    public static let maximumPointerJumps = 32
    /// The largest message: what a 2-byte TCP length prefix can carry.
    public static let maximumSize = 65_535
    /// The EDNS(0) payload size the resolver advertises: DNS Flag Day 2020's safe value.
    public static let defaultPayloadSize: UInt16 = 1_232

    /// A message.
    public init(
        id: UInt16, isResponse: Bool = false, opcode: UInt8 = 0, isAuthoritative: Bool = false,
        isTruncated: Bool = false, recursionDesired: Bool = true, recursionAvailable: Bool = false,
        responseCode: DNSResponseCode = .noError, questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
        authorities: [DNSResourceRecord] = [], additionals: [DNSResourceRecord] = [], udpPayloadSize: UInt16? = nil
    ) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.isAuthoritative = isAuthoritative
        self.isTruncated = isTruncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.responseCode = responseCode
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
        self.udpPayloadSize = udpPayloadSize
    }

    /// A standard query for one name and type, with an EDNS(0) OPT record advertising
    /// `payloadSize` bytes.
    public static func query(
        id: UInt16, name: String, type: DNSRecordType, recursionDesired: Bool = true,
        payloadSize: UInt16? = DNSMessage.defaultPayloadSize
    ) -> DNSMessage {
        DNSMessage(
            id: id, recursionDesired: recursionDesired, questions: [DNSQuestion(name: name, type: type)],
            udpPayloadSize: payloadSize)
    }

    // MARK: Encoding

    /// The message on the wire, without name compression. A name or a character-string too
    /// long for the wire is cut to fit (names a caller gives are checked before a query is
    /// built; a test server's records are its own).
    public func encoded() -> Data {
        var out = Data()
        out.reserveCapacity(512)
        out.appendUInt16(id)
        var flags: UInt16 = 0
        if isResponse { flags |= 0x8000 }
        flags |= UInt16(opcode & 0x0F) << 11
        if isAuthoritative { flags |= 0x0400 }
        if isTruncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        flags |= UInt16(responseCode.rawValue & 0x0F)
        out.appendUInt16(flags)
        out.appendUInt16(UInt16(clamping: questions.count))
        out.appendUInt16(UInt16(clamping: answers.count))
        out.appendUInt16(UInt16(clamping: authorities.count))
        out.appendUInt16(UInt16(clamping: additionals.count + (udpPayloadSize == nil ? 0 : 1)))
        for question in questions {
            out.appendName(question.name)
            out.appendUInt16(question.type.code ?? 0)
            out.appendUInt16(1)  // IN
        }
        for record in answers + authorities + additionals { out.appendRecord(record) }
        if let udpPayloadSize {
            out.append(0)  // root
            out.appendUInt16(41)  // OPT
            out.appendUInt16(udpPayloadSize)
            out.appendUInt32(UInt32(responseCode.rawValue >> 4) << 24)  // extended RCODE, version 0
            out.appendUInt16(0)
        }
        return out
    }

    // MARK: Decoding

    /// Parses a message.
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError.Kind.decoding` naming
    ///   what is malformed: a truncated header or record, a label or name too long, a
    ///   compression pointer that loops or points forward, record data that does not fit its
    ///   type, or more than one OPT record.
    public init(decoding data: Data) throws(SendingDomainsError) {
        var reader = DNSReader(Array(data))
        guard data.count <= Self.maximumSize else { throw DNSReader.malformed("the message is over 65,535 bytes") }
        id = try reader.uint16("the header")
        let flags = try reader.uint16("the header")
        isResponse = flags & 0x8000 != 0
        opcode = UInt8((flags >> 11) & 0x0F)
        isAuthoritative = flags & 0x0400 != 0
        isTruncated = flags & 0x0200 != 0
        recursionDesired = flags & 0x0100 != 0
        recursionAvailable = flags & 0x0080 != 0
        var rcode = UInt16(flags & 0x000F)
        let counts = [
            try reader.uint16("the header"), try reader.uint16("the header"), try reader.uint16("the header"),
            try reader.uint16("the header"),
        ]
        // A question takes at least 5 bytes and a record at least 11: more than the bytes left
        // can hold is a lie, refused before any array is sized by it.
        let minimum = Int(counts[0]) * 5 + Int(counts[1]) * 11 + Int(counts[2]) * 11 + Int(counts[3]) * 11
        guard minimum <= reader.remaining else {
            throw DNSReader.malformed("the header's counts need more bytes than the message has")
        }
        questions = []
        for _ in 0..<counts[0] {
            let name = try reader.name()
            let type = try reader.uint16("a question")
            _ = try reader.uint16("a question")
            questions.append(DNSQuestion(name: name, type: DNSRecordType(code: type)))
        }
        answers = []
        authorities = []
        additionals = []
        udpPayloadSize = nil
        for (section, count) in counts.dropFirst().enumerated() {
            for _ in 0..<count {
                let name = try reader.name()
                let type = try reader.uint16("a record")
                let klass = try reader.uint16("a record")
                let ttl = try reader.uint32("a record")
                let length = Int(try reader.uint16("a record"))
                guard length <= reader.remaining else {
                    throw DNSReader.malformed("a record's data length (\(length)) runs past the end of the message")
                }
                if type == 41 {
                    guard section == 2, udpPayloadSize == nil, name.isEmpty else {
                        throw DNSReader.malformed("an OPT record outside the additional section, or more than one")
                    }
                    udpPayloadSize = klass
                    rcode |= UInt16(ttl >> 24) << 4
                    reader.skip(length)
                    continue
                }
                let end = reader.offset + length
                let parsed = try reader.recordData(type: type, length: length)
                guard reader.offset == end else {
                    throw DNSReader.malformed("a \(DNSRecordType(code: type).rawValue) record's data has stray bytes")
                }
                let record = DNSResourceRecord(name: name, type: DNSRecordType(code: type), ttl: ttl, data: parsed)
                switch section {
                case 0: answers.append(record)
                case 1: authorities.append(record)
                default: additionals.append(record)
                }
            }
        }
        responseCode = DNSResponseCode(rawValue: UInt8(truncatingIfNeeded: rcode))
    }
}

/// Name rules shared by the codec, the resolver and the record check.
public enum DNSName {
    /// `name` lower-cased, without trailing dots: how names are compared (RFC 4343).
    ///
    /// ```swift
    /// assert(DNSName.normalized("Send.Example.COM.") == "send.example.com")
    /// ```
    public static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// Checks that `name` can be asked about: labels of 1–63 bytes, 253 characters in all, and
    /// no control character (NUL, LF, DEL, the C1 controls…) or white space anywhere — such a
    /// name is a mistake or an attack, never a record a provider asked for, and it would go
    /// into the query's bytes unchanged.
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError.Kind.validation`; the
    ///   message names the character by its code point, never printing it.
    public static func validate(_ name: String) throws(SendingDomainsError) {
        if let bad = name.unicodeScalars.first(where: {
            $0.properties.generalCategory == .control || $0.properties.isWhitespace
        }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            throw .invalidInput(
                field: "name",
                "contains U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code), a control or space character"
            )
        }
        let name = normalized(name)
        guard !name.isEmpty else { throw .invalidInput(field: "name", "is empty") }
        guard name.utf8.count <= 253 else { throw .invalidInput(field: "name", "is longer than 253 characters") }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 else {
                throw .invalidInput(field: "name", "has an empty label or one longer than 63 characters")
            }
        }
    }
}

/// A bounds-checked reader over a message.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    static func malformed(_ what: String) -> SendingDomainsError {
        SendingDomainsError(kind: .decoding, message: "Malformed DNS message: \(what)", operation: "dnsQuery")
    }

    mutating func skip(_ count: Int) {
        offset = min(bytes.count, offset + count)
    }

    mutating func uint8(_ part: String) throws(SendingDomainsError) -> UInt8 {
        guard offset < bytes.count else { throw Self.malformed("\(part) is cut short") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16(_ part: String) throws(SendingDomainsError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw Self.malformed("\(part) is cut short") }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func uint32(_ part: String) throws(SendingDomainsError) -> UInt32 {
        let high = try uint16(part)
        let low = try uint16(part)
        return UInt32(high) << 16 | UInt32(low)
    }

    /// A name at the current offset, following compression pointers backwards only, at most
    /// `DNSMessage.maximumPointerJumps` of them, and at most 255 bytes long.
    mutating func name() throws(SendingDomainsError) -> String {
        var labels: [String] = []
        var position = offset
        var jumps = 0
        var length = 0
        var resumeAt: Int?
        while true {
            guard position < bytes.count else { throw Self.malformed("a name runs past the end of the message") }
            let byte = bytes[position]
            if byte == 0 {
                position += 1
                break
            }
            switch byte & 0xC0 {
            case 0xC0:
                guard position + 1 < bytes.count else { throw Self.malformed("a compression pointer is cut short") }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < position else {
                    throw Self.malformed("a compression pointer points forward or at itself (a loop)")
                }
                jumps += 1
                guard jumps <= DNSMessage.maximumPointerJumps else {
                    throw Self.malformed(
                        "a name follows more than \(DNSMessage.maximumPointerJumps) compression pointers")
                }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
            case 0x00:
                let count = Int(byte)
                guard position + 1 + count <= bytes.count else { throw Self.malformed("a label runs past the end") }
                length += count + 1
                guard length <= 255 else { throw Self.malformed("a name is longer than 255 bytes") }
                let label = bytes[(position + 1)..<(position + 1 + count)]
                labels.append(String(decoding: label, as: UTF8.self))
                position += 1 + count
            default:
                throw Self.malformed("a label has the reserved type bits \(byte >> 6)")
            }
        }
        offset = resumeAt ?? position
        return labels.joined(separator: ".").lowercased()
    }

    mutating func recordData(type: UInt16, length: Int) throws(SendingDomainsError) -> DNSRecordData {
        let start = offset
        let end = offset + length
        switch type {
        case 1:
            guard length == 4 else { throw Self.malformed("an A record's data is \(length) bytes, not 4") }
            defer { offset = end }
            return .address(bytes[start..<end].map(String.init).joined(separator: "."))
        case 28:
            guard length == 16 else { throw Self.malformed("an AAAA record's data is \(length) bytes, not 16") }
            defer { offset = end }
            return .address(Self.ipv6Text(Array(bytes[start..<end])))
        case 2, 5:
            let target = try name()
            guard offset <= end else { throw Self.malformed("a name in a record runs past its data") }
            return .name(target)
        case 15:
            let preference = try uint16("an MX record")
            let exchange = try name()
            guard offset <= end else { throw Self.malformed("an MX record's host runs past its data") }
            return .mailExchange(preference: preference, exchange: exchange)
        case 16:
            var strings: [String] = []
            while offset < end {
                let count = Int(bytes[offset])
                guard offset + 1 + count <= end else {
                    throw Self.malformed("a TXT character-string runs past its record's data")
                }
                strings.append(String(decoding: bytes[(offset + 1)..<(offset + 1 + count)], as: UTF8.self))
                offset += 1 + count
            }
            return .text(strings)
        case 6:
            let primary = try name()
            let responsible = try name()
            let serial = try uint32("an SOA record")
            for _ in 0..<3 { _ = try uint32("an SOA record") }
            let minimum = try uint32("an SOA record")
            guard offset <= end else { throw Self.malformed("an SOA record runs past its data") }
            return .startOfAuthority(
                DNSStartOfAuthority(primaryServer: primary, responsible: responsible, serial: serial, minimum: minimum))
        default:
            defer { offset = end }
            return .other(Data(bytes[start..<end]))
        }
    }

    /// RFC 5952 text: lower-case hex, the longest run of two or more zero groups as `::`.
    static func ipv6Text(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(bytes[$0 * 2]) << 8 | UInt16(bytes[$0 * 2 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > best.length { best = (index, end - index) }
                index = end
            } else {
                index += 1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}

extension Data {
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    mutating func appendUInt32(_ value: UInt32) {
        appendUInt16(UInt16(value >> 16))
        appendUInt16(UInt16(value & 0xFFFF))
    }

    /// A name as labels, each cut to 63 bytes, the whole to 255.
    mutating func appendName(_ name: String) {
        var written = 0
        for label in DNSName.normalized(name).split(separator: ".") {
            let bytes = Array(label.utf8.prefix(63))
            guard written + bytes.count + 2 <= 255 else { break }
            append(UInt8(bytes.count))
            append(contentsOf: bytes)
            written += bytes.count + 1
        }
        append(0)
    }

    mutating func appendRecord(_ record: DNSResourceRecord) {
        appendName(record.name)
        appendUInt16(record.type.code ?? 0)
        appendUInt16(1)
        appendUInt32(record.ttl)
        var rdata = Data()
        switch record.data {
        case .address(let text):
            rdata.append(contentsOf: DNSAddress.bytes(text) ?? [])
        case .name(let name):
            rdata.appendName(name)
        case .mailExchange(let preference, let exchange):
            rdata.appendUInt16(preference)
            rdata.appendName(exchange)
        case .text(let strings):
            for string in strings {
                var bytes = Array(string.utf8)
                repeat {
                    let chunk = bytes.prefix(255)
                    rdata.append(UInt8(chunk.count))
                    rdata.append(contentsOf: chunk)
                    bytes.removeFirst(chunk.count)
                } while !bytes.isEmpty
            }
        case .startOfAuthority(let soa):
            rdata.appendName(soa.primaryServer)
            rdata.appendName(soa.responsible)
            rdata.appendUInt32(soa.serial)
            rdata.appendUInt32(3_600)
            rdata.appendUInt32(600)
            rdata.appendUInt32(86_400)
            rdata.appendUInt32(soa.minimum)
        case .other(let data):
            rdata.append(data)
        }
        appendUInt16(UInt16(clamping: rdata.count))
        append(rdata.prefix(65_535))
    }
}

/// Address text ⇄ bytes, for the codec and the socket layers (the resolver's, the loopback
/// servers', the `domains` command's listener).
package enum DNSAddress {
    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text form, or `nil`.
    package static func bytes(_ text: String) -> [UInt8]? {
        if let v4 = ipv4(text) { return v4 }
        return ipv6(text)
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else {
                return nil
            }
            out.append(value)
        }
        return out
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

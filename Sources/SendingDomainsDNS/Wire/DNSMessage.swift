import Foundation
import HTTPTransport

/// A DNS message (RFC 1035 §4): a query or a response, as it travels over UDP, TCP or HTTPS.
///
/// Encoding writes no compression; decoding follows compression pointers, but only backwards
/// and at most ``maximumPointerJumps`` times per name, so that a hostile answer cannot make it
/// loop. Every malformed message is a `SendingDomainsError` of kind
/// `SendingDomainsError.Kind.decoding` saying what was wrong, never a crash.
///
/// ```text
/// let query = DNSMessage.query(id: 7, name: "_dmarc.example.com", type: .txt)
/// let bytes = query.encoded()
/// let parsed = try DNSMessage(decoding: bytes)
/// assert(parsed.questions.first?.name == "_dmarc.example.com")
/// ```
package struct DNSMessage: Hashable, Sendable {
    /// The message id, which a response copies from its query.
    package var id: UInt16
    /// Whether this is a response.
    package var isResponse: Bool
    /// The operation code (0, a standard query).
    package var opcode: UInt8
    /// Whether the answer comes from a server authoritative for the zone.
    package var isAuthoritative: Bool
    /// Whether the response was cut short: ask again over TCP.
    package var isTruncated: Bool
    /// Whether the query asks the server to recurse.
    package var recursionDesired: Bool
    /// Whether the server offers recursion.
    package var recursionAvailable: Bool
    /// The response code (with its extended bits from an OPT record, when present).
    package var responseCode: DNSResponseCode
    /// The question section.
    package var questions: [DNSQuestion]
    /// The answer section.
    package var answers: [DNSResourceRecord]
    /// The authority section (the zone's SOA on a negative answer, NS on a referral).
    package var authorities: [DNSResourceRecord]
    /// The additional section, without the EDNS OPT record.
    package var additionals: [DNSResourceRecord]
    /// The UDP payload size advertised by an EDNS(0) OPT record (RFC 6891), or `nil` without one.
    package var udpPayloadSize: UInt16?

    /// The most compression pointers one name may follow.
    package static let maximumPointerJumps = 32
    /// The largest message: what a 2-byte TCP length prefix can carry.
    package static let maximumSize = 65_535
    /// The EDNS(0) payload size the resolver advertises: DNS Flag Day 2020's safe value.
    package static let defaultPayloadSize: UInt16 = 1_232

    /// A message.
    package init(
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
    package static func query(
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
    package func encoded() -> Data {
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
    package init(decoding data: Data) throws(SendingDomainsError) {
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

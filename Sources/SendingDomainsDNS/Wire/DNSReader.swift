import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// A bounds-checked reader over a message.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    static func malformed(_ what: String) -> SendingDomainsError {
        SendingDomainsError(
            kind: .decoding, message: "Malformed DNS message: \(what)", operation: OperationName.dnsQuery.rawValue)
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
        switch DNSRecordType(code: type) {
        case .a:
            guard length == 4 else { throw Self.malformed("an A record's data is \(length) bytes, not 4") }
            defer { offset = end }
            return .address(bytes[start..<end].map(String.init).joined(separator: "."))
        case .aaaa:
            guard length == 16 else { throw Self.malformed("an AAAA record's data is \(length) bytes, not 16") }
            defer { offset = end }
            return .address(Self.ipv6Text(Array(bytes[start..<end])))
        case .ns, .cname:
            let target = try name()
            guard offset <= end else { throw Self.malformed("a name in a record runs past its data") }
            return .name(target)
        case .mx:
            let preference = try uint16("an MX record")
            let exchange = try name()
            guard offset <= end else { throw Self.malformed("an MX record's host runs past its data") }
            return .mailExchange(preference: preference, exchange: exchange)
        case .txt:
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
        case .soa:
            let primary = try name()
            let responsible = try name()
            let serial = try uint32("an SOA record")
            for _ in 0..<3 { _ = try uint32("an SOA record") }
            let minimum = try uint32("an SOA record")
            guard offset <= end else { throw Self.malformed("an SOA record runs past its data") }
            return .startOfAuthority(
                DNSStartOfAuthority(primaryServer: primary, responsible: responsible, serial: serial, minimum: minimum))
        case .unknown:
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

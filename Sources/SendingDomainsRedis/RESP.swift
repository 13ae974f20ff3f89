import Foundation

/// One RESP2 value: what a Redis server answers.
package enum RESPValue: Sendable, Hashable {
    case simple(String)
    case error(String)
    case integer(Int64)
    /// A bulk string; `nil` for the null bulk string.
    case bulk(Data?)
    /// An array; `nil` for the null array.
    case array([RESPValue]?)

    /// The text of a simple or bulk string.
    package var text: String? {
        switch self {
        case .simple(let text): text
        case .bulk(let data?): String(data: data, encoding: .utf8)
        default: nil
        }
    }
}

/// RESP2's wire format: commands out as arrays of bulk strings, replies in through a parser
/// that bounds everything a server sends.
package enum RESP {
    /// A command as RESP: `*N\r\n` then `$len\r\narg\r\n` per argument.
    package static func encode(_ arguments: [Data]) -> Data {
        var out = Data("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            out.append(contentsOf: Array("$\(argument.count)\r\n".utf8))
            out.append(argument)
            out.append(contentsOf: [13, 10])
        }
        return out
    }

    /// The parser's limits.
    package struct Limits: Sendable {
        /// The most bytes one reply may take, headers included.
        package var maximumReplySize: Int
        /// The longest line (a simple string, an error, a length).
        package var maximumLineLength = 64 * 1024
        /// The deepest nesting of arrays.
        package var maximumDepth = 8

        package init(maximumReplySize: Int) {
            self.maximumReplySize = max(64, maximumReplySize)
        }
    }

    /// What parsing the bytes received so far gives.
    package enum Parsed: Equatable {
        /// A whole reply and the bytes it took.
        case value(RESPValue, consumed: Int)
        /// The reply is not complete yet.
        case incomplete
        /// The bytes are not RESP2, or exceed a limit; the reason, for an error.
        case invalid(String)
    }

    /// Parses one reply from the start of `bytes`.
    package static func parse(_ bytes: UnsafeRawBufferPointer, limits: Limits) -> Parsed {
        var parser = Parser(bytes: bytes, limits: limits)
        do {
            guard let value = try parser.value(depth: 0) else { return .incomplete }
            return .value(value, consumed: parser.offset)
        } catch {
            return .invalid(error.reason)
        }
    }

    private struct Invalid: Error {
        let reason: String
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        let limits: Limits
        var offset = 0

        init(bytes: UnsafeRawBufferPointer, limits: Limits) {
            self.bytes = bytes
            self.limits = limits
        }

        /// One line's text without its CRLF, or `nil` when the CRLF has not arrived.
        mutating func line() throws(Invalid) -> String? {
            var index = offset
            while index < bytes.count {
                if bytes[index] == 13 {
                    guard index + 1 < bytes.count else { return nil }
                    guard bytes[index + 1] == 10 else { throw Invalid(reason: "a line ends in CR without LF") }
                    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<index]), as: UTF8.self)
                    offset = index + 2
                    return text
                }
                if bytes[index] == 10 { throw Invalid(reason: "a line ends in LF without CR") }
                index += 1
                if index - offset > limits.maximumLineLength {
                    throw Invalid(reason: "a line is longer than \(limits.maximumLineLength) bytes")
                }
            }
            if bytes.count - offset > limits.maximumLineLength {
                throw Invalid(reason: "a line is longer than \(limits.maximumLineLength) bytes")
            }
            return nil
        }

        mutating func number() throws(Invalid) -> Int64? {
            guard let text = try line() else { return nil }
            guard let number = Int64(text) else { throw Invalid(reason: "\"\(Self.printable(text))\" is not a number") }
            return number
        }

        mutating func value(depth: Int) throws(Invalid) -> RESPValue? {
            guard offset < bytes.count else { return nil }
            if offset > limits.maximumReplySize {
                throw Invalid(reason: "the reply is larger than \(limits.maximumReplySize) bytes")
            }
            let type = bytes[offset]
            offset += 1
            switch type {
            case UInt8(ascii: "+"):
                return try line().map { .simple($0) }
            case UInt8(ascii: "-"):
                return try line().map { .error($0) }
            case UInt8(ascii: ":"):
                return try number().map { .integer($0) }
            case UInt8(ascii: "$"):
                guard let length = try number() else { return nil }
                if length == -1 { return .bulk(nil) }
                guard length >= 0 else { throw Invalid(reason: "a bulk string has the length \(length)") }
                guard length <= Int64(limits.maximumReplySize) - Int64(offset) else {
                    throw Invalid(
                        reason:
                            "a bulk string of \(length) bytes is larger than the \(limits.maximumReplySize)-byte reply limit"
                    )
                }
                let count = Int(length)
                guard bytes.count - offset >= count + 2 else { return nil }
                guard bytes[offset + count] == 13, bytes[offset + count + 1] == 10 else {
                    throw Invalid(reason: "a bulk string does not end in CRLF")
                }
                let data = Data(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]))
                offset += count + 2
                return .bulk(data)
            case UInt8(ascii: "*"):
                guard let count = try number() else { return nil }
                if count == -1 { return .array(nil) }
                guard count >= 0 else { throw Invalid(reason: "an array has the length \(count)") }
                guard depth < limits.maximumDepth else {
                    throw Invalid(reason: "arrays are nested deeper than \(limits.maximumDepth)")
                }
                // Every element takes at least 3 bytes, so a count beyond that cannot fit.
                guard count <= Int64(limits.maximumReplySize / 3) else {
                    throw Invalid(
                        reason:
                            "an array of \(count) elements is larger than the \(limits.maximumReplySize)-byte reply limit"
                    )
                }
                var elements: [RESPValue] = []
                for _ in 0..<Int(count) {
                    guard let element = try value(depth: depth + 1) else { return nil }
                    elements.append(element)
                }
                return .array(elements)
            default:
                throw Invalid(reason: "the reply starts with byte \(type), which is not a RESP2 type")
            }
        }

        static func printable(_ text: String) -> String {
            String(text.unicodeScalars.prefix(40).map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        }
    }
}

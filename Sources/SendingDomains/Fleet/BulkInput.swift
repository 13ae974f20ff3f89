import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// One name of a bulk job's input, with where it came from.
public struct BulkEntry: Sendable, Hashable, Codable {
    /// The name as written in the input.
    public var name: String
    /// Its line number in a text file, or its 1-based index in a JSON array or a list of
    /// requests.
    public var line: Int

    /// Creates an entry.
    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }
}

/// The input of a ``BulkCreateJob``: one domain per line (blank lines and `#` comments
/// ignored) or a JSON array of names.
///
/// ```swift
/// import Foundation
/// import SendingDomains
///
/// let entries = try BulkInput.parse(Data("example.com\n# a comment\n\nexample.org\n".utf8))
/// assert(entries.map(\.line) == [1, 4])
/// ```
public enum BulkInput {
    /// The longest input line read, in bytes; a longer line is an invalid name.
    public static let maximumLineLength = 4_096

    /// Parses a file's contents.
    ///
    /// A JSON array (the content starts with `[`) gives each element its 1-based index; an
    /// element that is not a string is kept as an entry with an empty name, so that the job
    /// reports it as failed with its index. Otherwise each non-blank line that does not start
    /// with `#` is a name (text after ` #` is a comment), numbered from 1.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` when the input holds no name, or a
    ///   JSON array cannot be decoded.
    public static func parse(_ data: Data) throws(SendingDomainsError) -> [BulkEntry] {
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        var entries: [BulkEntry] = []
        if firstByte == UInt8(ascii: "[") {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw .invalidInput(field: "input", "is not a JSON array of names")
            }
            entries.reserveCapacity(array.count)
            for (index, element) in array.enumerated() {
                entries.append(BulkEntry(name: (element as? String) ?? "", line: index + 1))
            }
        } else {
            var number = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                number += 1
                guard line.count <= maximumLineLength else {
                    entries.append(BulkEntry(name: "", line: number))
                    continue
                }
                var text = String(decoding: line, as: UTF8.self)
                if let comment = text.range(of: " #") ?? text.range(of: "\t#") {
                    text = String(text[..<comment.lowerBound])
                }
                text = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty || text.hasPrefix("#") { continue }
                entries.append(BulkEntry(name: text, line: number))
            }
        }
        guard !entries.isEmpty else {
            throw .invalidInput(field: "input", "holds no domain name (one per line, or a JSON array of names)")
        }
        return entries
    }
}

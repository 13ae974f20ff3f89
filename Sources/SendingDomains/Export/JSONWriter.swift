import Foundation

/// The one way the SDK and the `domains` command write JSON for people and programs: sorted
/// keys, slashes unescaped, and DEL and the C1 controls (U+007F–U+009F, the one-byte CSI among
/// them) escaped as `\u00XX` — JSON allows them raw inside strings, but some terminals obey them.
package enum JSONWriter {
    /// `value` as JSON text; `null` if it cannot be encoded.
    package static func string(_ value: some Encodable, pretty: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
        // Foundation pretty-prints an empty array as "[\n\n]" on Linux.
        if text.filter({ !$0.isWhitespace }) == "[]" { return "[]" }
        guard text.unicodeScalars.contains(where: { (0x7F...0x9F).contains($0.value) }) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if (0x7F...0x9F).contains(scalar.value) {
                result += String(format: "\\u%04x", scalar.value)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

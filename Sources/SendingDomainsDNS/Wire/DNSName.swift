import Foundation
import HTTPTransport

/// Name rules shared by the codec, the resolver and the record check.
package enum DNSName {
    /// `name` lower-cased, without trailing dots: how names are compared (RFC 4343).
    ///
    /// ```text
    /// assert(DNSName.normalized("Send.Example.COM.") == "send.example.com")
    /// ```
    package static func normalized(_ name: String) -> String {
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
    package static func validate(_ name: String) throws(SendingDomainsError) {
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

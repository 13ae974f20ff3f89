/// DKIM key records compared as RFC 6376 §3.6.1 reads them: a tag list (§3.2) in any order,
/// whitespace around tags and `=` ignored, and whitespace inside a base64 value (`p=`) ignored
/// too — folding whitespace is allowed there, which is how a key split into strings and
/// re-joined with spaces stays the same key.
enum DKIMKey {
    /// The tags of a key record, names lower-cased, values without whitespace; `nil` when the
    /// text is not a tag list.
    static func tags(_ text: String) -> [String: String]? {
        var tags: [String: String] = [:]
        for piece in text.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = piece.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else { return nil }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].filter { !$0.isWhitespace }
            guard !name.isEmpty, tags[name] == nil else { return nil }
            tags[name] = String(value)
        }
        return tags
    }

    /// Whether `published` is the key `expected` describes: the same `p` (the key), the same
    /// `k` (`rsa` when absent), and every other tag the expected record sets, set alike.
    static func isSameKey(_ published: String, as expected: String) -> Bool {
        guard let have = tags(published), let want = tags(expected), let key = want["p"], !key.isEmpty else {
            return false
        }
        guard have["p"] == key, (have["k"] ?? "rsa").lowercased() == (want["k"] ?? "rsa").lowercased() else {
            return false
        }
        for (name, value) in want where !["p", "k", "n"].contains(name) {
            guard let given = have[name], given.lowercased() == value.lowercased() else { return false }
        }
        return true
    }
}

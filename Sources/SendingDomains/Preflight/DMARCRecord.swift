/// A DMARC record read as RFC 7489 §6.3–§6.4 and §6.6.3 say receivers read it.
struct DMARCRecord: Sendable {
    /// A policy, ordered by strictness.
    enum Policy: String, Sendable, Hashable, Comparable {
        case none, quarantine, reject

        var strictness: Int {
            switch self {
            case .none: 0
            case .quarantine: 1
            case .reject: 2
            }
        }

        static func < (lhs: Policy, rhs: Policy) -> Bool { lhs.strictness < rhs.strictness }
    }

    /// Why receivers would ignore a record, or not apply it.
    enum Invalid: Error, Hashable {
        /// Not a DMARC record at all: no exact `v=DMARC1` as the first tag (§6.3, §6.6.3).
        case ignored(String)
        /// A DMARC record whose `p` or `sp` is not valid, without a valid `rua`: no DMARC
        /// processing (§6.6.3 step 6).
        case notApplied(String)
    }

    /// `p`; `none` when the record had no valid `p` but a valid `rua` (§6.6.3 step 6).
    var policy: Policy
    /// `sp`, where given and valid.
    var subdomainPolicy: Policy?
    /// What receivers will use instead of a tag that is not valid (`pct=150` → 100), in words.
    var notes: [String]
    /// The tags as written, in order.
    var tags: [(name: String, value: String)]

    /// The policy for subdomains: `sp`, or `p` where there is none.
    var effectiveSubdomainPolicy: Policy { subdomainPolicy ?? policy }

    /// Whether `text` looks like a DMARC record, valid or not: it starts with `v=dmarc` in any
    /// case. These are the records a receiver would consider, and the ones to judge.
    static func looksLikeDMARC(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "")
            .hasPrefix("v=dmarc")
    }

    /// Reads a record.
    static func parse(_ text: String) throws(Invalid) -> DMARCRecord {
        // Tags are separated by `;` with optional whitespace around (§6.4).
        var pieces = text.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        while pieces.last?.isEmpty == true { pieces.removeLast() }
        var tags: [(name: String, value: String)] = []
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "=") else {
                if tags.isEmpty { throw .ignored("its first part, \(piece), is not a tag") }
                continue
            }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces)
            let value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            tags.append((name, value))
        }
        guard let version = tags.first, version.name.lowercased() == "v" else {
            throw .ignored("it does not start with v=DMARC1")
        }
        guard version.value == "DMARC1" else {
            let shown = version.value.count > 40 ? String(version.value.prefix(40)) + "…" : version.value
            throw .ignored(
                "its version is \"\(shown)\", and receivers accept exactly DMARC1 (case-sensitive), followed by \";\"")
        }
        var notes: [String] = []
        // §6.3 and the ABNF: `p` comes right after `v`.
        let rest = tags.dropFirst()
        func value(_ tag: String) -> String? { rest.first { $0.name.lowercased() == tag }?.value }
        let validReports = value("rua").map { Self.validURIs($0) } ?? false
        var policy: Policy?
        var problems: [String] = []
        if let first = rest.first, first.name.lowercased() == "p" {
            if let parsed = Policy(rawValue: first.value.lowercased()) {
                policy = parsed
            } else {
                problems.append("p=\(first.value) is not none, quarantine or reject")
            }
        } else if value("p") != nil {
            problems.append("p is not the tag right after v=DMARC1")
        } else {
            problems.append("it has no p tag")
        }
        var subdomainPolicy: Policy?
        if let sp = value("sp") {
            if let parsed = Policy(rawValue: sp.lowercased()) {
                subdomainPolicy = parsed
            } else {
                problems.append("sp=\(sp) is not none, quarantine or reject")
            }
        }
        if !problems.isEmpty {
            guard validReports else { throw .notApplied(problems.joined(separator: ", ")) }
            notes.append(
                "\(problems.joined(separator: ", ")): with a valid rua, receivers act as though it said p=none")
            policy = Policy.none
            subdomainPolicy = nil
        }
        for (tag, allowed) in [("adkim", ["r", "s"]), ("aspf", ["r", "s"])] {
            if let given = value(tag), !allowed.contains(given.lowercased()) {
                notes.append("\(tag)=\(given) is not r or s; receivers use r")
            }
        }
        if let fo = value("fo"),
            !fo.split(separator: ":", omittingEmptySubsequences: false).allSatisfy({
                ["0", "1", "d", "s"].contains($0.trimmingCharacters(in: .whitespaces).lowercased())
            })
        {
            notes.append("fo=\(fo) is not a list of 0, 1, d and s; receivers use 0")
        }
        if let rf = value("rf"),
            !rf.split(separator: ":", omittingEmptySubsequences: false).allSatisfy({
                let keyword = $0.trimmingCharacters(in: .whitespaces)
                return !keyword.isEmpty && keyword.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            })
        {
            notes.append("rf=\(rf) is not a list of report formats; receivers use afrf")
        }
        if let ri = value("ri"), ri.isEmpty || ri.count > 32 || !ri.allSatisfy({ $0.isASCII && $0.isNumber }) {
            notes.append("ri=\(ri) is not a number of seconds; receivers use 86400")
        }
        if let pct = value("pct") {
            let number = pct.count <= 3 && pct.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(pct) : nil
            if number.map({ !(0...100).contains($0) }) ?? true {
                notes.append("pct=\(pct) is not 0 to 100; receivers use 100")
            }
        }
        for tag in ["rua", "ruf"] {
            if let uris = value(tag), !validURIs(uris) {
                notes.append("\(tag)=\(uris) is not a list of URIs (mailto:…); receivers send no reports there")
            }
        }
        return DMARCRecord(policy: policy ?? Policy.none, subdomainPolicy: subdomainPolicy, notes: notes, tags: tags)
    }

    /// `dmarc-uri *(*WSP "," *WSP dmarc-uri)`, each `URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]`,
    /// the URI absolute (RFC 3986: a scheme, `:`, and more).
    static func validURIs(_ text: String) -> Bool {
        let uris = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return uris.allSatisfy { uri in
            var uri = Substring(uri)
            if let bang = uri.lastIndex(of: "!") {
                var size = uri[uri.index(after: bang)...]
                if let unit = size.last, "kmgtKMGT".contains(unit) { size = size.dropLast() }
                guard !size.isEmpty, size.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                uri = uri[..<bang]
            }
            guard let colon = uri.firstIndex(of: ":"), let first = uri.first, first.isASCII, first.isLetter else {
                return false
            }
            let scheme = uri[..<colon]
            let rest = uri[uri.index(after: colon)...]
            return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
                && !rest.isEmpty
                && rest.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
        }
    }

    /// The record with its `p` (and an `sp` it has) raised to `policy` where weaker.
    func raised(to policy: Policy, subdomains: Policy?) -> String {
        var out: [String] = []
        var sawSP = false
        let hasP = tags.contains { $0.name.lowercased() == "p" }
        for (index, tag) in tags.enumerated() {
            if index == 1, !hasP { out.append("p=\(max(self.policy, policy).rawValue)") }
            switch tag.name.lowercased() {
            case "p": out.append("p=\(max(self.policy, policy).rawValue)")
            case "sp":
                sawSP = true
                out.append("sp=\(max(effectiveSubdomainPolicy, subdomains ?? policy).rawValue)")
            default: out.append("\(tag.name)=\(tag.value)")
            }
        }
        if tags.count == 1 { out.append("p=\(max(self.policy, policy).rawValue)") }
        if !sawSP, let subdomains, subdomains > max(self.policy, policy) {
            out.append("sp=\(subdomains.rawValue)")
        }
        return out.joined(separator: "; ")
    }
}

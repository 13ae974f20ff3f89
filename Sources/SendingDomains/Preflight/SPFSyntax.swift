import Foundation

/// One SPF record's terms, syntax-checked as RFC 7208 §12 writes them: every term, including
/// those after `all`, which are never evaluated but still make the record a permerror when
/// malformed (§4.6).
struct SPFRecord: Sendable {
    /// A mechanism, with its qualifier.
    struct Directive: Sendable, Hashable {
        enum Mechanism: Sendable, Hashable {
            case all
            case include(String)
            /// `a`, with its domain-spec (`nil`: the current domain) and IPv4 prefix length.
            case a(String?, prefix: Int)
            case mx(String?, prefix: Int)
            case ptr(String?)
            case ip4(prefix: Int)
            case ip6
            case exists(String)
        }

        /// The term as written (`include:_spf.example.com`), for paths and costs.
        var term: String
        /// `+`, `-`, `~` or `?`.
        var qualifier: Character
        var mechanism: Mechanism

        /// Whether the term asks DNS when it is evaluated (§4.6.4).
        var queriesDNS: Bool {
            switch mechanism {
            case .include, .a, .mx, .ptr, .exists: true
            case .all, .ip4, .ip6: false
            }
        }
    }

    var directives: [Directive]
    /// `redirect=`'s domain-spec and the term as written.
    var redirect: (term: String, target: String)?
    var hasAll: Bool { directives.contains { $0.mechanism == .all } }

    /// A syntax error: the term and what is wrong with it.
    struct SyntaxError: Error, Sendable {
        var term: String
        var reason: String
    }

    /// Whether `text` is an SPF record: `v=spf1` alone or followed by a space (§4.5), any case.
    static func isSPF(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
    }

    /// Parses a record (`v=spf1 …`), checking every term.
    static func parse(_ text: String) throws(SyntaxError) -> SPFRecord {
        // Terms are separated by one or more spaces (§12: `1*SP`); other whitespace is no separator.
        let terms = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let version = terms.first, version.lowercased() == "v=spf1" else {
            throw SyntaxError(term: terms.first ?? "", reason: "the record does not start with v=spf1")
        }
        var record = SPFRecord(directives: [], redirect: nil)
        var seenExp = false
        for term in terms.dropFirst() {
            guard term.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
                throw SyntaxError(term: term, reason: "holds a character outside visible ASCII")
            }
            if let (name, value) = modifier(term) {
                switch name.lowercased() {
                case "redirect":
                    guard record.redirect == nil else {
                        throw SyntaxError(term: term, reason: "redirect= appears more than once (§6)")
                    }
                    try SPFMacro.validateDomainSpec(value, term: term)
                    record.redirect = (term, value)
                case "exp":
                    guard !seenExp else { throw SyntaxError(term: term, reason: "exp= appears more than once (§6)") }
                    seenExp = true
                    try SPFMacro.validateDomainSpec(value, term: term, explanation: false)
                default:
                    // Unknown modifiers are ignored, but their value must be a macro-string (§6).
                    try SPFMacro.validateMacroString(value, term: term, explanation: false)
                }
                continue
            }
            record.directives.append(try directive(term))
        }
        return record
    }

    /// `name=value` when `term` is a modifier (§12: `name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`).
    private static func modifier(_ term: String) -> (String, String)? {
        guard let equals = term.firstIndex(of: "=") else { return nil }
        let name = term[..<equals]
        guard let first = name.first, first.isASCII, first.isLetter,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { return nil }
        return (String(name), String(term[term.index(after: equals)...]))
    }

    private static func directive(_ term: String) throws(SyntaxError) -> Directive {
        var body = Substring(term)
        var qualifier: Character = "+"
        if let first = body.first, "+-~?".contains(first) {
            qualifier = first
            body = body.dropFirst()
        }
        // The CIDR lengths come off the end first (`a:host/24//64`), as in §5.6.
        var prefix4: Int?
        var prefix6: Int?
        if let (rest, length) = trailingPrefix(body, slashes: 2) {
            prefix6 = length
            body = rest
        }
        if let (rest, length) = trailingPrefix(body, slashes: 1) {
            prefix4 = length
            body = rest
        }
        let name: String
        let argument: String?
        if let colon = body.firstIndex(of: ":") {
            name = body[..<colon].lowercased()
            argument = String(body[body.index(after: colon)...])
        } else {
            name = body.lowercased()
            argument = nil
        }
        func fail(_ reason: String) -> SyntaxError { SyntaxError(term: term, reason: reason) }
        func noPrefix() throws(SyntaxError) {
            if prefix4 != nil || prefix6 != nil { throw fail("\(name) takes no CIDR length") }
        }
        func domain(required: Bool) throws(SyntaxError) -> String? {
            guard let argument else {
                if required { throw fail("\(name) needs a domain") }
                return nil
            }
            try SPFMacro.validateDomainSpec(argument, term: term)
            return argument
        }
        let mechanism: Directive.Mechanism
        switch name {
        case "all":
            try noPrefix()
            if argument != nil { throw fail("all takes no argument") }
            mechanism = .all
        case "include":
            try noPrefix()
            guard let target = try domain(required: true) else { throw fail("include needs a domain") }
            mechanism = .include(target)
        case "a", "mx":
            if let prefix4, prefix4 > 32 { throw fail("the IPv4 CIDR length is over 32") }
            if let prefix6, prefix6 > 128 { throw fail("the IPv6 CIDR length is over 128") }
            let target = try domain(required: false)
            mechanism = name == "a" ? .a(target, prefix: prefix4 ?? 32) : .mx(target, prefix: prefix4 ?? 32)
        case "ptr":
            try noPrefix()
            mechanism = .ptr(try domain(required: false))
        case "exists":
            try noPrefix()
            guard let target = try domain(required: true) else { throw fail("exists needs a domain") }
            mechanism = .exists(target)
        case "ip4":
            if prefix6 != nil { throw fail("ip4 takes no IPv6 CIDR length") }
            if let prefix4, prefix4 > 32 { throw fail("the IPv4 CIDR length is over 32") }
            guard let argument, IPAddressSyntax.isIPv4(argument) else { throw fail("not an IPv4 address") }
            mechanism = .ip4(prefix: prefix4 ?? 32)
        case "ip6":
            if prefix6 != nil { throw fail("ip6 takes one CIDR length") }
            if let prefix4, prefix4 > 128 { throw fail("the IPv6 CIDR length is over 128") }
            guard let argument, IPAddressSyntax.isIPv6(argument) else { throw fail("not an IPv6 address") }
            mechanism = .ip6
        default:
            throw fail("unknown mechanism")
        }
        return Directive(term: term, qualifier: qualifier, mechanism: mechanism)
    }

    /// `("a:host", 24)` from `"a:host/24"` (one slash) or `("a:host", 64)` from `"a:host//64"`
    /// (two): `"/" ("0" / %x31-39 0*2DIGIT)`, no leading zeros.
    private static func trailingPrefix(_ text: Substring, slashes: Int) -> (Substring, Int)? {
        let digits = text.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 3 else { return nil }
        let numberStart = text.index(text.endIndex, offsetBy: -digits.count)
        let number = text[numberStart...]
        if number.count > 1, number.first == "0" { return nil }
        let beforeNumber = text[..<numberStart]
        let marker = String(repeating: "/", count: slashes)
        guard beforeNumber.hasSuffix(marker) else { return nil }
        let rest = beforeNumber.dropLast(slashes)
        // "a:host//64" must not be read as "/64" after "a:host/".
        if slashes == 1, rest.hasSuffix("/") { return nil }
        guard let value = Int(number) else { return nil }
        return (rest, value)
    }
}

/// Address syntax for `ip4:` and `ip6:` (RFC 7208 §12, RFC 3986 §3.2.2).
enum IPAddressSyntax {
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            if part.count > 1, part.first == "0" { return false }
            return (Int(part) ?? 256) <= 255
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        var text = Substring(text)
        var groupsNeeded = 8
        // An embedded IPv4 address takes the last two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
            groupsNeeded = 6
        }
        func groups(_ part: Substring) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for piece in pieces {
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit) else { return nil }
            }
            return pieces.count
        }
        if let range = text.range(of: "::") {
            let head = text[..<range.lowerBound]
            let tail = text[range.upperBound...]
            guard !tail.contains("::"), let left = groups(head), let right = groups(tail) else { return false }
            return left + right < groupsNeeded
        }
        return groups(text) == groupsNeeded
    }
}

/// SPF macros (RFC 7208 §7): syntax, and expansion of the letters whose value is known.
enum SPFMacro {
    /// The values the expansion knows. The preflight knows `d` (the domain being evaluated) and
    /// `o` (the domain being checked); the test suite's harness also gives the sender and HELO.
    struct Values: Sendable {
        var domain: String
        var original: String
        var sender: String?
        var helo: String?

        func value(_ letter: Character) -> String? {
            switch letter {
            case "d": domain
            case "o": original
            case "s": sender
            case "l":
                sender.map {
                    String($0.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                }
            case "h": helo
            default: nil
            }
        }
    }

    static let delimiters: Set<Character> = [".", "-", "+", ",", "/", "_", "="]

    /// Checks a domain-spec: a macro-string ending in `.toplabel` (with an optional trailing
    /// dot) or in a macro (§7.1).
    static func validateDomainSpec(
        _ spec: String, term: String, explanation: Bool = false
    ) throws(SPFRecord.SyntaxError) {
        guard !spec.isEmpty else { throw .init(term: term, reason: "the domain is empty") }
        try validateMacroString(spec, term: term, explanation: explanation)
        if spec.hasSuffix("}") || spec.hasSuffix("%%") || spec.hasSuffix("%_") || spec.hasSuffix("%-") { return }
        var text = Substring(spec)
        if text.hasSuffix(".") { text = text.dropLast() }
        guard let dot = text.lastIndex(of: "."), isTopLabel(text[text.index(after: dot)...]) else {
            throw .init(term: term, reason: "the domain does not end in a valid top-level label")
        }
    }

    /// `toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )`.
    private static func isTopLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            return false
        }
        if !label.contains("-") { return label.contains { $0.isLetter } }
        guard let first = label.first, let last = label.last else { return false }
        return first != "-" && last != "-"
    }

    /// Checks a macro-string: every `%` starts `%%`, `%_`, `%-` or `%{letter digits r delimiters}`.
    static func validateMacroString(
        _ text: String, term: String, explanation: Bool
    ) throws(SPFRecord.SyntaxError) {
        do {
            _ = try expand(text, values: nil, explanation: explanation)
        } catch .syntax(let reason) {
            throw .init(term: term, reason: reason)
        } catch {}
    }

    enum Failure: Error {
        case syntax(String)
        /// A letter whose value is not known without a client (`i`, `p`, `v`…).
        case unknown(Character)
    }

    /// Expands `text`; with `values` `nil`, only checks its syntax.
    static func expand(_ text: String, values: Values?, explanation: Bool = false) throws(Failure) -> String {
        var output = ""
        var index = text.startIndex
        var unknown: Character?
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            guard character == "%" else {
                output.append(character)
                continue
            }
            guard index < text.endIndex else { throw .syntax("a % at the end") }
            let next = text[index]
            index = text.index(after: index)
            switch next {
            case "%": output.append("%")
            case "_": output.append(" ")
            case "-": output.append("%20")
            case "{":
                guard let close = text[index...].firstIndex(of: "}") else { throw .syntax("a macro without }") }
                let body = text[index..<close]
                index = text.index(after: close)
                guard let rawLetter = body.first else { throw .syntax("an empty macro") }
                let letter = Character(rawLetter.lowercased())
                guard "slodiphcrtv".contains(letter), rawLetter.isASCII else {
                    throw .syntax("an unknown macro letter %{\(rawLetter)}")
                }
                if "crt".contains(letter), !explanation { throw .syntax("%{\(letter)} is allowed in exp text only") }
                var rest = body.dropFirst()
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                rest = rest.dropFirst(digits.count)
                let reverse = rest.first == "r" || rest.first == "R"
                if reverse { rest = rest.dropFirst() }
                guard rest.allSatisfy({ delimiters.contains($0) }) else {
                    throw .syntax("an invalid delimiter in %{\(body)}")
                }
                var keep: Int?
                if !digits.isEmpty {
                    guard let count = Int(digits.prefix(3)), digits.count <= 3, count > 0 else {
                        throw .syntax("a macro's digit transformer must be 1 to 128")
                    }
                    keep = min(count, 128)
                }
                guard let values else { continue }
                guard let value = values.value(letter) else {
                    unknown = unknown ?? letter
                    continue
                }
                let split = rest.isEmpty ? Set<Character>(["."]) : Set(rest)
                var parts = value.split(omittingEmptySubsequences: false) { split.contains($0) }.map(String.init)
                if reverse { parts.reverse() }
                if let keep, parts.count > keep { parts = Array(parts.suffix(keep)) }
                var expanded = parts.joined(separator: ".")
                if rawLetter.isUppercase {
                    expanded =
                        expanded.addingPercentEncoding(withAllowedCharacters: unreserved) ?? expanded
                }
                output += expanded
            default:
                throw .syntax("an invalid macro %\(next)")
            }
        }
        if let unknown { throw .unknown(unknown) }
        return output
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// The domain a domain-spec names, for a lookup: expanded, its trailing dot dropped, and
    /// shortened from the left to 253 characters (§7.3).
    static func target(_ spec: String, values: Values) throws(Failure) -> String {
        var name = try expand(spec, values: values)
        while name.hasSuffix(".") { name.removeLast() }
        while name.utf8.count > 253, let dot = name.firstIndex(of: ".") {
            name = String(name[name.index(after: dot)...])
        }
        return name
    }
}

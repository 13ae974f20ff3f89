/// Validates and normalises domain names before any request is sent.
///
/// Rules (RFC 1035 / RFC 5890 for names on the wire): at most 253 characters, at least two
/// labels, each label 1–63 characters of letters, digits and hyphens, not starting or ending
/// with a hyphen; no scheme (`https://`), path, port, `@`, or white space. A trailing dot is
/// removed, letters are lower-cased, and a label with non-ASCII letters is converted to
/// punycode (`bücher.example` → `xn--bcher-kva.example`).
///
/// Non-ASCII input is processed as UTS #46 prescribes before punycode: compatibility forms are
/// mapped (fullwidth `ｅｘａｍｐｌｅ．ｃｏｍ` → `example.com`, the ideographic full stop `。` →
/// `.`), and a name is refused — with the character, its code point and its position in the
/// error — when it holds an invisible character (U+200B ZERO WIDTH SPACE, U+00AD SOFT HYPHEN,
/// joiners, variation selectors), a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE …), or a
/// symbol or punctuation mark IDNA does not allow (emoji, ☃). Such names are how spoofed
/// look-alike domains are made.
///
/// ```swift
/// try DomainName.normalize("Mail.Example.COM.")     // "mail.example.com"
/// try DomainName.normalize("https://example.com")   // throws: "must not contain a scheme …"
/// ```
@_spi(ProviderAuthoring) public enum DomainName {
    /// The longest name, in characters of its ASCII form.
    public static let maximumLength = 253
    /// The longest label.
    public static let maximumLabelLength = 63

    /// The normalised ASCII form of `input`.
    ///
    /// - Parameters:
    ///   - input: The name as the caller typed it.
    ///   - field: The field name errors should name, for example `"domain"` or `"name"`.
    ///   - maximumLength: A provider's own cap when lower than 253.
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `field` and the rule that failed.
    public static func normalize(
        _ input: String, field: String = "domain", maximumLength: Int = DomainName.maximumLength
    ) throws(SendingDomainsError) -> String {
        if let fast = asciiFastPath(input, maximumLength: maximumLength) { return fast }
        func fail(_ rule: String) -> SendingDomainsError { .invalidInput(field: field, rule) }
        guard !input.isEmpty else { throw fail("is required") }
        var name = try uts46Mapped(input, fail: fail)
        if name.contains("://") {
            throw fail("must not contain a scheme such as https://; pass the bare name, e.g. example.com")
        }
        if name.contains(where: {
            $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }) {
            throw fail("must not contain white space or control characters")
        }
        if name.contains("/") { throw fail("must not contain a path or a slash") }
        if name.contains("@") { throw fail("must be a domain, not an email address") }
        if name.contains(":") { throw fail("must not contain a port") }
        if name.hasSuffix(".") { name.removeLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw fail("must have at least two labels, e.g. example.com") }
        var ascii: [String] = []
        for label in labels {
            guard !label.isEmpty else { throw fail("must not contain empty labels (\"..\" or a leading dot)") }
            var text = String(label).lowercased()
            if !text.allSatisfy(\.isASCII) {
                guard let encoded = Punycode.encode(text) else {
                    throw fail("label \"\(label)\" cannot be converted to punycode")
                }
                text = "xn--" + encoded
            }
            try checkLabel(text, original: String(label), field: field)
            ascii.append(text)
        }
        let result = ascii.joined(separator: ".")
        guard result.count <= maximumLength else {
            throw fail("must be at most \(maximumLength) characters (got \(result.count))")
        }
        return result
    }

    /// UTS #46 processing of a name with non-ASCII characters: each character is checked where
    /// it stands in the input (so the error can say where), then compatibility forms are mapped
    /// (NFKC) and the full stops `。` `｡` become `.`.
    private static func uts46Mapped(
        _ input: String, fail: (String) -> SendingDomainsError
    ) throws(SendingDomainsError) -> String {
        guard !input.utf8.allSatisfy({ $0 < 0x80 }) else { return input }
        let dots: Set<Unicode.Scalar> = ["\u{3002}", "\u{FF0E}", "\u{FF61}"]
        for (offset, scalar) in input.unicodeScalars.enumerated() where !scalar.isASCII {
            let location = "\(describe(scalar)) at position \(offset + 1)"
            if scalar.properties.isBidiControl {
                throw fail("contains the bidirectional control \(location), which can disguise a name; remove it")
            }
            if scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format {
                throw fail("contains the invisible character \(location); remove it")
            }
            if dots.contains(scalar) { continue }
            let mapped = String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars
            let allowed = mapped.allSatisfy { mappedScalar in
                if mappedScalar.isASCII { return true }
                switch mappedScalar.properties.generalCategory {
                case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                    .nonspacingMark, .spacingMark, .decimalNumber:
                    return true
                default:
                    return false
                }
            }
            guard allowed else {
                throw fail(
                    "contains \(location), which IDNA does not allow in domain names (only letters, digits, marks and hyphens)"
                )
            }
        }
        var mapped = ""
        for scalar in input.precomposedStringWithCompatibilityMapping.unicodeScalars {
            if dots.contains(scalar) { mapped.append(".") } else { mapped.unicodeScalars.append(scalar) }
        }
        return mapped
    }

    /// `U+202E (RIGHT-TO-LEFT OVERRIDE)`.
    private static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        guard let name = scalar.properties.name ?? scalar.properties.nameAlias else { return code }
        return "\(code) (\(name))"
    }

    /// The normalised name when `input` is a plain ASCII name that passes every rule, checked
    /// byte by byte without allocating per character; `nil` sends it down the full path, which
    /// also produces the error messages.
    private static func asciiFastPath(_ input: String, maximumLength: Int) -> String? {
        var bytes = Array(input.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return nil }
        var labels = 1
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for index in bytes.indices {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                bytes[index] = byte | 0x20
                labelLength += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                labelLength += 1
            case UInt8(ascii: "-"):
                guard previous != UInt8(ascii: ".") else { return nil }
                labelLength += 1
            case UInt8(ascii: "."):
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return nil }
                labels += 1
                labelLength = 0
            default:
                return nil
            }
            guard labelLength <= maximumLabelLength else { return nil }
            previous = byte
        }
        guard labels >= 2, labelLength > 0, previous != UInt8(ascii: "-") else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Validates one DNS label, for example a provider's subdomain field.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `field` when the label is empty, too long, has characters other than letters, digits and
    ///   hyphens, or starts or ends with a hyphen.
    public static func checkLabel(
        _ label: String, original: String? = nil, field: String, maximumLength: Int = DomainName.maximumLabelLength
    ) throws(SendingDomainsError) {
        let shown = original ?? label
        guard !label.isEmpty else { throw .invalidInput(field: field, "must not be empty") }
        guard label.count <= maximumLength else {
            throw .invalidInput(field: field, "label \"\(shown)\" is longer than \(maximumLength) characters")
        }
        guard label.unicodeScalars.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" }) else {
            throw .invalidInput(field: field, "label \"\(shown)\" may contain only letters, digits and hyphens")
        }
        guard label.first != "-", label.last != "-" else {
            throw .invalidInput(field: field, "label \"\(shown)\" must not start or end with a hyphen")
        }
    }
}

/// Validates email addresses the way providers' own regexes do: one `@`, a non-empty local part
/// without white space, and a valid domain.
@_spi(ProviderAuthoring) public enum EmailAddress {
    /// The address with its domain normalised, and the domain.
    ///
    /// - Throws: ``SendingDomainsError`` of kind ``SendingDomainsError/Kind/validation`` naming
    ///   `field`.
    public static func validate(
        _ input: String, field: String
    ) throws(SendingDomainsError) -> (
        address: String, domain: String
    ) {
        let parts = input.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidInput(field: field, "must be an email address such as noreply@example.com")
        }
        let local = parts[0]
        guard local.count <= 64,
            local.unicodeScalars.allSatisfy({
                $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"()<>[]\\,;:\"".unicodeScalars.contains($0)
            }),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else {
            throw .invalidInput(field: field, "has an invalid local part (before the @)")
        }
        let domain: String
        do {
            domain = try DomainName.normalize(String(parts[1]), field: field)
        } catch {
            throw .invalidInput(
                field: field, "has an invalid domain: \(error.fieldErrors.first?.message ?? error.message)")
        }
        return ("\(local)@\(domain)", domain)
    }
}

extension Unicode.Scalar {
    var isASCIILetterOrDigit: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}

/// RFC 3492 punycode encoding of one label (without the `xn--` prefix).
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = scalars.filter { $0 < 0x80 }.compactMap { Unicode.Scalar($0).map(Character.init) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += product
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(output)
    }

    private static func digit(_ value: Int) -> Character {
        Character(Unicode.Scalar(UInt8(value < 26 ? 97 + value : 22 + value)))
    }

    private static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}

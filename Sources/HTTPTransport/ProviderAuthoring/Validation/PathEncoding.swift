/// Percent-encoding for path segments and query components (RFC 3986).
///
/// Only the unreserved characters `A–Z a–z 0–9 - . _ ~` are left as they are; every other
/// byte of the UTF-8 form, `/`, `?`, `#`, `%`, spaces and control characters included, becomes
/// `%XX`. A segment that is exactly `.` or `..` is encoded as `%2E` / `%2E%2E` so that no URL
/// normaliser can read it as a step up the path. The effect: a value a caller passes can
/// never change which endpoint a request goes to.
@_spi(ProviderAuthoring) public enum PercentEncoding {
    /// Encodes one path segment or query component.
    ///
    /// ```swift
    /// PercentEncoding.encode("../admin?x#y")  // "..%2Fadmin%3Fx%23y"
    /// ```
    public static func encode(_ component: String) -> String {
        if component == "." { return "%2E" }
        if component == ".." { return "%2E%2E" }
        var output = ""
        output.reserveCapacity(component.utf8.count)
        for byte in component.utf8 {
            if isUnreserved(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%"
                output.unicodeScalars.append(hexDigit(byte >> 4))
                output.unicodeScalars.append(hexDigit(byte & 0x0F))
            }
        }
        return output
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10)
    }
}

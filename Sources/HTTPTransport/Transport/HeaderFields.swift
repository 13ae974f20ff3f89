/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Header names are compared without regard to case, as RFC 9110 requires, while the
/// spelling a caller used is kept for the wire:
///
/// ```swift
/// var headers: HeaderFields = ["Content-Type": "application/json"]
/// headers["authorization"] = "Bearer …"
/// headers["CONTENT-TYPE"]  // "application/json"
/// ```
public struct HeaderFields: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field.
    public struct Field: Sendable, Hashable {
        /// The field name as it was spelled when set.
        public var name: String
        /// The field value.
        public var value: String

        /// Creates a header field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates an empty header list.
    public init() {
        fields = []
    }

    /// Creates a header list from name–value pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates a header list from fields, in order.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The first value for `name` (case-insensitive), or `nil`. Setting a value replaces every
    /// field of that name; setting `nil` removes them.
    public subscript(name: String) -> String? {
        get {
            fields.first { Self.same($0.name, name) }?.value
        }
        set {
            guard let newValue else {
                fields.removeAll { Self.same($0.name, name) }
                return
            }
            if let index = fields.firstIndex(where: { Self.same($0.name, name) }) {
                fields[index].value = newValue
                let following = fields[(index + 1)...].filter { !Self.same($0.name, name) }
                fields.replaceSubrange((index + 1)..., with: following)
            } else {
                fields.append(Field(name: name, value: newValue))
            }
        }
    }

    /// Every value for `name` (case-insensitive), in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.same($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` (case-insensitive) is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.same($0.name, name) }
    }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The fields as `name: value` lines, values as they are: print the headers of a request
    /// only before authentication (the pipeline's logs redact credential headers themselves).
    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// A copy in which the value of every field named in `sensitiveNames` (case-insensitive)
    /// is replaced by `<redacted>`.
    package func redacted(_ sensitiveNames: Set<String>) -> HeaderFields {
        let lowered = Set(sensitiveNames.map { $0.lowercased() })
        return HeaderFields(
            fields.map { lowered.contains($0.name.lowercased()) ? Field(name: $0.name, value: Secret.placeholder) : $0 }
        )
    }

    /// Header names whose values the SDK always treats as secrets.
    package static let alwaysSensitive: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie",
        "x-api-access-token", "x-api-secret-token", "x-api-key",
    ]

    /// ASCII case-insensitive comparison, without allocating (header names are ASCII tokens).
    private static func same(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?):
                if a == b { continue }
                // Equal ignoring case only when both are the same letter.
                guard a | 0x20 == b | 0x20, (0x61...0x7A).contains(a | 0x20) else { return false }
            default: return false
            }
        }
    }
}

// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation, AlwaysUseLowerCamelCase
// Stand-in for the few NIOHTTP1 names the docs use (apple/swift-nio 2.101.3). `HTTPHeaders`
// iterates `(name: String, value: String)` pairs, labelled, as the real one does.
// depends: NIOCore
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)
    var fields: [(name: String, value: String)] = []
    public init() {}
    public init(dictionaryLiteral elements: (String, String)...) { fields = elements.map { (name: $0.0, value: $0.1) } }
    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }
    public func first(name: String) -> String? { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

public enum HTTPMethod: Sendable, Hashable {
    case GET, POST, PUT, PATCH, DELETE
    case RAW(value: String)
    public init(rawValue: String) { self = .RAW(value: rawValue) }
    public var rawValue: String { "GET" }
}

public enum HTTPResponseStatus: Sendable, Hashable {
    case ok, accepted, noContent, badRequest, unauthorized, serviceUnavailable
    case custom(code: UInt, reasonPhrase: String)
    public var code: UInt { 200 }
}

// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the swift-distributed-tracing names the docs use (apple/swift-distributed-tracing
// 1.7.3, module Tracing, which re-exports Instrumentation and ServiceContextModule — whose
// `ServiceContext` is a typealias of `InstrumentationContext` since 1.7).
// depends:
public struct InstrumentationContext: Sendable {
    @TaskLocal public static var current: InstrumentationContext?
    public static var topLevel: InstrumentationContext { InstrumentationContext() }
}
public typealias ServiceContext = InstrumentationContext

public enum SpanKind: Sendable { case server, client, producer, consumer, `internal` }

public struct SpanStatus: Sendable, Equatable {
    public enum Code: Sendable { case ok, error }
    public init(code: Code, message: String? = nil) {}
}

public enum SpanAttribute: Sendable, Equatable {
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
}

public protocol SpanAttributeConvertible {}
extension String: SpanAttributeConvertible {}
extension Int: SpanAttributeConvertible {}
extension Int64: SpanAttributeConvertible {}
extension Double: SpanAttributeConvertible {}
extension Bool: SpanAttributeConvertible {}

public struct SpanAttributes: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, SpanAttribute)...) {}
    public subscript(_ name: String) -> (any SpanAttributeConvertible)? {
        get { nil }
        set {}
    }
}

public struct SpanEvent: Sendable, Equatable {
    public init(name: String, attributes: SpanAttributes = [:]) {}
}

public protocol Span: Sendable {
    var attributes: SpanAttributes { get nonmutating set }
    func setStatus(_ status: SpanStatus)
    func addEvent(_ event: SpanEvent)
    func recordError(_ error: any Error)
    func end()
}

public func withSpan<T>(
    _ operationName: String, context: @autoclosure () -> InstrumentationContext = .current ?? .topLevel,
    ofKind kind: SpanKind = .internal, isolation: isolated (any Actor)? = #isolation, function: String = #function,
    file fileID: String = #fileID, line: UInt = #line, _ operation: (any Span) async throws -> T
) async rethrows -> T {
    fatalError("stand-in")
}

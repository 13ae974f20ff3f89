// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the swift-service-lifecycle names the docs use
// (swift-server/swift-service-lifecycle 2.13.0).
// depends: Logging
import Logging

public protocol Service: Sendable {
    func run() async throws
}

public struct UnixSignal: Sendable, Hashable {
    public static let sigterm = UnixSignal()
    public static let sigint = UnixSignal()
}

public actor ServiceGroup: Sendable {
    public init(
        services: [any Service], gracefulShutdownSignals: [UnixSignal] = [], cancellationSignals: [UnixSignal] = [],
        logger: Logger
    ) {}
    public func run() async throws {}
    public func triggerGracefulShutdown() async {}
}

extension ServiceGroup: Service {}

public func withGracefulShutdownHandler<T>(
    isolation: isolated (any Actor)? = #isolation, operation: () async throws -> T,
    onGracefulShutdown handler: @Sendable @escaping () -> Void
) async rethrows -> T {
    try await operation()
}

public func gracefulShutdown() async throws {}

public func cancelWhenGracefulShutdown<T: Sendable>(
    _ operation: @Sendable @escaping () async throws -> T
) async rethrows -> T {
    try await operation()
}

extension Task where Success == Never, Failure == Never {
    public static var isShuttingDownGracefully: Bool { false }
}

public struct AsyncCancelOnGracefulShutdownSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
    public typealias Element = Base.Element
    let base: Base
    public struct AsyncIterator: AsyncIteratorProtocol {
        public mutating func next() async -> Element? { nil }
    }
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}

extension AsyncSequence where Self: Sendable, Element: Sendable {
    public func cancelOnGracefulShutdown() -> AsyncCancelOnGracefulShutdownSequence<Self> {
        AsyncCancelOnGracefulShutdownSequence(base: self)
    }
}

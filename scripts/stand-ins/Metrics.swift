// swift-format-ignore-file: AllPublicDeclarationsHaveDocumentation
// Stand-in for the swift-metrics names the docs use (apple/swift-metrics 2.13.0, module Metrics,
// which re-exports CoreMetrics): `Counter`, `Timer` (`record(duration:)` is Metrics' own
// extension), `Gauge`, `Meter`, each created with a label and `dimensions` (labels).
// depends:
public final class Counter: Sendable {
    public init(label: String, dimensions: [(String, String)] = []) {}
    public func increment() {}
    public func increment<DataType: BinaryInteger>(by amount: DataType) {}
}

public final class Timer: Sendable {
    public init(label: String, dimensions: [(String, String)] = []) {}
    public func recordNanoseconds(_ duration: Int64) {}
    public func record(duration: Duration) {}
}

public class Recorder: @unchecked Sendable {
    public init(label: String, dimensions: [(String, String)] = [], aggregate: Bool = true) {}
    public func record<DataType: BinaryInteger>(_ value: DataType) {}
    public func record<DataType: BinaryFloatingPoint>(_ value: DataType) {}
}

public final class Gauge: Recorder, @unchecked Sendable {
    public init(label: String, dimensions: [(String, String)] = []) { super.init(label: label, dimensions: dimensions) }
}

public final class Meter: Sendable {
    public init(label: String, dimensions: [(String, String)] = []) {}
    public func set<DataType: BinaryInteger>(_ value: DataType) {}
    public func increment() {}
    public func decrement() {}
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let rusageSelf = RUSAGE_SELF.rawValue
#else
private let rusageSelf = RUSAGE_SELF
#endif

/// Process CPU time and peak memory, and medians of repeated runs.
enum Measure {
    /// CPU time used by the whole process so far, in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// Peak resident memory of the process, in MiB.
    /// Runs this executable again with `arguments` (a child mode whose peak memory is its own)
    /// and returns what it printed.
    static func runChild(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: process.executableURL?.path ?? "") {
            process.executableURL = Bundle.main.executableURL
        }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    static func peakMiB() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        #if canImport(Darwin)
        return Double(usage.ru_maxrss) / 1_048_576
        #else
        return Double(usage.ru_maxrss) / 1024
        #endif
    }

    static func wallSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// CPU microseconds per iteration of `body`, median of `runs` runs of `iterations` each.
    static func cpuPerCall(runs: Int, iterations: Int, _ body: () async throws -> Void) async rethrows -> Double {
        for _ in 0..<max(1, iterations / 10) { try await body() }  // warm up
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = cpuSeconds()
            for _ in 0..<iterations { try await body() }
            samples.append((cpuSeconds() - start) / Double(iterations) * 1e6)
        }
        return median(samples)
    }
}

/// One row of the results table.
struct Row: Encodable {
    let benchmark: String
    let measured: Double
    let baseline: Double?
    let unit: String
    let target: String

    var ratio: Double? { baseline.map { measured / $0 } }

    enum CodingKeys: String, CodingKey { case benchmark, measured, baseline, unit, target, ratio }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(benchmark, forKey: .benchmark)
        try c.encode((measured * 1000).rounded() / 1000, forKey: .measured)
        try c.encodeIfPresent(baseline.map { ($0 * 1000).rounded() / 1000 }, forKey: .baseline)
        try c.encode(unit, forKey: .unit)
        try c.encode(target, forKey: .target)
        try c.encodeIfPresent(ratio.map { ($0 * 1000).rounded() / 1000 }, forKey: .ratio)
    }
}

enum Table {
    /// Rows for the one table in Docs/Performance.md: benchmark, SDK, baseline, ratio, unit,
    /// target, date (UTC) and command.
    static func markdown(_ rows: [Row], command: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let date = formatter.string(from: Date())
        func number(_ value: Double) -> String { String(format: value >= 100 ? "%.1f" : "%.2f", value) }
        return rows.map { row in
            let cells = [
                row.benchmark, number(row.measured), row.baseline.map(number) ?? "—",
                row.ratio.map { String(format: "%.3f×", $0) } ?? "—", row.unit, row.target, date, "`\(command)`",
            ]
            return "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }.joined(separator: "\n")
    }

    static func render(_ rows: [Row]) -> String {
        let header = ["benchmark", "measured", "baseline", "ratio", "unit", "target"]
        let cells = rows.map { row in
            [
                row.benchmark, String(format: "%.2f", row.measured),
                row.baseline.map { String(format: "%.2f", $0) } ?? "-",
                row.ratio.map { String(format: "%.3f×", $0) } ?? "-", row.unit, row.target,
            ]
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return
            ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + cells.map(line))
            .joined(separator: "\n")
    }
}

// Benchmarks: what the SDK costs, measured against hand-written Foundation code in the same run.
//
//     swift run -c release Benchmarks            # the table
//     swift run -c release Benchmarks --json     # machine-readable
//     swift run -c release Benchmarks --quick    # fewer iterations, for a smoke test
//
// Every figure is the median of several runs; ratios compare with a baseline measured in the
// same process. See Docs/Performance.md.

@_spi(ProviderAuthoring) import AhaSendClient
@_spi(ProviderAuthoring) import AutoSendClient
@_spi(ProviderAuthoring) import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
@_spi(ProviderAuthoring) import KrafterClient
@_spi(ProviderAuthoring) import SendKitClient
import SendingDomains
import SendingDomainsTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

let arguments = CommandLine.arguments
if let index = arguments.firstIndex(of: "--concurrency-child"), index + 1 < arguments.count,
    let calls = Int(arguments[index + 1])
{
    await ConcurrencyBenchmark.child(calls: calls)
    exit(0)
}
if let index = arguments.firstIndex(of: "--memory-child"), index + 2 < arguments.count,
    let calls = Int(arguments[index + 2])
{
    await InFlightMemoryBenchmark.child(side: arguments[index + 1], calls: calls)
    exit(0)
}
if let index = arguments.firstIndex(of: "--alloc-case"), index + 3 < arguments.count,
    let calls = Int(arguments[index + 3])
{
    // --alloc-case NAME sdk|baseline CALLS: one side of one case, for valgrind --tool=dhat
    try await ClientBenchmarks.runOnly(arguments[index + 1], side: arguments[index + 2], calls: calls)
    exit(0)
}
if let index = arguments.firstIndex(of: "--shared-budget-child"), index + 4 < arguments.count,
    let rate = Double(arguments[index + 3]), let calls = Int(arguments[index + 4])
{
    await SharedBudgetBenchmark.child(
        storeURL: arguments[index + 1], baseURL: arguments[index + 2], rate: rate, calls: calls)
    exit(0)
}
let quick = arguments.contains("--quick")
let json = arguments.contains("--json")
let runs = quick ? 3 : 7
let iterations = quick ? 300 : 3_000

func progress(_ text: String) {
    FileHandle.standardError.write(Data("benchmarks: \(text)\n".utf8))
}

var rows: [Row] = []

if arguments.contains("--webhook-only") {
    for row in try await WebhookBenchmark.run(runs: runs, iterations: iterations) {
        print(row.benchmark, row.measured, row.baseline ?? 0, row.ratio ?? 0, row.unit)
    }
    exit(0)
}
if arguments.contains("--failover-only") {
    // The coordinated watch's failover row alone: `Benchmarks --failover-only [--quick]`.
    print(Table.render(try await FailoverBenchmark.run(runs: quick ? 3 : 7)))
    exit(0)
}
if arguments.contains("--shared-budget-only") {
    // The shared rate budget's rows alone: `Benchmarks --shared-budget-only [--quick]`.
    print(Table.render(try await SharedBudgetBenchmark.run(quick: quick)))
    exit(0)
}
if arguments.contains("--preflight-only") {
    // The DNS rows alone: `Benchmarks --preflight-only [--quick]`.
    for row in try await PreflightBenchmark.run(runs: quick ? 5 : 15, domains: 1_000, rate: quick ? 2_000 : 1_000) {
        print(row.benchmark, row.measured, row.baseline ?? 0, row.ratio ?? 0, row.unit)
    }
    for row in try await SPFBenchmark.run(runs: quick ? 5 : 15) {
        print(row.benchmark, row.measured, row.baseline ?? 0, row.ratio ?? 0, row.unit)
    }
    for row in try await HostDetectionBenchmark.run(runs: quick ? 5 : 15) {
        print(row.benchmark, row.measured, row.baseline ?? 0, row.ratio ?? 0, row.unit)
    }
    exit(0)
}

progress("1/9 per-call CPU, SDK vs Foundation baseline")
rows += try await ClientBenchmarks.run(runs: runs, iterations: iterations)
progress("2/9 middleware pipeline alone")
rows += try await PipelineBenchmark.run(runs: runs, iterations: iterations * 3)
progress("3/9 concurrent calls through the unified API")
rows += try ConcurrencyBenchmark.run(sizes: quick ? [1_000, 2_000] : [1_000, 10_000], runs: quick ? 3 : 5)
rows += try InFlightMemoryBenchmark.run(calls: 10_000, runs: quick ? 3 : 5)
progress("4/9 rate limiter accuracy")
rows += try await RateLimiterBenchmark.run(runs: quick ? 3 : 5, quick: quick)
progress("5/9 loopback HTTP throughput")
rows += try await LoopbackBenchmark.run(runs: quick ? 3 : 5, requests: quick ? 100 : 400)
progress("6/9 large bodies over loopback HTTP")
rows += try await LargeBodyBenchmark.run(runs: quick ? 3 : 5)
progress("7/9 DNS preflight over loopback UDP")
rows += try await PreflightBenchmark.run(runs: quick ? 5 : 15, domains: 1_000, rate: quick ? 2_000 : 1_000)
rows += try await SPFBenchmark.run(runs: quick ? 5 : 15)
rows += try await HostDetectionBenchmark.run(runs: quick ? 5 : 15)
progress("8/9 webhook verification")
rows += try await WebhookBenchmark.run(runs: runs, iterations: iterations)
progress("9/9 the shared rate budget over loopback Redis")
rows += try await SharedBudgetBenchmark.run(quick: quick)
rows += try await FailoverBenchmark.run(runs: quick ? 3 : 7)

if json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(rows), as: UTF8.self))
} else {
    print(Table.render(rows))
}

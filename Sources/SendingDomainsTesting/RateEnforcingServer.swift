import Foundation
import HTTPTransport

/// A provider stand-in (for tests and benchmarks) that enforces a token bucket exactly — `rate` per second, bursts of
/// `burst` — and answers a request over it with 429, as a strict provider does. It records
/// when each request arrived and how it was answered.
package final class RateEnforcingServer: Sendable {
    package struct Arrival: Sendable {
        package let time: Double
        package let status: Int
        package let authorization: String?
    }

    package let server: LoopbackServer
    private let state: Locked<(tokens: Double, last: Double, arrivals: [Arrival], forced: Int)>
    private static let origin = ContinuousClock.now

    /// - Parameter forced429s: How many of the first requests get a 429 with `Retry-After: 1`
    ///   whatever the bucket says.
    package init(rate: Double, burst: Int, forced429s: Int = 0, body: String = #"{"success":true}"#) throws {
        let state = Locked<(tokens: Double, last: Double, arrivals: [Arrival], forced: Int)>(
            (Double(burst), 0, [], forced429s))
        self.state = state
        server = try LoopbackServer { request in
            let now = (ContinuousClock.now - Self.origin).seconds
            let status = state.withLock { state -> Int in
                state.tokens = min(Double(burst), state.tokens + (now - state.last) * rate)
                state.last = now
                var status = 200
                if state.forced > 0 {
                    state.forced -= 1
                    status = 429
                } else if state.tokens >= 1 {
                    state.tokens -= 1
                } else {
                    status = 429
                }
                state.arrivals.append(
                    Arrival(time: now, status: status, authorization: request.headers["Authorization"]))
                return status
            }
            if status == 429 {
                return .response(
                    TransportResponse(
                        status: 429, headers: ["Retry-After": "1", "Content-Type": "application/json"],
                        body: Data(#"{"success":false,"error":{"message":"Too many requests"}}"#.utf8)))
            }
            return .response(
                TransportResponse(
                    status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8)))
        }
    }

    package var arrivals: [Arrival] { state.withLock { $0.arrivals } }
    package var tooManyRequests: Int { arrivals.filter { $0.status == 429 }.count }

    /// The largest excess over the limit in any window between two arrivals: the count in
    /// `[t_i, t_j]` less what a bucket of `rate` and `burst` allows there (≤ 0 when the limit
    /// held everywhere).
    package func worstExcess(rate: Double, burst: Int) -> Double {
        let times = arrivals.map(\.time).sorted()
        var worst = -Double.infinity
        for i in times.indices {
            for j in i..<times.count {
                let allowed = Double(burst) + rate * (times[j] - times[i])
                worst = max(worst, Double(j - i + 1) - allowed)
            }
        }
        return worst
    }

    package func stop() { server.stop() }
}

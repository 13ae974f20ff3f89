import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("TokenBucket on a virtual clock")
struct TokenBucketTests {
    @Test("100/s burst 200: 200 calls at one instant go at once, the 201st waits 10 ms")
    func burst() async throws {
        let clock = VirtualClock()
        let bucket = TokenBucket(rate: 100, burst: 200, timeSource: clock.timeSource)
        for _ in 0..<200 { try await bucket.acquire() }
        #expect(clock.sleeps.isEmpty)
        try await bucket.acquire()
        #expect(clock.sleeps == [.milliseconds(10)])
    }

    @Test("queued callers wait in turn: reservations at one instant are spaced by 1/rate")
    func queue() async {
        let clock = VirtualClock()
        let bucket = TokenBucket(rate: 2, burst: 1, timeSource: clock.timeSource)
        let waits = [await bucket.reserve(), await bucket.reserve(), await bucket.reserve()]
        #expect(waits == [.zero, .milliseconds(500), .seconds(1)])
    }

    @Test("refills over time, never above the burst")
    func refill() async {
        let clock = VirtualClock()
        let bucket = TokenBucket(rate: 10, burst: 5, timeSource: clock.timeSource)
        for _ in 0..<5 { _ = await bucket.reserve() }
        clock.advance(by: .milliseconds(300))
        #expect(abs(await bucket.available - 3) < 1e-9)
        clock.advance(by: .seconds(60))
        #expect(await bucket.available == 5)
    }

    @Test("a pause holds every caller until the reported reset")
    func pause() async {
        let clock = VirtualClock()
        let bucket = TokenBucket(rate: 100, burst: 200, timeSource: clock.timeSource)
        await bucket.pause(for: .seconds(5))
        await bucket.pause(for: .seconds(1))  // shorter: no effect
        #expect(await bucket.reserve() == .seconds(5))
        clock.advance(by: .seconds(5))
        #expect(await bucket.reserve() == .zero)
    }

    @Test("the middleware learns remaining = 0 from the provider's headers")
    func learnsFromHeaders() async throws {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 5_000))
        let mock = MockTransport.always(
            .json(200, "{}", headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "5004"]))
        let client = TestProvider.client(mock, clock: clock, rateLimit: RateLimit(rate: 100, burst: 200))
        _ = try await client.send(TestProvider.get)
        _ = try await client.send(TestProvider.get)
        #expect(clock.sleeps == [.seconds(4)])
    }

    @Test("a fixed window is a burst of the window's count")
    func window() {
        let limit = RateLimit.perWindow(100, per: .seconds(60))
        #expect(limit.burst == 100)
        #expect(abs(limit.rate - 100.0 / 60) < 1e-12)
    }
}

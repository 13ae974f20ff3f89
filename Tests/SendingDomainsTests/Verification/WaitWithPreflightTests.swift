import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// A zone that a test publishes into while a wait is under way.
final class LiveZone: DNSLookup, Sendable {
    let zone = Locked(DNSZone())
    var description: String { "live zone" }

    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        try await zone.withLock { $0 }.query(name, type: type)
    }
}

@Suite("waitUntilVerified with a DNS preflight")
struct WaitWithPreflightTests {
    /// A Krafter simulator whose domains verify after `checksToVerify` checks, and a provisioner
    /// over it, in virtual time.
    static func krafter(checksToVerify: Int) -> (VirtualClock, ProviderSimulator, any DomainProvisioning) {
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        let simulator = ProviderSimulator.krafter(checksToVerify: checksToVerify, now: clock.timeSource.date)
        let provider = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: .krafter),
            options: ClientOptions(
                transport: MockTransport { try await simulator.send($0) }, timeSource: clock.timeSource))
        return (clock, simulator, provider)
    }

    @Test("the provider is asked only once the records are in place, and progress says which are missing")
    func asksWhenReady() async throws {
        // Verification after two checks of the provider, whatever was published: this test is
        // about when the provider is asked.
        let (_, _, provider) = Self.krafter(checksToVerify: 2)
        let domain = try await provider.createDomain(DomainRequest(name: "example.com"))
        let records = try #require(domain.records)
        let live = LiveZone()
        let reports = Locked<[VerificationProgress]>([])

        let final = try await provider.waitUntilVerified(
            id: domain.id, timeout: .seconds(900), preflight: DNSPreflight(lookup: live)
        ) { progress in
            reports.withLock { $0.append(progress) }
            // The customer publishes everything after the third check.
            if progress.attempt == 3 { live.zone.withLock { $0.publish(records) } }
        }
        let seen = reports.withLock { $0 }
        #expect(final.status == .verified)
        // Asked at the first check, not while records are missing, then at every check once they
        // are in place (Krafter's verify enqueues a check, so it takes two more).
        #expect(seen.map(\.askedProvider) == [true, false, false, true, true])
        #expect(seen[0].preflight == nil)  // the first check fetches the records to look up
        let waiting = try #require(seen[1].preflight)
        #expect(!waiting.ready)
        #expect(waiting.blocking.count == records.filter(\.required).count)
        #expect(seen[3].preflight?.ready == true)
    }

    @Test("waiting on a domain already held: check 1 is the DNS lookup, and the provider is asked once it is ready")
    func holdingTheDomain() async throws {
        let (_, _, provider) = Self.krafter(checksToVerify: 1)
        let domain = try await provider.createDomain(DomainRequest(name: "example.com"))
        let records = try #require(domain.records)
        let live = LiveZone()
        let reports = Locked<[VerificationProgress]>([])
        let final = try await provider.waitUntilVerified(
            domain, timeout: .seconds(900), preflight: DNSPreflight(lookup: live)
        ) { progress in
            reports.withLock { $0.append(progress) }
            if progress.attempt == 2 { live.zone.withLock { $0.publish(records) } }
        }
        let seen = reports.withLock { $0 }
        #expect(final.status == .verified)
        #expect(seen.first?.askedProvider == false, "check 1 looked DNS up instead of asking the provider")
        #expect(seen.first?.preflight?.ready == false)
        #expect(seen.prefix(2).allSatisfy { !$0.askedProvider })
        #expect(seen.dropFirst(2).first?.askedProvider == true)
    }

    @Test("while DNS is not ready the provider is still asked at the slow fallback interval")
    func fallback() async throws {
        let (_, _, provider) = Self.krafter(checksToVerify: 1_000)
        let domain = try await provider.createDomain(DomainRequest(name: "example.com"))
        let asked = Locked<[Duration]>([])
        let policy = PollingPolicy(
            initialInterval: .seconds(10), maximumInterval: .seconds(10), providerFallbackInterval: .seconds(60))
        let error = await captureError {
            try await provider.waitUntilVerified(
                id: domain.id, timeout: .seconds(300), policy: policy, preflight: DNSPreflight(lookup: DNSZone())
            ) { progress in
                if progress.askedProvider { asked.withLock { $0.append(progress.elapsed) } }
            }
        }
        #expect(error?.kind == .timeout)
        #expect(error?.message.contains("DNS:") == true)
        // 31 checks in 300 s; the provider at 0 s, then once a minute.
        #expect(asked.withLock { $0 }.map { Int($0.seconds) } == [0, 60, 120, 180, 240, 300])
    }
}

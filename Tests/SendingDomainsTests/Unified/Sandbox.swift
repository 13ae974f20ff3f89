import Foundation
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting

/// A provisioner for `provider` over its simulator, recording requests, on a virtual clock.
struct Sandbox {
    let provider: ProviderID
    let simulator: ProviderSimulator
    let mock: MockTransport
    let clock: VirtualClock
    let provisioner: any DomainProvisioning

    init(_ provider: ProviderID) throws {
        self.provider = provider
        let clock = VirtualClock(date: Date(timeIntervalSince1970: 1_790_000_000))
        // Verified at the second check without publishing: these scenarios test polling.
        let simulator = ProviderSimulator.sandbox(for: provider, checksToVerify: 2, now: clock.timeSource.date)
        let mock = MockTransport { try await simulator.send($0) }
        let credentials = ProviderSimulator.sandboxCredentials(for: provider)
        self.simulator = simulator
        self.mock = mock
        self.clock = clock
        self.provisioner = ProviderFactory.make(
            credentials, options: ClientOptions(transport: mock, timeSource: clock.timeSource))
    }

    /// A create request with what `provider` requires.
    func request(_ domain: String = "example.com") -> DomainRequest {
        var request = DomainRequest(name: domain)
        if provisioner.capabilities.requiredOptions.contains(.region) { request.region = "us-east-1" }
        if provisioner.capabilities.requiredOptions.contains(.senderAddress) {
            request.senderAddress = "noreply@\(domain)"
        }
        return request
    }
}

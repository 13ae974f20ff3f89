// Onboarding: the unified flow a platform runs for each customer domain —
// create → print the records → wait for verification → done — on the offline sandbox.
//
//     swift run Onboarding [provider] [domain]        # e.g. swift run Onboarding krafter shop.example.com

import Foundation
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting

let arguments = Array(CommandLine.arguments.dropFirst())
let provider = arguments.first.flatMap(ProviderID.init(named:)) ?? .ahaSend
let name = arguments.dropFirst().first ?? "example.com"

// A sandbox whose domains verify once their records are published; a virtual clock makes the
// waits instant.
let clock = VirtualClock()
let simulator = ProviderSimulator.sandbox(for: provider, now: clock.timeSource.date)
let options = ClientOptions(transport: simulator, timeSource: clock.timeSource)
let credentials = ProviderSimulator.sandboxCredentials(for: provider)

do {
    let domains = ProviderFactory.make(credentials, options: options)

    // 1. Create, with the options this provider needs.
    var request = DomainRequest(name: name)
    if domains.capabilities.requiredOptions.contains(.region) { request.region = "us-east-1" }
    if domains.capabilities.requiredOptions.contains(.senderAddress) { request.senderAddress = "noreply@\(name)" }
    let domain = try await domains.createDomain(request)
    print("1. Created \(domain.name) at \(provider.displayName) (id \(domain.id)).\n")

    // 2. Show the customer what to publish.
    print("2. Ask the customer to publish:\n")
    print(RecordExport.table(domain.records ?? []))

    // 3. Wait for the provider to see the records.
    guard domains.capabilities.supports(.verify) else {
        print("3. \(provider.displayName) has no public verification endpoint: check the records in its dashboard.")
        exit(0)
    }
    // (In the sandbox, this is the customer publishing the records at their DNS host.)
    await simulator.publishRecords(for: domain.name)
    let final = try await domains.waitUntilVerified(id: domain.id, timeout: .seconds(600)) { progress in
        let next = progress.nextCheckIn.map { ", next check in \($0.seconds) s" } ?? ""
        print("3. Check \(progress.attempt): \(progress.status)\(next)")
    }
    print("\n4. Done: \(final.name) is \(final.status).")
} catch {
    print("Onboarding failed: \(error.description)")
    exit(1)
}

// SendKitExample: SendKit's client used directly. Offline by default; set SENDKIT_API_KEY to
// use the real API.
//
//     swift run SendKitExample example.com us-east-1

import Foundation
import HTTPTransport
import SendKitClient
import SendingDomainsSandbox
import SendingDomainsTesting

let arguments = Array(CommandLine.arguments.dropFirst())
let key = ProcessInfo.processInfo.environment["SENDKIT_API_KEY"]
let options = ClientOptions(transport: key == nil ? ProviderSimulator.sendKit() : URLSessionTransport.shared)
let sendKit = SendKit.Client(apiKey: key ?? ProviderSimulator.sandboxAPIKey, options: options)

do {
    let domain = try await sendKit.createDomain(
        .init(
            name: arguments.first ?? "example.com", region: arguments.dropFirst().first ?? "us-east-1",
            openTracking: true, clickTracking: false, tls: .opportunistic))
    print("\(domain.name): \(domain.status?.rawValue ?? "?") in \(domain.region ?? "?")")
    for record in domain.dnsRecords {
        // record_type is a purpose label; dnsType is the DNS type to publish.
        print("  \(record.recordType) → \(record.recordType.dnsType ?? "?") \(record.name) \(record.value)")
    }
} catch {
    print(error.description)
    exit(1)
}

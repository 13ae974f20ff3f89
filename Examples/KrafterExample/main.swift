// KrafterExample: Krafter's client used directly — create with a custom return path, verify,
// read back. Offline by default; set KRAFTER_API_KEY to use the real API.
//
//     swift run KrafterExample example.com bounce

import Foundation
import HTTPTransport
import KrafterClient
import SendingDomainsSandbox
import SendingDomainsTesting

let arguments = Array(CommandLine.arguments.dropFirst())
let key = ProcessInfo.processInfo.environment["KRAFTER_API_KEY"]
let options = ClientOptions(transport: key == nil ? ProviderSimulator.krafter() : URLSessionTransport.shared)
let krafter = Krafter.Client(apiKey: key ?? ProviderSimulator.sandboxAPIKey, options: options)

do {
    let domain = try await krafter.createDomain(
        .init(name: arguments.first ?? "example.com", returnPath: arguments.dropFirst().first ?? "send"))
    print("Created \(domain.name) (\(domain.status)); publish:")
    for record in domain.dnsRecords ?? [] {
        let priority = record.priority.map { " \($0)" } ?? ""
        print("  [\(record.category?.rawValue ?? "-")] \(record.type)\(priority) \(record.name) \(record.value)")
    }
    print("Verify: \(try await krafter.verifyDomain(id: domain.id).status)")
    print("Now: \(try await krafter.getDomain(id: domain.id).status)")
} catch {
    print(error.description)
    exit(1)
}

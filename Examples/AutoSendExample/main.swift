// AutoSendExample: AutoSend's client used directly — create, verify, list, delete. Offline by
// default; set AUTOSEND_API_KEY to use the real API.
//
//     swift run AutoSendExample example.com

import AutoSendClient
import Foundation
import HTTPTransport
import SendingDomainsSandbox
import SendingDomainsTesting

let key = ProcessInfo.processInfo.environment["AUTOSEND_API_KEY"]
let options = ClientOptions(transport: key == nil ? ProviderSimulator.autoSend() : URLSessionTransport.shared)
let autoSend = AutoSend.Client(apiKey: key ?? ProviderSimulator.sandboxAPIKey, options: options)

do {
    let domain = try await autoSend.createDomain(
        .init(name: CommandLine.arguments.dropFirst().first ?? "example.com"))
    print("Created \(domain.name) (id \(domain.id)); publish:")
    for record in domain.dnsRecords?.all ?? [] {
        print("  \(record.type) \(record.name) \(record.value)")
    }
    let check = try await autoSend.verifyDomain(id: domain.id)
    print("Verify: \(check.verificationStatus?.rawValue ?? "?"), in progress: \(check.verificationInProgress ?? false)")
    print("Domains in the project: \(try await autoSend.listDomains().map(\.name))")
    if key == nil {
        try await autoSend.deleteDomain(id: domain.id)
        print("Deleted the sandbox domain.")
    }
} catch {
    print(error.description)
    exit(1)
}

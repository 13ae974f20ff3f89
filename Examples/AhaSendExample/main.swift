// AhaSendExample: AhaSend's client used directly — an idempotent create, lazy paging, check-dns,
// update. Offline by default; set AHASEND_API_KEY and AHASEND_ACCOUNT_ID to use the real API.
//
//     swift run AhaSendExample example.com

import AhaSendClient
import Foundation
import HTTPTransport
import SendingDomainsSandbox
import SendingDomainsTesting

let environment = ProcessInfo.processInfo.environment
let live = environment["AHASEND_API_KEY"] != nil && environment["AHASEND_ACCOUNT_ID"] != nil
let ahaSend = AhaSend.Client(
    apiKey: environment["AHASEND_API_KEY"] ?? ProviderSimulator.sandboxAPIKey,
    accountID: environment["AHASEND_ACCOUNT_ID"] ?? ProviderSimulator.sandboxAccountID,
    options: ClientOptions(transport: live ? URLSessionTransport.shared : ProviderSimulator.ahaSend()))
let name = CommandLine.arguments.dropFirst().first ?? "example.com"

do {
    // The same key on a retry — even after a restart — can never create the domain twice.
    let key = try IdempotencyKey("example-onboarding-\(name)")
    let domain = try await ahaSend.createDomain(.init(name: name, returnPathSubdomain: "mail"), idempotencyKey: key)
    print("Created \(domain.name); publish:")
    for record in domain.dnsRecords {
        print("  \(record.required ? "required" : "optional") \(record.type) \(record.host) \(record.value)")
    }
    for try await listed in ahaSend.domains(dnsValid: false, pageSize: 50) {
        let checked = try await ahaSend.verifyDomain(id: listed.name)
        print("\(listed.name): DNS valid = \(checked.dnsValid)")
    }
    let updated = try await ahaSend.updateDomain(id: name, .init(trackingSubdomain: "links"))
    print("Tracking subdomain now: \(updated.trackingSubdomain ?? "default")")
} catch {
    print(error.description)
    exit(1)
}

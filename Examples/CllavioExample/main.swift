// CllavioExample: Cllavio's (Sendtrim's) client used directly. Offline by default; set
// CLLAVIO_ACCESS_TOKEN and CLLAVIO_SECRET_TOKEN to use the real API.
//
//     swift run CllavioExample noreply@example.com

import CllavioClient
import Foundation
import HTTPTransport
import SendingDomainsSandbox
import SendingDomainsTesting

let environment = ProcessInfo.processInfo.environment
let access = environment["CLLAVIO_ACCESS_TOKEN"]
let secret = environment["CLLAVIO_SECRET_TOKEN"]
let live = access != nil && secret != nil
let cllavio = Cllavio.Client(
    accessToken: access ?? ProviderSimulator.sandboxAPIKey, secretToken: secret ?? ProviderSimulator.sandboxSecretToken,
    options: ClientOptions(transport: live ? URLSessionTransport.shared : ProviderSimulator.cllavio()))

do {
    let generated = try await cllavio.generateDomain(
        .init(email: CommandLine.arguments.dropFirst().first ?? "noreply@example.com", inbound: false))
    print("Publish these TXT records for \(generated.name):")
    for record in generated.records {
        print("  \(record.role.rawValue.uppercased()) \(record.host) \(record.value)")
    }
} catch {
    print(error.description)
    exit(1)
}

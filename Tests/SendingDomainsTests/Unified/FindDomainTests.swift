import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

@Suite("Finding a domain by name after a conflict")
struct FindDomainTests {
    @Test(
        "every provider with reads finds the domain, with its records, by any spelling of its name",
        arguments: [ProviderID.autoSend, .krafter, .ahaSend])
    func finds(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let created = try await sandbox.provisioner.createDomain(sandbox.request("mail.example.com"))
        _ = try await sandbox.provisioner.createDomain(sandbox.request("other.example.com"))
        let conflict = await captureError {
            try await sandbox.provisioner.createDomain(sandbox.request("mail.example.com"))
        }
        #expect(conflict?.kind == .conflict)
        #expect(conflict?.description.contains("find") == true, "\(String(describing: conflict))")
        let found = try await sandbox.provisioner.findDomain(named: "MAIL.Example.com.")
        #expect(found.id == created.id)
        #expect(found.records?.isEmpty == false, "Krafter's list has no records: find reads the match")
        let missing = await captureError { try await sandbox.provisioner.findDomain(named: "nope.example.com") }
        #expect(missing?.kind == .notFound)
        let invalid = await captureError { try await sandbox.provisioner.findDomain(named: "not a name") }
        #expect(invalid?.kind == .validation)
        #expect(invalid?.operation == "findDomain")
    }

    @Test(
        "SendKit and Cllavio cannot read: unsupportedOperation, nothing sent",
        arguments: [ProviderID.sendKit, .cllavio])
    func unsupported(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let error = await captureError { try await sandbox.provisioner.findDomain(named: "example.com") }
        #expect(error?.kind == .unsupportedOperation)
        #expect(sandbox.mock.requests.isEmpty)
    }

    @Test("a provider that returns several domains of one name: a conflict naming their ids")
    func several() async throws {
        let twice = TwiceListed()
        let error = await captureError { try await twice.findDomain(named: "example.com") }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("id-1, id-2") == true, "\(String(describing: error))")
    }

    /// A provisioner of your own, relying on the default `findDomain(named:)`.
    struct TwiceListed: DomainProvisioning {
        var provider: ProviderID { .autoSend }
        var capabilities: ProviderCapabilities {
            ProviderCapabilities(operations: Set(DomainOperation.allCases), options: [])
        }
        var timeSource: TimeSource { .system }
        func domain(_ id: String) -> SendingDomain { ScriptedProvisioner.domain(id, status: .pending) }
        func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
            domain("id-1")
        }
        func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain { domain(id) }
        func listDomains() -> DomainList {
            DomainList { _ throws(SendingDomainsError) in
                (
                    [domain("id-1"), domain("id-2"), domain("id-3")].map { value in
                        var value = value
                        value.name = value.id == "id-3" ? "other.example.com" : "Example.COM"
                        return value
                    }, nil
                )
            }
        }
        func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain { domain(id) }
        func deleteDomain(id: String) async throws(SendingDomainsError) {}
    }
}

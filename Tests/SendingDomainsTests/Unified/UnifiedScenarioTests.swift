import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting
import Testing

/// The same onboarding scenarios against all five providers, through each provider's simulator
/// behind a `MockTransport`.
@Suite("DomainProvisioning scenarios on every provider")
struct UnifiedScenarioTests {
    static let providers = ProviderID.all

    @Test("create returns the records to publish, normalised", arguments: providers)
    func create(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let domain = try await sandbox.provisioner.createDomain(sandbox.request("Example.com"))
        #expect(domain.provider == provider)
        #expect(domain.name == "example.com")
        #expect(domain.status == .pending)
        let records = try #require(domain.records, "create carries the records")
        #expect(!records.isEmpty)
        let purposes = Set(records.map(\.purpose))
        #expect(purposes.contains(.dkim))
        #expect(purposes.contains(.dmarc))
        #expect(purposes.isDisjoint(with: [.other]), "\(records)")
        for record in records {
            #expect(record.name == record.name.lowercased() && !record.name.hasSuffix("."))
            #expect(record.name == "example.com" || record.name.hasSuffix(".example.com"))
            #expect(record.relativeName == "@" || !record.relativeName.hasSuffix("example.com"))
            #expect(record.type != .mx || record.priority != nil)
        }
        #expect(records.contains { $0.purpose == .dmarc && $0.relativeName == "_dmarc" })
        switch provider {
        case .ahaSend: #expect(domain.id == "example.com")
        case .autoSend: #expect(domain.id.count == 24 && domain.id.allSatisfy(\.isHexDigit))
        case .krafter, .sendKit: #expect(UUID(uuidString: domain.id) != nil)
        default: #expect(domain.id == "example.com")
        }
    }

    @Test("ProviderFactory.sandbox: a one-line offline provisioner, or one over your own simulator")
    func sandboxFactory() async throws {
        let krafter = try ProviderFactory.sandbox(.krafter)
        let created = try await krafter.createDomain(DomainRequest(name: "example.com"))
        #expect(try await krafter.getDomain(id: created.id).name == "example.com")

        let simulator = ProviderSimulator.ahaSend()
        let ahaSend = try ProviderFactory.sandbox(.ahaSend, simulator: simulator)
        _ = try await ahaSend.createDomain(DomainRequest(name: "example.com"))
        #expect(await simulator.domainNames == ["example.com"])

        let mismatch = await captureError { try ProviderFactory.sandbox(.krafter, simulator: simulator) }
        #expect(mismatch?.kind == .validation)
        #expect(mismatch?.fieldErrors.first?.field == "simulator")
    }

    @Test("creating a domain twice is a conflict at every provider", arguments: providers)
    func duplicateIsConflict(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        _ = try await sandbox.provisioner.createDomain(sandbox.request())
        let error = await captureError { try await sandbox.provisioner.createDomain(sandbox.request()) }
        #expect(error?.kind == .conflict, "\(String(describing: error))")
        #expect(error?.provider == provider)
    }

    /// Each provider's own words for "already exists", as its API sends them.
    static let alreadyExists: [(ProviderID, Int, String)] = [
        (.sendKit, 422, #"{"name": "validation_error", "message": "The name has already been taken."}"#),
        (
            .autoSend, 400,
            #"{"success": false, "error": {"message": "Domain already added", "code": "VALIDATION_FAILED", "details": [{"field": "domain", "message": "Domain already exists"}]}}"#
        ),
        (.krafter, 422, #"{"error": "Validation failed", "details": {"domain": ["has already been taken"]}}"#),
        (.cllavio, 409, #""Domain is already taken""#),
        (.ahaSend, 409, #"{"message": "Domain already exists"}"#),
    ]

    @Test("each provider's already-exists answer maps to conflict", arguments: alreadyExists)
    func alreadyExistsVectors(provider: ProviderID, status: Int, body: String) async throws {
        let mock = MockTransport.always(.json(status, body))
        let provisioner = ProviderFactory.make(
            ProviderSimulator.sandboxCredentials(for: provider),
            options: ClientOptions(transport: mock, retryPolicy: .disabled))
        var request = DomainRequest(name: "example.com")
        if provider == .sendKit { request.region = "us-east-1" }
        if provider == .cllavio { request.senderAddress = "noreply@example.com" }
        let error = await captureError { try await provisioner.createDomain(request) }
        #expect(error?.kind == .conflict, "\(String(describing: error))")
        #expect(error?.status == status)
    }

    @Test("get, list, verify and delete — or unsupportedOperation naming the provider", arguments: providers)
    func lifecycle(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let provisioner = sandbox.provisioner
        let created = try await provisioner.createDomain(sandbox.request())
        let capabilities = provisioner.capabilities

        let got = await captureError { try await provisioner.getDomain(id: created.id) }
        let listed = await captureError { try await provisioner.listDomains().collect() }
        let verified = await captureError { try await provisioner.verifyDomain(id: created.id) }
        for (operation, error) in [(DomainOperation.get, got), (.list, listed), (.verify, verified)] {
            if capabilities.supports(operation) {
                #expect(error == nil, "\(operation): \(String(describing: error))")
            } else {
                #expect(error?.kind == .unsupportedOperation)
                #expect(error?.provider == provider)
                #expect(error?.message.contains(provider.displayName) == true)
            }
        }
        if capabilities.supports(.list) {
            #expect(try await provisioner.listDomains().collect().map(\.id) == [created.id])
        }
        if capabilities.supports(.get) {
            let again = try await provisioner.getDomain(id: created.id)
            #expect(again.name == created.name)
            #expect(again.id == created.id)
        }
        let requestsBefore = sandbox.mock.requests.count
        let deleted = await captureError { try await provisioner.deleteDomain(id: created.id) }
        if capabilities.supports(.delete) {
            #expect(deleted == nil)
            let gone = await captureError { try await provisioner.getDomain(id: created.id) }
            #expect(gone?.kind == .notFound)
        } else {
            #expect(deleted?.kind == .unsupportedOperation)
            #expect(sandbox.mock.requests.count == requestsBefore, "an unsupported operation sent a request")
        }
    }

    @Test("waitUntilVerified polls with backoff to verified, reporting progress", arguments: providers)
    func waitUntilVerified(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let created = try await sandbox.provisioner.createDomain(sandbox.request())
        let reports = Locked<[VerificationProgress]>([])
        let result = await captureError {
            try await sandbox.provisioner.waitUntilVerified(id: created.id, timeout: .seconds(300)) { progress in
                reports.withLock { $0.append(progress) }
            }
        }
        guard sandbox.provisioner.capabilities.supports(.verify) else {
            #expect(result?.kind == .unsupportedOperation)
            return
        }
        #expect(result == nil, "\(String(describing: result))")
        let seen = reports.withLock { $0 }
        #expect(seen.last?.status == .verified)
        #expect(seen.last?.nextCheckIn == nil)
        #expect(seen.count >= 2)
        #expect(seen.map(\.attempt) == Array(1...seen.count))
        // one wait between checks, growing 5 s, 7.5 s, …
        #expect(sandbox.clock.sleeps == (1..<seen.count).map { PollingPolicy.default.interval(afterCheck: $0) })
        #expect(sandbox.clock.sleeps.first == .seconds(5))
        #expect(PollingPolicy.default.interval(afterCheck: 2) == .milliseconds(7_500))
        let final = try await sandbox.provisioner.getDomain(id: created.id)
        #expect(final.status == .verified)
    }

    @Test(
        "waitUntilVerified gives up at the timeout with the last status",
        arguments: [ProviderID.ahaSend, .krafter, .autoSend])
    func waitTimeout(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let created = try await sandbox.provisioner.createDomain(sandbox.request())
        let error = await captureError {
            try await sandbox.provisioner.waitUntilVerified(id: created.id, timeout: .seconds(3))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.message.contains("example.com") == true)
        #expect(sandbox.clock.sleeps.isEmpty)
    }

    @Test("a missing required option, or one the provider does not support, is named", arguments: providers)
    func options(provider: ProviderID) async throws {
        let sandbox = try Sandbox(provider)
        let capabilities = sandbox.provisioner.capabilities
        if let required = capabilities.requiredOptions.first {
            let error = await captureError {
                try await sandbox.provisioner.createDomain(DomainRequest(name: "example.com"))
            }
            #expect(error?.kind == .validation)
            #expect(error?.fieldErrors.first?.field == required.rawValue)
        }
        let unsupported = try #require(DomainOption.allCases.first { !capabilities.supports($0) })
        var request = sandbox.request()
        switch unsupported {
        case .region: request.region = "eu-west-1"
        case .senderAddress: request.senderAddress = "a@example.com"
        case .replyTo: request.replyTo = "b@example.com"
        case .returnPathSubdomain: request.returnPathSubdomain = "bounce"
        case .trackingSubdomain: request.trackingSubdomain = "click"
        case .openTracking: request.openTracking = true
        case .clickTracking: request.clickTracking = true
        case .inbound: request.inbound = true
        default: Issue.record("an option this test does not know: \(unsupported)")
        }
        let error = await captureError { try await sandbox.provisioner.createDomain(request) }
        #expect(error?.kind == .validation)
        #expect(error?.fieldErrors.first?.field == unsupported.rawValue)
        #expect(sandbox.mock.requests.isEmpty)
    }

    @Test("AhaSend's list pages lazily through the unified API")
    func paging() async throws {
        let sandbox = try Sandbox(.ahaSend)
        for index in 0..<3 {
            _ = try await sandbox.provisioner.createDomain(DomainRequest(name: "d\(index).example.com"))
        }
        let names = try await sandbox.provisioner.listDomains().collect().map(\.name)
        #expect(names == ["d0.example.com", "d1.example.com", "d2.example.com"])
    }

    @Test("the factory reads credentials from the environment and names what is missing")
    func factory() async throws {
        let provisioner = try ProviderFactory.fromEnvironment(
            .ahaSend, environment: ["AHASEND_API_KEY": "k", "AHASEND_ACCOUNT_ID": ProviderSimulator.sandboxAccountID])
        #expect(provisioner.provider == .ahaSend)
        do {
            _ = try ProviderFactory.fromEnvironment(.cllavio, environment: ["CLLAVIO_ACCESS_TOKEN": "secret-value"])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .authentication)
            #expect(error.fieldErrors.map(\.field) == ["CLLAVIO_SECRET_TOKEN"])
            #expect(!error.description.contains("secret-value"))
        }
        // The credentials name the provider: a client can only get the credentials it takes.
        #expect(ProviderFactory.make(.cllavio(accessToken: "a", secretToken: "b")).provider == .cllavio)
        #expect(ProviderCredentials.ahaSend(apiKey: "k", accountID: "a").provider == .ahaSend)
        let unknown = await captureError {
            try ProviderFactory.fromEnvironment(
                ProviderID(rawValue: "mailgun", displayName: "Mailgun"), environment: [:])
        }
        #expect(unknown?.kind == .validation)
        #expect(ProviderID(named: "SendTrim") == .cllavio)
        #expect(ProviderID(named: "mailgun") == nil)
        #expect(ProviderFactory.capabilities.count == 5)
    }
}

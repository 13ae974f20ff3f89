@_spi(ProviderAuthoring) import AutoSendClient
@_spi(ProviderAuthoring) import HTTPTransport

/// ``DomainProvisioning`` over `AutoSendClient`: every operation; `region` maps to
/// `regionKey`.
public struct AutoSendProvisioner: DomainProvisioning {
    /// The provider client.
    public let client: AutoSend.Client

    /// Wraps a client.
    public init(_ client: AutoSend.Client) {
        self.client = client
    }

    /// AutoSend.
    public var provider: ProviderID { .autoSend }
    /// The client's clock.
    public var timeSource: TimeSource { client.api.options.timeSource }

    /// Every operation; `region` optional.
    public static let capabilities = ProviderCapabilities(operations: Set(DomainOperation.allCases), options: [.region])

    /// ``capabilities``.
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// `POST /domains`.
    public func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        try client.api.run(.createDomain) { () throws(SendingDomainsError) in
            try request.check(against: capabilities, provider: provider)
        }
        return SendingDomain(try await client.createDomain(.init(name: request.name, regionKey: request.region)))
    }

    /// `GET /domains/{domainId}`.
    public func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        SendingDomain(try await client.getDomain(id: id))
    }

    /// `GET /domains`, one page.
    public func listDomains() -> DomainList {
        DomainList { _ throws(SendingDomainsError) in
            (try await client.listDomains().map { SendingDomain($0) }, nil)
        }
    }

    /// `POST /domains/{domainId}/verify`.
    public func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        let result = try await client.verifyDomain(id: id)
        guard var domain = result.domain else {
            throw SendingDomainsError(
                kind: .decoding, message: "The verify response has no domain", provider: provider,
                operation: OperationName.verifyDomain.rawValue)
        }
        domain.verificationStatus = result.verificationStatus ?? domain.verificationStatus
        domain.verificationInProgress = result.verificationInProgress ?? domain.verificationInProgress
        domain.ownershipVerified = result.ownershipVerified ?? domain.ownershipVerified
        domain.dkimEnabled = result.dkimEnabled ?? domain.dkimEnabled
        domain.mailFromEnabled = result.mailFromEnabled ?? domain.mailFromEnabled
        domain.dmarcEnabled = result.dmarcEnabled ?? domain.dmarcEnabled
        return SendingDomain(domain, verification: result)
    }

    /// `DELETE /domains/{domainId}`.
    public func deleteDomain(id: String) async throws(SendingDomainsError) {
        try await client.deleteDomain(id: id)
    }

    static func converting(
        _ domain: AutoSend.Domain, verification: AutoSend.VerificationResult? = nil
    ) -> SendingDomain {
        let flags = [domain.ownershipVerified, domain.dkimEnabled, domain.mailFromEnabled].map { $0 ?? false }
        let status: DomainStatus =
            switch domain.verificationStatus {
            case .verified?: .verified
            case .unknown(let raw)? where raw.uppercased().contains("FAIL"): .failed
            case .unknown(let raw)? where domain.verificationInProgress != true: DomainStatus(code: raw)
            default:
                domain.verificationInProgress == true
                    ? .verifying : flags.contains(true) ? .partiallyVerified : .pending
            }
        func flag(_ value: Bool?) -> RecordStatus? { value.map { $0 ? .verified : .pending } }
        let sets = domain.dnsRecords
        var records: [DNSRecord] = []
        func add(_ record: AutoSend.DNSRecord?, _ purpose: RecordPurpose, required: Bool, status: RecordStatus?) {
            guard let record else { return }
            records.append(
                DNSRecord(
                    type: DNSRecordType(rawValue: record.type), name: record.name, domain: domain.name,
                    value: record.value, priority: record.priority, purpose: purpose, required: required, status: status
                ))
        }
        add(sets?.ownership, .ownershipVerification, required: true, status: flag(domain.ownershipVerified))
        add(sets?.dkim, .dkim, required: true, status: flag(domain.dkimEnabled))
        for record in sets?.mailFrom ?? [] {
            add(
                record, record.type.uppercased() == "MX" ? .returnPath : .spf, required: true,
                status: flag(domain.mailFromEnabled))
        }
        add(sets?.dmarc, .dmarc, required: false, status: flag(domain.dmarcEnabled))
        return SendingDomain(
            id: domain.id, name: domain.name, provider: .autoSend, status: status,
            records: sets == nil ? nil : records,
            createdAt: domain.createdAt, verifiedAt: domain.verifiedAt, lastCheckedAt: domain.lastCheckedAt,
            providerDomain: .autoSend(domain, verification: verification))
    }
}

extension SendingDomain {
    /// Maps AutoSend's model: `VERIFIED` → verified; a running verification → verifying; some of
    /// ownership, DKIM, MAIL FROM verified → partially verified; otherwise pending. The keyed
    /// records become ownership, DKIM, return path (MX), SPF and DMARC (optional) records, each
    /// with a status from the matching flag.
    public init(_ domain: AutoSend.Domain, verification: AutoSend.VerificationResult? = nil) {
        self = AutoSendProvisioner.converting(domain, verification: verification)
    }
}

extension AutoSendProvisioner {
    /// The unified domain for AutoSend's model.
    @available(*, deprecated, renamed: "SendingDomain.init(_:verification:)")
    public static func normalize(
        _ domain: AutoSend.Domain, verification: AutoSend.VerificationResult? = nil
    )
        -> SendingDomain
    {
        SendingDomain(domain, verification: verification)
    }
}

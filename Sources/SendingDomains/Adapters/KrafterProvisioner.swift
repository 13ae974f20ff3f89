@_spi(ProviderAuthoring) import HTTPTransport
@_spi(ProviderAuthoring) import KrafterClient

/// ``DomainProvisioning`` over `KrafterClient`: every operation; `returnPathSubdomain` maps to
/// `return_path`.
public struct KrafterProvisioner: DomainProvisioning {
    /// The provider client.
    public let client: Krafter.Client

    /// Wraps a client.
    public init(_ client: Krafter.Client) {
        self.client = client
    }

    /// Krafter.
    public var provider: ProviderID { .krafter }
    /// The client's clock.
    public var timeSource: TimeSource { client.api.options.timeSource }

    /// Every operation; `returnPathSubdomain` optional.
    public static let capabilities = ProviderCapabilities(
        operations: Set(DomainOperation.allCases), options: [.returnPathSubdomain])

    /// ``capabilities``.
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// `POST /domains`.
    public func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        try client.api.run(.createDomain) { () throws(SendingDomainsError) in
            try request.check(against: capabilities, provider: provider)
        }
        return SendingDomain(
            try await client.createDomain(.init(name: request.name, returnPath: request.returnPathSubdomain)))
    }

    /// `GET /domains/:id`, with the full record list.
    public func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        SendingDomain(try await client.getDomain(id: id))
    }

    /// `GET /domains`, one page, without records (call get for them).
    public func listDomains() -> DomainList {
        DomainList { _ throws(SendingDomainsError) in
            (try await client.listDomains().map { SendingDomain($0) }, nil)
        }
    }

    /// `POST /domains/:id/verify`: enqueues a check; the result is usually `verifying`, without
    /// records.
    public func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        SendingDomain(try await client.verifyDomain(id: id))
    }

    /// `DELETE /domains/:id`.
    public func deleteDomain(id: String) async throws(SendingDomainsError) {
        try await client.deleteDomain(id: id)
    }

    /// Get, and a new verify when the domain went back to pending (Krafter checks DNS in a
    /// background job that verify enqueues).
    ///
    /// - Throws: `SendingDomainsError` from the get or the verify.
    public func checkVerification(id: String) async throws(SendingDomainsError) -> SendingDomain {
        let current = try await getDomain(id: id)
        if current.status == .pending { return try await verifyDomain(id: id) }
        return current
    }

    static func converting(_ domain: Krafter.Domain) -> SendingDomain {
        let status: DomainStatus =
            switch domain.status {
            case .pending: .pending
            case .verifying: .verifying
            case .verified: .verified
            case .failed: .failed
            case .unknown(let raw): DomainStatus(code: raw)
            }
        let records = domain.dnsRecords.map {
            $0.map { record in
                let type = DNSRecordType(rawValue: record.type)
                let purpose: RecordPurpose =
                    record.category == .verification
                    ? .ownershipVerification : RecordPurpose.infer(type: type, name: record.name, value: record.value)
                let ttl: RecordTTL =
                    switch record.ttl {
                    case .seconds(let value)?: .seconds(value)
                    default: .automatic
                    }
                return DNSRecord(
                    type: type, name: record.name, domain: domain.name, value: record.value,
                    priority: record.priority,
                    ttl: ttl, purpose: purpose, required: record.required,
                    status: status == .verified ? .verified : nil)
            }
        }
        return SendingDomain(
            id: domain.id, name: domain.name, provider: .krafter, status: status, records: records,
            createdAt: domain.createdAt, verifiedAt: domain.verifiedAt, providerDomain: .krafter(domain))
    }
}

extension SendingDomain {
    /// Maps Krafter's model: statuses one to one; categories and names give each record's
    /// purpose (verification → ownership, `_domainkey` → DKIM, MX → return path, `v=spf1` →
    /// SPF, `_dmarc` → DMARC); `ttl: "Auto"` → automatic.
    public init(_ domain: Krafter.Domain) {
        self = KrafterProvisioner.converting(domain)
    }
}

extension KrafterProvisioner {
    /// The unified domain for Krafter's model.
    @available(*, deprecated, renamed: "SendingDomain.init(_:)")
    public static func normalize(_ domain: Krafter.Domain) -> SendingDomain {
        SendingDomain(domain)
    }
}

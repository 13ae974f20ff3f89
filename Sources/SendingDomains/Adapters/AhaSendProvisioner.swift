@_spi(ProviderAuthoring) import AhaSendClient
@_spi(ProviderAuthoring) import HTTPTransport

/// ``DomainProvisioning`` over `AhaSendClient`: every operation (verify is check-dns); the id
/// is the domain name; creates carry an idempotency key.
public struct AhaSendProvisioner: DomainProvisioning {
    /// The provider client.
    public let client: AhaSend.Client

    /// Wraps a client.
    public init(_ client: AhaSend.Client) {
        self.client = client
    }

    /// AhaSend.
    public var provider: ProviderID { .ahaSend }
    /// The client's clock.
    public var timeSource: TimeSource { client.api.options.timeSource }

    /// Every operation; return-path and tracking subdomains; idempotent create; cursor pages;
    /// no status (only `dns_valid` and record flags).
    public static let capabilities = ProviderCapabilities(
        operations: Set(DomainOperation.allCases), options: [.returnPathSubdomain, .trackingSubdomain],
        idempotentCreate: true)

    /// ``capabilities``.
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// `POST …/domains` with an idempotency key (the request's, or a minted one).
    public func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        try client.api.run(.createDomain) { () throws(SendingDomainsError) in
            try request.check(against: capabilities, provider: provider)
        }
        let domain = try await client.createDomain(
            .init(
                name: request.name, trackingSubdomain: request.trackingSubdomain,
                returnPathSubdomain: request.returnPathSubdomain),
            idempotencyKey: request.idempotencyKey)
        return SendingDomain(domain)
    }

    /// `GET …/domains/{domain}` with the normalised name: AhaSend reads a domain by its name.
    public func findDomain(named name: String) async throws(SendingDomainsError) -> SendingDomain {
        try await getDomain(id: DomainLookupName(name, provider: provider).name)
    }

    /// `GET …/domains/{domain}`; `id` is the domain name.
    public func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        SendingDomain(try await client.getDomain(id: id))
    }

    /// `GET …/domains`, cursor page by cursor page.
    public func listDomains() -> DomainList {
        DomainList(maximumPages: client.api.options.maximumPages) { cursor throws(SendingDomainsError) in
            let page = try await client.domainPage(.init(after: cursor))
            return (page.data.map { SendingDomain($0) }, page.pagination.hasMore ? page.pagination.nextCursor : nil)
        }
    }

    /// `POST …/domains/{domain}/check-dns` (cached by AhaSend for 60 s).
    public func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        SendingDomain(try await client.verifyDomain(id: id))
    }

    /// `DELETE …/domains/{domain}`.
    public func deleteDomain(id: String) async throws(SendingDomainsError) {
        try await client.deleteDomain(id: id)
    }

    static func converting(_ domain: AhaSend.Domain) -> SendingDomain {
        let required = domain.dnsRecords.filter(\.required)
        let status: DomainStatus =
            domain.dnsValid
            ? .verified : required.contains(where: \.propagated) ? .partiallyVerified : .pending
        let returnPath = domain.returnPathSubdomain.map { "\($0).\(domain.name)".lowercased() }
        let tracking = domain.trackingSubdomain.map { "\($0).\(domain.name)".lowercased() }
        let records = domain.dnsRecords.map { record in
            let type = DNSRecordType(rawValue: record.type)
            let host = DNSRecord.trimmedName(record.host)
            let label = (record.label ?? "").lowercased()
            var purpose = RecordPurpose.infer(type: type, name: host, value: record.value)
            if purpose == .other || purpose == .returnPath {
                if host == returnPath || label.contains("return") || label.contains("bounce") {
                    purpose = .returnPath
                } else if host == tracking || label.contains("track") {
                    purpose = .tracking
                } else if label.contains("dkim") {
                    purpose = .dkim
                } else if label.contains("verif") || label.contains("owner") {
                    purpose = .ownershipVerification
                }
            }
            return DNSRecord(
                type: type, name: record.host, domain: domain.name, value: record.value, purpose: purpose,
                required: record.required, status: record.propagated ? .verified : .pending)
        }
        return SendingDomain(
            id: domain.name, name: domain.name, provider: .ahaSend, status: status, records: records,
            createdAt: domain.createdAt, updatedAt: domain.updatedAt, lastCheckedAt: domain.lastDNSCheckAt,
            providerDomain: .ahaSend(domain))
    }
}

extension SendingDomain {
    /// Maps AhaSend's model: `dns_valid` → verified; otherwise partially verified when some
    /// required record has propagated, else pending. Purposes come from the record's label and
    /// host (`_domainkey` → DKIM, the return-path and tracking subdomains, `_dmarc`, `v=spf1`).
    public init(_ domain: AhaSend.Domain) {
        self = AhaSendProvisioner.converting(domain)
    }
}

extension AhaSendProvisioner {
    /// The unified domain for AhaSend's model.
    @available(*, deprecated, renamed: "SendingDomain.init(_:)")
    public static func normalize(_ domain: AhaSend.Domain) -> SendingDomain {
        SendingDomain(domain)
    }
}

@_spi(ProviderAuthoring) import HTTPTransport
@_spi(ProviderAuthoring) import SendKitClient

/// ``DomainProvisioning`` over `SendKitClient`: create only (SendKit publishes no other domain
/// endpoint); `region` is required.
///
/// ```swift
/// let provider = SendKitProvisioner(SendKit.Client(apiKey: key))
/// let domain = try await provider.createDomain(DomainRequest(name: "example.com", region: "us-east-1"))
/// ```
public struct SendKitProvisioner: CreateOnlyProvisioning {
    /// The provider client.
    public let client: SendKit.Client

    /// Wraps a client.
    public init(_ client: SendKit.Client) {
        self.client = client
    }

    /// SendKit.
    public var provider: ProviderID { .sendKit }
    /// The client's clock.
    public var timeSource: TimeSource { client.api.options.timeSource }

    /// Create only; `region` required; open and click tracking.
    public static let capabilities = ProviderCapabilities(
        operations: [.create], options: [.region, .openTracking, .clickTracking], requiredOptions: [.region])

    /// ``capabilities``.
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// Creates the domain with `POST /domains`.
    public func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        try client.api.run(.createDomain) { () throws(SendingDomainsError) in
            try request.check(against: capabilities, provider: provider)
        }
        let domain = try await client.createDomain(
            .init(
                name: request.name, region: request.region ?? "", openTracking: request.openTracking,
                clickTracking: request.clickTracking))
        return SendingDomain(domain)
    }

    static func converting(_ domain: SendKit.Domain) -> SendingDomain {
        let records = domain.dnsRecords.map { record in
            let purpose: RecordPurpose =
                switch record.recordType {
                case .dkim: .dkim
                case .spf: .spf
                case .mx: .returnPath
                case .dmarc: .dmarc
                case .unknown: .other
                }
            let type = record.recordType.dnsType.map(DNSRecordType.init(rawValue:)) ?? .txt
            return DNSRecord(
                type: type, name: record.name, domain: domain.name, value: record.value,
                priority: type == .mx ? record.priority : nil, ttl: record.ttl.map(RecordTTL.seconds) ?? .automatic,
                purpose: purpose, required: purpose != .dmarc, status: record.status.flatMap(recordStatus))
        }
        return SendingDomain(
            id: domain.id, name: domain.name, provider: .sendKit, status: domain.status.map(status) ?? .pending,
            records: records, createdAt: domain.createdAt, updatedAt: domain.updatedAt, providerDomain: .sendKit(domain)
        )
    }

    static func status(_ status: SendKit.Status) -> DomainStatus {
        switch status {
        case .notStarted, .pending: .pending
        case .verified: .verified
        case .partiallyVerified: .partiallyVerified
        case .failed: .failed
        case .temporaryFailure: .temporaryFailure
        case .unknown(let raw): DomainStatus(code: raw)
        }
    }

    static func recordStatus(_ status: SendKit.Status) -> RecordStatus? {
        switch status {
        case .verified: .verified
        case .failed, .temporaryFailure: .failed
        case .notStarted, .pending, .partiallyVerified: .pending
        case .unknown: nil
        }
    }
}

extension SendingDomain {
    /// Maps SendKit's model: statuses one to one (`not_started` → pending); `record_type` is a
    /// purpose label (DKIM and DMARC TXT, SPF TXT, MX the return path); DMARC is optional.
    public init(_ domain: SendKit.Domain) {
        self = SendKitProvisioner.converting(domain)
    }
}

extension SendKitProvisioner {
    /// The unified domain for SendKit's model.
    @available(*, deprecated, renamed: "SendingDomain.init(_:)")
    public static func normalize(_ domain: SendKit.Domain) -> SendingDomain {
        SendingDomain(domain)
    }
}

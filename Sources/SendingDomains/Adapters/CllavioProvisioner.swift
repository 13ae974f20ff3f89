@_spi(ProviderAuthoring) import CllavioClient
@_spi(ProviderAuthoring) import HTTPTransport

/// ``DomainProvisioning`` over `CllavioClient`: create only (Cllavio's verification endpoint
/// is not part of its public API); `senderAddress` is required and must be on the domain.
public struct CllavioProvisioner: CreateOnlyProvisioning {
    /// The provider client.
    public let client: Cllavio.Client

    /// Wraps a client.
    public init(_ client: Cllavio.Client) {
        self.client = client
    }

    /// Cllavio.
    public var provider: ProviderID { .cllavio }
    /// The client's clock.
    public var timeSource: TimeSource { client.api.options.timeSource }

    /// Create only; `senderAddress` required; `replyTo` and `inbound` optional.
    public static let capabilities = ProviderCapabilities(
        operations: [.create], options: [.senderAddress, .replyTo, .inbound], requiredOptions: [.senderAddress])

    /// ``capabilities``.
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// `POST /api/v1/emails/domains/generate`.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` naming `senderAddress` when the
    ///   address is missing or not on ``DomainRequest/name``, and any provider failure.
    public func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain {
        let generate = try client.api.run(.createDomain) { () throws(SendingDomainsError) in
            try request.check(against: capabilities, provider: provider)
            let domain = try DomainName.normalize(request.name, field: "domain")
            let sender = Cllavio.GenerateDomainRequest(
                email: request.senderAddress ?? "", replyTo: request.replyTo, inbound: request.inbound)
            let senderDomain = try EmailAddress.validate(sender.email, field: "senderAddress").domain
            guard senderDomain == domain else {
                throw SendingDomainsError.invalidInput(
                    field: "senderAddress", "must be an address at \(domain) (got one at \(senderDomain))")
            }
            return sender
        }
        return SendingDomain(try await client.generateDomain(generate))
    }

    static func converting(_ generated: Cllavio.GeneratedDomain) -> SendingDomain {
        let records = generated.records.map { record in
            let purpose: RecordPurpose =
                switch record.role {
                case .spf: .spf
                case .dkim: .dkim
                case .dmarc: .dmarc
                case .other: .other
                }
            return DNSRecord(
                type: .txt, name: record.host, domain: generated.name, value: record.value, purpose: purpose)
        }
        return SendingDomain(
            id: generated.name, name: generated.name, provider: .cllavio, status: .pending, records: records,
            providerDomain: .cllavio(generated))
    }
}

extension SendingDomain {
    /// Maps Cllavio's flat map: every entry is a required TXT record; `SPF` at the apex,
    /// `_dmarc` under the domain, the DKIM key at its full name. The id is the domain name and
    /// the status is pending (Cllavio reports none).
    public init(_ generated: Cllavio.GeneratedDomain) {
        self = CllavioProvisioner.converting(generated)
    }
}

extension CllavioProvisioner {
    /// The unified domain for Cllavio's model.
    @available(*, deprecated, renamed: "SendingDomain.init(_:)")
    public static func normalize(_ generated: Cllavio.GeneratedDomain) -> SendingDomain {
        SendingDomain(generated)
    }
}

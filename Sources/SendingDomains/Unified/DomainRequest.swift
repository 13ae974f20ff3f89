@_spi(ProviderAuthoring) import HTTPTransport

/// What to create: the domain's name and the options providers share.
///
/// Each provider understands some options and requires a few (see
/// ``ProviderCapabilities/options`` and ``ProviderCapabilities/requiredOptions``): SendKit needs
/// a `region`, Cllavio a `senderAddress`. A missing required option, or an option the provider
/// does not support, fails with a `validation` error naming it, before anything is sent — so a
/// setting is never silently dropped.
///
/// ```swift
/// var request = DomainRequest(name: "example.com")
/// if provider.capabilities.supports(.region) { request.region = "us-east-1" }
/// if provider.capabilities.supports(.senderAddress) { request.senderAddress = "noreply@example.com" }
/// let domain = try await provider.createDomain(request)
/// ```
public struct DomainRequest: Sendable, Hashable {
    /// The domain's name, e.g. `example.com` — ``SendingDomain/name`` of the domain created.
    public var name: String
    /// The region (SendKit: required; AutoSend: the region key).
    public var region: String?
    /// The sender address (Cllavio: required; its domain must be ``name``).
    public var senderAddress: String?
    /// A reply-to address (Cllavio).
    public var replyTo: String?
    /// The return-path / MAIL FROM subdomain (Krafter `return_path`, AhaSend
    /// `return_path_subdomain`).
    public var returnPathSubdomain: String?
    /// The tracking subdomain (AhaSend).
    public var trackingSubdomain: String?
    /// Open tracking (SendKit).
    public var openTracking: Bool?
    /// Click tracking (SendKit).
    public var clickTracking: Bool?
    /// Inbound mail (Cllavio).
    public var inbound: Bool?
    /// An idempotency key for providers that honour one on create (AhaSend); ignored by others.
    public var idempotencyKey: IdempotencyKey?

    /// Creates a request.
    public init(
        name: String, region: String? = nil, senderAddress: String? = nil, replyTo: String? = nil,
        returnPathSubdomain: String? = nil, trackingSubdomain: String? = nil, openTracking: Bool? = nil,
        clickTracking: Bool? = nil, inbound: Bool? = nil, idempotencyKey: IdempotencyKey? = nil
    ) {
        self.name = name
        self.region = region
        self.senderAddress = senderAddress
        self.replyTo = replyTo
        self.returnPathSubdomain = returnPathSubdomain
        self.trackingSubdomain = trackingSubdomain
        self.openTracking = openTracking
        self.clickTracking = clickTracking
        self.inbound = inbound
        self.idempotencyKey = idempotencyKey
    }

    /// The options this request sets.
    public var specifiedOptions: Set<DomainOption> {
        var options: Set<DomainOption> = []
        if region != nil { options.insert(.region) }
        if senderAddress != nil { options.insert(.senderAddress) }
        if replyTo != nil { options.insert(.replyTo) }
        if returnPathSubdomain != nil { options.insert(.returnPathSubdomain) }
        if trackingSubdomain != nil { options.insert(.trackingSubdomain) }
        if openTracking != nil { options.insert(.openTracking) }
        if clickTracking != nil { options.insert(.clickTracking) }
        if inbound != nil { options.insert(.inbound) }
        return options
    }

    /// Checks the request against a provider's capabilities.
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError/Kind/validation` naming the
    ///   first missing required option or unsupported option.
    package func check(against capabilities: ProviderCapabilities, provider: ProviderID) throws(SendingDomainsError) {
        for option in DomainOption.allCases where capabilities.requiredOptions.contains(option) {
            guard specifiedOptions.contains(option) else {
                throw .invalidInput(
                    field: option.rawValue, "is required by \(provider.displayName)", provider: provider)
            }
        }
        for option in DomainOption.allCases where specifiedOptions.contains(option) && !capabilities.supports(option) {
            throw .invalidInput(
                field: option.rawValue,
                "is not supported by \(provider.displayName); leave it unset (see capabilities.options)",
                provider: provider)
        }
    }
}

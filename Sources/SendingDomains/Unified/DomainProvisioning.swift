@_spi(ProviderAuthoring) import HTTPTransport

/// One async API for onboarding sending domains at any of the five providers.
///
/// Write your onboarding flow once against this protocol and choose the provider at run time;
/// switching or mixing providers does not touch the flow:
///
/// ```swift
/// import SendingDomains
///
/// let provider = try ProviderFactory.fromEnvironment(.ahaSend)
/// let domain = try await provider.createDomain(DomainRequest(name: "example.com"))
/// print(RecordExport.table(domain.records ?? []))            // show the customer what to publish
/// let verified = try await provider.waitUntilVerified(id: domain.id, timeout: .seconds(600)) { progress in
///     print("check \(progress.attempt): \(progress.status)")
/// }
/// ```
///
/// An operation a provider does not offer throws `SendingDomainsError` of kind
/// `SendingDomainsError/Kind/unsupportedOperation` naming the provider and the operation; it is
/// never a silent no-op. Check ``capabilities`` first to adapt your UI.
public protocol DomainProvisioning: Sendable {
    /// The provider behind this instance.
    var provider: ProviderID { get }

    /// Which operations and request options the provider supports.
    var capabilities: ProviderCapabilities { get }

    /// Creates a domain and returns it with the DNS records to publish.
    ///
    /// - Throws: `SendingDomainsError`: `validation` when the request lacks an option the
    ///   provider requires (naming it) or sets one it does not support, and any provider or
    ///   transport failure.
    func createDomain(_ request: DomainRequest) async throws(SendingDomainsError) -> SendingDomain

    /// Reads a domain by the ``SendingDomain/id`` that ``createDomain(_:)`` returned.
    ///
    /// - Throws: `SendingDomainsError` (`unsupportedOperation`, `notFound`, …).
    func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain

    /// Every domain of the account, fetched lazily page by page where the provider pages.
    /// Iterating throws `unsupportedOperation` for a provider without a list endpoint.
    func listDomains() -> DomainList

    /// Asks the provider to check the domain's DNS now and returns the domain's state.
    ///
    /// - Throws: `SendingDomainsError` (`unsupportedOperation`, `notFound`, …).
    func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain

    /// Deletes a domain.
    ///
    /// - Throws: `SendingDomainsError` (`unsupportedOperation`, `notFound`, …).
    func deleteDomain(id: String) async throws(SendingDomainsError)

    /// The account's domain named `name`, with its records — what to call after a create
    /// failed with `conflict` ("already exists").
    ///
    /// The name is matched in its normalised ASCII form (A-label, any case, no trailing dot).
    /// AhaSend reads the domain by name; AutoSend and Krafter list through every page, match
    /// the name, then read the match; SendKit and Cllavio have no read endpoint. A conforming
    /// type of your own gets that list-then-read behaviour from the default implementation.
    ///
    /// ```swift
    /// do {
    ///     _ = try await provider.createDomain(DomainRequest(name: "example.com"))
    /// } catch where error.kind == .conflict {
    ///     let existing = try await provider.findDomain(named: "example.com")
    ///     print(existing.id)
    /// }
    /// ```
    ///
    /// - Throws: `SendingDomainsError`: `validation` for a malformed name (nothing sent),
    ///   `notFound` when the account has no such domain, `conflict` naming their ids when the
    ///   provider returns several, `unsupportedOperation` at a provider without a read endpoint.
    func findDomain(named name: String) async throws(SendingDomainsError) -> SendingDomain

    /// One check while waiting for verification: the provider's verify call, unless the
    /// provider checks differently (Krafter: a get, and a new verify only when the domain fell
    /// back to pending). A requirement, so that a type wrapping a provisioner forwards it.
    ///
    /// The default calls ``verifyDomain(id:)``.
    ///
    /// - Throws: `SendingDomainsError`, as the calls it makes do.
    func checkVerification(id: String) async throws(SendingDomainsError) -> SendingDomain

    /// The clock the provider's client uses, so that waiting is testable in virtual time. The
    /// default is the system clock.
    var timeSource: TimeSource { get }
}

extension DomainProvisioning {
    /// Calls ``verifyDomain(id:)``.
    public func checkVerification(id: String) async throws(SendingDomainsError) -> SendingDomain {
        try await verifyDomain(id: id)
    }

    /// The system clock.
    public var timeSource: TimeSource { .system }
}

/// An operation of ``DomainProvisioning``.
///
/// An extensible set of names, as `SendingDomainsError.Kind` is: a later version may add
/// operations without breaking a `switch` over the ones you handle (give it a `default:`).
public struct DomainOperation: RawRepresentable, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The operation's name, e.g. `"create"`: stable, and what the capability JSON carries.
    public let rawValue: String

    /// An operation by name; names this version does not know are kept as they are.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// ``DomainProvisioning/createDomain(_:)``.
    public static let create = DomainOperation(rawValue: "create")
    /// ``DomainProvisioning/getDomain(id:)``.
    public static let get = DomainOperation(rawValue: "get")
    /// ``DomainProvisioning/listDomains()``.
    public static let list = DomainOperation(rawValue: "list")
    /// ``DomainProvisioning/verifyDomain(id:)`` and waiting for verification.
    public static let verify = DomainOperation(rawValue: "verify")
    /// ``DomainProvisioning/deleteDomain(id:)``.
    public static let delete = DomainOperation(rawValue: "delete")
    /// ``DomainProvisioning/findDomain(named:)``.
    public static let find = DomainOperation(rawValue: "find")

    /// The operations this version knows.
    public static let allCases: [DomainOperation] = [.create, .get, .list, .verify, .delete, .find]

    /// The name.
    public var description: String { rawValue }
}

/// An option of ``DomainRequest``.
///
/// An extensible set of names, as `SendingDomainsError.Kind` is: a later version may add
/// options without breaking a `switch` over the ones you handle (give it a `default:`).
public struct DomainOption: RawRepresentable, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The option's name, e.g. `"region"`.
    public let rawValue: String

    /// An option by name; names this version does not know are kept as they are.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// ``DomainRequest/region``.
    public static let region = DomainOption(rawValue: "region")
    /// ``DomainRequest/senderAddress``.
    public static let senderAddress = DomainOption(rawValue: "senderAddress")
    /// ``DomainRequest/replyTo``.
    public static let replyTo = DomainOption(rawValue: "replyTo")
    /// ``DomainRequest/returnPathSubdomain``.
    public static let returnPathSubdomain = DomainOption(rawValue: "returnPathSubdomain")
    /// ``DomainRequest/trackingSubdomain``.
    public static let trackingSubdomain = DomainOption(rawValue: "trackingSubdomain")
    /// ``DomainRequest/openTracking``.
    public static let openTracking = DomainOption(rawValue: "openTracking")
    /// ``DomainRequest/clickTracking``.
    public static let clickTracking = DomainOption(rawValue: "clickTracking")
    /// ``DomainRequest/inbound``.
    public static let inbound = DomainOption(rawValue: "inbound")

    /// The options this version knows.
    public static let allCases: [DomainOption] = [
        .region, .senderAddress, .replyTo, .returnPathSubdomain, .trackingSubdomain, .openTracking, .clickTracking,
        .inbound,
    ]

    /// The name.
    public var description: String { rawValue }
}

/// What a provider supports: the capability matrix in `Docs/ChoosingAProvider.md`.
public struct ProviderCapabilities: Sendable, Hashable {
    /// The operations offered.
    public var operations: Set<DomainOperation>
    /// The ``DomainRequest`` options the provider understands.
    public var options: Set<DomainOption>
    /// The options the provider requires on create.
    public var requiredOptions: Set<DomainOption>
    /// Whether create honours idempotency keys, so a retried create cannot add a domain twice.
    /// When it does not, a create that timed out or lost its connection may have succeeded:
    /// look the domain up before creating it again (the `domains` command says so).
    public var idempotentCreate: Bool

    /// Creates a capability description.
    public init(
        operations: Set<DomainOperation>, options: Set<DomainOption>, requiredOptions: Set<DomainOption> = [],
        idempotentCreate: Bool = false
    ) {
        self.operations = operations
        self.options = options
        self.requiredOptions = requiredOptions
        self.idempotentCreate = idempotentCreate
    }

    /// Whether `operation` is offered.
    public func supports(_ operation: DomainOperation) -> Bool { operations.contains(operation) }

    /// Whether `option` is understood.
    public func supports(_ option: DomainOption) -> Bool { options.contains(option) }
}

extension DomainProvisioning {
    /// Lists every page, matches the normalised name, then reads the match with
    /// ``DomainProvisioning/getDomain(id:)`` (a list may carry no records); `unsupportedOperation`
    /// where the provider cannot list or read.
    public func findDomain(named name: String) async throws(SendingDomainsError) -> SendingDomain {
        try require(.find, .findDomain)
        let wanted = try DomainLookupName(name, provider: provider)
        var matches: [SendingDomain] = []
        var domains = listDomains().makeAsyncIterator()
        while let domain = try await domains.next() {
            if wanted.matches(domain.name) { matches.append(domain) }
        }
        return try await getDomain(id: wanted.single(of: matches).id)
    }

    /// Throws `unsupportedOperation` unless `operation` is in ``capabilities``.
    func require(_ operation: DomainOperation, _ name: OperationName) throws(SendingDomainsError) {
        guard capabilities.supports(operation) else { throw .unsupported(name, provider: provider) }
    }
}

/// A provider whose published API offers only ``DomainProvisioning/createDomain(_:)`` (SendKit,
/// Cllavio): every other operation throws `unsupportedOperation` naming the provider and the
/// operation, without sending anything.
public protocol CreateOnlyProvisioning: DomainProvisioning {}

extension CreateOnlyProvisioning {
    /// Throws `unsupportedOperation`: the provider publishes no get endpoint.
    public func getDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        throw .unsupported(.getDomain, provider: provider)
    }

    /// Fails on iteration with `unsupportedOperation`: the provider publishes no list endpoint.
    public func listDomains() -> DomainList { .failing(.unsupported(.listDomains, provider: provider)) }

    /// Throws `unsupportedOperation`: the provider publishes no verify endpoint.
    public func verifyDomain(id: String) async throws(SendingDomainsError) -> SendingDomain {
        throw .unsupported(.verifyDomain, provider: provider)
    }

    /// Throws `unsupportedOperation`: the provider publishes no delete endpoint.
    public func deleteDomain(id: String) async throws(SendingDomainsError) {
        throw .unsupported(.deleteDomain, provider: provider)
    }

}

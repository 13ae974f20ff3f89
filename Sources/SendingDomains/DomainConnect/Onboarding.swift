import Foundation

extension DomainConnect {
    /// For a created domain: a one-click URL where the customer's DNS host applies the
    /// platform's template, or the records to type in, as that host wants them.
    ///
    /// ```swift
    /// import SendingDomains
    ///
    /// func onboard(_ domain: SendingDomain, signer: DomainConnect.Signer) async throws(SendingDomainsError) {
    ///     let resolver = try DNSResolver.system()
    ///     let dnsHost = try await DNSHost.detect(domain.name, lookup: resolver)
    ///     let preflight = try await DNSPreflight(lookup: resolver).check(domain)
    ///     let service = DomainConnect.Service(
    ///         providerID: "platform.example", providerName: "Platform", serviceID: "sending",
    ///         serviceName: "Sending domain", syncPubKeyDomain: "platform.example")
    ///     let onboarding = try await DomainConnect.Onboarding.prepare(
    ///         records: domain.records ?? [], domain: domain.name, dnsHost: dnsHost, service: service,
    ///         discovery: DomainConnect.Discovery(lookup: resolver), preflight: preflight,
    ///         redirectURI: "https://app.platform.example/domains/done", state: "8f3a", signer: signer)
    ///     if let link = onboarding.link {
    ///         print("Publish in one click:", link.url)
    ///     } else {
    ///         for entry in onboarding.entries { print(entry.host, entry.value) }
    ///     }
    /// }
    /// ```
    ///
    /// The preflight and waiting work unchanged once the customer applied the template: the
    /// DNS host writes the provider's records (an SPF record merged into the existing one),
    /// which the preflight then finds.
    public struct Onboarding: Sendable, Hashable {
        /// The domain.
        public var domain: String
        /// The customer's DNS host (its zone is the apply URL's `domain`).
        public var dnsHost: DNSHost
        /// What discovery found.
        public var support: Support
        /// The template and this domain's variable values.
        public var generated: GeneratedTemplate
        /// The one-click URL; `nil` when the host does not support Domain Connect or the
        /// template.
        public var link: ApplyLink?
        /// The groups the link applies; `nil` for all. The DMARC group is left out when the
        /// customer already publishes a valid DMARC record (the template's prefix match would
        /// replace it).
        public var groupIDs: [String]?
        /// What to type at the DNS host for each record, in order: the fallback when there is
        /// no ``link``, and what the customer can check the DNS host's consent page against.
        public var entries: [EntryInstruction]

        /// Whether one click publishes the records.
        public var isOneClick: Bool { link != nil }

        /// An onboarding answer.
        public init(
            domain: String, dnsHost: DNSHost, support: Support, generated: GeneratedTemplate, link: ApplyLink?,
            groupIDs: [String]?, entries: [EntryInstruction]
        ) {
            self.domain = domain
            self.dnsHost = dnsHost
            self.support = support
            self.generated = generated
            self.link = link
            self.groupIDs = groupIDs
            self.entries = entries
        }

        /// The error ``prepare(records:domain:dnsHost:service:discovery:preflight:redirectURI:state:signer:)``
        /// throws when the template requires a signature and no signer was given: its
        /// `code`.
        public static let signatureRequiredCode = "signatureRequired"

        /// Discovers Domain Connect at `dnsHost` (its zone), and builds the apply URL for
        /// `records` when the host has the template — signed by `signer` when the template asks
        /// for a signature (the host's copy decides when it returned one, `service` otherwise).
        ///
        /// - Parameters:
        ///   - records: The domain's records, as the provider gave them.
        ///   - domain: The domain.
        ///   - dnsHost: The customer's DNS host, whose zone discovery asks about.
        ///   - service: The platform's template identity.
        ///   - discovery: How discovery reaches DNS and the DNS host's API.
        ///   - preflight: The domain's report, when one was made: a valid DMARC record it found
        ///     keeps the DMARC group out of the URL.
        ///   - redirectURI: Where the DNS host sends the customer back.
        ///   - state: Returned on the redirect, against CSRF.
        ///   - signer: Signs the URL when the template requires it.
        /// - Throws: `SendingDomainsError`: what ``Discovery/check(zone:providerID:serviceID:)``
        ///   and ``Template/generate(from:domain:service:)`` throw; kind
        ///   `validation` with code ``signatureRequiredCode`` when the
        ///   template requires a signature and `signer` is `nil`; what
        ///   ``ApplyRequest/link(signer:)`` throws.
        public static func prepare(
            records: [DNSRecord], domain: String, dnsHost: DNSHost, service: Service, discovery: Discovery,
            preflight: PreflightReport? = nil, redirectURI: String? = nil, state: String? = nil,
            signer: Signer? = nil
        ) async throws(SendingDomainsError) -> Onboarding {
            let generated = try Template.generate(from: records, domain: domain, service: service)
            let entries = dnsHost.entries(for: records)
            let zone = dnsHost.zone.isEmpty ? DNSRecord.trimmedName(domain) : dnsHost.zone
            let support = try await discovery.check(
                zone: zone, providerID: service.providerID, serviceID: service.serviceID)
            var onboarding = Onboarding(
                domain: DNSRecord.trimmedName(domain), dnsHost: dnsHost, support: support, generated: generated,
                link: nil, groupIDs: nil, entries: entries)
            guard support.isSupported, let urlSyncUX = support.settings?.urlSyncUX else { return onboarding }
            let requiresSignature = support.requiresSignature(platformTemplate: generated.template)
            if requiresSignature && signer == nil {
                throw SendingDomainsError(
                    kind: .validation,
                    message:
                        "The template \(service.providerID)/\(service.serviceID) requires a signed apply URL (it has a syncPubKeyDomain): pass a signer and its key host",
                    code: signatureRequiredCode)
            }
            var groups: [String]?
            if let preflight, hasValidDMARC(preflight) {
                groups = generated.template.groupIDs.filter { $0 != Template.dmarcGroup }
            }
            let host = DNSRecord.relative(domain, to: zone)
            let request = ApplyRequest(
                urlSyncUX: urlSyncUX, providerID: service.providerID, serviceID: service.serviceID, zone: zone,
                host: host == "@" ? nil : host, variables: generated.variables, redirectURI: redirectURI, state: state,
                groupIDs: groups)
            onboarding.groupIDs = groups
            onboarding.link = try await request.link(signer: requiresSignature ? signer : nil)
            return onboarding
        }

        /// Whether the report found a valid DMARC record published at a DMARC record's name.
        static func hasValidDMARC(_ report: PreflightReport) -> Bool {
            report.records.contains { result in
                result.record.name.hasPrefix("_dmarc.")
                    && result.observed.contains {
                        DMARCRecord.looksLikeDMARC($0) && (try? DMARCRecord.parse($0)) != nil
                    }
            }
        }
    }
}

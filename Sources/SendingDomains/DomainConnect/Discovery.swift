import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension DomainConnect {
    /// Finds whether a zone's DNS host supports Domain Connect, and a template: TXT
    /// `_domainconnect.<zone>` → `GET https://<that host>/v2/<zone>/settings` → `GET
    /// <urlAPI>/v2/domainTemplates/providers/<providerId>/services/<serviceId>` (spec, "DNS
    /// Provider Discovery", "Query Supported Template").
    ///
    /// The zone is the one that holds the domain — the closest enclosing name with an `SOA`, as
    /// the DNS-host detection finds it (the reference client uses the Public Suffix List,
    /// whose data this SDK does not ship). The hosts discovery talks to come from DNS, so they
    /// are treated as hostile: `https` only; no redirects followed; bodies bounded by
    /// ``maximumBodySize``; each request bounded by ``timeout``; IP literals and names whose
    /// addresses are private, loopback, link-local or otherwise not public refused. That last
    /// check is best effort: `URLSession` resolves the name again when it connects, so a name
    /// that answers differently the second time is not caught. Nothing but the zone and the
    /// template's ids is sent: no credentials.
    ///
    /// ```swift
    /// import SendingDomains
    ///
    /// func connect(zone: String) async throws(SendingDomainsError) {
    ///     let discovery = DomainConnect.Discovery(lookup: try DNSResolver.system())
    ///     let support = try await discovery.check(zone: zone, providerID: "platform.example", serviceID: "sending")
    ///     switch support.status {
    ///     case .supported: print("one click at", support.settings?.providerName ?? "")
    ///     case .templateNotSupported: print("Domain Connect, but not this template")
    ///     default: print("no Domain Connect: show the records to type in")
    ///     }
    /// }
    /// ```
    public struct Discovery: Sendable {
        /// Where the `_domainconnect` TXT record and the API hosts' addresses are looked up.
        public var lookup: any DNSLookup
        /// What sends the two `GET`s: `URLSessionTransport` by default, which follows no
        /// redirect and enforces the timeout and the body limit itself.
        public var transport: any Transport
        /// Each request's limit, connecting to last byte (default 10 s).
        public var timeout: Duration
        /// The largest body read from a DNS host, in bytes (default 64 KiB: settings are a few
        /// hundred bytes, a template a few kilobytes).
        public var maximumBodySize: Int
        /// For tests only: lets discovery use plain `http` to a loopback address (a loopback
        /// server playing the DNS host). Never set it otherwise: it switches the address checks
        /// off for loopback. The `domains` CLI sets it from
        /// `SENDINGDOMAINS_DOMAIN_CONNECT_INSECURE_LOOPBACK=1`.
        public var allowsInsecureLoopback: Bool

        /// A discovery over `lookup` and `transport`.
        public init(
            lookup: any DNSLookup, transport: any Transport = URLSessionTransport.shared,
            timeout: Duration = .seconds(10), maximumBodySize: Int = 64 * 1024, allowsInsecureLoopback: Bool = false
        ) {
            self.lookup = lookup
            self.transport = transport
            self.timeout = timeout
            self.maximumBodySize = maximumBodySize
            self.allowsInsecureLoopback = allowsInsecureLoopback
        }

        private var policy: EndpointPolicy { EndpointPolicy(allowsInsecureLoopback: allowsInsecureLoopback) }

        /// The value of TXT `_domainconnect.<zone>`: the DNS host's API host and path prefix, or
        /// `nil` when there is none (`NXDOMAIN` or no `TXT`).
        ///
        /// - Throws: `SendingDomainsError` of kind `dns` when DNS
        ///   could not be asked.
        public func apiHost(zone: String) async throws(SendingDomainsError) -> String? {
            let zone = DNSRecord.trimmedName(zone)
            guard !zone.isEmpty else { throw .invalidInput(field: "zone", "is empty") }
            let answer = try await lookup.query("_domainconnect.\(zone)", type: .txt)
            let values = answer.records.compactMap { record -> String? in
                guard case .text(let strings) = record.data else { return nil }
                return strings.joined()
            }
            return values.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }

        /// The DNS host's settings for `zone`, or `nil` when it has no Domain Connect for it: no
        /// `_domainconnect` record, or the settings answer `404` (the host does not have the
        /// zone) or another `4xx`.
        ///
        /// - Throws: `SendingDomainsError`: `dns` when DNS could not
        ///   be asked; `transport` when the API host is refused (an
        ///   IP literal, a non-public address, not `https`) or redirects, or the network fails;
        ///   `timeout`; `server` for a
        ///   `5xx`; `decoding` for a body over the limit or settings
        ///   that are not the spec's JSON.
        public func settings(zone: String) async throws(SendingDomainsError) -> Settings? {
            try await discover(zone: zone).settings
        }

        /// Whether the DNS host whose settings are `settings` has the template
        /// `providerID`/`serviceID`: what it answered (a `2xx`), or `nil` for a `4xx` (`404`:
        /// not onboarded).
        ///
        /// - Throws: `SendingDomainsError` as ``settings(zone:)`` does, for `urlAPI`.
        public func template(
            providerID: String, serviceID: String, settings: Settings
        ) async throws(SendingDomainsError) -> HostTemplate? {
            try DomainConnect.checkID(providerID, field: "providerID")
            try DomainConnect.checkID(serviceID, field: "serviceID")
            let endpoint = try policy.endpoint(fromURL: settings.urlAPI, field: "urlAPI")
            try await policy.vet(endpoint, what: "API (urlAPI)", resolve: addresses)
            let response = try await get(
                endpoint, path: ["v2", "domainTemplates", "providers", providerID, "services", serviceID],
                operation: "domainConnectTemplate")
            if (400..<500).contains(response.status) { return nil }
            try Self.requireSuccess(response, what: "template check")
            return HostTemplate.parse(response.body)
        }

        /// Discovery and the template check in one: what to offer the customer of `zone`.
        ///
        /// - Throws: `SendingDomainsError` as ``settings(zone:)`` and
        ///   ``template(providerID:serviceID:settings:)`` do. A missing `_domainconnect` record,
        ///   settings answered with a `4xx`, or a host without a synchronous flow are
        ///   ``Support/Status-swift.struct/noDomainConnect``, not errors.
        public func check(
            zone: String, providerID: String, serviceID: String
        ) async throws(SendingDomainsError)
            -> Support
        {
            try DomainConnect.checkID(providerID, field: "providerID")
            try DomainConnect.checkID(serviceID, field: "serviceID")
            let found = try await discover(zone: zone)
            let zone = DNSRecord.trimmedName(zone)
            guard let settings = found.settings else {
                return Support(status: .noDomainConnect, zone: zone, apiHost: found.apiHost, detail: found.detail)
            }
            guard let sync = settings.urlSyncUX, !sync.isEmpty else {
                return Support(
                    status: .noDomainConnect, zone: zone, apiHost: found.apiHost, settings: settings,
                    detail: "\(settings.providerName) offers no synchronous Domain Connect flow for \(zone)")
            }
            let syncEndpoint = try policy.endpoint(fromURL: sync, field: "urlSyncUX")
            let loopback = IPAddress(syncEndpoint.host)?.isLoopback == true || syncEndpoint.host == "localhost"
            guard syncEndpoint.scheme == "https" || (allowsInsecureLoopback && loopback) else {
                throw EndpointPolicy.refused("urlSyncUX \(syncEndpoint.origin)", "only https is used")
            }
            guard let template = try await template(providerID: providerID, serviceID: serviceID, settings: settings)
            else {
                return Support(
                    status: .templateNotSupported, zone: zone, apiHost: found.apiHost, settings: settings,
                    detail:
                        "\(settings.providerName) supports Domain Connect but has not onboarded the template \(providerID)/\(serviceID)"
                )
            }
            return Support(
                status: .supported, zone: zone, apiHost: found.apiHost, settings: settings, hostTemplate: template,
                detail: "\(settings.providerName) applies the template \(providerID)/\(serviceID) in one click")
        }

        private func discover(
            zone: String
        ) async throws(SendingDomainsError) -> (
            apiHost: String?, settings: Settings?, detail: String
        ) {
            let zone = DNSRecord.trimmedName(zone)
            guard let value = try await apiHost(zone: zone) else {
                return (
                    nil, nil, "\(zone) has no _domainconnect TXT record: its DNS host does not offer Domain Connect"
                )
            }
            let endpoint = try policy.endpoint(fromTXT: value)
            try await policy.vet(endpoint, what: "API host (_domainconnect)", resolve: addresses)
            let response = try await get(endpoint, path: ["v2", zone, "settings"], operation: "domainConnectSettings")
            let shownHost = endpoint.origin
            if (400..<500).contains(response.status) {
                return (
                    value, nil,
                    "The Domain Connect host \(shownHost) named by _domainconnect.\(zone) answered HTTP \(response.status) for its settings: it does not serve this zone"
                )
            }
            try Self.requireSuccess(response, what: "settings")
            do {
                let settings = try JSONDecoder().decode(Settings.self, from: response.body)
                return (value, settings, "")
            } catch {
                throw SendingDomainsError(
                    kind: .decoding,
                    message:
                        "The Domain Connect settings from \(shownHost) are not the spec's JSON (providerId, providerName and urlAPI are required)",
                    status: response.status, underlyingError: error)
            }
        }

        /// The public addresses (`A`, `AAAA`) of `host`, for the policy's check.
        private func addresses(_ host: String) async throws(SendingDomainsError) -> [String] {
            var found: [String] = []
            for type in [DNSRecordType.a, .aaaa] {
                let answer = try await lookup.query(host, type: type)
                for record in answer.records {
                    if case .address(let address) = record.data { found.append(address) }
                }
            }
            return found
        }

        private func get(
            _ endpoint: EndpointPolicy.Endpoint, path: [String], operation: String
        ) async throws(SendingDomainsError) -> TransportResponse {
            guard let base = endpoint.baseURL else {
                throw EndpointPolicy.refused(endpoint.origin, "it does not make a URL")
            }
            let request = TransportRequest(
                method: .get, baseURL: base, path: path, headers: ["Accept": "application/json"], timeout: timeout,
                maximumBodySize: maximumBodySize)
            let transport = self.transport
            // The transport enforces the timeout; the race is the backstop for one that does not.
            let outcome = await Deadline.run(within: timeout + .seconds(1)) {
                () -> Result<TransportResponse, any Error> in
                do {
                    return .success(try await transport.send(request))
                } catch {
                    return .failure(error)
                }
            }
            let response: TransportResponse
            switch outcome {
            case .none:
                if Task.isCancelled { throw SendingDomainsError(kind: .cancelled, message: "Cancelled") }
                throw SendingDomainsError(
                    kind: .timeout, message: "The Domain Connect host \(endpoint.origin) did not answer in time",
                    operation: operation, transportFailure: .timedOut)
            case .failure(let error)?:
                var failure =
                    (error as? SendingDomainsError)
                    ?? SendingDomainsError.wrapping(error, provider: nil, operation: operation)
                failure.operation = operation
                throw failure
            case .success(let answer)?:
                response = answer
            }
            guard response.body.count <= maximumBodySize else {
                throw SendingDomainsError(
                    kind: .decoding,
                    message:
                        "The Domain Connect host \(endpoint.origin) sent a body over the \(maximumBodySize)-byte limit",
                    operation: operation, status: response.status)
            }
            if (300..<400).contains(response.status) {
                var redirect = SendingDomainsError.redirected(
                    status: response.status, location: response.headers["Location"] ?? "")
                redirect.operation = operation
                throw redirect
            }
            return response
        }

        private static func requireSuccess(_ response: TransportResponse, what: String) throws(SendingDomainsError) {
            guard response.isSuccess else {
                throw SendingDomainsError(
                    kind: response.status >= 500 ? .server : .transport,
                    message: "The Domain Connect host answered HTTP \(response.status) to the \(what) request",
                    status: response.status)
            }
        }
    }

    /// What discovery found for a zone.
    public struct Support: Sendable, Hashable {
        /// Whether one click can publish the records.
        ///
        /// A struct with static members, so that a later version can add a status: match the
        /// ones you handle and keep a `default:`.
        public struct Status: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
            /// The status's stable name: `noDomainConnect`, `templateNotSupported`, `supported`.
            public let rawValue: String

            /// A status by name.
            public init(rawValue: String) {
                self.rawValue = rawValue
            }

            /// No `_domainconnect` record, settings the host would not give (`4xx`), or no
            /// synchronous flow: the customer types the records in.
            public static let noDomainConnect = Status(rawValue: "noDomainConnect")
            /// The host supports Domain Connect but has not onboarded the platform's template.
            public static let templateNotSupported = Status(rawValue: "templateNotSupported")
            /// The host has the template: an apply URL publishes the records in one click.
            public static let supported = Status(rawValue: "supported")

            /// The name.
            public var description: String { rawValue }
        }

        /// The result.
        public var status: Status
        /// The zone asked about.
        public var zone: String
        /// The `_domainconnect` record's value, when there is one.
        public var apiHost: String?
        /// The DNS host's settings, when it gave them.
        public var settings: Settings?
        /// What the template check answered, when the host has the template.
        public var hostTemplate: HostTemplate?
        /// The result in a sentence.
        public var detail: String

        /// A result.
        public init(
            status: Status, zone: String, apiHost: String? = nil, settings: Settings? = nil,
            hostTemplate: HostTemplate? = nil, detail: String
        ) {
            self.status = status
            self.zone = zone
            self.apiHost = apiHost
            self.settings = settings
            self.hostTemplate = hostTemplate
            self.detail = detail
        }

        /// Whether the apply URL can be built.
        public var isSupported: Bool { status == .supported }

        /// Whether the apply URL must be signed, given the platform's own template: the host's
        /// copy decides when it returned one (its `syncPubKeyDomain`); otherwise `template`'s
        /// (the platform's copy), and without either, `false`.
        public func requiresSignature(platformTemplate template: Template? = nil) -> Bool {
            if let hostTemplate, hostTemplate.includesTemplate || hostTemplate.syncPubKeyDomain != nil {
                return hostTemplate.syncPubKeyDomain != nil
            }
            return template?.syncPubKeyDomain != nil
        }
    }
}

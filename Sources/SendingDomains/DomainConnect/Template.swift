import Foundation

extension DomainConnect {
    /// A Domain Connect template (spec, "Template Definition"): what the platform publishes once
    /// — to the Domain-Connect/Templates repository and to each DNS host that onboards it — and
    /// what the DNS host writes when a customer applies it, with that customer's variable values.
    ///
    /// ``generate(from:domain:service:)`` makes one from a provider's records. Encoded, its keys
    /// are the spec's (`providerId`, `serviceId`, `syncPubKeyDomain`, `records`, …).
    public struct Template: Sendable, Hashable, Codable {
        /// The platform's `providerId`.
        public var providerID: String
        /// The platform's name.
        public var providerName: String
        /// The template's `serviceId`.
        public var serviceID: String
        /// The service's name.
        public var serviceName: String
        /// The template's version.
        public var version: Int?
        /// Where the public key is, when apply URLs must be signed.
        public var syncPubKeyDomain: String?
        /// Where `redirect_uri` may point.
        public var syncRedirectDomain: String?
        /// Set when the template has variables and no signature protects them: the DNS host
        /// then warns the customer to check where the link came from (spec, "Warnings").
        public var warnPhishing: Bool?
        /// A description for developers (never shown to the customer).
        public var description: String?
        /// What the variables are, for developers.
        public var variableDescription: String?
        /// The records, with `%variables%`.
        public var records: [Record]

        /// The `groupId` of every record but DMARC's.
        public static let sendingGroup = "sending"
        /// The `groupId` of the DMARC record: left out of the apply URL when the customer
        /// already publishes a valid DMARC record, which a prefix match would replace.
        public static let dmarcGroup = "dmarc"

        /// A template.
        public init(
            providerID: String, providerName: String, serviceID: String, serviceName: String, version: Int? = 1,
            syncPubKeyDomain: String? = nil, syncRedirectDomain: String? = nil, warnPhishing: Bool? = nil,
            description: String? = nil, variableDescription: String? = nil, records: [Record]
        ) {
            self.providerID = providerID
            self.providerName = providerName
            self.serviceID = serviceID
            self.serviceName = serviceName
            self.version = version
            self.syncPubKeyDomain = syncPubKeyDomain
            self.syncRedirectDomain = syncRedirectDomain
            self.warnPhishing = warnPhishing
            self.description = description
            self.variableDescription = variableDescription
            self.records = records
        }

        private enum CodingKeys: String, CodingKey {
            case providerID = "providerId"
            case providerName
            case serviceID = "serviceId"
            case serviceName, version, syncPubKeyDomain, syncRedirectDomain, warnPhishing, description
            case variableDescription, records
        }

        /// The template as JSON, pretty-printed with sorted keys: the file to submit as
        /// `<providerId>.<serviceId>.json` (lower case).
        public var json: String { JSONWriter.string(self, pretty: true) }

        /// The groups the template's records use, in order of first use.
        public var groupIDs: [String] {
            var seen: [String] = []
            for group in records.compactMap(\.groupID) where !seen.contains(group) { seen.append(group) }
            return seen
        }

        /// One template record (spec, "Template Record"). Which fields are set depends on the
        /// type: `pointsTo` for `CNAME`, `MX`, `A` and `AAAA`; `data` for `TXT`; `spfRules` for
        /// `SPFM`.
        public struct Record: Sendable, Hashable, Codable {
            /// `TXT`, `CNAME`, `MX`, `A`, `AAAA`, `SPFM`, or another IANA type name.
            public var type: String
            /// The host, relative to `[host.]domain` (`@` for that name itself).
            public var host: String
            /// The target of a `CNAME` or `MX`, the address of an `A` or `AAAA`.
            public var pointsTo: String?
            /// A `TXT` record's value (or another type's presentation form).
            public var data: String?
            /// The TTL in seconds.
            public var ttl: Int?
            /// An `MX` record's priority.
            public var priority: Int?
            /// The group the record belongs to.
            public var groupID: String?
            /// `None`, `All` or `Prefix`: which existing `TXT` records at the host this one replaces.
            public var txtConflictMatchingMode: String?
            /// The prefix for `Prefix` matching (no variables).
            public var txtConflictMatchingPrefix: String?
            /// An `SPFM` record's rules: the SPF terms between `v=spf1` and `all`, merged by the
            /// DNS host into the host's SPF record.
            public var spfRules: String?

            /// A record.
            public init(
                type: String, host: String, pointsTo: String? = nil, data: String? = nil, ttl: Int? = nil,
                priority: Int? = nil, groupID: String? = nil, txtConflictMatchingMode: String? = nil,
                txtConflictMatchingPrefix: String? = nil, spfRules: String? = nil
            ) {
                self.type = type
                self.host = host
                self.pointsTo = pointsTo
                self.data = data
                self.ttl = ttl
                self.priority = priority
                self.groupID = groupID
                self.txtConflictMatchingMode = txtConflictMatchingMode
                self.txtConflictMatchingPrefix = txtConflictMatchingPrefix
                self.spfRules = spfRules
            }

            private enum CodingKeys: String, CodingKey {
                case type, host, pointsTo, data, ttl, priority
                case groupID = "groupId"
                case txtConflictMatchingMode, txtConflictMatchingPrefix, spfRules
            }
        }
    }

    /// A template made from a domain's records, and that domain's values for its variables.
    public struct GeneratedTemplate: Sendable, Hashable, Encodable {
        /// The template: the same for every customer of the platform at that provider (with
        /// the same record shapes), so the platform publishes it once.
        public var template: Template
        /// This domain's value for each variable of ``template``, by name.
        public var variables: [String: String]

        /// A generated template.
        public init(template: Template, variables: [String: String]) {
            self.template = template
            self.variables = variables
        }

        /// `{"template": {…}, "variables": {"name": "value", …}}`, pretty-printed, sorted keys.
        public var json: String { JSONWriter.string(self, pretty: true) }
    }
}

extension DomainConnect.Template {
    /// The template for `records` (a domain's records at any provider) and `domain`'s variable
    /// values.
    ///
    /// One template record per DNS record, in order. What varies from one customer to the next
    /// is a variable with a stable name — `<purpose><n><Part>`, `n` counting the records of that
    /// purpose from 1:
    ///
    /// | record | template | variables |
    /// |---|---|---|
    /// | host `@` or `_dmarc` | literal host | — |
    /// | any other host | `host: %dkim1Host%` | `dkim1Host` = `s1._domainkey` |
    /// | `CNAME`, `MX`, `A`, `AAAA` | `pointsTo: %dkim1Value%` | the target or address |
    /// | `TXT` | `data: %verify1Value%` | the value |
    /// | SPF (`v=spf1 …` at any host) | `SPFM`, `spfRules: %spf1Rules%` | the terms between `v=spf1` and `all` |
    /// | DMARC | `TXT`, group `dmarc`, `Prefix` match on `v=DMARC1` | `dmarc1Value` |
    ///
    /// Purposes: `verify` (ownership), `dkim`, `spf`, `returnPath`, `dmarc`, `tracking`,
    /// `inbound`, `record` (anything else). Every record but DMARC's is in the group
    /// ``sendingGroup``; a DKIM `TXT` replaces any `TXT` at its selector (`All`). The TTL is the
    /// provider's, or 3600 where it gives none (the DNS host may adjust it, per the spec). An
    /// SPF record's `all` term is the DNS host's to write: the spec advises `~all` for the merged
    /// record, so a provider's `-all` comes back as `~all`, which authorises the same senders.
    ///
    /// `warnPhishing` is set when `service` has no `syncPubKeyDomain`: unsigned variables can
    /// be forged in a link, so the DNS host warns the customer.
    ///
    /// ```swift
    /// import SendingDomains
    ///
    /// let records = [
    ///     DNSRecord(type: .cname, name: "s1._domainkey.example.com", domain: "example.com",
    ///               value: "s1.dkim.provider.example", purpose: .dkim),
    ///     DNSRecord(type: .txt, name: "_dmarc.example.com", domain: "example.com",
    ///               value: "v=DMARC1; p=none;", purpose: .dmarc),
    /// ]
    /// let service = DomainConnect.Service(
    ///     providerID: "platform.example", providerName: "Platform", serviceID: "sending", serviceName: "Sending")
    /// let generated = try DomainConnect.Template.generate(from: records, domain: "example.com", service: service)
    /// assert(generated.variables["dkim1Host"] == "s1._domainkey")
    /// assert(generated.template.records[1].groupID == "dmarc")
    /// ```
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` when
    ///   `records` is empty, `service` has an empty or spaced `providerID` or `serviceID`, or a
    ///   record cannot be expressed (an `MX` without a priority).
    public static func generate(
        from records: [DNSRecord], domain: String, service: DomainConnect.Service
    ) throws(SendingDomainsError) -> DomainConnect.GeneratedTemplate {
        try DomainConnect.checkID(service.providerID, field: "providerID")
        try DomainConnect.checkID(service.serviceID, field: "serviceID")
        guard !records.isEmpty else {
            throw .invalidInput(field: "records", "are empty: a template needs at least one record")
        }
        var counts: [String: Int] = [:]
        var variables: [String: String] = [:]
        var templateRecords: [Record] = []
        for record in records {
            let kind = Kind(record)
            counts[kind.prefix, default: 0] += 1
            let stem = "\(kind.prefix)\(counts[kind.prefix] ?? 1)"
            let relative = DNSRecord.relative(record.name, to: domain)
            let host: String
            if relative == "@" || relative == "_dmarc" {
                host = relative
            } else {
                host = "%\(stem)Host%"
                let inside = record.name.hasSuffix("." + DNSRecord.trimmedName(domain))
                // A name outside the domain is absolute: a trailing dot (spec, "Template Record").
                variables["\(stem)Host"] = inside ? relative : record.name + "."
            }
            let ttl: Int =
                switch record.ttl {
                case .seconds(let seconds): seconds
                case .automatic: 3600
                }
            var entry = Record(
                type: record.type.rawValue, host: host, ttl: ttl,
                groupID: kind == .dmarc ? dmarcGroup : sendingGroup)
            switch kind {
            case .spf:
                entry.type = "SPFM"
                entry.ttl = nil
                entry.spfRules = "%\(stem)Rules%"
                variables["\(stem)Rules"] = SPFRules.rules(of: record.value)
            case .dmarc:
                entry.type = "TXT"
                entry.data = "%\(stem)Value%"
                entry.txtConflictMatchingMode = "Prefix"
                entry.txtConflictMatchingPrefix = "v=DMARC1"
                variables["\(stem)Value"] = record.value
            default:
                switch record.type {
                case .mx:
                    let (priority, target) = try mailExchange(record)
                    entry.priority = priority
                    entry.pointsTo = "%\(stem)Value%"
                    variables["\(stem)Value"] = target
                case .cname, .a, .aaaa:
                    entry.pointsTo = "%\(stem)Value%"
                    variables["\(stem)Value"] =
                        record.type == .cname ? DNSRecord.trimmedName(record.value) : record.value
                default:
                    entry.data = "%\(stem)Value%"
                    variables["\(stem)Value"] = record.value
                    if record.type == .txt && kind == .dkim { entry.txtConflictMatchingMode = "All" }
                }
            }
            templateRecords.append(entry)
        }
        let template = DomainConnect.Template(
            providerID: service.providerID, providerName: service.providerName, serviceID: service.serviceID,
            serviceName: service.serviceName, version: service.version, syncPubKeyDomain: service.syncPubKeyDomain,
            syncRedirectDomain: service.syncRedirectDomain,
            warnPhishing: service.syncPubKeyDomain == nil ? true : nil,
            variableDescription: variableDescription(variables.keys.sorted()), records: templateRecords)
        return DomainConnect.GeneratedTemplate(template: template, variables: variables)
    }

    /// `(priority, target)` of an `MX` record: its ``DNSRecord/priority``, or the value's own
    /// `"10 host"` form.
    static func mailExchange(_ record: DNSRecord) throws(SendingDomainsError) -> (Int, String) {
        let parts = record.value.split(separator: " ", omittingEmptySubsequences: true)
        if parts.count == 2, let priority = Int(parts[0]), (0...65535).contains(priority) {
            return (record.priority ?? priority, DNSRecord.trimmedName(String(parts[1])))
        }
        guard let priority = record.priority, (0...65535).contains(priority) else {
            throw .invalidInput(field: "records", "the MX record at \(record.name) has no priority (0–65535)")
        }
        return (priority, DNSRecord.trimmedName(record.value))
    }

    static func variableDescription(_ names: [String]) -> String {
        "Generated by SendingDomains from the sending provider's records. Variables: "
            + names.joined(separator: ", ")
            + ". <purpose><n>Host is the record's host relative to the applied [host.]domain; <purpose><n>Value its value; spf<n>Rules the SPF terms between v=spf1 and all."
    }

    /// What a record is for, as the template names its variables.
    enum Kind: Hashable {
        case verify, dkim, spf, returnPath, dmarc, tracking, inbound, other

        init(_ record: DNSRecord) {
            let value = record.value.lowercased()
            if record.type == .txt && value.hasPrefix("v=spf1") && (value.count == 6 || value.dropFirst(6).first == " ")
            {
                self = .spf
                return
            }
            if record.type == .txt
                && (record.name.hasPrefix("_dmarc.") || record.name == "_dmarc" || value.hasPrefix("v=dmarc1"))
            {
                self = .dmarc
                return
            }
            switch record.purpose {
            case .ownershipVerification: self = .verify
            case .dkim: self = .dkim
            case .returnPath: self = .returnPath
            case .tracking: self = .tracking
            case .inbound: self = .inbound
            case .dmarc: self = record.type == .txt ? .dmarc : .other
            default: self = .other
            }
        }

        var prefix: String {
            switch self {
            case .verify: "verify"
            case .dkim: "dkim"
            case .spf: "spf"
            case .returnPath: "returnPath"
            case .dmarc: "dmarc"
            case .tracking: "tracking"
            case .inbound: "inbound"
            case .other: "record"
            }
        }
    }
}

/// An SPF record's rules as an `SPFM` record carries them.
enum SPFRules {
    /// The terms of `record` after `v=spf1`, without its `all` term (the DNS host ends the merged
    /// record with its own).
    static func rules(of record: String) -> String {
        record.split(whereSeparator: \.isWhitespace).dropFirst().filter { term in
            let lowered = term.lowercased()
            let bare = lowered.first.map { "+-~?".contains($0) } == true ? lowered.dropFirst() : Substring(lowered)
            return bare != "all"
        }.joined(separator: " ")
    }
}

extension DomainConnect {
    /// Refuses an empty `providerId` or `serviceId`, or one with characters a URL path segment
    /// or a template file name cannot hold.
    static func checkID(_ id: String, field: String) throws(SendingDomainsError) {
        guard !id.isEmpty, id.utf8.count <= 253 else {
            throw .invalidInput(field: field, "must be 1 to 253 characters")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        guard id.allSatisfy({ allowed.contains($0) }) else {
            throw .invalidInput(field: field, "may hold only letters, digits, '.', '-' and '_'")
        }
    }
}

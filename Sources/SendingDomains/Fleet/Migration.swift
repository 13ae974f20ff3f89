import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// How to move a sending domain from one provider to another without a gap in authentication:
/// the records to publish now, to keep, and to remove once sending has moved, each with what
/// DNS holds now (the shape `domains check --json` prints).
///
/// See `Docs/Migration.md` for the order of the steps and how long to keep the old records.
public struct MigrationPlan: Sendable, Hashable {
    /// One end of the migration.
    public struct Side: Sendable, Hashable {
        /// The provider.
        public var provider: ProviderID
        /// The domain's id there; `nil` for the destination of a dry run (nothing was created).
        public var id: String?

        /// Creates a side.
        public init(provider: ProviderID, id: String?) {
            self.provider = provider
            self.id = id
        }
    }

    /// Two providers want one name with different data.
    public struct Conflict: Sendable, Hashable {
        /// The fully qualified name.
        public var name: String
        /// What each provider wants there, and what to do.
        public var detail: String

        /// Creates a conflict.
        public init(name: String, detail: String) {
            self.name = name
            self.detail = detail
        }
    }

    /// The domain.
    public var domain: String
    /// Where it is now.
    public var from: Side
    /// Where it goes.
    public var to: Side
    /// The destination's records to publish now, the transition SPF record among them.
    public var add: [PreflightReport.Record]
    /// Records both providers need (one DMARC record, never two), already published or to keep.
    public var keep: [PreflightReport.Record]
    /// The source's records to remove once the destination is verified and sending has moved
    /// (its DKIM after a drain period): never at a name the destination also uses.
    public var removeAfterCutover: [PreflightReport.Record]
    /// Names both providers want with different data that no free label resolved.
    public var conflicts: [Conflict]
    /// The names whose SPF record under ``add`` is a transition record, carrying both
    /// providers' mechanisms until the cutover.
    public var transitionSPF: [String] = []
    /// Free labels chosen at the destination to avoid a collision, in words (already applied
    /// to the destination's create).
    public var resolutions: [String]
    /// What to do, in order.
    public var steps: [String]
    /// What the destination was (or, in a dry run, would be) created with.
    public var destinationRequest: DomainRequest

    /// Creates a plan.
    public init(
        domain: String, from: Side, to: Side, add: [PreflightReport.Record], keep: [PreflightReport.Record],
        removeAfterCutover: [PreflightReport.Record], conflicts: [Conflict], resolutions: [String] = [],
        steps: [String], destinationRequest: DomainRequest
    ) {
        self.domain = domain
        self.from = from
        self.to = to
        self.add = add
        self.keep = keep
        self.removeAfterCutover = removeAfterCutover
        self.conflicts = conflicts
        self.resolutions = resolutions
        self.steps = steps
        self.destinationRequest = destinationRequest
    }

    /// Whether a conflict must be resolved before the plan can be followed.
    public var hasConflicts: Bool { !conflicts.isEmpty }
}

/// Moves a domain from one provider to another: reads it at the source, creates it at the
/// destination (or takes the existing one), and computes the ``MigrationPlan`` from both record
/// sets and what DNS holds now.
///
/// ```swift
/// import SendingDomains
///
/// func move(_ id: String, from source: any DomainProvisioning, to destination: any DomainProvisioning)
///     async throws
/// {
///     let migration = DomainMigration(
///         source: source, destination: destination, preflight: DNSPreflight(lookup: try DNSResolver.system()))
///     let plan = try await migration.plan(sourceID: id)
///     for record in plan.add { print("publish", record.record.type, record.record.name, record.record.answerValue) }
///     for step in plan.steps { print(step) }
/// }
/// ```
public struct DomainMigration: Sendable {
    /// Where the domain is now (it must offer `get`).
    public var source: any DomainProvisioning
    /// Where it goes.
    public var destination: any DomainProvisioning
    /// What DNS holds now.
    public var preflight: DNSPreflight
    /// A fresh stand-in of the destination (its simulator) each time it is called: used to
    /// predict the destination's records before anything is created there, so that a free
    /// label can be chosen for a colliding name, and as the destination of a dry run.
    public var preview: (@Sendable () -> any DomainProvisioning)?

    /// The drain period stated in the plan's steps: how long the source's DKIM records stay after
    /// sending moved (7 days by default).
    public var drainPeriod: Duration = .seconds(7 * 86_400)

    /// Creates a migration.
    public init(
        source: any DomainProvisioning, destination: any DomainProvisioning, preflight: DNSPreflight,
        preview: (@Sendable () -> any DomainProvisioning)? = nil
    ) {
        self.source = source
        self.destination = destination
        self.preflight = preflight
        self.preview = preview
    }

    /// The labels tried, in order, when the destination's MAIL FROM name is taken.
    public static let freeLabelCandidates = ["mail", "bounce", "rp", "mailfrom", "mta", "em", "send2", "send3"]

    /// Reads the source, creates the destination (unless `dryRun`) and plans.
    ///
    /// - Parameters:
    ///   - sourceID: The domain's id at the source.
    ///   - request: The destination's create options (the name is the source domain's).
    ///   - dryRun: Create nothing: the destination's records come from ``preview`` and are
    ///     marked as placeholders.
    /// - Throws: `SendingDomainsError`: `unsupportedOperation` when the source cannot be read
    ///   (SendKit, Cllavio) or a dry run has no ``preview``; `validation` for options the
    ///   destination does not take; what the providers and DNS throw.
    public func plan(
        sourceID: String, request: DomainRequest = DomainRequest(name: ""), dryRun: Bool = false
    ) async throws(SendingDomainsError) -> MigrationPlan {
        guard source.capabilities.supports(.get) else {
            throw SendingDomainsError(
                kind: .unsupportedOperation,
                message:
                    "\(source.provider.displayName) publishes no read endpoint: a migration needs the source domain's records",
                provider: source.provider, operation: "migrate")
        }
        var sourceDomain = try await source.getDomain(id: sourceID)
        if sourceDomain.records == nil { sourceDomain = try await source.getDomain(id: sourceDomain.id) }
        var request = request
        request.name = sourceDomain.name
        try request.check(against: destination.capabilities, provider: destination.provider)
        var resolutions: [String] = []
        let sourceRecords = sourceDomain.records ?? []

        // Predict the destination's records; choose a free MAIL FROM label where it collides.
        var predicted: SendingDomain?
        if let preview {
            predicted = try await preview().createDomain(request)
            if request.returnPathSubdomain == nil, destination.capabilities.supports(.returnPathSubdomain),
                let collision = Self.returnPathCollision(predicted?.records ?? [], sourceRecords)
            {
                let used = Set(sourceRecords.map { Self.firstLabel($0.relativeName) })
                    .union((predicted?.records ?? []).map { Self.firstLabel($0.relativeName) })
                if let label = Self.freeLabelCandidates.first(where: { !used.contains($0) }) {
                    request.returnPathSubdomain = label
                    predicted = try await preview().createDomain(request)
                    let option = destination.provider == .krafter ? "return_path" : "return_path_subdomain"
                    resolutions.append(
                        "\(collision) is the MAIL FROM host of both providers: the destination uses \(label).\(sourceDomain.name) instead (\(destination.provider.displayName)'s \(option))"
                    )
                }
            }
        } else if dryRun {
            throw SendingDomainsError(
                kind: .unsupportedOperation, message: "A dry run needs a preview of the destination (its simulator)",
                provider: destination.provider, operation: "migrate")
        }

        let destinationDomain: SendingDomain
        var destinationID: String?
        if dryRun, let predicted {
            destinationDomain = predicted
        } else {
            do {
                destinationDomain = try await destination.createDomain(request)
            } catch  where error.kind == .conflict && destination.capabilities.supports(.find) {
                destinationDomain = try await destination.findDomain(named: request.name)
                resolutions.append(
                    "\(sourceDomain.name) already is in the \(destination.provider.displayName) account (id \(destinationDomain.id)): it is used as it is"
                )
            }
            destinationID = destinationDomain.id
        }
        var plan = try await Self.plan(
            source: sourceDomain, destination: destinationDomain, preflight: preflight, placeholders: dryRun,
            drainPeriod: drainPeriod)
        plan.to.id = destinationID
        plan.resolutions = resolutions + plan.resolutions
        plan.destinationRequest = request
        plan.steps = Self.steps(for: plan, source: sourceDomain, destination: destinationDomain, drain: drainPeriod)
        return plan
    }

    /// The MAIL FROM name the destination wants that the source uses with other data, if any.
    static func returnPathCollision(_ destination: [DNSRecord], _ source: [DNSRecord]) -> String? {
        for record in destination where record.purpose == .returnPath {
            let clash = source.contains { other in other.name == record.name && clashes(other, record) }
            if clash { return record.name }
        }
        return nil
    }

    /// Whether two records at one name cannot both be published: a `CNAME` beside any other
    /// data (RFC 1034 §3.6.2), or two records of one type with different data where only one
    /// serves (`MX` hosts, …). TXT records coexist.
    static func clashes(_ lhs: DNSRecord, _ rhs: DNSRecord) -> Bool {
        if lhs.type == .cname || rhs.type == .cname { return !same(lhs, rhs) }
        return lhs.type == rhs.type && lhs.type != .txt && !same(lhs, rhs)
    }

    static func firstLabel(_ relative: String) -> String {
        String(relative.split(separator: ".").first ?? Substring(relative)).lowercased()
    }

    static func isSPF(_ record: DNSRecord) -> Bool {
        record.type == .txt && record.value.lowercased().hasPrefix("v=spf1")
    }

    static func isDMARC(_ record: DNSRecord) -> Bool {
        record.purpose == .dmarc || record.name.hasPrefix("_dmarc.")
    }

    static func same(_ lhs: DNSRecord, _ rhs: DNSRecord) -> Bool {
        lhs.type == rhs.type && DNSRecord.trimmedName(lhs.answerValue) == DNSRecord.trimmedName(rhs.answerValue)
    }

    /// One SPF record carrying both records' mechanisms: the source's terms, then the
    /// destination's that it lacks, then the `all` term (`~all` when either softfails, else the
    /// destination's).
    public static func transitionSPF(_ source: String, _ destination: String) -> String {
        func terms(_ record: String) -> [String] {
            record.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter {
                $0.lowercased() != "v=spf1"
            }
        }
        func isAll(_ term: String) -> Bool { term.lowercased().hasSuffix("all") && term.count <= 4 }
        let first = terms(source)
        let second = terms(destination)
        var merged = first.filter { !isAll($0) && !$0.lowercased().hasPrefix("redirect=") }
        for term in second
        where !isAll(term) && !containsTerm(merged, term) && !term.lowercased().hasPrefix("redirect=") {
            merged.append(term)
        }
        let alls = (first + second).filter(isAll)
        let all = alls.contains("~all") ? "~all" : (second.last(where: isAll) ?? alls.last ?? "~all")
        return (["v=spf1"] + merged + [all]).joined(separator: " ")
    }

    private static func containsTerm(_ terms: [String], _ term: String) -> Bool {
        terms.contains { $0.lowercased() == term.lowercased() }
    }

    /// The plan from both domains' records and what DNS holds now.
    ///
    /// - Parameters:
    ///   - source: The domain at the source, with its records.
    ///   - destination: The domain at the destination (or its simulator's, for a dry run).
    ///   - preflight: What DNS holds now.
    ///   - placeholders: Mark the destination's records as placeholders (a dry run).
    ///   - drainPeriod: How long the steps say to keep the source's DKIM records.
    /// - Throws: `SendingDomainsError` from the preflight (DNS cannot be asked).
    public static func plan(
        source: SendingDomain, destination: SendingDomain, preflight: DNSPreflight, placeholders: Bool = false,
        drainPeriod: Duration = .seconds(7 * 86_400)
    ) async throws(SendingDomainsError) -> MigrationPlan {
        let domain = source.name
        let sourceRecords = source.records ?? []
        let destinationRecords = destination.records ?? []
        enum Bucket { case add, keep, remove }
        var chosen: [(Bucket, DNSRecord, note: String?)] = []
        var conflicts: [MigrationPlan.Conflict] = []
        let mark = placeholders ? "placeholder from the \(destination.provider.displayName) simulator; " : ""

        // SPF: one record per name, carrying both providers' mechanisms where both need one.
        var sourceSPF: [String: DNSRecord] = [:]
        for record in sourceRecords where isSPF(record) { sourceSPF[record.name] = record }
        var destinationSPF: [String: DNSRecord] = [:]
        for record in destinationRecords where isSPF(record) { destinationSPF[record.name] = record }
        var transition: Set<String> = []
        for (name, record) in destinationSPF.sorted(by: { $0.key < $1.key }) {
            if let old = sourceSPF[name] {
                var merged = record
                merged.value = transitionSPF(old.value, record.value)
                merged.required = true
                if merged.value == old.value {
                    chosen.append((.keep, old, nil))
                } else {
                    transition.insert(name)
                    chosen.append((.add, merged, "\(mark)the transition SPF record: both providers' mechanisms"))
                }
            } else if let clash = sourceRecords.first(where: { $0.name == name && clashes($0, record) }) {
                conflicts.append(
                    .init(
                        name: name,
                        detail:
                            "\(source.provider.displayName) has \(clash.type.rawValue) \(clash.answerValue) at \(name), where \(destination.provider.displayName) wants its SPF record: a CNAME allows no other data"
                    ))
            } else {
                chosen.append((.add, record, mark.isEmpty ? nil : mark))
            }
        }
        let destinationNames = Set(destinationRecords.map(\.name))
        for (name, record) in sourceSPF.sorted(by: { $0.key < $1.key }) where destinationSPF[name] == nil {
            if destinationNames.contains(name) {
                chosen.append((.keep, record, "the destination also uses this name"))
            } else {
                chosen.append((.remove, record, nil))
            }
        }

        // DMARC: one record, never two.
        let sourceDMARC = sourceRecords.first(where: isDMARC)
        let destinationDMARC = destinationRecords.first(where: isDMARC)
        if let sourceDMARC {
            chosen.append((.keep, sourceDMARC, "one DMARC record serves both providers"))
        } else if let destinationDMARC {
            chosen.append((.add, destinationDMARC, mark.isEmpty ? nil : mark))
        }

        // Everything else.
        let others = { (record: DNSRecord) in !isSPF(record) && !isDMARC(record) }
        var matchedSource: Set<Int> = []
        for record in destinationRecords where others(record) {
            let atName = sourceRecords.enumerated().filter { $0.element.name == record.name }
            if let match = atName.first(where: { others($0.element) && same($0.element, record) }) {
                matchedSource.insert(match.offset)
                chosen.append((.keep, record, "both providers use this record"))
                continue
            }
            let clashing = atName.filter { clashes($0.element, record) }
            if let clash = clashing.first {
                matchedSource.formUnion(clashing.map(\.offset))
                conflicts.append(
                    .init(
                        name: record.name,
                        detail:
                            "\(source.provider.displayName) wants \(clash.element.type.rawValue) \(clash.element.answerValue) and \(destination.provider.displayName) wants \(record.type.rawValue) \(record.answerValue) at \(record.name); \(destination.provider.displayName) takes no other label for it: publish one after the other (cut over first) or choose another name at the source"
                    ))
                continue
            }
            chosen.append((.add, record, mark.isEmpty ? nil : mark))
        }
        for (offset, record) in sourceRecords.enumerated() where others(record) && !matchedSource.contains(offset) {
            if destinationNames.contains(record.name) { continue }
            chosen.append((.remove, record, nil))
        }

        // What DNS holds now, for every record of the plan, in one preflight.
        let report = try await preflight.check(chosen.map(\.1), domain: domain)
        var add: [PreflightReport.Record] = []
        var keep: [PreflightReport.Record] = []
        var remove: [PreflightReport.Record] = []
        for (index, entry) in chosen.enumerated() {
            guard index < report.records.count else { break }
            var checked = report.records[index]
            if let note = entry.note {
                checked.detail = "\(note.hasSuffix("; ") ? note : note + "; ")\(checked.detail)"
            }
            switch entry.0 {
            case .add: add.append(checked)
            case .keep: keep.append(checked)
            case .remove: remove.append(checked)
            }
            // The transition SPF record, merged into what is published, must stay within the
            // RFC 7208 lookup limit, as the preflight counts it.
            if entry.0 == .add, isSPF(entry.1), let spf = checked.spf,
                spf.lookups > DNSPreflight.spfLookupLimit || spf.permerror != nil
            {
                conflicts.append(
                    .init(
                        name: entry.1.name,
                        detail:
                            "the SPF record to publish at \(entry.1.name) (\(checked.suggested ?? entry.1.value)) needs \(spf.lookups) DNS lookups; RFC 7208 allows \(DNSPreflight.spfLookupLimit)\(spf.permerror.map { ": \($0)" } ?? ""): remove includes no longer used, or flatten one"
                    ))
            }
        }
        var plan = MigrationPlan(
            domain: domain, from: .init(provider: source.provider, id: source.id),
            to: .init(provider: destination.provider, id: placeholders ? nil : destination.id), add: add, keep: keep,
            removeAfterCutover: remove, conflicts: conflicts, steps: [], destinationRequest: DomainRequest(name: domain)
        )
        plan.transitionSPF = transition.sorted()
        plan.steps = steps(for: plan, source: source, destination: destination, drain: drainPeriod)
        return plan
    }

    static func steps(
        for plan: MigrationPlan, source: SendingDomain, destination: SendingDomain, drain: Duration
    ) -> [String] {
        let from = source.provider
        let to = destination.provider
        var steps: [String] = []
        if !plan.conflicts.isEmpty {
            steps.append(
                "Resolve the \(plan.conflicts.count) conflict\(plan.conflicts.count == 1 ? "" : "s") first: \(plan.conflicts.map(\.name).joined(separator: ", "))."
            )
        }
        for resolution in plan.resolutions { steps.append("Note: \(resolution).") }
        let spf = plan.transitionSPF
        let merges = plan.add.filter { $0.state == .merge }.map(\.record.name)
        steps.append(
            "Publish the \(plan.add.count) record\(plan.add.count == 1 ? "" : "s") under add at the DNS host"
                + (spf.isEmpty
                    ? "" : " (the transition SPF record at \(spf.joined(separator: ", ")) carries both providers)")
                + (merges.isEmpty
                    ? ""
                    : "; at \(merges.joined(separator: ", ")) replace the published SPF record with the suggested one")
                + "; keep the records under keep as they are.")
        steps.append(
            "Wait until \(to.displayName) verifies \(plan.domain)"
                + (plan.to.id.map { ": domains \(to.rawValue) wait \($0)" } ?? "") + ".")
        steps.append("Move sending to \(to.displayName): switch the app's API key or SMTP credentials.")
        let days = Int((drain.seconds / 86_400).rounded())
        steps.append(
            "Keep \(from.displayName)'s DKIM records for \(days) day\(days == 1 ? "" : "s") after its last message (queued and retried messages still carry its signature), then remove the records under removeAfterCutover."
        )
        if !spf.isEmpty {
            steps.append(
                "Then drop \(from.displayName)'s mechanisms from the SPF record at \(spf.joined(separator: ", ")).")
        }
        if ProviderFactory.capabilities[from]?.supports(.delete) == true {
            steps.append(
                "Finally delete the domain at \(from.displayName): domains \(from.rawValue) delete \(source.id).")
        }
        return steps
    }
}

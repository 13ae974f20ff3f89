@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// An SPF verdict (RFC 7208 §2.6).
package enum SPFResult: String, Sendable, Hashable {
    case pass, fail, softfail, neutral, none, permerror, temperror
}

/// Evaluates an SPF record as a receiver would for a sender it does not authorise — the worst
/// case, in which every term runs (RFC 7208 §4.6): an IPv4 client in no `ip4:` range, at none
/// of the addresses `a` and `mx` find, with no reverse name for `ptr`.
///
/// Every DNS-querying term is counted each time it is evaluated (an include reached twice costs
/// twice; a loop ends at the limit), lookups that find nothing are counted (more than 2 is a
/// permerror), an `mx` with more than 10 hosts is a permerror, an include or redirect target
/// with no SPF record is a permerror (§5.2, §6.1), `redirect=` beside `all` is never reached,
/// and terms after `all` are syntax-checked but not evaluated. Macros are expanded where the
/// value is known without a client (`%{d}`, `%{o}`); a term whose target needs the client
/// (`%{i}`, `%{p}`, `%{h}`, `%{s}`, `%{l}`, `%{v}`) is counted but not followed, with a note.
/// A DNS failure is a `temperror`, never a guess.
package struct SPFEvaluator: Sendable {
    package var lookup: any DNSLookup
    /// The DNS-querying-term limit (§4.6.4).
    package var limit = DNSPreflight.spfLookupLimit
    /// The void-lookup limit (§4.6.4).
    package var voidLimit = 2
    /// The MAIL FROM address, where known (the test suite's harness): `%{s}`, `%{l}`.
    package var sender: String?
    /// The HELO name, where known: `%{h}`.
    package var helo: String?
    /// Include targets that are the provider's own (`amazonses.com`), in the record's own terms:
    /// where one has no SPF record at this resolver (a sandbox zone, a test) or cannot be looked
    /// up, it is counted and noted, not made the customer's permerror or `unknown` — the customer
    /// cannot fix the provider's record.
    package var providerTargets: Set<String> = []

    package init(lookup: any DNSLookup, sender: String? = nil, helo: String? = nil) {
        self.lookup = lookup
        self.sender = sender
        self.helo = helo
    }

    package struct Outcome: Sendable {
        package var result: SPFResult
        package var evaluation: PreflightReport.SPFEvaluation
        /// What DNS failed to answer, for a `temperror`.
        package var temperror: String?
        /// Whether a term was counted without being followed (a client-dependent macro): the
        /// verdict may differ for a real client.
        package var isUndetermined: Bool { !evaluation.notes.isEmpty }
    }

    /// Evaluates the SPF record published at `domain` (`none` when there is none).
    ///
    /// - Throws: `cancelled` only; every DNS failure is a `temperror` outcome.
    package func evaluate(domain: String) async throws(SendingDomainsError) -> Outcome {
        try await run(domain: domain, record: nil, costs: false)
    }

    /// Evaluates `record` as though published at `domain`, with what each of its own includes
    /// costs.
    ///
    /// - Throws: `cancelled` only.
    package func evaluate(record: String, domain: String) async throws(SendingDomainsError) -> Outcome {
        try await run(domain: domain, record: record, costs: true)
    }

    // MARK: - Evaluation

    private struct State {
        var lookups = 0
        var voids = 0
        var notes: [String] = []
        /// The include and redirect terms being evaluated, outermost first.
        var stack: [String] = []
    }

    private enum Abort: Error {
        case permerror(String, path: [String])
        case temperror(String, path: [String])
        case cancelled(SendingDomainsError)
    }

    private func run(domain: String, record: String?, costs: Bool) async throws(SendingDomainsError) -> Outcome {
        let domain = DNSName.normalized(domain)
        var state = State()
        var outcome: Outcome
        do {
            let result = try await checkHost(domain, record: record, original: domain, state: &state)
            outcome = Outcome(result: result, evaluation: evaluation(state))
        } catch {
            switch error {
            case .permerror(let message, let path):
                var evaluation = evaluation(state)
                evaluation.permerror = message
                evaluation.path = path
                outcome = Outcome(result: .permerror, evaluation: evaluation)
            case .temperror(let message, let path):
                var evaluation = evaluation(state)
                evaluation.path = path
                outcome = Outcome(result: .temperror, evaluation: evaluation, temperror: message)
            case .cancelled(let error):
                throw error
            }
        }
        if costs, let record, let parsed = try? SPFRecord.parse(record) {
            outcome.evaluation.costs = try await self.costs(of: parsed, domain: domain)
        }
        return outcome
    }

    private func evaluation(_ state: State) -> PreflightReport.SPFEvaluation {
        .init(lookups: state.lookups, voidLookups: state.voids, notes: state.notes)
    }

    /// Each top-level include (and a redirect that is reached) evaluated on its own.
    private func costs(
        of record: SPFRecord, domain: String
    ) async throws(SendingDomainsError) -> [PreflightReport
        .SPFEvaluation.Cost]
    {
        var targets: [(term: String, spec: String)] = record.directives.compactMap { directive in
            if case .include(let spec) = directive.mechanism { return (directive.term, spec) }
            return nil
        }
        if !record.hasAll, let redirect = record.redirect { targets.append((redirect.term, redirect.target)) }
        var costs: [PreflightReport.SPFEvaluation.Cost] = []
        let values = SPFMacro.Values(domain: domain, original: domain, sender: sender, helo: helo)
        for (term, spec) in targets {
            guard let target = try? SPFMacro.target(spec, values: values) else {
                costs.append(.init(term: term, lookups: 1))
                continue
            }
            var state = State(lookups: 1)
            do {
                _ = try await checkHost(target, record: nil, original: domain, state: &state)
            } catch {
                if case .cancelled(let error) = error { throw error }
            }
            costs.append(.init(term: term, lookups: state.lookups))
        }
        return costs
    }

    /// RFC 7208 §4: the verdict for `domain`, from `record` or the record published there.
    private func checkHost(
        _ domain: String, record given: String?, original: String, state: inout State
    ) async throws(Abort) -> SPFResult {
        let text: String
        if let given {
            text = given
        } else {
            // §4.3: a malformed domain has no SPF record.
            guard Self.isQueryable(domain) else { return .none }
            let answers = try await query(domain, .txt, state: &state)
            let records = answers.compactMap { answer -> String? in
                guard case .text(let strings) = answer.data else { return nil }
                let joined = strings.joined()
                return SPFRecord.isSPF(joined) ? joined : nil
            }
            if records.count > 1 {
                throw .permerror("\(domain) has \(records.count) SPF records (§4.5)", path: state.stack)
            }
            guard let only = records.first else { return .none }
            text = only
        }
        let record: SPFRecord
        do {
            record = try SPFRecord.parse(text)
        } catch {
            throw .permerror(
                "syntax error in the SPF record at \(domain): \(error.term) \(error.reason)", path: state.stack)
        }
        let values = SPFMacro.Values(domain: domain, original: original, sender: sender, helo: helo)
        for directive in record.directives {
            if try await matches(directive, values: values, state: &state) {
                return Self.result(of: directive.qualifier)
            }
        }
        // `redirect=` only when no mechanism matched; an `all` always matches, so a redirect
        // beside `all` is never reached (§6.1).
        guard let redirect = record.redirect else { return .neutral }
        try count(redirect.term, state: &state)
        guard let target = expand(redirect.target, redirect.term, values: values, state: &state) else {
            return .neutral
        }
        state.stack.append(redirect.term)
        let result = try await checkHost(target, record: nil, original: original, state: &state)
        if result == .none {
            throw .permerror("\(redirect.term): \(target) has no SPF record (§6.1)", path: state.stack)
        }
        state.stack.removeLast()
        return result
    }

    /// Whether `directive` matches the unauthorised client.
    private func matches(
        _ directive: SPFRecord.Directive, values: SPFMacro.Values, state: inout State
    ) async throws(Abort) -> Bool {
        let term = directive.term
        if directive.queriesDNS { try count(term, state: &state) }
        switch directive.mechanism {
        case .all:
            return true
        case .ip4(let prefix):
            return prefix == 0  // `/0` holds every IPv4 client
        case .ip6:
            return false
        case .ptr:
            // The client's reverse name: for a sender the record does not authorise, none —
            // a lookup that finds nothing.
            try void(term, state: &state)
            return false
        case .include(let spec):
            guard let target = expand(spec, term, values: values, state: &state) else { return false }
            let isProviders = state.stack.isEmpty && providerTargets.contains(target.lowercased())
            state.stack.append(term)
            let result: SPFResult
            do {
                result = try await checkHost(target, record: nil, original: values.original, state: &state)
            } catch .temperror(let message, _) where isProviders {
                state.notes.append(
                    "\(term), the provider's, could not be looked up (\(message)): counted, not followed")
                state.stack.removeAll()
                return false
            }
            switch result {
            case .none where isProviders:
                state.notes.append(
                    "\(term), the provider's, has no SPF record at this resolver: counted as one lookup, not followed")
                state.stack.removeLast()
                return false
            case .none:
                throw .permerror("\(term): \(target) has no SPF record (§5.2)", path: state.stack)
            case .pass:
                state.stack.removeLast()
                return true
            default:
                state.stack.removeLast()
                return false
            }
        case .a(let spec, let prefix):
            let target = spec.map { expand($0, term, values: values, state: &state) } ?? values.domain
            guard let target else { return false }
            let addresses = try await query(target, .a, term: term, state: &state)
            return prefix == 0 && !addresses.isEmpty
        case .mx(let spec, let prefix):
            let target = spec.map { expand($0, term, values: values, state: &state) } ?? values.domain
            guard let target else { return false }
            let exchanges = try await query(target, .mx, term: term, state: &state).compactMap { record in
                if case .mailExchange(let preference, let host) = record.data { return (preference, host) }
                return nil
            }
            if exchanges.count > 10 {
                throw .permerror(
                    "\(term): \(target) has \(exchanges.count) MX hosts, over the limit of 10 address lookups (§4.6.4)",
                    path: state.stack + [term])
            }
            var matched = false
            for (_, host) in exchanges.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                let addresses = try await query(host, .a, term: term, state: &state)
                if prefix == 0 && !addresses.isEmpty { matched = true }
            }
            return matched
        case .exists(let spec):
            guard let target = expand(spec, term, values: values, state: &state) else { return false }
            return !(try await query(target, .a, term: term, state: &state)).isEmpty
        }
    }

    private static func result(of qualifier: Character) -> SPFResult {
        switch qualifier {
        case "-": .fail
        case "~": .softfail
        case "?": .neutral
        default: .pass
        }
    }

    /// Counts a DNS-querying term; the 11th is a permerror.
    private func count(_ term: String, state: inout State) throws(Abort) {
        state.lookups += 1
        if state.lookups > limit {
            throw .permerror(
                "more than \(limit) DNS lookups (§4.6.4): the limit is passed at \(term)", path: state.stack + [term])
        }
    }

    private func void(_ term: String, state: inout State) throws(Abort) {
        state.voids += 1
        if state.voids > voidLimit {
            throw .permerror(
                "more than \(voidLimit) lookups found nothing (void lookups, §4.6.4): the limit is passed at \(term)",
                path: state.stack + [term])
        }
    }

    /// A domain-spec's target, or `nil` (with a note) when it needs a client's value.
    private func expand(
        _ spec: String, _ term: String, values: SPFMacro.Values, state: inout State
    ) -> String? {
        do {
            return try SPFMacro.target(spec, values: values)
        } catch .unknown(let letter) {
            state.notes.append(
                "\(term) is counted but not followed: %{\(letter)} depends on the sending client")
            return nil
        } catch {
            // Syntax was checked when the record was parsed.
            state.notes.append("\(term) is counted but not followed: its macro could not be expanded")
            return nil
        }
    }

    /// Whether `name` can be asked at all: labels of 1 to 63 bytes, at most 253 in all.
    private static func isQueryable(_ name: String) -> Bool {
        (try? DNSName.validate(name)) != nil && !name.hasSuffix(".")
    }

    /// The records of `type` at `name`; none found is a void lookup.
    private func query(
        _ name: String, _ type: DNSRecordType, term: String? = nil, state: inout State
    ) async throws(Abort) -> [DNSResourceRecord] {
        let path = state.stack + (term.map { [$0] } ?? [])
        var records: [DNSResourceRecord] = []
        if Self.isQueryable(name) {
            do {
                records = try await lookup.query(name, type: type).records.filter { $0.type == type }
            } catch {
                if error.kind == .cancelled { throw .cancelled(error) }
                if error.kind != .validation {
                    throw .temperror("DNS did not answer \(type.rawValue) \(name): \(error.message)", path: path)
                }
            }
        }
        if records.isEmpty {
            state.voids += 1
            if state.voids > voidLimit {
                throw .permerror(
                    "more than \(voidLimit) lookups found nothing (void lookups, §4.6.4): \(type.rawValue) \(name)",
                    path: path)
            }
        }
        return records
    }
}

@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    /// An SPF record: published, to merge into the existing one, or in conflict — judged by
    /// evaluating the record to publish as receivers would (``SPFEvaluator``). The suggestion is
    /// never a record the evaluator rejects.
    func checkSPF(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, .txt)
        let observed = records.map(\.data.value)
        let spfs = observed.filter(SPF.isSPF)
        let name = DNSName.normalized(record.name)
        let providerTerms = Set(SPF.terms(record.value).map(SPF.bare))
        var evaluator = SPFEvaluator(lookup: lookup)
        evaluator.providerTargets = Set(
            providerTerms.filter { $0.hasPrefix("include:") }.map { DNSName.normalized(String($0.dropFirst(8))) })
        switch spfs.count {
        case 0:
            let outcome = try await evaluator.evaluate(record: record.value, domain: name)
            if outcome.result == .permerror {
                return .init(
                    record: record, state: .conflict, observed: observed,
                    detail: Self.permerrorDetail("The provider's SPF record", outcome.evaluation, providerTerms),
                    spf: outcome.evaluation)
            }
            return .init(
                record: record, state: .missing, observed: observed, detail: missingDetail(record, code),
                spf: outcome.evaluation)
        case 1:
            let existing = spfs[0]
            let alreadyIncluded = SPF.missingTerms(existing: existing, provider: record.value).isEmpty
            let merged = SPF.merge(existing: existing, provider: record.value)
            let candidate = alreadyIncluded ? existing : merged
            let outcome = try await evaluator.evaluate(record: candidate, domain: name)
            switch outcome.result {
            case .permerror:
                return .init(
                    record: record, state: .conflict, observed: observed,
                    detail: Self.permerrorDetail(
                        alreadyIncluded ? "The SPF record" : "The merged SPF record", outcome.evaluation,
                        alreadyIncluded ? [] : providerTerms),
                    spf: outcome.evaluation)
            case .temperror:
                return .init(
                    record: record, state: .unknown, observed: observed,
                    detail: Self.temperrorDetail(outcome), spf: outcome.evaluation)
            default:
                break
            }
            if alreadyIncluded {
                let exact = SPF.normalized(existing) == SPF.normalized(record.value)
                return .init(
                    record: record, state: .ok, observed: observed,
                    detail: exact
                        ? "Published."
                        : "The existing SPF record already includes the provider's mechanisms; keep it as it is.",
                    spf: outcome.evaluation)
            }
            return .init(
                record: record, state: .merge, observed: observed, suggested: merged,
                detail:
                    "\(record.name) already has an SPF record; a second one would break both (RFC 7208 §4.5). Replace the existing record with the suggested one, which adds the provider's mechanisms before its `all` (\(outcome.evaluation.lookups) of 10 DNS lookups).",
                spf: outcome.evaluation)
        default:
            let merged = spfs.dropFirst().reduce(spfs[0]) { SPF.merge(existing: $0, provider: $1) }
            let suggested = SPF.merge(existing: merged, provider: record.value)
            let outcome = try await evaluator.evaluate(record: suggested, domain: name)
            let two =
                "\(record.name) has \(spfs.count) SPF records: receivers treat that as a permanent error (RFC 7208 §4.5) and no SPF check passes."
            if outcome.result == .permerror {
                return .init(
                    record: record, state: .conflict, observed: observed,
                    detail: two + " "
                        + Self.permerrorDetail("A single record merging them", outcome.evaluation, providerTerms),
                    spf: outcome.evaluation)
            }
            return .init(
                record: record, state: .conflict, observed: observed, suggested: suggested,
                detail: two + " Delete them all and publish the suggested single record.", spf: outcome.evaluation)
        }
    }

    /// What is wrong, where, what each include costs, and what to change.
    static func permerrorDetail(
        _ subject: String, _ evaluation: PreflightReport.SPFEvaluation, _ providerTerms: Set<String>
    ) -> String {
        var text =
            "\(subject) would be a permanent error for receivers (RFC 7208), so no SPF check would pass: \(evaluation.permerror ?? "")."
        if !evaluation.path.isEmpty { text += " Path: \(evaluation.path.joined(separator: " → "))." }
        if !evaluation.costs.isEmpty {
            let costs = evaluation.costs.map { cost in
                let mark = providerTerms.contains(SPF.bare(cost.term)) ? " (the provider's)" : ""
                return "\(cost.term)\(mark) \(cost.lookups)"
            }
            text += " DNS lookups per include: \(costs.joined(separator: ", "))."
        }
        if evaluation.permerror?.hasPrefix("more than 10 DNS lookups") == true {
            let own = evaluation.costs.filter { !providerTerms.contains(SPF.bare($0.term)) }
            let total = evaluation.costs.map(\.lookups).reduce(0, +) + otherLookups(evaluation)
            let excess = total - DNSPreflight.spfLookupLimit
            if excess > 0, let fit = own.filter({ $0.lookups >= excess }).min(by: { $0.lookups < $1.lookups }) {
                text +=
                    " The includes need about \(total) lookups, \(excess) over the limit: removing or flattening \(fit.term) (\(fit.lookups)) into ip4:/ip6: ranges would make room."
            } else {
                text +=
                    " Remove includes the domain no longer sends through, or replace them with ip4:/ip6: ranges, until the record needs 10 lookups or fewer."
            }
        } else if let last = evaluation.path.last {
            text += " Fix or remove \(last)."
        }
        return text
    }

    /// The lookups the record's own non-include terms make (its `a`, `mx`, `exists`, `ptr`):
    /// the total less what the includes cost, where the evaluation went through them all.
    private static func otherLookups(_ evaluation: PreflightReport.SPFEvaluation) -> Int {
        let included = evaluation.costs.map(\.lookups).reduce(0, +)
        return max(0, evaluation.lookups - included)
    }

    static func temperrorDetail(_ outcome: SPFEvaluator.Outcome) -> String {
        var text =
            "DNS did not answer while the SPF record was evaluated (\(outcome.temperror ?? "no answer")), so whether receivers accept it is not known."
        if !outcome.evaluation.path.isEmpty { text += " Path: \(outcome.evaluation.path.joined(separator: " → "))." }
        return text + " Check again; if it lasts, receivers answer temperror for the domain's mail."
    }
}

@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension Checker {
    /// A DMARC record, judged as RFC 7489 says receivers read it: a record they would ignore
    /// (no exact `v=DMARC1` first) or not apply (an invalid `p` or `sp` without a valid `rua`) is
    /// a `mismatch`; a valid record is kept when its policy is at least as strict as the
    /// provider's, for `p` and for the subdomain policy.
    func checkDMARC(_ record: DNSRecord) async throws(SendingDomainsError) -> PreflightReport.Record {
        let (records, _, code) = try await resolve(record.name, .txt)
        let observed = records.map(\.data.value)
        let candidates = observed.filter(DMARCRecord.looksLikeDMARC)
        guard !candidates.isEmpty else {
            return .init(record: record, state: .missing, observed: observed, detail: missingDetail(record, code))
        }
        var valid: [(text: String, record: DMARCRecord)] = []
        var invalid: [(text: String, reason: DMARCRecord.Invalid)] = []
        for text in candidates {
            do {
                valid.append((text, try DMARCRecord.parse(text)))
            } catch {
                invalid.append((text, error))
            }
        }
        let ignoredNote =
            invalid.isEmpty
            ? ""
            : " Receivers ignore the other DMARC-like record\(invalid.count == 1 ? "" : "s") (\(invalid.map { Self.reason($0.reason) }.joined(separator: "; "))): delete \(invalid.count == 1 ? "it" : "them")."
        if valid.count > 1 {
            let strictest = valid.max {
                ($0.record.policy, $0.record.effectiveSubdomainPolicy) < (
                    $1.record.policy, $1.record.effectiveSubdomainPolicy
                )
            }
            return .init(
                record: record, state: .conflict, observed: observed, suggested: strictest?.text,
                detail:
                    "\(record.name) has \(valid.count) DMARC records, so receivers apply none (RFC 7489 §6.6.3). Keep one: the suggested record is the strictest found."
            )
        }
        guard let existing = valid.first else {
            let first = invalid[0]
            let detail: String
            switch first.reason {
            case .ignored(let why):
                detail =
                    "Receivers ignore the DMARC record at \(record.name): \(why) (RFC 7489 §6.3). Replace it with the expected record."
            case .notApplied(let why):
                detail =
                    "Receivers apply no DMARC policy from the record at \(record.name): \(why), and it has no valid rua (RFC 7489 §6.6.3). Set p (and sp, where given) to none, quarantine or reject, or replace the record with the expected one."
            }
            return .init(record: record, state: .mismatch, observed: observed, detail: detail)
        }
        let wanted = try? DMARCRecord.parse(record.value)
        let wantedPolicy = wanted?.policy ?? .none
        let wantedSubdomains = wanted?.effectiveSubdomainPolicy ?? wantedPolicy
        let notes = existing.record.notes.isEmpty ? "" : " Note: \(existing.record.notes.joined(separator: "; "))."
        let policy = existing.record.policy
        if policy < wantedPolicy || existing.record.effectiveSubdomainPolicy < wantedSubdomains {
            return .init(
                record: record, state: .mismatch, observed: observed,
                suggested: existing.record.raised(to: wantedPolicy, subdomains: wanted?.subdomainPolicy),
                detail:
                    "The existing DMARC record (p=\(policy.rawValue)\(existing.record.subdomainPolicy.map { ", sp=\($0.rawValue)" } ?? "")) is weaker than the provider's (p=\(wantedPolicy.rawValue)\(wanted?.subdomainPolicy.map { ", sp=\($0.rawValue)" } ?? "")). Publish the suggested record: its own tags kept, the policy raised."
                    + notes + ignoredNote)
        }
        let detail: String
        if policy > wantedPolicy {
            detail =
                "A DMARC record with p=\(policy.rawValue) exists; it is stricter than the suggested p=\(wantedPolicy.rawValue) and is kept. Do not replace it."
        } else if SPF.normalized(existing.text) == SPF.normalized(record.value) {
            detail = "Published."
        } else {
            detail = "A DMARC record exists (p=\(policy.rawValue)); it is kept as it is."
        }
        return .init(record: record, state: .ok, observed: observed, detail: detail + notes + ignoredNote)
    }

    static func reason(_ invalid: DMARCRecord.Invalid) -> String {
        switch invalid {
        case .ignored(let why), .notApplied(let why): why
        }
    }
}

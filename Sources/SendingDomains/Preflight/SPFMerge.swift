import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// SPF record text (RFC 7208): its terms, and a provider's mechanisms merged into an existing record.
enum SPF {
    static func isSPF(_ value: String) -> Bool {
        let lower = value.lowercased().trimmingCharacters(in: .whitespaces)
        return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
    }

    static func terms(_ value: String) -> [String] {
        Array(value.split(whereSeparator: \.isWhitespace).dropFirst().map(String.init))
    }

    static func normalized(_ value: String) -> String {
        value.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A term without its qualifier, lower-cased: `~all` → `all`.
    static func bare(_ term: String) -> String {
        var term = term.lowercased()
        if let first = term.first, "+-~?".contains(first) { term.removeFirst() }
        return term
    }

    /// The provider's mechanisms that `existing` lacks.
    static func missingTerms(existing: String, provider: String) -> [String] {
        let present = Set(terms(existing).map(bare))
        return terms(provider).filter { term in
            let bare = self.bare(term)
            return bare != "all" && !bare.hasPrefix("redirect=") && !bare.hasPrefix("exp=") && !present.contains(bare)
        }
    }

    /// The existing record with the provider's mechanisms added before its `all` (or its
    /// `redirect=`), duplicates dropped, the existing `all` qualifier kept. A `redirect=` beside
    /// an `all` is dropped: receivers never reach it (RFC 7208 §6.1).
    static func merge(existing: String, provider: String) -> String {
        var terms = self.terms(existing)
        if terms.contains(where: { bare($0) == "all" }) { terms.removeAll { bare($0).hasPrefix("redirect=") } }
        let added = missingTerms(existing: existing, provider: provider)
        let insertAt =
            terms.firstIndex { bare($0) == "all" } ?? terms.firstIndex { bare($0).hasPrefix("redirect=") }
            ?? terms.count
        terms.insert(contentsOf: added, at: insertAt)
        let hasEnd = terms.contains { bare($0) == "all" || bare($0).hasPrefix("redirect=") }
        if !hasEnd, let all = self.terms(provider).first(where: { bare($0) == "all" }) { terms.append(all) }
        return (["v=spf1"] + terms).joined(separator: " ")
    }
}

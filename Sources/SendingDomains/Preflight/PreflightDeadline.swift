import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension DNSPreflight {
    /// The deadline of a check unless set otherwise: 30 s.
    public static let defaultDeadline: Duration = .seconds(30)

    /// Checks `records` of `domain`, each concurrently, within ``deadline``.
    ///
    /// Every record's name is checked first (`DNSName.validate`): a name with a control
    /// character, white space or an impossible length throws before any query is sent. Then the
    /// lookups run; however many there are — SPF includes, `CNAME` chains, a slow or silent
    /// resolver, a zone with many name servers — the whole check ends at ``deadline``.
    ///
    /// ```swift
    /// var preflight = try DNSPreflight(lookup: DNSResolver.system())
    /// preflight.deadline = .seconds(10)   // an onboarding page that must answer quickly
    /// let report = try await preflight.check(domain)
    /// ```
    ///
    /// - Throws: `SendingDomainsError`: `validation` for a record name that cannot be asked
    ///   (nothing is sent); `dns` when the deadline passes (the message says so; `code`
    ///   `preflight_deadline`; the recovery suggestion is another resolver); `cancelled` when the
    ///   task is cancelled. A lookup that fails (what `DNSLookup` throws when DNS cannot be
    ///   asked) makes its record `unknown` rather than failing the check.
    public func check(_ records: [DNSRecord], domain: String) async throws(SendingDomainsError) -> PreflightReport {
        for record in records {
            do {
                try DNSName.validate(record.name)
            } catch {
                var error = error
                error.operation = OperationName.dnsPreflight.rawValue
                throw error
            }
        }
        guard let deadline else { return try await checkEach(records, domain: domain) }
        // The shared deadline: a lookup that ignores cancellation cannot hold the caller past it.
        let outcome = await Deadline.run(within: deadline, sleep: timeSource.sleep) {
            () async -> Result<PreflightReport, SendingDomainsError> in
            do throws(SendingDomainsError) {
                return .success(try await checkEach(records, domain: domain))
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else {
            if Task.isCancelled {
                throw SendingDomainsError(
                    kind: .cancelled, message: "The DNS preflight was cancelled",
                    operation: OperationName.dnsPreflight.rawValue)
            }
            throw Self.deadlineError(deadline, domain: domain, lookup: lookup)
        }
        return try outcome.get()
    }

    static func deadlineError(_ deadline: Duration, domain: String, lookup: any DNSLookup) -> SendingDomainsError {
        SendingDomainsError(
            kind: .dns,
            message:
                "The DNS preflight of \(DNSName.normalized(domain)) did not finish within its \(deadline.formattedSeconds) deadline (asking \(lookup.description)): a slow or silent resolver or name server",
            operation: OperationName.dnsPreflight.rawValue, code: "preflight_deadline", transportFailure: .timedOut)
    }
}

extension Checker {
    /// The records of an answer that count as published: none when the answer is NXDOMAIN
    /// (the name does not exist, RFC 1035 §4.1.1), except the `CNAME`s a `CNAME` check asks
    /// for (RFC 6604: the code then speaks of the alias's target).
    static func publishedRecords(
        _ records: [DNSResourceRecord], _ type: DNSRecordType, _ code: DNSResponseCode
    ) -> [DNSResourceRecord] {
        code == .nameError && type != .cname ? [] : records
    }
}

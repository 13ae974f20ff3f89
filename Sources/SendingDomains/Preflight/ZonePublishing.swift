import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

extension DNSZone {
    /// Publishes `records` as a customer would at their DNS host: TXT values longer than 255
    /// bytes split into several strings, `MX` with its preference, `CNAME` to its target.
    ///
    /// ```swift
    /// var zone = DNSZone()
    /// zone.publish(domain.records ?? [])
    /// let report = try await DNSPreflight(lookup: zone).check(domain)
    /// assert(report.ready)
    /// ```
    public mutating func publish(_ records: [DNSRecord]) {
        for record in records {
            add(record.name, record.type, record.answerValue)
        }
    }
}

@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsDNS

/// One report's lookups: each (name, type) is asked once, however many records and SPF terms
/// need it — concurrent askers wait for the same answer — and a failure is remembered too.
package actor ReportLookupCache: DNSLookup {
    private struct Key: Hashable {
        let name: String
        let type: String
    }

    private let upstream: any DNSLookup
    private var answers: [Key: Task<Result<DNSAnswer, SendingDomainsError>, Never>] = [:]

    package init(_ upstream: any DNSLookup) {
        self.upstream = upstream
    }

    package nonisolated var description: String { upstream.description }

    /// How many distinct questions went upstream.
    package var questionCount: Int { answers.count }

    package func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        let key = Key(name: DNSName.normalized(name), type: type.rawValue)
        let task: Task<Result<DNSAnswer, SendingDomainsError>, Never>
        if let known = answers[key] {
            task = known
        } else {
            let upstream = upstream
            task = Task {
                do throws(SendingDomainsError) {
                    return .success(try await upstream.query(name, type: type))
                } catch {
                    return .failure(error)
                }
            }
            answers[key] = task
        }
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        return try result.get()
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("SendingDomainsError: extensible kinds, the underlying error kept")
struct ErrorKindTests {
    @Test("a kind this version does not know is kept by name, with a generic suggestion")
    func unknownKind() {
        let future = SendingDomainsError.Kind(rawValue: "quotaExceeded")
        #expect(future.rawValue == "quotaExceeded")
        #expect(future != .rateLimited)
        #expect(future.readableName == "quotaExceeded")
        #expect(!future.recoverySuggestion.isEmpty)
        let error = SendingDomainsError(kind: future, message: "Over quota")
        switch error.kind {
        case .rateLimited: Issue.record("matched the wrong kind")
        default: break
        }
        #expect(error.description.contains("quotaExceeded"))
    }

    @Test("every known kind has its own name, words and suggestion")
    func knownKinds() {
        let kinds = SendingDomainsError.Kind.allCases
        #expect(Set(kinds.map(\.rawValue)).count == kinds.count)
        #expect(Set(kinds.map(\.readableName)).count == kinds.count)
        for kind in kinds {
            #expect(kind.readableName != kind.rawValue || kind == .conflict || kind == .cancelled)
            #expect(!kind.recoverySuggestion.contains("newer than this description"), "\(kind)")
        }
        #expect(SendingDomainsError.Kind(rawValue: "notFound") == .notFound)
    }

    @Test("wrapping keeps the underlying error, which stays out of equality and reflection")
    func underlying() {
        let urlError = URLError(.timedOut)
        let wrapped = SendingDomainsError.wrapping(urlError, provider: .krafter, operation: "getDomain")
        #expect(wrapped.kind == .timeout)
        #expect((wrapped.underlyingError as? URLError)?.code == .timedOut)
        var other = wrapped
        other.underlyingError = nil
        #expect(other == wrapped)
        #expect(other.hashValue == wrapped.hashValue)
        var dumped = ""
        dump(wrapped, to: &dumped)
        #expect(dumped.contains("underlyingErrorType"))
        #expect(dumped.contains("URLError"))
    }
}

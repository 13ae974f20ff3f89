import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension SendingDomainsError.Kind {
    /// The kind an HTTP status means when the provider says nothing more specific.
    package init(status: Int) {
        switch status {
        case 401: self = .authentication
        case 402, 403: self = .permission
        case 404, 410: self = .notFound
        case 408: self = .timeout
        case 409, 412: self = .conflict
        case 429: self = .rateLimited
        case 500...: self = .server
        default: self = .validation
        }
    }
}

extension SendingDomainsError {
    /// Turns any error into a ``SendingDomainsError``, stamped with `provider` and `operation`
    /// where it names none.
    package static func wrapping(_ error: any Error, provider: ProviderID?, operation: String?) -> SendingDomainsError {
        var known = wrapping(error)
        known.provider = known.provider ?? provider
        known.operation = known.operation ?? operation
        return known
    }

    /// Turns any error into a ``SendingDomainsError``: itself if it already is one, `cancelled`
    /// for `CancellationError`, and the matching transport kind for a `URLError`.
    package static func wrapping(_ error: any Error) -> SendingDomainsError {
        if let known = error as? SendingDomainsError { return known }
        if error is CancellationError {
            return SendingDomainsError(
                kind: .cancelled, message: "The task was cancelled", underlyingError: error)
        }
        if let urlError = error as? URLError {
            let (kind, failure, message) = classify(urlError)
            return SendingDomainsError(
                kind: kind, message: message, transportFailure: failure, underlyingError: urlError)
        }
        return SendingDomainsError(
            kind: .transport, message: "The request failed: \(type(of: error))", transportFailure: .other,
            underlyingError: error)
    }

    private static func classify(_ error: URLError) -> (Kind, TransportFailure, String) {
        switch error.code {
        case .cancelled: (.cancelled, .other, "The request was cancelled")
        case .timedOut: (.timeout, .timedOut, "No response arrived within the timeout")
        case .cannotConnectToHost: (.transport, .connectionRefused, "The server refused the connection")
        case .cannotFindHost, .dnsLookupFailed: (.transport, .dnsFailure, "The host name could not be resolved")
        case .networkConnectionLost:
            (.transport, .connectionLost, "The connection was lost before the response completed")
        case .notConnectedToInternet: (.transport, .dnsFailure, "There is no network connection")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            (.transport, .tlsFailure, "The TLS connection could not be established")
        case .badServerResponse, .cannotParseResponse, .zeroByteResource:
            (.transport, .connectionLost, "The server's response was malformed or cut short")
        default: (.transport, .other, "The request failed (URLError \(error.code.rawValue))")
        }
    }
}

extension SendingDomainsError {
    /// The first ``rawBodyLimit`` bytes of `body` as text (invalid UTF-8 repaired), or `nil`
    /// when the body is empty.
    package static func excerpt(of body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let prefix = body.prefix(rawBodyLimit)
        var text = String(decoding: prefix, as: UTF8.self)
        if body.count > rawBodyLimit { text += "… (\(body.count) bytes in all)" }
        return text
    }
}

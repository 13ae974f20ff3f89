@_spi(ProviderAuthoring) import HTTPTransport

/// Runs `body` and returns the error it throws as a `HTTPTransport/SendingDomainsError`
/// (mapped as the pipeline maps errors), or `nil` if it returns normally.
///
/// ```swift
/// let error = await captureError { try await krafter.getDomain(id: "not-a-uuid") }
/// #expect(error?.kind == .validation)
/// ```
public func captureError<T>(_ body: () async throws -> T) async -> SendingDomainsError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return SendingDomainsError.wrapping(error, provider: nil, operation: nil)
    }
}

@_spi(ProviderAuthoring) import HTTPTransport

/// Every domain of an account, fetched page by page as it is iterated.
///
/// Providers without pagination (AutoSend, Krafter) return one page; AhaSend's cursor pages are
/// requested only when the previous page is used up. For a provider without a list endpoint
/// the first `next()` throws `unsupportedOperation`.
///
/// ```swift
/// for try await domain in provider.listDomains() {
///     print(domain.name, domain.status)
/// }
/// let all = try await provider.listDomains().collect()
/// ```
public typealias DomainList = PagedSequence<SendingDomain>

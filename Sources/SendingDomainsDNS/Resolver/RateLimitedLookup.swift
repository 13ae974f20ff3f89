@_spi(ProviderAuthoring) import HTTPTransport

/// A lookup that sends at most a given rate of queries on to another: for checking many
/// domains without flooding a resolver (public resolvers throttle bursts) or a DNS host.
///
/// ```swift
/// let resolver = try DNSResolver.system()
/// let gentle = RateLimitedLookup(resolver, limit: RateLimit(rate: 50, burst: 10))
/// let answer = try await gentle.query("send.example.com", type: .txt)
/// ```
public struct RateLimitedLookup: DNSLookup {
    /// The lookup queries go on to.
    public let base: any DNSLookup
    /// The limit.
    public let limit: RateLimit
    private let bucket: TokenBucket

    /// Wraps `base`; the limit is shared by every query through this value and its copies.
    public init(_ base: any DNSLookup, limit: RateLimit, timeSource: TimeSource = .system) {
        self.base = base
        self.limit = limit
        bucket = TokenBucket(rate: limit.rate, burst: limit.burst, timeSource: timeSource)
    }

    /// `base`'s description, with the limit.
    public var description: String { "\(base.description) (at most \(limit.rate) queries/s)" }

    /// Waits for the limit, then asks `base`.
    ///
    /// - Throws: what `base` throws, and `SendingDomainsError.Kind.cancelled` when the task is
    ///   cancelled while waiting.
    public func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        do {
            try await bucket.acquire()
        } catch {
            throw SendingDomainsError(
                kind: .cancelled, message: "The DNS query was cancelled while waiting for the rate limit",
                operation: OperationName.dnsQuery.rawValue)
        }
        return try await base.query(name, type: type)
    }
}

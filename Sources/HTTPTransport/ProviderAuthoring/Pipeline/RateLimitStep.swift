import Foundation

/// Takes a token from the client's ``TokenBucket`` (or its shared budget) before each attempt,
/// and pauses it when the provider says the quota is spent: remaining = 0 with a reset time
/// (the provider's own headers, or the IETF `RateLimit` field), or a 429 with a retry-after
/// hint.
package struct RateLimitStep: Sendable {
    /// The shared bucket: the client's own, or with a shared budget the local fallback used
    /// while its store cannot be reached.
    let bucket: TokenBucket
    /// Where the provider reports its state, if it does.
    let headerNames: RateLimitHeaderNames?
    /// The clock, for reset dates.
    let timeSource: TimeSource
    /// The longest pause learned from a header; longer reports are capped.
    let maximumPause: Duration
    /// The budget shared through a store, when the options ask for one.
    let shared: SharedBudget?

    /// Creates the step.
    package init(
        bucket: TokenBucket, headerNames: RateLimitHeaderNames?, timeSource: TimeSource = .system,
        maximumPause: Duration = .seconds(60), shared: SharedBudget? = nil
    ) {
        self.bucket = bucket
        self.headerNames = headerNames
        self.timeSource = timeSource
        self.maximumPause = maximumPause
        self.shared = shared
    }

    /// Waits for a token.
    package func acquire(_ context: MiddlewareContext) async throws(SendingDomainsError) {
        if let shared {
            try await shared.acquire(context)
            return
        }
        do {
            try await bucket.acquire()
        } catch {
            throw SendingDomainsError(
                kind: .cancelled, message: "The task was cancelled while waiting for the rate limiter")
        }
    }

    /// Pauses the bucket until the reset a response reports when it says no requests remain.
    package func learn(from response: TransportResponse) async {
        if let wait = spentQuotaPause(response) { await pause(for: wait) }
    }

    /// Pauses the bucket for a 429's hint.
    package func learn(from error: SendingDomainsError) async {
        if error.kind == .rateLimited, let hint = error.retryAfter { await pause(for: hint) }
    }

    private func pause(for duration: Duration) async {
        let duration = min(duration, maximumPause)
        guard duration > .zero else { return }
        if let shared {
            await shared.pause(for: duration)
        } else {
            await bucket.pause(for: duration)
        }
    }

    /// How long a response says to hold back: until the provider's reset when its headers say
    /// no requests remain, or `nil`. An epoch-seconds reset is on the provider's clock, so it
    /// is read against the response's `Date` where there is one.
    package func spentQuotaPause(_ response: TransportResponse) -> Duration? {
        if let headerNames, let remaining = response.headers[headerNames.remaining].flatMap({ Int($0) }),
            remaining <= 0, let reset = response.headers[headerNames.reset]
        {
            let now = response.headers["Date"].flatMap { RetryAfterParser.httpDate($0) } ?? timeSource.date()
            if let wait = RetryAfterParser.untilEpoch(reset, now: now) { return wait }
        }
        return Self.standardPause(response.headers)
    }

    /// The IETF rate-limit fields (draft-ietf-httpapi-ratelimit-headers): the structured
    /// `RateLimit: "default";r=0;t=30` of the later drafts, the earlier
    /// `RateLimit: limit=100, remaining=0, reset=30`, and the separate `RateLimit-Remaining` and
    /// `RateLimit-Reset` fields; resets are delta seconds. `nil` unless a quota is spent.
    package static func standardPause(_ headers: HeaderFields) -> Duration? {
        var remaining: Double?
        var reset: Double?
        if let field = headers["RateLimit"] {
            for part in field.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, let number = Double(pair[1]), number.isFinite, number >= 0 else { continue }
                switch pair[0].lowercased() {
                case "r", "remaining": remaining = min(remaining ?? number, number)
                case "t", "reset": reset = max(reset ?? number, number)
                default: break
                }
            }
        }
        if remaining == nil, let text = headers["RateLimit-Remaining"], let number = Double(text) {
            remaining = number
        }
        if reset == nil, let text = headers["RateLimit-Reset"], let number = Double(text), number.isFinite,
            number >= 0
        {
            reset = number
        }
        guard let remaining, remaining <= 0, let reset else { return nil }
        return Duration.clampedSeconds(reset)
    }
}

/// When and how long to wait before sending a failed request again.
///
/// The decision is one ordered table, ``rules``: the first row whose condition matches a
/// failure decides whether it may be retried. Then the limits apply — attempts left, a
/// provider hint above ``maximumRetryAfter`` (fail fast, keeping the hint in the error), and
/// the overall ``deadline``.
///
/// | # | failure | retried |
/// |---|---|---|
/// | 1 | cancelled | never |
/// | 2 | validation, authentication, permission, not found, conflict, idempotency mismatch, decoding, unsupported | never |
/// | 3 | idempotent request still in progress (AhaSend 409) | yes, after the hint, with the same key |
/// | 4 | rate limited (429): the server did not process it | yes, any method, after the hint |
/// | 5 | connection refused, DNS failure: the request was never sent | yes, any method |
/// | 6 | 408, 500, 502, 503, 504 | only if replayable |
/// | 7 | timeout, connection lost, other network failures | only if replayable |
/// | 8 | anything else (501, 505, TLS, a redirect) | never |
///
/// *Replayable* means an idempotent operation (GET, HEAD, PUT, DELETE, or a POST that only asks
/// the provider to check DNS again) or a request carrying an idempotency key the provider honours. A POST without one is never replayed after it may
/// have reached the server: that could create a domain twice.
///
/// ```swift
/// var policy = RetryPolicy.default
/// policy.maximumAttempts = 5
/// policy.deadline = .seconds(30)
/// let options = ClientOptions(retryPolicy: policy)
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// How many attempts a call may make in all, including the first. 1 disables retries.
    public var maximumAttempts: Int
    /// The backoff ceiling of the first retry; it doubles with each attempt.
    public var initialBackoff: Duration
    /// The largest backoff, whatever the attempt.
    public var maximumBackoff: Duration
    /// The longest provider hint (`Retry-After`, body field, reset header) worth waiting for;
    /// a longer one ends the call at once with the hint in ``SendingDomainsError/retryAfter``.
    public var maximumRetryAfter: Duration
    /// How long the whole call, all attempts and waits included, may take; `nil` for no limit.
    public var deadline: Duration?
    /// How the backoff is randomised.
    public var jitter: Jitter

    /// How a backoff delay is randomised so that many clients do not retry in step.
    ///
    /// Frozen: full, proportional or none covers the strategies a retry policy needs; a
    /// `switch` over it may be exhaustive.
    public enum Jitter: Sendable, Hashable {
        /// A uniformly random delay between zero and the exponential ceiling (AWS "full jitter").
        case full
        /// The ceiling ± the given fraction, for example 0.25 for ±25 % (AhaSend's Go SDK).
        case proportional(Double)
        /// Exactly the exponential ceiling.
        case none
    }

    /// Creates a policy.
    public init(
        maximumAttempts: Int = 3,
        initialBackoff: Duration = .milliseconds(500),
        maximumBackoff: Duration = .seconds(20),
        maximumRetryAfter: Duration = .seconds(60),
        deadline: Duration? = .seconds(120),
        jitter: Jitter = .full
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = max(.zero, initialBackoff)
        self.maximumBackoff = max(.zero, maximumBackoff)
        self.maximumRetryAfter = max(.zero, maximumRetryAfter)
        self.deadline = deadline
        self.jitter = jitter
    }

    /// 3 attempts, full jitter from 0.5 s doubling to at most 20 s, hints up to 60 s, 120 s in all.
    public static let `default` = RetryPolicy()

    /// A single attempt: nothing is retried.
    public static let disabled = RetryPolicy(maximumAttempts: 1)

    // MARK: - The decision table

    /// Whether a matched failure may be sent again.
    ///
    /// Frozen: never, whatever the method, or only when replayable — the three answers there are.
    public enum Verdict: String, Sendable, Hashable {
        /// Never retried.
        case never
        /// Retried whatever the method: the server did not process the request.
        case anyMethod
        /// Retried only when the request is replayable (idempotent method or idempotency key).
        case ifReplayable
        /// Retried only when the request carries an idempotency key.
        case ifIdempotencyKey
    }

    /// One row of the retry table.
    public struct Rule: Sendable {
        /// What the row covers, as written in the docs' table.
        public let name: String
        /// The row's verdict.
        public let verdict: Verdict
        /// Whether the row matches a failure.
        public let matches: @Sendable (SendingDomainsError) -> Bool
    }

    private static let neverRetriedKinds: Set<SendingDomainsError.Kind> = [
        .validation, .authentication, .permission, .notFound, .conflict, .idempotencyMismatch, .decoding,
        .unsupportedOperation,
    ]
    private static let retriedStatuses: Set<Int> = [408, 500, 502, 503, 504]

    /// The ordered table; the first matching row decides.
    public static let rules: [Rule] = [
        Rule(name: "cancelled", verdict: .never) { $0.kind == .cancelled },
        Rule(name: "client error", verdict: .never) { neverRetriedKinds.contains($0.kind) },
        Rule(name: "idempotent request in progress", verdict: .ifIdempotencyKey) { $0.kind == .idempotencyInProgress },
        Rule(name: "rate limited", verdict: .anyMethod) { $0.kind == .rateLimited },
        Rule(name: "request never sent", verdict: .anyMethod) { $0.transportFailure?.requestNeverSent == true },
        Rule(name: "transient status", verdict: .ifReplayable) { error in
            error.status.map { retriedStatuses.contains($0) } ?? false
        },
        Rule(name: "timeout or lost connection", verdict: .ifReplayable) { error in
            error.status == nil && (error.kind == .timeout || error.kind == .transport)
                && error.transportFailure != .tlsFailure && error.transportFailure != .redirected
        },
        Rule(name: "anything else", verdict: .never) { _ in true },
    ]

    /// The first row of ``rules`` that matches `error`.
    public static func rule(for error: SendingDomainsError) -> Rule {
        rules.first { $0.matches(error) } ?? Rule(name: "anything else", verdict: .never) { _ in true }
    }

    /// Everything the policy looks at to decide about one failed attempt.
    public struct Attempt: Sendable {
        /// The request's method.
        public var method: RequestMethod
        /// Whether the request carries an idempotency key the provider honours.
        public var hasIdempotencyKey: Bool
        /// Whether the operation is harmless to repeat even without a key: an idempotent method,
        /// or a POST that only asks the provider to look again (a DNS check).
        public var isIdempotent: Bool
        /// How the attempt failed.
        public var error: SendingDomainsError
        /// The attempt that failed, from 1.
        public var number: Int
        /// Time left before the call's deadline, or `nil` without one.
        public var remaining: Duration?
        /// A uniform random number in `0..<1`, for jitter.
        public var random: Double

        /// Describes a failed attempt.
        public init(
            method: RequestMethod, hasIdempotencyKey: Bool, error: SendingDomainsError, number: Int,
            remaining: Duration? = nil, random: Double = 0.5, isIdempotent: Bool? = nil
        ) {
            self.method = method
            self.isIdempotent = isIdempotent ?? method.isIdempotent
            self.hasIdempotencyKey = hasIdempotencyKey
            self.error = error
            self.number = number
            self.remaining = remaining
            self.random = random
        }
    }

    /// The outcome of ``decide(_:)``.
    ///
    /// Frozen: retry or give up. The reason for giving up is extensible.
    public enum Decision: Sendable, Hashable {
        /// Send the request again after the delay.
        case retry(after: Duration)
        /// Stop and throw the failure; the reason says why, for logs and tests.
        case giveUp(GiveUpReason)
    }

    /// Why the policy stopped.
    ///
    /// A struct with static members rather than an enum, so that a later version can add a
    /// reason without breaking your code: match the ones you handle and keep a `default:`.
    public struct GiveUpReason: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The reason's name, e.g. `"attemptsExhausted"`: stable, and what a give-up's log event
        /// carries under `reason`.
        public let rawValue: String

        /// A reason by name. Names this version does not know are kept as they are.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The table says this failure is never retried.
        public static let notRetryable = GiveUpReason(rawValue: "notRetryable")
        /// The request is not replayable and may have reached the server.
        public static let unsafeToReplay = GiveUpReason(rawValue: "unsafeToReplay")
        /// All attempts are used.
        public static let attemptsExhausted = GiveUpReason(rawValue: "attemptsExhausted")
        /// The provider's hint is longer than ``RetryPolicy/maximumRetryAfter``.
        public static let hintTooLong = GiveUpReason(rawValue: "hintTooLong")
        /// The wait would pass the call's deadline.
        public static let deadlineExceeded = GiveUpReason(rawValue: "deadlineExceeded")

        /// The name, e.g. `attemptsExhausted`.
        public var description: String { rawValue }
    }

    /// Decides about one failed attempt: the table, then the limits, then the delay.
    public func decide(_ attempt: Attempt) -> Decision {
        let replayable = attempt.isIdempotent || attempt.hasIdempotencyKey
        switch Self.rule(for: attempt.error).verdict {
        case .never: return .giveUp(.notRetryable)
        case .ifReplayable where !replayable: return .giveUp(.unsafeToReplay)
        case .ifIdempotencyKey where !attempt.hasIdempotencyKey: return .giveUp(.unsafeToReplay)
        default: break
        }
        guard attempt.number < maximumAttempts else { return .giveUp(.attemptsExhausted) }
        let delay: Duration
        if let hint = attempt.error.retryAfter {
            guard hint <= maximumRetryAfter else { return .giveUp(.hintTooLong) }
            delay = hint
        } else {
            delay = backoff(afterAttempt: attempt.number, random: attempt.random)
        }
        if let remaining = attempt.remaining, delay >= remaining { return .giveUp(.deadlineExceeded) }
        return .retry(after: delay)
    }

    /// The backoff after attempt `number` (from 1) without a provider hint:
    /// `min(maximumBackoff, initialBackoff · 2^(number−1))`, then jittered.
    public func backoff(afterAttempt number: Int, random: Double) -> Duration {
        let doublings = min(max(number - 1, 0), 32)
        let ceiling = min(maximumBackoff.seconds, initialBackoff.seconds * Double(1 << doublings))
        let unit = min(max(random, 0), 1)
        let seconds: Double =
            switch jitter {
            case .full: ceiling * unit
            case .proportional(let fraction): min(maximumBackoff.seconds, ceiling * (1 + fraction * (2 * unit - 1)))
            case .none: ceiling
            }
        return Duration.clampedSeconds(seconds) ?? .zero
    }

}

extension RetryPolicy.Rule: CustomStringConvertible {
    /// `name → verdict`.
    public var description: String { "\(name) → \(verdict.rawValue)" }
}

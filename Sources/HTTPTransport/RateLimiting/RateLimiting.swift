extension ClientOptions {
    /// How a client limits its own request rate: the provider's published limit in a bucket of
    /// its own (the default), none, a limit of your choosing, or a budget shared with every
    /// other client — in this process and in others — through a ``SharedRateStore``.
    ///
    /// A struct with static members rather than an enum, so that a choice can be added without
    /// breaking anyone's code.
    ///
    /// ```swift
    /// var options = ClientOptions()
    /// options.rateLimiting = .custom(RateLimit(rate: 1, burst: 1))
    /// options.rateLimiting = .disabled
    /// ```
    ///
    /// Two values are equal when they make the same choice; shared budgets compare their store
    /// by identity.
    public struct RateLimiting: Sendable, Hashable {
        package enum Mode: Sendable, Hashable {
            case providerDefault
            case disabled
            case custom(RateLimit)
            case shared(Shared)
        }

        /// A shared budget's settings.
        package struct Shared: Sendable, Hashable {
            package let store: any SharedRateStore
            package let scope: String?
            package let limit: RateLimit?
            package let margin: Double
            package let outage: OutagePolicy

            package static func == (lhs: Shared, rhs: Shared) -> Bool {
                lhs.store === rhs.store && lhs.scope == rhs.scope && lhs.limit == rhs.limit
                    && lhs.margin == rhs.margin && lhs.outage == rhs.outage
            }

            package func hash(into hasher: inout Hasher) {
                hasher.combine(ObjectIdentifier(store))
                hasher.combine(scope)
                hasher.combine(limit)
                hasher.combine(outage)
            }
        }

        package let mode: Mode

        private init(_ mode: Mode) {
            self.mode = mode
        }

        /// The provider's published limit (see each client's documentation), in a bucket of the
        /// client's own.
        public static let providerDefault = RateLimiting(.providerDefault)

        /// No client-side limit; the provider's 429s are still retried.
        public static let disabled = RateLimiting(.disabled)

        /// A limit of your choosing, in a bucket of the client's own.
        public static func custom(_ limit: RateLimit) -> RateLimiting {
            RateLimiting(.custom(limit))
        }

        /// The default margin under the limit a shared budget aims for: 10 %.
        public static let defaultMargin = 0.1

        /// One budget shared by every client that uses the same `store` and scope, in any
        /// process: the way several instances of an app stay under one provider account's limit.
        ///
        /// The budget is kept in the store (Redis, with `SendingDomainsRedis.RedisRateStore`,
        /// or your own implementation of ``SharedRateStore``), one entry per **rate-limit
        /// scope**: the provider's name and, by default, AhaSend's account id, or for the other
        /// providers a SHA-256 hash of the API key — never the key itself. What a provider
        /// reports (`Retry-After`, a 429's retry hint, `X-RateLimit-Remaining: 0` with its reset,
        /// the IETF `RateLimit` field) pauses every client of the scope until the reset.
        ///
        /// ```swift
        /// import HTTPTransport
        ///
        /// func options(sharing store: any SharedRateStore) -> ClientOptions {
        ///     ClientOptions(rateLimiting: .shared(store, scope: "team-marketing"))
        /// }
        /// ```
        ///
        /// - Parameters:
        ///   - store: Where the budget lives.
        ///   - scope: The name of what the provider limits (Krafter limits per team, so
        ///     clients with different keys of one team should share a scope name); `nil` for the
        ///     default described above. It is part of a store key: keep it short and free of
        ///     secrets.
        ///   - limit: The limit to share; `nil` for the provider's published one. A provider
        ///     that publishes none (SendKit, Cllavio) is not limited unless you give one.
        ///   - margin: How far under the limit to aim, as a fraction of the rate (0.1 by default:
        ///     90 % of it); the burst is also one request smaller (when it is over one). Clock and
        ///     network jitter then never bring a 429 from a provider that enforces its limit
        ///     exactly. Values outside 0…0.9 are brought inside.
        ///   - whenUnavailable: What a call does while the store cannot be reached.
        public static func shared(
            _ store: any SharedRateStore, scope: String? = nil, limit: RateLimit? = nil,
            margin: Double = RateLimiting.defaultMargin, whenUnavailable: OutagePolicy = .fallBack()
        ) -> RateLimiting {
            let margin = margin.isFinite ? min(max(margin, 0), 0.9) : defaultMargin
            return RateLimiting(
                .shared(Shared(store: store, scope: scope, limit: limit, margin: margin, outage: whenUnavailable)))
        }

        /// The store of a shared budget; `nil` for the other choices.
        public var store: (any SharedRateStore)? {
            if case .shared(let shared) = mode { return shared.store }
            return nil
        }

        /// What a call does while a shared budget's store cannot be reached.
        ///
        /// The client logs the outage once (a ``LogSink/Event`` of level `warning` whose metadata
        /// carries `rateStore`), tries the store again with a growing backoff (0.5 s up to 30 s),
        /// and logs its return.
        public struct OutagePolicy: Sendable, Hashable, CustomStringConvertible {
            package enum Mode: Sendable, Hashable {
                case fallBack(share: Double)
                case fail
            }

            package let mode: Mode

            private init(_ mode: Mode) {
                self.mode = mode
            }

            /// The default share of the limit a fallback bucket gets: a quarter, which keeps four
            /// instances under the limit together.
            public static let defaultShare = 0.25

            /// Goes on under a local bucket at `share` of the limit (the default; a quarter of
            /// it). Set the share to one over the number of instances you run, so that together
            /// they stay under the limit. Values outside 0.01…1 are brought inside.
            public static func fallBack(share: Double = OutagePolicy.defaultShare) -> OutagePolicy {
                OutagePolicy(.fallBack(share: share.isFinite ? min(max(share, 0.01), 1) : defaultShare))
            }

            /// Fails the call, before sending anything, with the store's error.
            public static let fail = OutagePolicy(.fail)

            /// The share of the limit the fallback bucket gets; `nil` for ``fail``.
            public var fallbackShare: Double? {
                if case .fallBack(let share) = mode { return share }
                return nil
            }

            /// `local bucket at 25 % of the limit` or `fail the call`.
            public var description: String {
                switch mode {
                case .fallBack(let share): "local bucket at \(Int((share * 100).rounded())) % of the limit"
                case .fail: "fail the call"
                }
            }
        }
    }
}

extension PreflightReport {
    /// What an SPF record costs receivers, evaluated as RFC 7208 §4.6 describes for a sender it
    /// does not authorise — the worst case, in which every term runs.
    ///
    /// `lookups` counts the DNS-querying terms (`include`, `a`, `mx`, `ptr`, `exists`,
    /// `redirect`) each time one is evaluated: an include reached twice costs twice. More than
    /// 10 is a permanent error (§4.6.4), and so are more than 2 lookups that find nothing
    /// (`voidLookups`).
    ///
    /// ```swift
    /// import SendingDomains
    ///
    /// var zone = DNSZone()
    /// zone.add("send.example.com", .txt, "v=spf1 include:_spf.google.com ~all")
    /// zone.add("_spf.google.com", .txt, "v=spf1 ip4:192.0.2.0/24 ~all")
    /// let spf = DNSRecord(
    ///     type: .txt, name: "send.example.com", domain: "example.com",
    ///     value: "v=spf1 include:amazonses.com ~all", purpose: .spf)
    /// let report = try await DNSPreflight(lookup: zone).check([spf], domain: "example.com")
    /// if let evaluation = report.records[0].spf {
    ///     print(evaluation.lookups, evaluation.permerror ?? "no permanent error")
    ///     for cost in evaluation.costs { print(cost.term, cost.lookups) }
    /// }
    /// ```
    public struct SPFEvaluation: Sendable, Hashable, Encodable {
        /// The DNS-querying terms evaluated, counted each time (the limit is 10).
        public var lookups: Int
        /// The lookups that found nothing: `NXDOMAIN` or no data (the limit is 2).
        public var voidLookups: Int
        /// The first permanent error found (`more than 10 DNS lookups`, `include:x.example has
        /// no SPF record`, a syntax error), or `nil`.
        public var permerror: String?
        /// The terms that led to ``permerror``, from the record's own term down
        /// (`["include:_spf.a.example", "include:_spf.b.example", "mx"]`); empty without one.
        public var path: [String]
        /// What each of the record's own `include:` (and a `redirect=` that is evaluated)
        /// costs: the term itself and everything its target evaluates, as if it stood alone.
        public var costs: [Cost]
        /// What the evaluation could not follow (a macro such as `%{i}` whose value depends on
        /// the sending client), and terms that were counted but not evaluated.
        public var notes: [String]

        /// An evaluation.
        public init(
            lookups: Int, voidLookups: Int, permerror: String? = nil, path: [String] = [], costs: [Cost] = [],
            notes: [String] = []
        ) {
            self.lookups = lookups
            self.voidLookups = voidLookups
            self.permerror = permerror
            self.path = path
            self.costs = costs
            self.notes = notes
        }

        /// What one term costs.
        public struct Cost: Sendable, Hashable, Encodable {
            /// The term as written: `include:_spf.google.com`.
            public var term: String
            /// The DNS-querying terms it evaluates, itself included.
            public var lookups: Int

            /// A cost.
            public init(term: String, lookups: Int) {
                self.term = term
                self.lookups = lookups
            }
        }

        private enum CodingKeys: String, CodingKey {
            case lookups, voidLookups, permerror, path, costs
        }

        /// `{"lookups", "voidLookups", "permerror": "…" | null, "path": […], "costs": [{"term", "lookups"}]}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(lookups, forKey: .lookups)
            try container.encode(voidLookups, forKey: .voidLookups)
            if let permerror {
                try container.encode(permerror, forKey: .permerror)
            } else {
                try container.encodeNil(forKey: .permerror)
            }
            try container.encode(path, forKey: .path)
            try container.encode(costs, forKey: .costs)
        }
    }
}

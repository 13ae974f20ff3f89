@_spi(ProviderAuthoring) import HTTPTransport

// Cllavio's one documented domain operation, described once.

extension Endpoint where Response == Cllavio.GeneratedDomain {
    /// `POST /api/v1/emails/domains/generate`: the answer is a flat object of record entries,
    /// kept with the domain's name.
    static func generateDomain(_ request: Cllavio.GenerateDomainRequest) -> Self {
        let name = Result { () throws(SendingDomainsError) in try request.domain() }
        return Self(
            .generateDomain, .post,
            decoding: .json([String: String].self) { entries in
                Cllavio.GeneratedDomain(name: (try? name.get()) ?? "", entries: entries)
            }
        ) { () throws(SendingDomainsError) in
            _ = try name.get()
            return try Parts(path: ["api", "v1", "emails", "domains", "generate"], json: request.validated())
        }
    }
}

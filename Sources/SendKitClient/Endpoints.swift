@_spi(ProviderAuthoring) import HTTPTransport

// SendKit's one documented domain operation, described once.

extension Endpoint where Response == SendKit.Domain {
    /// `POST /domains`; the body is validated while the description is built.
    static func createDomain(_ request: SendKit.CreateDomainRequest) -> Self {
        Self(.createDomain, .post, decoding: .json) { () throws(SendingDomainsError) in
            try Parts(path: ["domains"], json: request.validated())
        }
    }
}

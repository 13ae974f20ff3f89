@_spi(ProviderAuthoring) import HTTPTransport

// Each Krafter operation, described once. Ids are checked (UUIDs) and bodies validated while
// the description is built, so that nothing malformed is sent.

extension Krafter {
    /// A domain id: a UUID.
    struct DomainID {
        let rawValue: String

        init(_ id: String) throws(SendingDomainsError) {
            rawValue = try ResourceID.uuid(id, field: "id")
        }
    }
}

extension ResponseDecoding where Response: Decodable {
    /// `{ "data": Response }`.
    static var krafterEnvelope: Self { .json(Krafter.Envelope<Response>.self) { $0.data } }
}

extension Endpoint where Response == Krafter.Domain {
    /// `POST /domains`.
    static func createDomain(_ request: Krafter.CreateDomainRequest) -> Self {
        Self(.createDomain, .post, decoding: .krafterEnvelope) { () throws(SendingDomainsError) in
            try Parts(path: ["domains"], json: request.validated())
        }
    }

    /// `GET /domains/{id}`.
    static func getDomain(id: String) -> Self {
        Self(.getDomain, .get, decoding: .krafterEnvelope) { () throws(SendingDomainsError) in
            Parts(path: ["domains", try Krafter.DomainID(id).rawValue])
        }
    }

    /// `POST /domains/{id}/verify`: a fresh DNS check; repeating it is harmless.
    static func verifyDomain(id: String) -> Self {
        Self(.verifyDomain, .post, idempotent: true, decoding: .krafterEnvelope) { () throws(SendingDomainsError) in
            Parts(path: ["domains", try Krafter.DomainID(id).rawValue, "verify"])
        }
    }
}

extension Endpoint where Response == [Krafter.Domain] {
    /// `GET /domains`.
    static var listDomains: Self {
        Self(.listDomains, .get, decoding: .krafterEnvelope) { Parts(path: ["domains"]) }
    }
}

extension Endpoint where Response == Void {
    /// `DELETE /domains/{id}`; the answer must be Krafter's `{data: {deleted: true}}` shape.
    static func deleteDomain(id: String) -> Self {
        Self(.deleteDomain, .delete, decoding: .expecting(Krafter.Envelope<Krafter.Deletion>.self)) {
            () throws(SendingDomainsError) in
            Parts(path: ["domains", try Krafter.DomainID(id).rawValue])
        }
    }
}

@_spi(ProviderAuthoring) import HTTPTransport

// Each AutoSend operation, described once. Ids are checked (24 hexadecimal characters) and
// bodies validated while the description is built, so that nothing malformed is sent.

extension AutoSend {
    /// The envelope's `message`, which a verification reports beside its data.
    struct Message: Decodable {
        let message: String?
    }

    /// A domain id: 24 hexadecimal characters (a MongoDB ObjectId).
    struct DomainID {
        let rawValue: String

        init(_ id: String) throws(SendingDomainsError) {
            rawValue = try ResourceID.hex(id, length: 24, field: "domainId")
        }
    }
}

extension ResponseDecoding where Response: Decodable {
    /// `{ "success": true, "data": Response }`; a `success: false` body becomes its error.
    static var autoSendEnvelope: Self {
        Self { response, operation throws(SendingDomainsError) in
            try AutoSend.unwrap(Response.self, from: response, operation: operation.rawValue)
        }
    }
}

extension Endpoint where Response == AutoSend.Domain {
    /// `POST /domains`.
    static func createDomain(_ request: AutoSend.CreateDomainRequest) -> Self {
        Self(.createDomain, .post, decoding: .autoSendEnvelope) { () throws(SendingDomainsError) in
            try Parts(path: ["domains"], json: request.validated())
        }
    }

    /// `GET /domains/{domainId}`.
    static func getDomain(id: String) -> Self {
        Self(.getDomain, .get, decoding: .autoSendEnvelope) { () throws(SendingDomainsError) in
            Parts(path: ["domains", try AutoSend.DomainID(id).rawValue])
        }
    }
}

extension Endpoint where Response == [AutoSend.Domain] {
    /// `GET /domains` (no pagination is documented).
    static var listDomains: Self {
        Self(
            .listDomains, .get,
            decoding: .init { response, operation throws(SendingDomainsError) in
                try AutoSend.unwrap(AutoSend.DomainList.self, from: response, operation: operation.rawValue).domains
            }
        ) { Parts(path: ["domains"]) }
    }
}

extension Endpoint where Response == AutoSend.VerificationResult {
    /// `POST /domains/{domainId}/verify`: starts a check; repeating it is harmless.
    static func verifyDomain(id: String) -> Self {
        Self(
            .verifyDomain, .post, idempotent: true,
            decoding: .init { response, operation throws(SendingDomainsError) in
                var result = try AutoSend.unwrap(Response.self, from: response, operation: operation.rawValue)
                result.message = (try? JSONCoding.decoder.decode(AutoSend.Message.self, from: response.body))?.message
                return result
            }
        ) { () throws(SendingDomainsError) in
            Parts(path: ["domains", try AutoSend.DomainID(id).rawValue, "verify"])
        }
    }
}

extension Endpoint where Response == Void {
    /// `DELETE /domains/{domainId}`; the answer's body is not published and is ignored.
    static func deleteDomain(id: String) -> Self {
        Self(.deleteDomain, .delete, decoding: .ignoringBody) { () throws(SendingDomainsError) in
            Parts(path: ["domains", try AutoSend.DomainID(id).rawValue])
        }
    }
}

@_spi(ProviderAuthoring) import HTTPTransport

// Each AhaSend operation, described once. The account id (a UUID) and the domain's name
// (UTS #46) are checked and bodies validated while the description is built, so that nothing
// malformed is sent.

extension AhaSend {
    /// An account id: a UUID, checked once when the client is made.
    struct AccountID {
        let rawValue: String

        init(_ id: String) throws(SendingDomainsError) {
            rawValue = try ResourceID.uuid(id, field: "account_id")
        }
    }

    /// A domain, addressed by its normalised name.
    struct DomainID {
        let rawValue: String

        init(_ name: String) throws(SendingDomainsError) {
            rawValue = try DomainName.normalize(name, field: "domain")
        }
    }

    /// `…/v2/accounts/{account_id}/domains`, then `extra`.
    static func domainsPath(
        _ account: Result<AccountID, SendingDomainsError>, _ extra: String...
    ) throws(SendingDomainsError) -> [String] {
        ["v2", "accounts", try account.get().rawValue, "domains"] + extra
    }
}

typealias AccountResult = Result<AhaSend.AccountID, SendingDomainsError>

extension Endpoint where Response == AhaSend.Domain {
    /// `POST …/domains` (201), with an idempotency key.
    static func createDomain(account: AccountResult, _ request: AhaSend.CreateDomainRequest) -> Self {
        Self(.createDomain, .post, decoding: .json) { () throws(SendingDomainsError) in
            try Parts(
                path: AhaSend.domainsPath(account), json: request.validated(),
                secrets: request.dkimPrivateKey.map { [$0] } ?? [])
        }
    }

    /// `GET …/domains/{domain}`.
    static func getDomain(account: AccountResult, id: String) -> Self {
        Self(.getDomain, .get, decoding: .json) { () throws(SendingDomainsError) in
            Parts(path: try AhaSend.domainsPath(account, AhaSend.DomainID(id).rawValue))
        }
    }

    /// `PUT …/domains/{domain}`.
    static func updateDomain(account: AccountResult, id: String, _ update: AhaSend.UpdateDomainRequest) -> Self {
        Self(.updateDomain, .put, decoding: .json) { () throws(SendingDomainsError) in
            try Parts(path: AhaSend.domainsPath(account, AhaSend.DomainID(id).rawValue), json: update.validated())
        }
    }

    /// `POST …/domains/{domain}/check-dns`: a DNS check (cached for 60 s); repeating it is harmless.
    static func verifyDomain(account: AccountResult, id: String) -> Self {
        Self(.verifyDomain, .post, idempotent: true, decoding: .json) { () throws(SendingDomainsError) in
            Parts(path: try AhaSend.domainsPath(account, AhaSend.DomainID(id).rawValue, "check-dns"))
        }
    }
}

extension Endpoint where Response == AhaSend.DomainPage {
    /// `GET …/domains?dns_valid=&limit=&after=&before=`.
    static func listDomains(account: AccountResult, _ query: AhaSend.ListDomainsQuery) -> Self {
        Self(.listDomains, .get, decoding: .json) { () throws(SendingDomainsError) in
            Parts(path: try AhaSend.domainsPath(account), query: try query.queryItems())
        }
    }
}

extension Endpoint where Response == Void {
    /// `DELETE …/domains/{domain}`; the answer must be AhaSend's success message.
    static func deleteDomain(account: AccountResult, id: String) -> Self {
        Self(.deleteDomain, .delete, decoding: .expecting(AhaSend.SuccessMessage.self)) {
            () throws(SendingDomainsError) in
            Parts(path: try AhaSend.domainsPath(account, AhaSend.DomainID(id).rawValue))
        }
    }
}

import Foundation

extension DomainConnect {
    /// What the synchronous apply URL carries (spec, "Apply Template URL"):
    /// `<urlSyncUX>/v2/domainTemplates/providers/<providerId>/services/<serviceId>/apply?<query>`.
    ///
    /// The query holds `domain` (the zone), `host` (the domain relative to the zone; left out at
    /// the apex), each variable, `redirect_uri`, `state` and `groupId` where given — sorted by
    /// name and form-encoded exactly as the reference client (domainconnect_python) builds it:
    /// Python's `urllib.parse.urlencode`, which keeps `A–Z a–z 0–9 _ . - ~`, writes a space as
    /// `+` and every other byte of the UTF-8 as `%XX`.
    ///
    /// Signed, the query is followed by `&sig=<signature>&key=<key host>`: the signature is the
    /// base64 RSA-SHA256 of exactly the query before it, and both values are form-encoded. The
    /// order is the reference client's (and GoDaddy's example in the spec's repository): a DNS
    /// host that strips `sig` and `key` before verifying, as the spec says, accepts it, and so
    /// does one that verifies everything before `&sig=`.
    ///
    /// ```swift
    /// import SendingDomains
    ///
    /// func link() async throws(SendingDomainsError) -> String {
    ///     let request = DomainConnect.ApplyRequest(
    ///         urlSyncUX: "https://dcc.dnshost.example/manage", providerID: "platform.example", serviceID: "sending",
    ///         zone: "example.com", host: "mail", variables: ["dkim1Value": "s1.dkim.provider.example"],
    ///         state: "ab12")
    ///     return try await request.link(signer: nil).url.absoluteString
    ///     // https://dcc.dnshost.example/manage/v2/domainTemplates/providers/platform.example/services/sending/apply?dkim1Value=s1.dkim.provider.example&domain=example.com&host=mail&state=ab12
    /// }
    /// ```
    public struct ApplyRequest: Sendable, Hashable {
        /// The DNS host's prefix for the synchronous flow (``Settings/urlSyncUX``).
        public var urlSyncUX: String
        /// The platform's `providerId`.
        public var providerID: String
        /// The template's `serviceId`.
        public var serviceID: String
        /// The zone: the apply URL's `domain`.
        public var zone: String
        /// The domain relative to the zone (`mail` for `mail.example.com` in `example.com`);
        /// `nil` or empty at the apex, where the URL has no `host`.
        public var host: String?
        /// The template's variables and their values.
        public var variables: [String: String]
        /// Where the DNS host sends the browser back (within the template's
        /// `syncRedirectDomain`, unless the request is signed).
        public var redirectURI: String?
        /// A value returned on the redirect, against CSRF.
        public var state: String?
        /// The groups to apply; `nil` applies every group.
        public var groupIDs: [String]?

        /// An apply request.
        public init(
            urlSyncUX: String, providerID: String, serviceID: String, zone: String, host: String? = nil,
            variables: [String: String], redirectURI: String? = nil, state: String? = nil, groupIDs: [String]? = nil
        ) {
            self.urlSyncUX = urlSyncUX
            self.providerID = providerID
            self.serviceID = serviceID
            self.zone = zone
            self.host = host
            self.variables = variables
            self.redirectURI = redirectURI
            self.state = state
            self.groupIDs = groupIDs
        }

        /// The query parameters, by name, before sorting and encoding.
        ///
        /// - Throws: `SendingDomainsError` of kind `validation` when
        ///   a variable uses a name the URL itself uses (``DomainConnect/reservedNames``) or is
        ///   empty, or the zone is empty.
        public func parameters() throws(SendingDomainsError) -> [String: String] {
            let zone = DNSRecord.trimmedName(zone)
            guard !zone.isEmpty else { throw .invalidInput(field: "zone", "is empty") }
            var parameters: [String: String] = [:]
            for (name, value) in variables {
                guard !name.isEmpty else { throw .invalidInput(field: "variables", "a variable name is empty") }
                guard !DomainConnect.reservedNames.contains(name) else {
                    throw .invalidInput(
                        field: "variables", "\"\(name)\" is a name the apply URL itself uses; rename the variable")
                }
                parameters[name] = value
            }
            parameters["domain"] = zone
            if let host = host.map(DNSRecord.trimmedName), !host.isEmpty, host != "@" { parameters["host"] = host }
            if let redirectURI { parameters["redirect_uri"] = redirectURI }
            if let state { parameters["state"] = state }
            if let groupIDs { parameters["groupId"] = groupIDs.joined(separator: ",") }
            return parameters
        }

        /// The apply URL, signed by `signer` when one is given.
        ///
        /// - Throws: `SendingDomainsError` of kind `validation` for
        ///   the reasons ``parameters()`` gives, a `urlSyncUX` that is not an absolute `https`
        ///   (or `http`) URL, or an invalid `providerID`/`serviceID`; of kind
        ///   `authentication` when the signer fails or returns nothing.
        public func link(signer: DomainConnect.Signer?) async throws(SendingDomainsError) -> DomainConnect.ApplyLink {
            try DomainConnect.checkID(providerID, field: "providerID")
            try DomainConnect.checkID(serviceID, field: "serviceID")
            var prefix = urlSyncUX
            while prefix.hasSuffix("/") { prefix.removeLast() }
            guard let base = URL(string: prefix), let scheme = base.scheme?.lowercased(),
                ["https", "http"].contains(scheme),
                base.host != nil, base.query == nil, base.fragment == nil
            else {
                throw .invalidInput(field: "urlSyncUX", "is not an absolute https URL without a query")
            }
            let query = DomainConnect.query(try parameters())
            var text = "\(prefix)/v2/domainTemplates/providers/\(providerID)/services/\(serviceID)/apply?\(query)"
            var signature: String?
            if let signer {
                guard !signer.keyHost.isEmpty else { throw .invalidInput(field: "keyHost", "is empty") }
                let bytes: Data
                do {
                    bytes = try await signer.sign(Data(query.utf8))
                } catch {
                    throw SendingDomainsError(
                        kind: .authentication,
                        message:
                            "The Domain Connect signer failed; check the private key it signs with and that it returns the raw signature bytes",
                        underlyingError: error)
                }
                guard !bytes.isEmpty else {
                    throw SendingDomainsError(
                        kind: .authentication, message: "The Domain Connect signer returned an empty signature")
                }
                let encoded = bytes.base64EncodedString()
                signature = encoded
                text += "&sig=\(DomainConnect.formEncode(encoded))&key=\(DomainConnect.formEncode(signer.keyHost))"
            }
            guard let url = URL(string: text) else {
                throw .invalidInput(field: "urlSyncUX", "does not make a valid URL")
            }
            return DomainConnect.ApplyLink(url: url, signedQuery: query, signature: signature)
        }
    }

    /// A built apply URL.
    public struct ApplyLink: Sendable, Hashable {
        /// The URL to send the customer to (in a new window sized ``Settings/width`` ×
        /// ``Settings/height``, or in the same one with a `redirect_uri`).
        public var url: URL
        /// The query before `sig` and `key`: exactly the string a signature covers.
        public var signedQuery: String
        /// The base64 signature, when the URL is signed.
        public var signature: String?

        /// A link.
        public init(url: URL, signedQuery: String, signature: String?) {
            self.url = url
            self.signedQuery = signedQuery
            self.signature = signature
        }

        /// Whether the URL carries a signature.
        public var isSigned: Bool { signature != nil }
    }

    /// `parameters` sorted by name (Unicode scalar order, as Python sorts strings) and
    /// form-encoded: `a=1&b=x+y`.
    public static func query(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            .map { "\(formEncode($0.key))=\(formEncode($0.value))" }
            .joined(separator: "&")
    }

    /// `text` encoded as Python's `urllib.parse.quote_plus` encodes it: `A–Z a–z 0–9 _ . - ~`
    /// kept, a space as `+`, every other UTF-8 byte as `%XX` (upper-case hex).
    public static func formEncode(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                output += "+"
            default:
                output += "%"
                output.unicodeScalars.append(hex[Int(byte >> 4)])
                output.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return output
    }
}

import Foundation

/// Domain Connect (domainconnect.org; the IETF drafts `draft-ietf-dconn-domainconnect`): send a
/// customer to their own DNS host with the records filled in, so that one click publishes them.
///
/// What the SDK does per customer, in order:
///
/// 1. ``Template/generate(from:domain:service:)`` turns a domain's ``DNSRecord``s into the
///    platform's template (published once) and this domain's variable values.
/// 2. ``Discovery/check(zone:providerID:serviceID:)`` reads TXT `_domainconnect.<zone>`, asks the
///    DNS host's API for its settings and whether it has the template.
/// 3. ``ApplyRequest/link(signer:)`` builds the synchronous apply URL, signed by a ``Signer`` the
///    platform passes in when the template asks for a signature.
/// 4. ``Onboarding/prepare(records:domain:dnsHost:service:discovery:preflight:redirectURI:state:signer:)`` does
///    2 and 3 for a created domain and answers "one-click URL, or manual instructions".
///
/// ```swift
/// import SendingDomains
///
/// func template(for domain: SendingDomain) throws(SendingDomainsError) -> String {
///     let service = DomainConnect.Service(
///         providerID: "platform.example", providerName: "Platform", serviceID: "sending",
///         serviceName: "Sending domain", syncPubKeyDomain: "platform.example")
///     let generated = try DomainConnect.Template.generate(
///         from: domain.records ?? [], domain: domain.name, service: service)
///     return generated.template.json
/// }
/// ```
///
/// Docs/DomainConnect.md says what a platform does once (write and submit the template, publish
/// its public key) and what the SDK does per customer.
///
/// `DomainConnect` is a namespace: an enum without cases, never switched on.
public enum DomainConnect {
    /// The names the apply URL itself uses: a template variable must not be one of them
    /// (spec, "Apply Template URL"), nor the built-in `fqdn`.
    public static let reservedNames: Set<String> = [
        "domain", "host", "fqdn", "redirect_uri", "state", "groupId", "sig", "key", "providerName", "serviceName",
    ]

    /// The platform's template identity, as it is published: the Domain Connect provider and
    /// service (the platform's, not the DNS host's) and the template's options.
    public struct Service: Sendable, Hashable {
        /// The platform's Domain Connect `providerId`, usually its domain (`platform.example`).
        public var providerID: String
        /// The platform's name, shown by the DNS host on its consent page.
        public var providerName: String
        /// The template's `serviceId` (no spaces; URL friendly).
        public var serviceID: String
        /// The service's name, shown on the consent page.
        public var serviceName: String
        /// The template's version; increase it with each change to the template.
        public var version: Int
        /// The domain whose TXT `<key>.<syncPubKeyDomain>` holds the public key: when set, every
        /// apply URL must be signed (Cloudflare and Google require it).
        public var syncPubKeyDomain: String?
        /// The comma-separated domains `redirect_uri` may point to (an unsigned request's
        /// redirect must be within them).
        public var syncRedirectDomain: String?

        /// A template identity.
        public init(
            providerID: String, providerName: String, serviceID: String, serviceName: String, version: Int = 1,
            syncPubKeyDomain: String? = nil, syncRedirectDomain: String? = nil
        ) {
            self.providerID = providerID
            self.providerName = providerName
            self.serviceID = serviceID
            self.serviceName = serviceName
            self.version = version
            self.syncPubKeyDomain = syncPubKeyDomain
            self.syncRedirectDomain = syncRedirectDomain
        }
    }

    /// Signs an apply URL's query with the platform's private key. The SDK ships no RSA code: the
    /// platform passes the signing in (Security.framework, `openssl dgst -sha256 -sign`, a KMS).
    ///
    /// ```swift
    /// import Foundation
    /// import SendingDomains
    ///
    /// let signer = DomainConnect.Signer(keyHost: "_dck1") { bytes in
    ///     // RSA-SHA256 (PKCS #1 v1.5) of `bytes` with the key whose public half is published
    ///     // at TXT _dck1.<syncPubKeyDomain>; Docs/DomainConnect.md shows two implementations.
    ///     Data(bytes.reversed())
    /// }
    /// ```
    public struct Signer: Sendable {
        /// The host of the TXT records holding the public key, relative to the template's
        /// `syncPubKeyDomain` (the apply URL's `key` parameter), e.g. `_dck1`.
        public var keyHost: String
        /// Returns the RSA-SHA256 (PKCS #1 v1.5) signature of the bytes given: the apply URL's
        /// query string exactly as sent, UTF-8, without `sig` and `key`.
        public var sign: @Sendable (Data) async throws -> Data

        /// A signer for the key published at `keyHost`.
        public init(keyHost: String, sign: @escaping @Sendable (Data) async throws -> Data) {
            self.keyHost = keyHost
            self.sign = sign
        }
    }
}

extension DomainConnect {
    /// The TXT values that publish a public key at `<key host>.<syncPubKeyDomain>` (spec,
    /// "Digitally Sign Requests"): the key's base64 (a PEM's body; its `-----BEGIN…` lines and
    /// whitespace are dropped) cut into pieces of at most `pieceLength` characters, each as
    /// `p=<n>,a=RS256,d=<piece>`, numbered from 1. Publish every value as its own TXT record.
    ///
    /// ```swift
    /// import SendingDomains
    ///
    /// let pem = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA18Sg\n-----END PUBLIC KEY-----\n"
    /// let values = DomainConnect.publicKeyRecords(pem, pieceLength: 20)
    /// assert(values == ["p=1,a=RS256,d=MIIBIjANBgkqhkiG9w0B", "p=2,a=RS256,d=AQEFAAOCAQ8AMIIBCgKC",
    ///                   "p=3,a=RS256,d=AQEA18Sg"])
    /// ```
    public static func publicKeyRecords(_ publicKey: String, pieceLength: Int = 200) -> [String] {
        let body = publicKey.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("-----") }
            .joined()
            .filter { !$0.isWhitespace }
        let length = max(1, pieceLength)
        var pieces: [String] = []
        var rest = Substring(body)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        return pieces.enumerated().map { "p=\($0.offset + 1),a=RS256,d=\($0.element)" }
    }
}

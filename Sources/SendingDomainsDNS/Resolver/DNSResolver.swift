import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

/// Something that answers DNS questions: the network resolver (``DNSResolver``), an in-memory
/// zone (``DNSZone``) in tests and the sandbox, or your own.
public protocol DNSLookup: Sendable {
    /// Asks for the records of `type` at `name`.
    ///
    /// - Throws: `SendingDomainsError` of kind `dns` when DNS could not be asked: no server
    ///   answered (`transportFailure` `.timedOut`), none could be reached (`.connectionRefused`),
    ///   every server answered `SERVFAIL` or `REFUSED` (`code` names it), or an answer was
    ///   malformed (the message says how: a truncated answer over TCP or DNS over HTTPS, an
    ///   `NXDOMAIN` that carries records other than `CNAME`s); its recovery suggestion is to try
    ///   another resolver. `validation` for a name that cannot be asked (see `DNSName.validate`),
    ///   `cancelled` when the task is cancelled. `NXDOMAIN` and an empty answer are answers, not
    ///   errors.
    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer

    /// Who sees the queries, for reports and the privacy note: `127.0.0.53:53`,
    /// `https://dns.google/dns-query`, `in-memory zone`.
    var description: String { get }
}

/// The answer to one question.
public struct DNSAnswer: Hashable, Sendable {
    /// The question.
    public var question: DNSQuestion
    /// The response code: `NOERROR` (with or without data) or `NXDOMAIN`.
    public var responseCode: DNSResponseCode
    /// The answer section: the records asked for, after any `CNAME`s that lead to them.
    public var records: [DNSResourceRecord]
    /// The authority section: the zone's `SOA` on a negative answer.
    public var authorities: [DNSResourceRecord]
    /// Whether a server authoritative for the zone answered.
    public var isAuthoritative: Bool
    /// Who answered.
    public var server: String

    /// An answer.
    public init(
        question: DNSQuestion, responseCode: DNSResponseCode = .noError, records: [DNSResourceRecord] = [],
        authorities: [DNSResourceRecord] = [], isAuthoritative: Bool = false, server: String = ""
    ) {
        self.question = question
        self.responseCode = responseCode
        self.records = records
        self.authorities = authorities
        self.isAuthoritative = isAuthoritative
        self.server = server
    }

    /// How long resolvers may keep saying this name has no such data, in seconds (RFC 2308: the
    /// smaller of the SOA's TTL and its minimum), when the answer is negative and carries an SOA.
    public var negativeCacheTTL: UInt32? {
        guard records.allSatisfy({ $0.type == .cname }) || records.isEmpty else { return nil }
        for record in authorities {
            if case .startOfAuthority(let soa) = record.data { return min(record.ttl, soa.minimum) }
        }
        return nil
    }
}

/// A stub resolver with no dependencies: RFC 1035 over UDP with EDNS(0) at 1,232 bytes, TCP when
/// an answer is truncated (RFC 7766), timeouts and retries across servers, the system's
/// resolvers from `/etc/resolv.conf` or servers you name, and DNS over HTTPS (RFC 8484) through
/// the SDK's `Transport` where UDP is blocked or there is no `/etc/resolv.conf`.
///
/// ```swift
/// let resolver = try DNSResolver.system()
/// let answer = try await resolver.query("_dmarc.example.com", type: .txt)
/// for record in answer.records { print(record.data.value) }
///
/// let overHTTPS = try DNSResolver(dnsOverHTTPS: "https://dns.google/dns-query")
/// ```
///
/// Names are asked as given, lower-cased; there is no search-domain expansion.
public struct DNSResolver: DNSLookup {
    /// Where queries go.
    ///
    /// Frozen: servers over UDP/TCP, or DNS over HTTPS; another protocol would be another
    /// ``DNSLookup``, not a case here.
    public enum Upstream: Sendable {
        /// These servers, in order, over UDP (TCP on truncation).
        case servers([DNSServer])
        /// A DNS-over-HTTPS endpoint, through a transport.
        case https(BaseURL, transport: any Transport)
    }

    /// Where queries go.
    public var upstream: Upstream
    /// How long to wait for one server's answer to one try.
    public var timeout: Duration
    /// How many rounds over the servers before giving up.
    public var attempts: Int
    /// Whether to ask for recursion; `false` asks authoritative servers about their own zone.
    public var recursionDesired: Bool
    /// The EDNS(0) UDP payload size advertised.
    public var payloadSize: UInt16
    /// Makes query ids; random by default. Tests may inject a sequence.
    public var makeID: @Sendable () -> UInt16

    /// A resolver that asks `servers`.
    ///
    /// - Parameters:
    ///   - servers: The servers, tried in order each round.
    ///   - timeout: How long to wait for one answer (2 s by default, as `resolv.conf`'s
    ///     default is 5 s for a whole try).
    ///   - attempts: Rounds over the servers (2 by default).
    public init(servers: [DNSServer], timeout: Duration = .seconds(2), attempts: Int = 2) {
        upstream = .servers(servers)
        self.timeout = timeout
        self.attempts = max(1, attempts)
        recursionDesired = true
        payloadSize = DNSMessage.defaultPayloadSize
        makeID = { UInt16.random(in: 0...UInt16.max) }
    }

    /// A resolver that asks a DNS-over-HTTPS endpoint (RFC 8484: `POST`,
    /// `application/dns-message`), through `transport` — the SDK's hardened
    /// `URLSessionTransport` by default.
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError.Kind.validation` when
    ///   `url` is not `https` (plain `http` only on loopback).
    public init(
        dnsOverHTTPS url: String, transport: any Transport = URLSessionTransport.shared,
        timeout: Duration = .seconds(5),
        attempts: Int = 2
    ) throws(SendingDomainsError) {
        upstream = .https(try BaseURL(url), transport: transport)
        self.timeout = timeout
        self.attempts = max(1, attempts)
        recursionDesired = true
        payloadSize = DNSMessage.defaultPayloadSize
        makeID = { 0 }  // RFC 8484 §4.1: id 0, so that answers can be cached
    }

    /// The system's resolvers: the `nameserver` lines of `/etc/resolv.conf` (or `path`), with its
    /// `options timeout:N attempts:N`.
    ///
    /// - Throws: `SendingDomainsError` of kind `SendingDomainsError.Kind.validation` when the
    ///   file cannot be read or names no usable server; use ``init(servers:timeout:attempts:)``
    ///   or ``init(dnsOverHTTPS:transport:timeout:attempts:)`` there.
    public static func system(path: String = "/etc/resolv.conf") throws(SendingDomainsError) -> DNSResolver {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidInput(
                field: "resolv.conf",
                "\(path) cannot be read; name a resolver (--resolver HOST[:PORT]) or use DNS over HTTPS (--doh URL)")
        }
        let configuration = parseResolvConf(String(decoding: data, as: UTF8.self))
        guard !configuration.servers.isEmpty else {
            throw .invalidInput(
                field: "resolv.conf",
                "\(path) names no nameserver with an IP address; name a resolver or use DNS over HTTPS")
        }
        return DNSResolver(
            servers: configuration.servers, timeout: .seconds(min(configuration.timeout ?? 2, 30)),
            attempts: min(configuration.attempts ?? 2, 5))
    }

    /// The servers and options of a `resolv.conf`; lines it does not understand are ignored, as
    /// the C library ignores them. At most three servers count (`MAXNS`).
    package static func parseResolvConf(_ text: String) -> (servers: [DNSServer], timeout: Int?, attempts: Int?) {
        var servers: [DNSServer] = []
        var timeout: Int?
        var attempts: Int?
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = words.first, !keyword.hasPrefix("#"), !keyword.hasPrefix(";") else { continue }
            switch keyword {
            case "nameserver" where words.count >= 2:
                // A scoped IPv6 address (fe80::1%eth0) cannot be used without its interface.
                let host = String(words[1])
                if servers.count < 3, !host.contains("%"), let server = try? DNSServer(host: host) {
                    servers.append(server)
                }
            case "options":
                for option in words.dropFirst() {
                    if option.hasPrefix("timeout:") { timeout = Int(option.dropFirst(8)).map { max(1, $0) } }
                    if option.hasPrefix("attempts:") { attempts = Int(option.dropFirst(9)).map { max(1, $0) } }
                }
            default: continue
            }
        }
        return (servers, timeout, attempts)
    }

    /// The servers or the endpoint asked.
    public var description: String {
        switch upstream {
        case .servers(let servers): servers.map(\.description).joined(separator: ", ")
        case .https(let url, _): url.description
        }
    }

    /// Asks for `type` records at `name`: each round tries every server in order; a truncated
    /// UDP answer is asked again over TCP; `SERVFAIL`, `REFUSED`, a timeout or an unreachable
    /// server moves on to the next server.
    ///
    /// - Throws: see ``DNSLookup/query(_:type:)``; the error of the last server tried, with all
    ///   servers named when none answered.
    public func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        try DNSName.validate(name)
        guard type.code != nil else {
            throw .invalidInput(field: "type", "\(type.rawValue) is not a type the resolver can ask for")
        }
        let question = DNSQuestion(name: name, type: type)
        var lastError: SendingDomainsError?
        for _ in 0..<attempts {
            switch upstream {
            case .servers(let servers):
                guard !servers.isEmpty else { throw .invalidInput(field: "resolver", "no DNS server is configured") }
                for server in servers {
                    do {
                        return try await ask(question, server: server)
                    } catch {
                        if error.kind == .cancelled { throw error }
                        lastError = error
                    }
                }
            case .https(let url, let transport):
                do {
                    return try await askOverHTTPS(question, url: url, transport: transport)
                } catch {
                    if error.kind == .cancelled { throw error }
                    lastError = error
                }
            }
            if Task.isCancelled {
                throw SendingDomainsError(
                    kind: .cancelled, message: "The DNS query was cancelled", operation: OperationName.dnsQuery.rawValue
                )
            }
        }
        var error =
            lastError
            ?? SendingDomainsError(
                kind: .dns, message: "No DNS answer", operation: OperationName.dnsQuery.rawValue,
                transportFailure: .timedOut)
        if error.transportFailure == .timedOut {
            error.message = "No answer for \(question.name) \(type.rawValue) from \(description) (\(attempts) attempts)"
        }
        // Whatever went wrong on the way — silence, an unreachable server, a malformed answer —
        // is one kind for the caller, whose remedy is the same: another resolver.
        if error.kind != .cancelled && error.kind != .validation { error.kind = .dns }
        error.attempts = attempts
        throw error
    }

    /// One server: UDP, then TCP when the answer is truncated.
    private func ask(_ question: DNSQuestion, server: DNSServer) async throws(SendingDomainsError) -> DNSAnswer {
        let query = DNSMessage.query(
            id: makeID(), name: question.name, type: question.type, recursionDesired: recursionDesired,
            payloadSize: payloadSize)
        let bytes = query.encoded()
        var response = try check(
            DNSMessage(decoding: try await DNSSocket.exchange(bytes, with: server, tcp: false, timeout: timeout)),
            against: query, from: server.description)
        if response.isTruncated {
            response = try check(
                DNSMessage(decoding: try await DNSSocket.exchange(bytes, with: server, tcp: true, timeout: timeout)),
                against: query, from: server.description)
            // Over TCP nothing needs cutting (RFC 7766): a TC answer there is incomplete, and
            // records missing from it must not read as records missing from the zone.
            guard !response.isTruncated else {
                throw DNSReader.malformed(
                    "\(server.description) answered over TCP with a truncated (TC) message, which may lack records")
            }
        }
        return try answer(response, question, server.description)
    }

    /// One DNS-over-HTTPS exchange.
    private func askOverHTTPS(
        _ question: DNSQuestion, url: BaseURL, transport: any Transport
    ) async throws(SendingDomainsError) -> DNSAnswer {
        let query = DNSMessage.query(
            id: makeID(), name: question.name, type: question.type, recursionDesired: recursionDesired,
            payloadSize: payloadSize)
        let segments = url.url.path.split(separator: "/").map(String.init)
        var components = URLComponents(url: url.url, resolvingAgainstBaseURL: false)
        components?.path = ""
        guard let origin = components?.url else {
            throw .invalidInput(field: "doh", "\(url) has no origin")
        }
        let request = TransportRequest(
            method: .post, baseURL: origin, path: segments,
            headers: ["Content-Type": "application/dns-message", "Accept": "application/dns-message"],
            body: query.encoded(), timeout: timeout, isReplayable: true, maximumBodySize: DNSMessage.maximumSize)
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw SendingDomainsError.wrapping(error, provider: nil, operation: OperationName.dnsQuery.rawValue)
        }
        guard response.status == 200 else {
            throw SendingDomainsError(
                kind: response.status == 429 ? .rateLimited : .dns,
                message: "The DNS-over-HTTPS endpoint \(url) answered HTTP \(response.status)",
                operation: OperationName.dnsQuery.rawValue,
                status: response.status)
        }
        guard response.body.count <= DNSMessage.maximumSize else {
            throw DNSReader.malformed("the DNS-over-HTTPS answer is over 65,535 bytes")
        }
        let message = try check(DNSMessage(decoding: response.body), against: query, from: url.description)
        // DNS over HTTPS has no size limit to truncate for (RFC 8484 §6): TC means incomplete.
        guard !message.isTruncated else {
            throw DNSReader.malformed("\(url) answered with a truncated (TC) message, which may lack records")
        }
        return try answer(message, question, url.description)
    }

    /// A response must answer this query: QR set, same id, same question.
    private func check(
        _ response: DNSMessage, against query: DNSMessage, from server: String
    ) throws(SendingDomainsError) -> DNSMessage {
        guard response.isResponse, response.id == query.id else {
            throw DNSReader.malformed("\(server) sent a message that is not the answer to this query (id or QR bit)")
        }
        guard response.questions == query.questions else {
            throw DNSReader.malformed("\(server) answered another question than the one asked")
        }
        return response
    }

    private func answer(
        _ response: DNSMessage, _ question: DNSQuestion, _ server: String
    ) throws(SendingDomainsError) -> DNSAnswer {
        switch response.responseCode {
        case .nameError where response.answers.contains { $0.type != .cname }:
            // NXDOMAIN says the name (at the end of any CNAME chain, RFC 6604) has no records at
            // all: records beside it are a contradiction, and none of them may count as published.
            throw DNSReader.malformed(
                "\(server) answered NXDOMAIN (no such name) for \(question.name) \(question.type.rawValue) and yet sent records"
            )
        case .noError, .nameError:
            return DNSAnswer(
                question: question, responseCode: response.responseCode, records: response.answers,
                authorities: response.authorities, isAuthoritative: response.isAuthoritative, server: server)
        default:
            throw SendingDomainsError(
                kind: .dns,
                message: "\(server) answered \(response.responseCode) for \(question.name) \(question.type.rawValue)",
                operation: OperationName.dnsQuery.rawValue, code: response.responseCode.description)
        }
    }

    /// The most servers ``authoritative(for:port:)`` keeps: 4.
    public static let maximumAuthoritativeServers = 4

    /// A resolver that asks the zone's authoritative servers directly, without recursion, so
    /// that a record published a moment ago is seen before caches expire (RFC 2308).
    ///
    /// The zone is found by asking this resolver for `NS` at `name` and its parents; its `NS`
    /// hosts' addresses come from this resolver too. At most
    /// ``maximumAuthoritativeServers`` (4) servers are kept — the first `NS` hosts in name
    /// order, each with its addresses — so that a zone listing many name servers, or many that
    /// never answer, costs at most 4 servers × `timeout` × `attempts` per query (16 s with the
    /// defaults); a preflight's overall deadline bounds the whole check.
    ///
    /// ```swift
    /// let direct = try await DNSResolver.system().authoritative(for: "example.com")
    /// let answer = try await direct.query("send.example.com", type: .txt)
    /// ```
    ///
    /// - Parameters:
    ///   - name: A name in the zone, e.g. the domain.
    ///   - port: The port the zone's servers answer on: 53, except in tests.
    /// - Throws: what ``query(_:type:)`` throws, and `SendingDomainsError.Kind.notFound` when
    ///   no zone or no addressable name server is found.
    public func authoritative(for name: String, port: UInt16 = 53) async throws(SendingDomainsError) -> DNSResolver {
        var zone = DNSName.normalized(name)
        var hosts: [String] = []
        while !zone.isEmpty {
            let answer = try await query(zone, type: .ns)
            hosts = answer.records.compactMap { record in
                if record.name == zone, case .name(let host) = record.data { return host }
                return nil
            }
            if !hosts.isEmpty { break }
            guard let dot = zone.firstIndex(of: ".") else { break }
            zone = String(zone[zone.index(after: dot)...])
        }
        var servers: [DNSServer] = []
        // Sorted, without duplicates, and no more hosts than servers kept: a zone naming 200
        // name servers costs as many address lookups as one naming 4.
        for host in Set(hosts).sorted().prefix(Self.maximumAuthoritativeServers) {
            for type in [DNSRecordType.a, .aaaa] where servers.count < Self.maximumAuthoritativeServers {
                guard let answer = try? await query(host, type: type) else { continue }
                for record in answer.records where servers.count < Self.maximumAuthoritativeServers {
                    if case .address(let address) = record.data, let server = try? DNSServer(host: address, port: port),
                        !servers.contains(server)
                    {
                        servers.append(server)
                    }
                }
            }
        }
        guard !servers.isEmpty else {
            throw SendingDomainsError(
                kind: .notFound, message: "No authoritative name server with an address was found for \(name)",
                operation: OperationName.dnsQuery.rawValue)
        }
        var direct = DNSResolver(servers: servers, timeout: timeout, attempts: attempts)
        direct.recursionDesired = false
        return direct
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

/// Krafter: `{data}` envelopes, seven records, `ttl: "Auto"`, four error shapes, lowercase
/// `x-ratelimit-*` headers. Verify enqueues a check: the domain is `verifying` until the next
/// read, which shows the result. A duplicate domain is a 422 with a `domain` detail.
struct KrafterAPI: SimulatedAPI, Codable {
    let apiKey: String
    let checksToVerify: Int
    var domains: [String: JSONValue] = [:]
    var order: [String] = []
    var checks: [String: Int] = [:]
    var pendingCheck: Set<String> = []

    var domainNames: [String] { order.compactMap { domains[$0]?["domain"]?.stringValue } }

    mutating func publishRecords(for domain: String) {
        for id in order where domains[id]?["domain"]?.stringValue == domain { checks[id] = checksToVerify - 1 }
    }

    static func error(_ status: Int, _ body: JSONValue, headers: HeaderFields = [:]) -> TransportResponse {
        Wire.json(status, body, headers: headers)
    }

    func rateHeaders(_ now: Date, remaining: Int = 99) -> HeaderFields {
        let reset = (Int(now.timeIntervalSince1970) / 60 + 1) * 60
        return ["x-ratelimit-limit": "100", "x-ratelimit-remaining": "\(remaining)", "x-ratelimit-reset": "\(reset)"]
    }

    func fault(_ fault: SimulatedFault, request: TransportRequest, now: Date) -> TransportResponse {
        switch fault {
        case .rateLimited(let seconds):
            var headers = rateHeaders(now, remaining: 0)
            headers["Retry-After"] = "\(seconds)"
            return Self.error(
                429, ["error": "Rate limit exceeded", "retry_after": .number(Double(seconds))], headers: headers)
        case .status(let status):
            return Self.error(status, ["error": .string("Simulated HTTP \(status)")], headers: rateHeaders(now))
        default:
            return Self.error(500, ["error": "Simulated failure"])
        }
    }

    /// The domain without records, as list and verify return it.
    func summary(_ domain: JSONValue) -> JSONValue {
        guard case .object(var fields) = domain else { return domain }
        fields["dns_records"] = nil
        return .object(fields)
    }

    mutating func settle(_ id: String, now: Date) {
        guard pendingCheck.remove(id) != nil, case .object(var fields)? = domains[id] else { return }
        let verified = (checks[id] ?? 0) >= checksToVerify
        fields["status"] = verified ? "verified" : "pending"
        if verified { fields["verified_at"] = .string(Wire.timestamp(now)) }
        domains[id] = .object(fields)
    }

    mutating func handle(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse {
        let headers = rateHeaders(now)
        func ok(_ data: JSONValue, status: Int = 200) -> TransportResponse {
            Wire.json(status, ["data": data], headers: headers)
        }
        guard let auth = request.headers["Authorization"], auth.hasPrefix("Bearer ") else {
            return Self.error(401, ["error": "Invalid or missing API key"], headers: headers)
        }
        guard auth == "Bearer \(apiKey)" else {
            return Self.error(401, ["error": "Invalid or missing API key"], headers: headers)
        }
        guard request.path.first == "domains" else { return Self.error(404, ["error": "Not found"], headers: headers) }
        let rest = Array(request.path.dropFirst())
        switch (request.method, rest.count) {
        case (.post, 0):
            return create(request, context: &context, now: now, headers: headers)
        case (.get, 0):
            for id in order { settle(id, now: now) }
            return ok(.array(order.compactMap { domains[$0].map(summary) }))
        case (.get, 1), (.delete, 1), (.post, 2):
            let id = rest[0]
            guard domains[id] != nil else { return Self.error(404, ["error": "Domain not found"], headers: headers) }
            if request.method == .delete {
                domains[id] = nil
                order.removeAll { $0 == id }
                return ok(["deleted": true])
            }
            if request.method == .get {
                settle(id, now: now)
                return ok(domains[id] ?? .null)
            }
            guard rest[1] == "verify" else { return Self.error(404, ["error": "Not found"], headers: headers) }
            checks[id] = min(checks[id] ?? 0, Int.max - 1) + 1
            pendingCheck.insert(id)
            if case .object(var fields)? = domains[id] {
                fields["status"] = "verifying"
                domains[id] = .object(fields)
            }
            return ok(summary(domains[id] ?? .null))
        default:
            return Self.error(404, ["error": "Not found"], headers: headers)
        }
    }

    /// `POST /domains`: Krafter's validation (`domain`, `return_path`, no other field, a name not
    /// taken), then the seven records.
    private mutating func create(
        _ request: TransportRequest, context: inout SimulatorState, now: Date, headers: HeaderFields
    ) -> TransportResponse {
        func ok(_ data: JSONValue, status: Int = 200) -> TransportResponse {
            Wire.json(status, ["data": data], headers: headers)
        }
        guard let body = Wire.object(request) else {
            return Self.error(
                422, ["error": "Validation failed", "details": ["body": ["must be a JSON object"]]],
                headers: headers)
        }
        var details: [String: JSONValue] = [:]
        let name = Wire.domainName(body["domain"])
        if name == nil { details["domain"] = ["is not a valid domain name"] }
        let returnPath = body["return_path"]?.stringValue ?? "send"
        let pathValid =
            returnPath.count <= 63 && returnPath.first?.isLetter == true
            && returnPath.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        if body["return_path"] != nil, body["return_path"]?.stringValue == nil || !pathValid {
            details["return_path"] = [
                "must start with a letter and contain only letters, digits and hyphens (max 63)"
            ]
        }
        if let extra = body.keys.first(where: { !["domain", "return_path"].contains($0) }) {
            details[extra] = ["is not permitted"]
        }
        if let name, domains.values.contains(where: { $0["domain"]?.stringValue == name }) {
            details["domain"] = ["has already been taken"]
        }
        guard details.isEmpty, let name else {
            return Self.error(422, ["error": "Validation failed", "details": .object(details)], headers: headers)
        }
        let id = context.nextUUID()
        let host = "\(returnPath.lowercased()).\(name)"
        func record(
            _ type: String, _ host: String, _ value: String, _ purpose: String, _ category: String,
            required: Bool = true, priority: JSONValue = .null
        ) -> JSONValue {
            [
                "type": .string(type), "name": .string(host), "value": .string(value), "ttl": "Auto",
                "priority": priority,
                "purpose": .string(purpose), "required": .bool(required), "category": .string(category),
            ]
        }
        let dkim = "DKIM — cryptographic email signature"
        let domain: JSONValue = [
            "id": .string(id), "domain": .string(name), "status": "pending", "verified_at": nil,
            "created_at": .string(Wire.timestamp(now)),
            "dns_records": [
                record(
                    "TXT", "_amazonses.\(name)", context.nextHex(44),
                    "Domain verification — proves you own this domain", "verification"),
                record(
                    "CNAME", "k1\(context.nextHex(6))._domainkey.\(name)", "k1.dkim.amazonses.com", dkim, "delivery"
                ),
                record(
                    "CNAME", "k2\(context.nextHex(6))._domainkey.\(name)", "k2.dkim.amazonses.com", dkim, "delivery"
                ),
                record(
                    "CNAME", "k3\(context.nextHex(6))._domainkey.\(name)", "k3.dkim.amazonses.com", dkim, "delivery"
                ),
                record(
                    "MX", host, "feedback-smtp.eu-central-1.amazonses.com", "Custom MAIL FROM — bounce handling",
                    "delivery", priority: 10),
                record(
                    "TXT", host, "v=spf1 include:amazonses.com ~all", "SPF — authorizes SES to send on your behalf",
                    "delivery"),
                record(
                    "TXT", "_dmarc.\(name)", "v=DMARC1; p=none;",
                    "DMARC — email authentication policy. Improves inbox placement.", "recommended", required: false
                ),
            ],
        ]
        domains[id] = domain
        order.append(id)
        return ok(domain, status: 201)
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

/// AutoSend: `{success, data}` envelopes, keyed records, 24-hex ids, `X-RateLimit-*` headers.
///
/// AutoSend lists no 409; a duplicate domain is answered as a 400 `VALIDATION_FAILED` with a
/// `domain` detail.
struct AutoSendAPI: SimulatedAPI, Codable {
    let apiKey: String
    let checksToVerify: Int
    var domains: [String: JSONValue] = [:]
    var checks: [String: Int] = [:]
    var order: [String] = []

    var domainNames: [String] { order.compactMap { domains[$0]?["domainName"]?.stringValue } }

    mutating func publishRecords(for domain: String) {
        for id in order where domains[id]?["domainName"]?.stringValue == domain { checks[id] = checksToVerify - 1 }
    }

    static func error(
        _ status: Int, _ code: String, _ message: String, details: [JSONValue] = [], extra: [String: JSONValue] = [:],
        headers: HeaderFields = [:]
    ) -> TransportResponse {
        var error: [String: JSONValue] = ["message": .string(message), "code": .string(code)]
        if !details.isEmpty { error["details"] = .array(details) }
        var body: [String: JSONValue] = ["success": false, "error": .object(error)]
        body.merge(extra) { $1 }
        return Wire.json(status, .object(body), headers: headers)
    }

    func rateHeaders(_ now: Date, remaining: Int = 1, reset: Int = 1) -> HeaderFields {
        [
            "X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "\(remaining)",
            "X-RateLimit-Reset": "\(Int(now.timeIntervalSince1970) + reset)",
        ]
    }

    func fault(_ fault: SimulatedFault, request: TransportRequest, now: Date) -> TransportResponse {
        switch fault {
        case .rateLimited(let seconds):
            Self.error(
                429, "RATE_LIMITED", "Too many requests", extra: ["retryAfter": .number(Double(seconds))],
                headers: rateHeaders(now, remaining: 0, reset: seconds))
        case .status(let status):
            Self.error(
                status, status >= 500 ? "INTERNAL_ERROR" : "ERROR", "Simulated HTTP \(status)",
                headers: rateHeaders(now))
        default: Self.error(500, "INTERNAL_ERROR", "Simulated failure")
        }
    }

    mutating func handle(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse {
        let headers = rateHeaders(now)
        func ok(_ data: JSONValue, status: Int = 200, message: String? = nil) -> TransportResponse {
            var body: [String: JSONValue] = ["success": true, "data": data]
            if let message { body["message"] = .string(message) }
            return Wire.json(status, .object(body), headers: headers)
        }
        guard request.headers["Authorization"] == "Bearer \(apiKey)" else {
            return Self.error(401, "UNAUTHORIZED", "Invalid or missing API key", headers: headers)
        }
        guard request.path.first == "domains" else {
            return Self.error(404, "NOT_FOUND", "Route not found", headers: headers)
        }
        let rest = Array(request.path.dropFirst())
        switch (request.method, rest.count) {
        case (.post, 0):
            return create(request, context: &context, now: now, headers: headers)
        case (.get, 0):
            return ok(["domains": .array(order.compactMap { domains[$0] })])
        case (.get, 1), (.delete, 1), (.post, 2):
            let id = rest[0]
            guard var domain = domains[id] else {
                return Self.error(404, "NOT_FOUND", "Domain not found", headers: headers)
            }
            if request.method == .get { return ok(domain) }
            if request.method == .delete {
                domains[id] = nil
                order.removeAll { $0 == id }
                return ok(["id": .string(id), "deleted": true], message: "Domain deleted")
            }
            guard rest[1] == "verify" else { return Self.error(404, "NOT_FOUND", "Route not found", headers: headers) }
            let count = min(checks[id] ?? 0, Int.max - 1) + 1
            checks[id] = count
            let verified = count >= checksToVerify
            let stamp = JSONValue.string(Wire.timestamp(now, fractional: true))
            if case .object(var fields) = domain {
                // Nothing is verified until the records are published: never "partially verified".
                fields["ownershipVerified"] = .bool(verified)
                fields["dkimEnabled"] = .bool(verified)
                fields["mailFromEnabled"] = .bool(verified)
                fields["dmarcEnabled"] = .bool(verified)
                fields["verificationInProgress"] = .bool(!verified)
                fields["verificationStatus"] = verified ? "VERIFIED" : "PENDING_CONFIGURATION"
                fields["lastCheckedAt"] = stamp
                if verified { fields["verifiedAt"] = stamp }
                domain = .object(fields)
            }
            domains[id] = domain
            let flags: [String: JSONValue] = [
                "domain": domain, "verificationInProgress": .bool(!verified), "ownershipVerified": .bool(verified),
                "verificationStatus": domain["verificationStatus"] ?? .null, "dkimEnabled": .bool(verified),
                "mailFromEnabled": .bool(verified), "dmarcEnabled": .bool(verified),
            ]
            return ok(.object(flags), message: "Domain verification status updated")
        default:
            return Self.error(404, "NOT_FOUND", "Route not found", headers: headers)
        }
    }

    /// `POST /domains`: AutoSend's validation (`domain` and `regionKey` only, a valid name not
    /// already added), then the domain with its keyed records.
    private mutating func create(
        _ request: TransportRequest, context: inout SimulatorState, now: Date, headers: HeaderFields
    ) -> TransportResponse {
        func ok(_ data: JSONValue, status: Int = 200, message: String? = nil) -> TransportResponse {
            var body: [String: JSONValue] = ["success": true, "data": data]
            if let message { body["message"] = .string(message) }
            return Wire.json(status, .object(body), headers: headers)
        }
        guard let body = Wire.object(request), body.keys.allSatisfy(["domain", "regionKey"].contains) else {
            return Self.error(
                400, "VALIDATION_FAILED", "Validation failed",
                details: [["field": "body", "message": "Unexpected fields"]], headers: headers)
        }
        guard let name = Wire.domainName(body["domain"]) else {
            return Self.error(
                400, "VALIDATION_FAILED", "Validation failed",
                details: [["field": "domain", "message": "Must be a valid domain name without protocol or path"]],
                headers: headers)
        }
        guard !domains.values.contains(where: { $0["domainName"]?.stringValue == name }) else {
            return Self.error(
                400, "VALIDATION_FAILED", "Validation failed",
                details: [["field": "domain", "message": "Domain already exists"]],
                headers: headers)
        }
        let region = body["regionKey"]?.stringValue ?? "us-east-1"
        let id = context.nextHex(24)
        let stamp = JSONValue.string(Wire.timestamp(now, fractional: true))
        func record(
            _ host: String, _ value: String, _ type: String, _ purpose: String, priority: Int? = nil
        ) -> JSONValue {
            var fields: [String: JSONValue] = [
                "name": .string(host), "value": .string(value), "type": .string(type), "purpose": .string(purpose),
            ]
            if let priority { fields["priority"] = .number(Double(priority)) }
            return .object(fields)
        }
        let domain: JSONValue = [
            "id": .string(id), "domainName": .string(name), "verificationStatus": "PENDING_CONFIGURATION",
            "ownershipVerified": false, "dkimEnabled": false, "mailFromEnabled": false, "dmarcEnabled": false,
            "dnsRecords": [
                "ownership": record(
                    "_autosend-verify.\(name)", "autosend-verify-\(context.nextHex(32))", "TXT",
                    "Domain ownership verification"),
                "dkim": record(
                    "autosend._domainkey.\(name)", DKIMKey.publicKey(seed: "autosend:\(name)"), "TXT",
                    "DKIM authentication"),
                "mailFrom": [
                    record(
                        "asend.\(name)", "feedback-smtp.\(region).amazonses.com", "MX", "Mail-from domain",
                        priority: 10),
                    record(
                        "asend.\(name)", "v=spf1 include:amazonses.com ~all", "TXT",
                        "SPF record for mail-from domain"),
                ],
                "dmarc": record("_dmarc.\(name)", "v=DMARC1; p=none;", "TXT", "DMARC policy"),
            ],
            "createdAt": stamp, "lastCheckedAt": stamp, "regionKey": .string(region),
            "verificationInProgress": false,
        ]
        domains[id] = domain
        order.append(id)
        return ok(domain, status: 201)
    }
}

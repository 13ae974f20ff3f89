import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

/// AhaSend v2: `/v2/accounts/{account_id}/domains[/{domain}[/check-dns]]`, `{message}` errors,
/// cursor pages, and idempotency keys on POST: a replay returns the stored response with
/// `Idempotent-Replayed: true`, a key reused with another body gets 422, and
/// ``SimulatedFault/status(_:)`` 409 on a keyed POST plays the "still in progress" answer
/// (`Idempotent-Replayed: false` with `Retry-After: 1`). 5xx answers are not stored.
struct AhaSendAPI: SimulatedAPI, Codable {
    struct Stored: Sendable, Codable {
        let body: Data
        let status: Int
        let headers: [String: String]
        let responseBody: Data

        init(body: Data, response: TransportResponse) {
            self.body = body
            status = response.status
            headers = Dictionary(response.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            responseBody = response.body
        }

        var response: TransportResponse {
            TransportResponse(
                status: status, headers: HeaderFields(headers.map { .init(name: $0.key, value: $0.value) }),
                body: responseBody)
        }
    }

    let apiKey: String
    let accountID: String
    let checksToVerify: Int
    var domains: [String: JSONValue] = [:]
    var order: [String] = []
    var checks: [String: Int] = [:]
    var idempotency: [String: Stored] = [:]

    var domainNames: [String] { order }

    mutating func publishRecords(for domain: String) {
        if domains[domain] != nil { checks[domain] = checksToVerify - 1 }
    }

    static func error(_ status: Int, _ message: String, headers: HeaderFields = [:]) -> TransportResponse {
        Wire.json(status, ["message": .string(message)], headers: headers)
    }

    func fault(_ fault: SimulatedFault, request: TransportRequest, now: Date) -> TransportResponse {
        switch fault {
        case .rateLimited(let seconds):
            return Self.error(429, "Too many requests, rate limited.", headers: ["Retry-After": "\(seconds)"])
        case .status(409) where request.method == .post && request.headers["Idempotency-Key"] != nil:
            return Self.error(
                409, "A request with this idempotency key is already in progress",
                headers: ["Idempotent-Replayed": "false", "Retry-After": "1"])
        case .status(let status):
            return Self.error(status, status >= 500 ? "Internal server error" : "Simulated HTTP \(status)")
        default:
            return Self.error(500, "Internal server error")
        }
    }

    mutating func handle(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse {
        guard request.headers["Authorization"] == "Bearer \(apiKey)" else { return Self.error(401, "Unauthorized") }
        guard request.path.count >= 4, request.path[0] == "v2", request.path[1] == "accounts",
            request.path[3] == "domains"
        else { return Self.error(404, "Not found") }
        guard request.path[2] == accountID else { return Self.error(403, "Forbidden") }
        let rest = Array(request.path.dropFirst(4))
        if request.method == .post, let key = request.headers["Idempotency-Key"] {
            guard key.utf8.count <= 255 else { return Self.error(400, "Idempotency key is too long") }
            let body = request.body ?? Data()
            if let stored = idempotency[key] {
                guard stored.body == body else {
                    return Self.error(422, "idempotency key was already used with a different request payload")
                }
                var replay = stored.response
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            }
            var response = route(request, rest: rest, context: &context, now: now)
            response.headers["Idempotent-Replayed"] = "false"
            if response.status < 500 { idempotency[key] = Stored(body: body, response: response) }
            return response
        }
        return route(request, rest: rest, context: &context, now: now)
    }

    mutating func route(
        _ request: TransportRequest, rest: [String], context: inout SimulatorState, now: Date
    ) -> TransportResponse {
        switch (request.method, rest.count) {
        case (.post, 0): return create(request, context: &context, now: now)
        case (.get, 0): return list(request)
        case (.get, 1), (.put, 1), (.delete, 1), (.post, 2):
            let name = rest[0].lowercased()
            guard let domain = domains[name] else { return Self.error(404, "Domain not found") }
            switch request.method {
            case .get: return Wire.json(200, domain)
            case .delete:
                domains[name] = nil
                order.removeAll { $0 == name }
                return Wire.json(200, ["message": "Domain deleted successfully"])
            case .put: return update(name, request, now: now)
            default:
                guard rest[1] == "check-dns" else { return Self.error(404, "Not found") }
                return checkDNS(name, now: now)
            }
        default: return Self.error(404, "Not found")
        }
    }

    static let subdomainFields = [
        "tracking_subdomain", "return_path_subdomain", "subscription_subdomain", "media_subdomain",
    ]

    func invalidSettings(_ body: [String: JSONValue]) -> String? {
        for field in Self.subdomainFields {
            if let value = body[field], (try? DomainName.checkLabel(value.stringValue ?? "", field: field)) == nil {
                return "\(field) must be a single DNS label"
            }
        }
        if let days = body["dkim_rotation_interval_days"], (days.intValue ?? 0) < 1 {
            return "dkim_rotation_interval_days must be a positive integer"
        }
        return nil
    }

    mutating func create(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse {
        guard let body = Wire.object(request), let name = Wire.domainName(body["domain"]) else {
            return Self.error(400, "domain must be a valid hostname")
        }
        let allowed = Set(
            ["domain", "dkim_private_key", "dkim_rotation_interval_days", "dkim_selector"] + Self.subdomainFields)
        if let extra = body.keys.first(where: { !allowed.contains($0) }) {
            return Self.error(400, "unknown field \(extra)")
        }
        if let problem = invalidSettings(body) { return Self.error(400, problem) }
        guard domains[name] == nil else { return Self.error(409, "Domain already exists") }
        let stamp = JSONValue.string(Wire.timestamp(now))
        let tracking = body["tracking_subdomain"]?.stringValue
        let returnPath = body["return_path_subdomain"]?.stringValue
        let domain: JSONValue = [
            "object": "domain", "id": .string(context.nextUUID()), "created_at": stamp, "updated_at": stamp,
            "domain": .string(name), "account_id": .string(accountID),
            "dns_records": .array(records(name, returnPath: returnPath, tracking: tracking, propagated: 0)),
            "last_dns_check_at": nil, "dns_valid": false, "tracking_subdomain": .nullable(tracking),
            "return_path_subdomain": .nullable(returnPath),
            "subscription_subdomain": .nullable(body["subscription_subdomain"]?.stringValue),
            "media_subdomain": .nullable(body["media_subdomain"]?.stringValue),
            "dkim_rotation_interval_days": body["dkim_rotation_interval_days"] ?? .null,
            "dkim_selector": .nullable(body["dkim_selector"]?.stringValue), "rotation_ready": false,
            "dsn_recipient": nil,
        ]
        domains[name] = domain
        order.append(name)
        return Wire.json(201, domain)
    }

    func records(_ name: String, returnPath: String?, tracking: String?, propagated: Int) -> [JSONValue] {
        let specs: [(String, String, String, String, Bool)] = [
            ("CNAME", "DKIM", "aha1._domainkey.\(name)", "aha1.dkim.ahasend.com", true),
            ("TXT", "SPF", name, "v=spf1 include:_spf.ahasend.com ~all", true),
            ("CNAME", "Return Path", "\(returnPath ?? "psrp").\(name)", "return.ahasend.com", true),
            ("CNAME", "Tracking", "\(tracking ?? "click").\(name)", "track.ahasend.com", false),
            ("TXT", "DMARC", "_dmarc.\(name)", "v=DMARC1; p=none;", false),
        ]
        return specs.enumerated().map { index, spec in
            [
                "type": .string(spec.0), "label": .string(spec.1), "host": .string(spec.2), "content": .string(spec.3),
                "required": .bool(spec.4), "propagated": .bool(index < propagated),
            ]
        }
    }

    mutating func checkDNS(_ name: String, now: Date) -> TransportResponse {
        guard case .object(var fields)? = domains[name] else { return Self.error(404, "Domain not found") }
        let count = min(checks[name] ?? 0, Int.max - 1) + 1
        checks[name] = count
        let valid = count >= checksToVerify
        let propagated = valid ? 5 : 0  // nothing published, nothing propagated
        fields["dns_records"] = .array(
            records(
                name, returnPath: fields["return_path_subdomain"]?.stringValue,
                tracking: fields["tracking_subdomain"]?.stringValue, propagated: propagated))
        fields["dns_valid"] = .bool(valid)
        fields["last_dns_check_at"] = .string(Wire.timestamp(now))
        domains[name] = .object(fields)
        return Wire.json(200, .object(fields))
    }

    mutating func update(_ name: String, _ request: TransportRequest, now: Date) -> TransportResponse {
        guard let body = Wire.object(request), case .object(var fields)? = domains[name] else {
            return Self.error(400, "body must be a JSON object")
        }
        let allowed = Set(["dkim_rotation_interval_days", "dkim_selector"] + Self.subdomainFields)
        if let extra = body.keys.first(where: { !allowed.contains($0) }) {
            return Self.error(400, "unknown field \(extra)")
        }
        if let problem = invalidSettings(body) { return Self.error(400, problem) }
        for (key, value) in body {
            fields[key] = key == "dkim_selector" && value.stringValue?.isEmpty == true ? .null : value
        }
        fields["updated_at"] = .string(Wire.timestamp(now))
        domains[name] = .object(fields)
        return Wire.json(200, .object(fields))
    }

    func list(_ request: TransportRequest) -> TransportResponse {
        let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        let limit = query["limit"].map { Int($0) ?? -1 } ?? 100
        guard (1...100).contains(limit) else { return Self.error(400, "limit must be between 1 and 100") }
        var names = order
        if let filter = query["dns_valid"] {
            guard filter == "true" || filter == "false" else { return Self.error(400, "dns_valid must be a boolean") }
            names = names.filter { domains[$0]?["dns_valid"]?.boolValue == (filter == "true") }
        }
        func index(_ cursor: String?) -> Int? { cursor.flatMap { $0.hasPrefix("cur_") ? Int($0.dropFirst(4)) : nil } }
        var start = 0
        var end = names.count
        if let after = query["after"] {
            guard let position = index(after) else { return Self.error(400, "invalid cursor") }
            start = min(position, names.count)
            end = min(start + limit, names.count)
        } else if let before = query["before"] {
            guard let position = index(before) else { return Self.error(400, "invalid cursor") }
            end = min(position, names.count)
            start = max(0, end - limit)
        } else {
            end = min(limit, names.count)
        }
        var pagination: [String: JSONValue] = ["has_more": .bool(end < names.count)]
        if end < names.count { pagination["next_cursor"] = .string("cur_\(end)") }
        if start > 0 { pagination["previous_cursor"] = .string("cur_\(start)") }
        let data = names[start..<end].compactMap { domains[$0] }
        return Wire.json(200, ["object": "list", "data": .array(Array(data)), "pagination": .object(pagination)])
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

/// SendKit: `POST /domains` with `{ name, region, open_tracking?, click_tracking?, tls? }`.
///
/// Errors are `{ name, message }`. SendKit does not document its duplicate-domain answer; the
/// simulator uses a 422 `validation_error`, like its other input errors.
struct SendKitAPI: SimulatedAPI, Codable {
    let apiKey: String
    var domains: [String: JSONValue] = [:]
    var order: [String] = []

    var domainNames: [String] { order }

    mutating func publishRecords(for domain: String) {}

    static func error(
        _ status: Int, _ name: String, _ message: String, headers: HeaderFields = [:]
    ) -> TransportResponse {
        Wire.json(status, ["name": .string(name), "message": .string(message)], headers: headers)
    }

    func fault(_ fault: SimulatedFault, request: TransportRequest, now: Date) -> TransportResponse {
        switch fault {
        case .rateLimited(let seconds):
            Self.error(429, "rate_limit_exceeded", "Too many requests", headers: ["Retry-After": "\(seconds)"])
        case .status(let status):
            Self.error(status, status >= 500 ? "internal_server_error" : "error", "Simulated HTTP \(status)")
        default: Self.error(500, "internal_server_error", "Simulated failure")
        }
    }

    mutating func handle(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse {
        guard request.headers["Authorization"] == "Bearer \(apiKey)" else {
            return Self.error(401, "unauthorized", "Invalid API key")
        }
        guard request.path == ["domains"] else { return Self.error(404, "not_found", "Not found") }
        guard request.method == .post else { return Self.error(405, "method_not_allowed", "Method not allowed") }
        guard let body = Wire.object(request) else {
            return Self.error(422, "validation_error", "The request body must be a JSON object.")
        }
        let allowed: Set<String> = ["name", "region", "open_tracking", "click_tracking", "tls"]
        if let extra = body.keys.first(where: { !allowed.contains($0) }) {
            return Self.error(422, "validation_error", "The \(extra) field is not allowed.")
        }
        guard let rawName = body["name"]?.stringValue, rawName.count <= 255, let name = Wire.domainName(body["name"])
        else {
            return Self.error(
                422, "validation_error", "The name field must be a valid domain of at most 255 characters.")
        }
        guard let region = body["region"]?.stringValue, !region.isEmpty else {
            return Self.error(422, "validation_error", "The region field is required.")
        }
        for flag in ["open_tracking", "click_tracking"] where body[flag] != nil && body[flag]?.boolValue == nil {
            return Self.error(422, "validation_error", "The \(flag) field must be true or false.")
        }
        let tls = body["tls"]?.stringValue ?? "opportunistic"
        guard body["tls"] == nil || ["opportunistic", "enforced"].contains(body["tls"]?.stringValue ?? "") else {
            return Self.error(422, "validation_error", "The selected tls is invalid.")
        }
        guard domains[name] == nil else {
            return Self.error(422, "validation_error", "The name has already been taken.")
        }
        let stamp = JSONValue.string(Wire.timestamp(now, sendKitStyle: true))
        func record(_ type: String, _ host: String, _ value: String, priority: JSONValue = .null) -> JSONValue {
            [
                "id": .string(context.nextUUID()), "record_type": .string(type), "name": .string(host),
                "value": .string(value), "ttl": 3600, "status": "pending", "priority": priority, "created_at": stamp,
                "updated_at": stamp,
            ]
        }
        let domain: JSONValue = [
            "id": .string(context.nextUUID()), "name": .string(name), "status": "pending", "region": .string(region),
            "open_tracking": .bool(body["open_tracking"]?.boolValue ?? false),
            "click_tracking": .bool(body["click_tracking"]?.boolValue ?? false), "tls": .string(tls),
            "sending_enabled": false,
            "dns_records": [
                record(
                    "DKIM", "sendkit._domainkey.\(name)",
                    "v=DKIM1; k=rsa; p=\(DKIMKey.publicKey(seed: "sendkit:\(name)"))"),
                record("SPF", "send.\(name)", "v=spf1 include:amazonses.com ~all"),
                record("MX", "send.\(name)", "feedback-smtp.\(region).amazonses.com", priority: 10),
                record("DMARC", "_dmarc.\(name)", "v=DMARC1; p=none;"),
            ],
            "created_at": stamp, "updated_at": stamp,
        ]
        domains[name] = domain
        order.append(name)
        return Wire.json(201, domain)
    }
}

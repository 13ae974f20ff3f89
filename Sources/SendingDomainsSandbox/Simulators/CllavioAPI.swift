import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

/// Cllavio: one endpoint, two token headers, plain-string errors, a flat map of records. A
/// domain generated again returns the same records; a sender registered twice is a 409.
struct CllavioAPI: SimulatedAPI, Codable {
    let accessToken: String
    let secretToken: String
    let takenDomains: Set<String>
    var records: [String: [String: String]] = [:]
    var order: [String] = []
    var senders: Set<String> = []

    var domainNames: [String] { order }

    mutating func publishRecords(for domain: String) {}

    static func error(_ status: Int, _ message: String) -> TransportResponse {
        Wire.json(status, .string(message))
    }

    func fault(_ fault: SimulatedFault, request: TransportRequest, now: Date) -> TransportResponse {
        switch fault {
        case .rateLimited(let seconds):
            var response = Self.error(429, "Too many requests")
            response.headers["Retry-After"] = "\(seconds)"
            return response
        case .status(let status) where status >= 500:
            return Wire.json(status, ["error": "Failed to generate DNS records."])
        case .status(let status): return Self.error(status, "Simulated HTTP \(status)")
        default: return Wire.json(500, ["error": "Failed to generate DNS records."])
        }
    }

    mutating func handle(_ request: TransportRequest, context: inout SimulatorState, now: Date) -> TransportResponse {
        let access = request.headers["X-Api-Access-Token"] ?? ""
        let secret = request.headers["X-Api-Secret-Token"] ?? ""
        guard !access.trimmingCharacters(in: .whitespaces).isEmpty, !secret.trimmingCharacters(in: .whitespaces).isEmpty
        else {
            return Self.error(401, "Missing API credentials")
        }
        guard access == accessToken, secret == secretToken else { return Self.error(401, "Invalid API credentials") }
        guard request.path == ["api", "v1", "emails", "domains", "generate"] else {
            return Self.error(404, "Not found")
        }
        guard request.method == .post else { return Self.error(405, "Method not allowed") }
        let body = Wire.object(request) ?? [:]
        let email = body["email"]?.stringValue ?? ""
        guard let sender = try? EmailAddress.validate(email, field: "email") else {
            return Self.error(400, "Invalid sender address: \(email)")
        }
        if let replyTo = body["replyTo"], replyTo != .null {
            let text = replyTo.stringValue ?? "\(replyTo)"
            guard (try? EmailAddress.validate(text, field: "replyTo")) != nil else {
                return Self.error(400, "Invalid reply-to address: \(text)")
            }
        }
        guard !takenDomains.contains(sender.domain) else { return Self.error(409, "Domain is already taken") }
        guard !senders.contains(sender.address.lowercased()) else { return Self.error(409, "Email is already taken") }
        senders.insert(sender.address.lowercased())
        let domain = sender.domain
        if records[domain] == nil {
            let selector = "s\(context.nextHex(6))"
            records[domain] = [
                "SPF": "v=spf1 ip4:51.79.43.241 -all",
                "\(selector)._domainkey.\(domain)": "v=DKIM1; k=rsa; p=\(DKIMKey.publicKey(seed: "cllavio:\(domain)"))",
                "_dmarc": "v=DMARC1; p=none; rua=mailto:dmarc@\(domain)",
            ]
            order.append(domain)
        }
        return Wire.json(201, .object((records[domain] ?? [:]).mapValues(JSONValue.string)))
    }
}

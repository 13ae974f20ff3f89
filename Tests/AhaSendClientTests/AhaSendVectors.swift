import Foundation

/// AhaSend test vectors: the spec's `CreateDomainRequest` example verbatim, and documents built
/// field by field from the spec's `Domain`, `DNSRecord` and `PaginatedDomainsResponse` schemas
/// (the spec publishes no response examples). `schemaConformance` checks them against the spec.
enum AhaSendVectors {
    static let accountID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

    /// `components.schemas.CreateDomainRequest.example`, verbatim.
    static let createRequest = """
        {
          "domain": "example.com",
          "tracking_subdomain": "click",
          "return_path_subdomain": "mail",
          "subscription_subdomain": "preferences",
          "media_subdomain": "media",
          "dkim_rotation_interval_days": 45
        }
        """

    /// `components.schemas.UpdateDomainRequest.example`, verbatim.
    static let updateRequest = """
        {
          "tracking_subdomain": "click",
          "return_path_subdomain": "mail",
          "subscription_subdomain": "preferences",
          "media_subdomain": "media",
          "dkim_rotation_interval_days": 45
        }
        """

    static func domain(
        _ name: String = "example.com", id: String = "7f2c6a2e-8d1b-4c3a-9e5f-1a2b3c4d5e6f", valid: Bool = false
    ) -> String {
        """
        {
          "object": "domain",
          "id": "\(id)",
          "created_at": "2026-02-01T09:00:00Z",
          "updated_at": "2026-02-01T09:05:00.123Z",
          "domain": "\(name)",
          "account_id": "\(accountID)",
          "dns_records": [
            {"type": "CNAME", "label": "DKIM", "host": "ahasend._domainkey.\(name)", "content": "dkim.ahasend.com", "required": true, "propagated": \(valid)},
            {"type": "CNAME", "host": "mail.\(name)", "content": "rp.ahasend.com", "required": true, "propagated": \(valid)},
            {"type": "TXT", "host": "_dmarc.\(name)", "content": "v=DMARC1; p=none;", "required": false, "propagated": false}
          ],
          "last_dns_check_at": \(valid ? "\"2026-02-01T09:04:59Z\"" : "null"),
          "dns_valid": \(valid),
          "tracking_subdomain": "click",
          "return_path_subdomain": "mail",
          "subscription_subdomain": null,
          "media_subdomain": null,
          "dkim_rotation_interval_days": 45,
          "dkim_selector": null,
          "rotation_ready": false,
          "dsn_recipient": null
        }
        """
    }

    static func page(_ names: [String], hasMore: Bool, next: String? = nil, previous: String? = nil) -> String {
        var pagination = #""has_more": \#(hasMore)"#
        if let next { pagination += #", "next_cursor": "\#(next)""# }
        if let previous { pagination += #", "previous_cursor": "\#(previous)""# }
        let ids = names.enumerated().map { index, name in
            domain(name, id: "7f2c6a2e-8d1b-4c3a-9e5f-\(String(format: "%012d", index))")
        }
        return #"{"object": "list", "data": [\#(ids.joined(separator: ","))], "pagination": {\#(pagination)}}"#
    }

    static let deleted = #"{"message": "Domain deleted successfully"}"#
}

/// Runs `Fixtures/validate_schema.py` (PyYAML + jsonschema, installed by `.ci/run`).
enum SchemaValidator {
    static func validate(_ schema: String, _ documents: [Data]) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/validate_schema.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, schema]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let array = "[" + documents.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]"
        input.fileHandleForWriting.write(Data(array.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

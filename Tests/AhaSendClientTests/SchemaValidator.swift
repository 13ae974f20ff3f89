import Foundation
import SendingDomainsTesting
import Testing

/// Runs `Fixtures/validate_schema.py` (PyYAML + jsonschema, installed by `.ci/run`).
enum SchemaValidator {
    /// Runs a test only where python3 has PyYAML and jsonschema (or CI requires them).
    static let enabled = ConditionTrait.enabled(
        if: ExternalTool.pythonJSONSchema.shouldRun, Comment(rawValue: ExternalTool.pythonJSONSchema.skipReason))

    /// Validates `documents` against the spec's `schema`: `ok N` when all N conform.
    static func validate(_ schema: String, _ documents: [Data]) async throws -> String {
        try ExternalTool.pythonJSONSchema.require()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/validate_schema.py")
        let array = "[" + documents.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]"
        return try await ExternalTool.run(
            ["python3", script.path, schema], input: Data(array.utf8), mergingErrors: true
        ).text
    }
}

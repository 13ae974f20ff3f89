import Foundation
import SendingDomains

/// Reads the records `domains check --records FILE` checks: what `create --json` printed (an
/// object with `name` and `records`) or what `records --format json` printed (an array).
enum RecordsFile {
    struct Failure: Error {
        let message: String
    }

    /// The largest file read: far above any provider's record set.
    static let maximumSize = 1 << 20

    private struct DomainObject: Decodable {
        let name: String
        let records: [RecordExport.JSONRecord]?
    }

    /// The bytes of `path` (`-` for stdin), at most `limit` + 1 of them, so that a caller can tell
    /// an input over its limit without reading it all.
    static func contents(of path: String, limit: Int) throws(Failure) -> Data {
        do {
            let handle =
                path == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            return try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw Failure(message: "cannot read \(Terminal.safe(path)): \(error.localizedDescription)")
        }
    }

    static func read(_ path: String) throws(Failure) -> ([DNSRecord], String) {
        let data = try contents(of: path, limit: maximumSize)
        guard data.count <= maximumSize else {
            throw Failure(message: "\(Terminal.safe(path)) is over 1 MiB; it is not a record list")
        }
        let decoder = JSONDecoder()
        if let object = try? decoder.decode(DomainObject.self, from: data) {
            guard let records = object.records, !records.isEmpty else {
                throw Failure(
                    message:
                        "\(Terminal.safe(path)) has no records (the provider returned none); use `records <id> --format json`"
                )
            }
            return (records.map { $0.record(domain: object.name) }, object.name)
        }
        if let array = try? decoder.decode([RecordExport.JSONRecord].self, from: data), !array.isEmpty {
            let domain = array.map(domainName).min { $0.count < $1.count } ?? ""
            return (array.map { $0.record(domain: domain) }, domain)
        }
        throw Failure(
            message:
                "\(Terminal.safe(path)) is not what `domains <provider> create --json` or `records <id> --format json` prints"
        )
    }

    /// The domain a record belongs to: its name without its host part (`@` is the apex).
    static func domainName(_ record: RecordExport.JSONRecord) -> String {
        guard record.host != "@", !record.host.isEmpty, record.name.hasPrefix(record.host + ".") else {
            return record.name
        }
        return String(record.name.dropFirst(record.host.count + 1))
    }
}

import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsSandbox
import SendingDomainsServing

/// Where the offline sandbox keeps each provider's state between runs: one JSON file per
/// provider in a per-user folder.
struct SandboxStore {
    /// What went wrong with the state folder or a state file (exit status 1).
    struct Failure: Error {
        let message: String
    }

    let folder: URL

    /// `$SENDINGDOMAINS_SANDBOX_DIR`, else the user's cache folder (`~/.cache` on Linux,
    /// `~/Library/Caches` on macOS) under `SendingDomains/sandbox`, else a per-user folder in the
    /// temporary directory.
    init(environment: [String: String]) {
        if let configured = environment["SENDINGDOMAINS_SANDBOX_DIR"], !configured.isEmpty {
            folder = URL(fileURLWithPath: configured)
        } else {
            folder = Self.defaultFolder
        }
    }

    static var defaultFolder: URL {
        if let caches = FileManager.default.urls(for: .cachesDirectory, in: .userDomainMask).first {
            return caches.appendingPathComponent("SendingDomains/sandbox", isDirectory: true)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent(
            "sendingdomains-sandbox-\(getuid())", isDirectory: true)
    }

    static let defaultFolderDescription = "the user cache folder, e.g. ~/.cache/SendingDomains/sandbox"

    func file(for provider: ProviderID) -> URL {
        folder.appendingPathComponent("\(provider.rawValue).json")
    }

    /// A simulator for `provider` with its saved state.
    ///
    /// - Throws: ``Failure`` when the folder cannot be created or the saved state is unreadable.
    func load(_ provider: ProviderID) async throws(Failure) -> ProviderSimulator {
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(
                message:
                    "cannot create the sandbox folder \(folder.path): \(error.localizedDescription). Set SENDINGDOMAINS_SANDBOX_DIR to a writable folder."
            )
        }
        // A sandbox domain verifies once its records are published in the sandbox's zone.
        let simulator = ProviderSimulator.sandbox(for: provider, checksToVerify: .max)
        let file = file(for: provider)
        guard FileManager.default.fileExists(atPath: file.path) else { return simulator }
        // Read, then import, each in its own `do`: one `do` over an untyped and a typed throw in an
        // async function crashed the 6.3 optimizer ("splitting coroutine") in release builds.
        let unreadable = Failure(
            message:
                "the \(provider.displayName) sandbox state at \(file.path) is unreadable; run `domains sandbox reset \(provider.rawValue)` to start afresh"
        )
        guard let data = try? Data(contentsOf: file) else { throw unreadable }
        do {
            try await simulator.importState(data)
        } catch {
            throw unreadable
        }
        return simulator
    }

    /// Saves the simulator's state.
    ///
    /// - Throws: ``Failure`` naming the file when it cannot be written.
    func save(_ simulator: ProviderSimulator) async throws(Failure) {
        let file = file(for: simulator.provider)
        do {
            try await simulator.exportState().write(to: file, options: .atomic)
        } catch {
            throw Failure(
                message:
                    "cannot save the sandbox state to \(file.path): \(error.localizedDescription). Make the folder writable or set SENDINGDOMAINS_SANDBOX_DIR to a writable folder."
            )
        }
    }

    /// Removes the saved state of `providers`; returns those that had any.
    ///
    /// - Throws: ``Failure`` when a state file exists but cannot be removed.
    func reset(_ providers: [ProviderID]) throws(Failure) -> [ProviderID] {
        var removed: [ProviderID] = []
        for provider in providers {
            var any = false
            for file in [file(for: provider), zoneFile(for: provider)]
            where FileManager.default.fileExists(atPath: file.path) {
                do {
                    try FileManager.default.removeItem(at: file)
                } catch {
                    throw Failure(message: "cannot remove \(file.path): \(error.localizedDescription)")
                }
                any = true
            }
            if any { removed.append(provider) }
        }
        return removed
    }

    /// The file of the provider's sandbox DNS zone.
    func zoneFile(for provider: ProviderID) -> URL {
        folder.appendingPathComponent("\(provider.rawValue).zone.json")
    }

    /// One published record, as the zone file keeps it.
    struct ZoneEntry: Codable {
        let name: String
        let type: String
        let value: String
    }

    /// The provider's sandbox DNS zone: what `publish` put there.
    func loadZone(_ provider: ProviderID) throws(Failure) -> DNSZone {
        let file = zoneFile(for: provider)
        var zone = DNSZone()
        guard FileManager.default.fileExists(atPath: file.path) else { return zone }
        do {
            for entry in try JSONDecoder().decode([ZoneEntry].self, from: Data(contentsOf: file)) {
                zone.add(entry.name, DNSRecordType(rawValue: entry.type), entry.value)
            }
        } catch {
            throw Failure(
                message:
                    "the \(provider.displayName) sandbox zone at \(file.path) is unreadable; run `domains sandbox reset \(provider.rawValue)` to start afresh"
            )
        }
        return zone
    }

    /// Saves the zone.
    func saveZone(_ zone: DNSZone, for provider: ProviderID) throws(Failure) {
        let file = zoneFile(for: provider)
        let entries = zone.records.map {
            ZoneEntry(name: $0.name, type: $0.type.rawValue, value: Self.zoneText($0.data))
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(entries).write(to: file, options: .atomic)
        } catch {
            throw Failure(message: "cannot save the sandbox zone to \(file.path): \(error.localizedDescription)")
        }
    }

    /// Record data as `DNSZone.add` reads it back: TXT as quoted strings, so a split stays split.
    static func zoneText(_ data: DNSRecordData) -> String {
        if case .text(let strings) = data {
            return strings.map {
                "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    + "\""
            }
            .joined(separator: " ")
        }
        return data.value
    }
}

/// The sandbox as another process changes it: each request loads the provider's state from
/// disk (for `watch`, which runs while `publish` and `verify` run elsewhere). Only a request that
/// changes something saves it back: a read saving its stale copy would undo another process's
/// change made meanwhile.
struct ReloadingSandboxTransport: Transport {
    let store: SandboxStore
    let provider: ProviderID

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let simulator = try await store.load(provider)
        let response = try await simulator.send(request)
        if request.method != .get { try await store.save(simulator) }
        return response
    }
}

/// The sandbox's DNS zone as `publish` leaves it, read again for every query.
struct ReloadingSandboxZone: DNSLookup {
    let store: SandboxStore
    let provider: ProviderID

    var description: String { "the \(provider.displayName) sandbox's zone" }

    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        do {
            return try await store.loadZone(provider).query(name, type: type)
        } catch let error as SendingDomainsError {
            throw error
        } catch {
            throw SendingDomainsError(kind: .dns, message: "\(error)", operation: OperationName.dnsQuery.rawValue)
        }
    }
}

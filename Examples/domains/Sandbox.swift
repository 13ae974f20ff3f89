import Foundation
import SendingDomains
import SendingDomainsSandbox
import SendingDomainsTesting

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
        let simulator = ProviderSimulator.sandbox(for: provider)
        let file = file(for: provider)
        guard FileManager.default.fileExists(atPath: file.path) else { return simulator }
        do {
            try await simulator.importState(try Data(contentsOf: file))
        } catch {
            throw Failure(
                message:
                    "the \(provider.displayName) sandbox state at \(file.path) is unreadable; run `domains sandbox reset \(provider.rawValue)` to start afresh"
            )
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
            let file = file(for: provider)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            do {
                try FileManager.default.removeItem(at: file)
            } catch {
                throw Failure(message: "cannot remove \(file.path): \(error.localizedDescription)")
            }
            removed.append(provider)
        }
        return removed
    }
}

import Dispatch
import Foundation

/// A program outside the Swift toolchain that some of the project's tests use (BIND's
/// `named-checkzone`, python3 with PyYAML and jsonschema, a DNS server).
///
/// A test that needs one runs only when the tool is there, and is otherwise skipped with a
/// reason that names the tool and how to install it. CI installs every tool and sets
/// `SENDINGDOMAINS_REQUIRE_TOOLS=1`, under which a missing tool fails its tests instead:
///
/// ```
/// @Test("…", .enabled(if: ExternalTool.namedCheckzone.shouldRun, Comment(rawValue: ExternalTool.namedCheckzone.skipReason)))
/// func check() throws {
///     try ExternalTool.namedCheckzone.require()   // fails, naming the tool, when CI required it
/// }
/// ```
package struct ExternalTool: Sendable {
    /// The tool, as a person would name it.
    package let name: String
    /// How to install it on Debian or Ubuntu.
    package let install: String
    /// The command that succeeds (exit 0) only when the tool is usable.
    package let probe: [String]

    /// BIND's zone checker.
    package static let namedCheckzone = ExternalTool(
        name: "named-checkzone (BIND 9)", install: "apt-get install bind9-utils",
        probe: ["named-checkzone", "-v"])

    /// python3 with the PyYAML and jsonschema packages (the OpenAPI schema checks).
    /// BIND's DNS server, for the resolver's tests against a real server on loopback.
    package static let named = ExternalTool(
        name: "named (BIND 9)", install: "apt-get install bind9",
        probe: ["sh", "-c", "command -v named >/dev/null 2>&1 || test -x /usr/sbin/named"])

    /// Where `named` is: on `PATH`, or `/usr/sbin/named` (outside root's `PATH`).
    package static var namedPath: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") + ["/usr/sbin", "/usr/local/sbin"] {
            let candidate = "\(directory)/named"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The Redis server, for the shared rate budget's and the leases' tests against a real
    /// server on loopback.
    package static let redisServer = ExternalTool(
        name: "redis-server", install: "apt-get install redis-server", probe: ["redis-server", "--version"])

    package static let pythonJSONSchema = ExternalTool(
        name: "python3 with PyYAML and jsonschema", install: "python3 -m pip install pyyaml jsonschema",
        probe: ["python3", "-c", "import yaml, jsonschema"])

    /// python3 with pyspf (the SPF authors' reference implementation), the oracle for the
    /// preflight's SPF evaluator on the RFC 7208 test suite.
    package static let pythonSPF = ExternalTool(
        name: "python3 with pyspf", install: "python3 -m pip install pyspf dnspython",
        probe: ["python3", "-c", "import spf"])

    /// python3 with `domain-connect` (domainconnect_python, the Domain Connect reference client):
    /// the oracle for the apply URL's query, its order and its encoding.
    package static let pythonDomainConnect = ExternalTool(
        name: "python3 with domain-connect", install: "python3 -m pip install domain-connect",
        probe: ["python3", "-c", "import domainconnect, cryptography"])

    /// OpenSSL's command line: makes the test key pair and verifies the apply URL's signature.
    package static let openssl = ExternalTool(
        name: "openssl", install: "apt-get install openssl", probe: ["openssl", "version"])

    /// Whether CI asked for every tool to be present (`SENDINGDOMAINS_REQUIRE_TOOLS=1`).
    package static var required: Bool {
        ProcessInfo.processInfo.environment["SENDINGDOMAINS_REQUIRE_TOOLS"] == "1"
    }

    /// Whether the tool runs on this machine (probed once per process).
    package var isAvailable: Bool {
        Self.probed.withLock { cache in
            if let known = cache[name] { return known }
            let result = Self.succeeds(probe)
            cache[name] = result
            return result
        }
    }

    /// Whether a test that needs the tool should run: it is there, or CI requires it (and the
    /// test then fails, saying it is missing).
    package var shouldRun: Bool { isAvailable || Self.required }

    /// Why a test that needs the tool was skipped.
    package var skipReason: String {
        "\(name) is not installed (\(install)); .ci/run installs it and sets SENDINGDOMAINS_REQUIRE_TOOLS=1"
    }

    /// Throws, naming the tool and how to install it, when it is missing.
    package func require() throws {
        guard isAvailable else { throw Missing(description: skipReason) }
    }

    /// The error ``require()`` throws.
    package struct Missing: Error, CustomStringConvertible {
        /// What is missing and how to install it.
        package let description: String

        /// A missing tool, described.
        package init(description: String) {
            self.description = description
        }
    }

    private static let probed = Locked<[String: Bool]>([:])

    /// What ``run(_:input:mergingErrors:)`` saw: the exit status (`-1` when the program was killed by a
    /// signal) and everything it wrote to standard output (and standard error, when merged).
    package struct Output: Sendable {
        /// The exit status, or `-1` after a signal.
        package let status: Int32
        /// The bytes written to standard output.
        package let output: Data
        /// The output as UTF-8 text, trimmed of white space at either end.
        package var text: String {
            String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Runs `arguments` through `/usr/bin/env` (so the program is found on `PATH`), writes
    /// `input` to its standard input from another thread while reading its output (so neither
    /// side can fill a pipe and block the other), and waits for it to exit: the one way the
    /// tests start a program and read what it says.
    ///
    /// The waiting happens on a Dispatch thread, never on one of the cooperative pool's (two on
    /// a two-core machine): a slow program must not starve the other tests running beside it.
    ///
    /// - Parameter mergingErrors: Standard error goes to the same pipe as standard output
    ///   (otherwise to the test's own standard error).
    /// - Throws: When the program cannot be started.
    package static func run(
        _ arguments: [String], input: Data? = nil, mergingErrors: Bool = false
    ) async throws
        -> Output
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try runBlocking(arguments, input: input, mergingErrors: mergingErrors) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], input: Data?, mergingErrors: Bool) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        if mergingErrors { process.standardError = output }
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin } else { process.standardInput = FileHandle.nullDevice }
        try process.run()
        if let stdin, let input {
            let writer = stdin.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationReason == .exit ? process.terminationStatus : -1, output: data)
    }

    private static func succeeds(_ command: [String]) -> Bool {
        (try? runBlocking(command, input: nil, mergingErrors: true))?.status == 0
    }
}

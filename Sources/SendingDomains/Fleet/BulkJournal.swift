import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ``BulkCreateJob`` records each step before it takes it, so that a run killed at any
/// point can be resumed.
///
/// The job calls ``replay(_:)`` once, before anything else, then ``append(_:)`` for every step
/// (a name queued, a create about to be sent, its outcome), and ``sync()`` when it stops. An
/// implementation must keep the entries in the order appended and must not return from
/// ``append(_:)`` before the entry would be seen by a later ``replay(_:)`` — even after the
/// process is killed. ``JSONLinesJournal`` is the built-in one, a file of JSON lines.
public protocol BulkJournal: Sendable {
    /// Calls `visit` with every entry recorded so far, oldest first.
    ///
    /// - Throws: `SendingDomainsError` when the journal cannot be read or is corrupt.
    func replay(_ visit: (BulkJournalEntry) throws(SendingDomainsError) -> Void) throws(SendingDomainsError)

    /// Records `entry`.
    ///
    /// - Throws: `SendingDomainsError` when it cannot be recorded; the job then stops before
    ///   taking the step.
    func append(_ entry: BulkJournalEntry) throws(SendingDomainsError)

    /// Makes every entry appended so far durable (for a file: `fsync`).
    ///
    /// - Throws: `SendingDomainsError` when the storage reports a failure.
    func sync() throws(SendingDomainsError)
}

/// One step of a bulk job, as its ``BulkJournal`` records it.
///
/// A JSON object per line in ``JSONLinesJournal``: `{"step": "attempt", "name": "example.com",
/// "line": 3, "key": "…", "at": 1764633600.0, "attempt": 1}`. Fields a step does not use are
/// left out.
public struct BulkJournalEntry: Sendable, Hashable, Codable {
    /// What a journal entry records. A struct with static members, so that a step can be added
    /// without breaking anyone's `switch`.
    public struct Step: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The step's stable name, as the journal writes it.
        public let rawValue: String

        /// A step named `rawValue`.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The job's header: provider, create options and job id. Always the first entry.
        public static let job = Step(rawValue: "job")
        /// A name of the input, queued for creation (written once per name).
        public static let queued = Step(rawValue: "queued")
        /// A create about to be sent, with its idempotency key where the provider honours one.
        public static let attempt = Step(rawValue: "attempt")
        /// An uncertain create about to be reconciled (a get or a search by name).
        public static let reconcile = Step(rawValue: "reconcile")
        /// The domain was created: its id and records.
        public static let created = Step(rawValue: "created")
        /// The domain already was in the account: its id and records.
        public static let existing = Step(rawValue: "existing")
        /// The create failed: the error.
        public static let failed = Step(rawValue: "failed")
        /// The create may or may not have happened and the provider offers no way to find out.
        public static let uncertain = Step(rawValue: "uncertain")

        /// The raw value.
        public var description: String { rawValue }

    }

    /// A failure as the journal keeps it: the error's kind and message (never a credential: the
    /// SDK's errors carry none).
    public struct Failure: Sendable, Hashable, Codable {
        /// `SendingDomainsError.Kind.rawValue`.
        public var kind: String
        /// The error's message.
        public var message: String

        /// Creates a failure.
        public init(kind: String, message: String) {
            self.kind = kind
            self.message = message
        }
    }

    /// The step.
    public var step: Step
    /// The normalised domain name (not for ``Step/job``).
    public var name: String?
    /// The name's line or 1-based index in the input.
    public var line: Int?
    /// When the step was taken.
    public var at: Date?
    /// ``Step/attempt``: the idempotency key sent with the create, where the provider honours one.
    public var key: String?
    /// ``Step/attempt``: the attempt's number for this name, from 1.
    public var attempt: Int?
    /// ``Step/created`` and ``Step/existing``: the domain's id.
    public var id: String?
    /// ``Step/created`` and ``Step/existing``: the records to publish.
    public var records: [DNSRecord]?
    /// ``Step/failed``: the error.
    public var error: Failure?
    /// ``Step/failed``: whether a later run tries the name again (the request never reached
    /// the provider, or the provider refused it only for now).
    public var retryable: Bool?
    /// ``Step/job``: the provider.
    public var provider: String?
    /// ``Step/job``: the create options every domain of the job is created with.
    public var options: [String: String]?
    /// ``Step/job``: a random id, from which per-domain idempotency keys are derived.
    public var job: String?
    /// ``Step/job``: the journal format's version (1).
    public var version: Int?

    /// Creates an entry.
    public init(
        step: Step, name: String? = nil, line: Int? = nil, at: Date? = nil, key: String? = nil, attempt: Int? = nil,
        id: String? = nil, records: [DNSRecord]? = nil, error: Failure? = nil, retryable: Bool? = nil,
        provider: String? = nil, options: [String: String]? = nil, job: String? = nil, version: Int? = nil
    ) {
        self.step = step
        self.name = name
        self.line = line
        self.at = at
        self.key = key
        self.attempt = attempt
        self.id = id
        self.records = records
        self.error = error
        self.retryable = retryable
        self.provider = provider
        self.options = options
        self.job = job
        self.version = version
    }
}

/// The built-in ``BulkJournal``: an append-only file of JSON lines, locked for one run.
///
/// - **One `write(2)` per line**, on a descriptor opened with `O_APPEND`: a line is in the
///   kernel before ``append(_:)`` returns, so killing the process at any point (even `SIGKILL`)
///   loses nothing that was appended.
/// - **Syncing** follows ``SyncPolicy``: by default the file is `fsync`ed at most once a second
///   (when an entry is appended a second or more after the last sync), and always by ``sync()``
///   and ``close()``. A power loss or kernel crash can therefore lose up to the last second's
///   lines; a resume then repeats those steps, which is safe: AhaSend gets the same derived
///   idempotency key, AutoSend and Krafter answer "exists" and the domain is found by name.
///   ``SyncPolicy/everyEntry`` syncs every line.
/// - **A torn last line** (a line without its newline, from a write cut short by a crash or a
///   full disk) is cut off when the journal is opened, before anything is appended.
/// - **An exclusive lock** (`flock`) is held from open to ``close()`` (or the process's end):
///   a second run on the same journal fails with `conflict` (after half a second: a lock held
///   for a moment by a process being spawned is waited out).
///
/// ```swift
/// import SendingDomains
///
/// let journal = try JSONLinesJournal(path: "/tmp/domains.txt.journal")
/// defer { journal.close() }
/// ```
public final class JSONLinesJournal: BulkJournal, Sendable {
    /// When the file is synced to disk.
    public struct SyncPolicy: Sendable, Hashable {
        package let interval: Duration?

        /// `fsync` after every line.
        public static let everyEntry = SyncPolicy(interval: .zero)
        /// `fsync` when a line is appended `interval` or more after the last sync (and on
        /// ``JSONLinesJournal/sync()`` and ``JSONLinesJournal/close()``).
        public static func periodically(_ interval: Duration) -> SyncPolicy {
            SyncPolicy(interval: max(interval, .zero))
        }
        /// Only on ``JSONLinesJournal/sync()`` and ``JSONLinesJournal/close()``.
        public static let onRequest = SyncPolicy(interval: nil)
        /// The default: at most once a second.
        public static let `default` = periodically(.seconds(1))
    }

    /// The longest line read back; a longer one makes the journal unreadable.
    public static let maximumLineLength = 16 * 1024 * 1024

    /// The file's path.
    public let path: String
    private let policy: SyncPolicy
    /// The open file (`-1` once closed) and when it was last synced, behind one lock.
    private let handle: LockedState<(descriptor: Int32, lastSync: ContinuousClock.Instant)>
    private let encoder: JSONEncoder

    /// Opens (creating it, mode 0600) and locks the journal at `path`, and cuts off a torn last
    /// line.
    ///
    /// - Throws: `SendingDomainsError`: `conflict` when another run holds the journal's lock,
    ///   `validation` naming the path when it cannot be opened or repaired.
    public init(path: String, sync policy: SyncPolicy = .default) throws(SendingDomainsError) {
        self.path = path
        self.policy = policy
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        self.encoder = encoder
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("cannot open the journal \(path)", errno: errno) }
        // A process being spawned meanwhile holds a copy of the descriptor until its exec
        // closes it (O_CLOEXEC): a lock held that way is gone within moments, a run's is not.
        var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        var tries = 0
        while !locked && errno == EWOULDBLOCK && tries < 25 {
            tries += 1
            usleep(20_000)
            locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            let code = errno
            _ = closeDescriptor(fd)
            if code == EWOULDBLOCK {
                throw SendingDomainsError(
                    kind: .conflict,
                    message: "The journal \(path) is in use by another run; two runs cannot share one journal")
            }
            throw Self.failure("cannot lock the journal \(path)", errno: code)
        }
        do {
            try Self.cutTornLine(fd, path: path)
        } catch {
            _ = closeDescriptor(fd)
            throw error
        }
        handle = LockedState((descriptor: fd, lastSync: ContinuousClock.now))
    }

    deinit {
        handle.withLock { handle in
            if handle.descriptor >= 0 { _ = closeDescriptor(handle.descriptor) }
        }
    }

    private static func failure(_ text: String, errno code: Int32) -> SendingDomainsError {
        SendingDomainsError(kind: .validation, message: "\(text): \(String(cString: strerror(code)))")
    }

    /// Truncates the file after its last newline.
    private static func cutTornLine(_ descriptor: Int32, path: String) throws(SendingDomainsError) {
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return }
        var end = size
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while end > 0 {
            let start = max(0, end - off_t(buffer.count))
            let count = Int(end - start)
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, start) }
            guard read == count else { throw Self.failure("cannot read the journal \(path)", errno: errno) }
            if let index = buffer[0..<count].lastIndex(of: 0x0A) {
                let keep = start + off_t(index) + 1
                if keep < size, ftruncate(descriptor, keep) != 0 {
                    throw Self.failure("cannot cut the torn last line of the journal \(path)", errno: errno)
                }
                return
            }
            end = start
        }
        if ftruncate(descriptor, 0) != 0 {
            throw Self.failure("cannot cut the torn last line of the journal \(path)", errno: errno)
        }
    }

    /// Reads every line, in chunks (never the whole file at once).
    ///
    /// - Throws: `SendingDomainsError` of kind `decoding` naming the line that cannot be read.
    public func replay(_ visit: (BulkJournalEntry) throws(SendingDomainsError) -> Void) throws(SendingDomainsError) {
        try handle.withLock { (handle) throws(SendingDomainsError) in try replay(handle.descriptor, visit) }
    }

    private func replay(
        _ descriptor: Int32, _ visit: (BulkJournalEntry) throws(SendingDomainsError) -> Void
    ) throws(SendingDomainsError) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        var offset: off_t = 0
        var pending = Data()
        var number = 0
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func emit(_ line: Data) throws(SendingDomainsError) {
            number += 1
            guard !line.isEmpty else { return }
            guard let entry = try? decoder.decode(BulkJournalEntry.self, from: line) else {
                throw SendingDomainsError(
                    kind: .decoding, message: "The journal \(path) has an unreadable line \(number)")
            }
            try visit(entry)
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 { throw Self.failure("cannot read the journal \(path)", errno: errno) }
            if count == 0 { break }
            offset += off_t(count)
            var start = 0
            for index in 0..<count where chunk[index] == 0x0A {
                pending.append(contentsOf: chunk[start..<index])
                try emit(pending)
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            pending.append(contentsOf: chunk[start..<count])
            guard pending.count <= Self.maximumLineLength else {
                throw SendingDomainsError(
                    kind: .decoding, message: "The journal \(path) has a line over \(Self.maximumLineLength) bytes")
            }
        }
    }

    /// Writes `entry` as one line with one `write(2)` (repeated only for the rest of a short
    /// write), then syncs as ``SyncPolicy`` says.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` naming the path when the write fails
    ///   (a full disk, a closed journal).
    public func append(_ entry: BulkJournalEntry) throws(SendingDomainsError) {
        var line: Data
        do {
            line = try encoder.encode(entry)
        } catch {
            throw SendingDomainsError(kind: .validation, message: "cannot encode a journal entry")
        }
        line.append(0x0A)
        try handle.withLock { (handle) throws(SendingDomainsError) in try appendLine(line, to: &handle) }
    }

    private func appendLine(
        _ line: Data, to handle: inout (descriptor: Int32, lastSync: ContinuousClock.Instant)
    ) throws(SendingDomainsError) {
        let descriptor = handle.descriptor
        guard descriptor >= 0 else {
            throw SendingDomainsError(kind: .validation, message: "The journal \(path) is closed")
        }
        var written = 0
        while written < line.count {
            let result = line.withUnsafeBytes { bytes in
                write(descriptor, bytes.baseAddress.map { $0 + written }, line.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw Self.failure("cannot write to the journal \(path)", errno: errno)
            }
            written += result
        }
        if let interval = policy.interval, ContinuousClock.now - handle.lastSync >= interval {
            try sync(&handle)
        }
    }

    /// `fsync`s the file.
    ///
    /// - Throws: `SendingDomainsError` of kind `validation` when the kernel reports a failure.
    public func sync() throws(SendingDomainsError) {
        try handle.withLock { (handle) throws(SendingDomainsError) in
            guard handle.descriptor >= 0 else { return }
            try sync(&handle)
        }
    }

    private func sync(
        _ handle: inout (descriptor: Int32, lastSync: ContinuousClock.Instant)
    ) throws(SendingDomainsError) {
        guard fsync(handle.descriptor) == 0 else {
            throw Self.failure("cannot sync the journal \(path)", errno: errno)
        }
        handle.lastSync = ContinuousClock.now
    }

    /// Syncs the file, releases the lock and closes it. Later appends fail.
    public func close() {
        handle.withLock { handle in
            guard handle.descriptor >= 0 else { return }
            _ = fsync(handle.descriptor)
            _ = closeDescriptor(handle.descriptor)
            handle.descriptor = -1
        }
    }
}

/// `close(2)`, under a name the class's own `close()` does not shadow.
@inline(__always) private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}

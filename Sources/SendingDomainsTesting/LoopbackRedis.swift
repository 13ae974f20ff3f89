import Dispatch
import Foundation
import HTTPTransport
import SendingDomainsServing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `redis-server` on a free loopback port, started and stopped by a test (or a
/// benchmark): nothing saved to disk, and it can be killed and started again on the same port
/// to play an outage.
///
/// ```
/// let redis = try LoopbackRedis()
/// defer { redis.stop() }
/// let store = try RedisRateStore(url: redis.url)
/// ```
package final class LoopbackRedis: Sendable {
    /// The port it listens on.
    package let port: Int
    /// `redis://127.0.0.1:<port>` (no credentials).
    package var url: String { "redis://127.0.0.1:\(port)" }
    private let arguments: [String]
    private let process: LockedState<Process?>

    /// Starts a server. `arguments` are added to its command line (`--requirepass`, `--user`).
    ///
    /// - Throws: ``ExternalTool/Missing`` when `redis-server` is not installed, or an error when
    ///   it does not answer within 10 seconds.
    package init(arguments: [String] = []) throws {
        try ExternalTool.redisServer.require()
        self.arguments = arguments
        // A port another test's server took between our probe and our bind makes our server
        // exit: take another.
        var launched: (Int, Process)?
        for _ in 0..<5 where launched == nil {
            let port = try LoopbackServer.closedPort()
            if let process = try? Self.launch(port: port, arguments: arguments) { launched = (port, process) }
        }
        guard let (port, process) = launched else {
            throw ExternalTool.Missing(description: "redis-server did not start on a loopback port")
        }
        self.port = port
        self.process = LockedState(process)
    }

    /// Starts a server on a Dispatch thread, so that waiting for it holds no thread of the
    /// cooperative pool (which the tests' loopback servers run on).
    package static func started(arguments: [String] = []) async throws -> LoopbackRedis {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try LoopbackRedis(arguments: arguments) })
            }
        }
    }

    deinit { stop() }

    /// Starts the server again after ``stop()``, on the same port, off the cooperative pool.
    package func restart() async throws {
        let port = port
        let arguments = arguments
        let process = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.launch(port: port, arguments: arguments) })
            }
        }
        self.process.withLock { $0 = process }
    }

    /// Launches `redis-server` on `port` and waits until it — this process, not another test's
    /// server on the same port — answers.
    private static func launch(port: Int, arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", NSTemporaryDirectory(), "--loglevel", "warning",
            ] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, process.isRunning {
            if answers(port: port, pid: process.processIdentifier) { return process }
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        throw ExternalTool.Missing(description: "redis-server did not start on port \(port)")
    }

    /// Kills the server (`SIGKILL`: an outage, not a shutdown) and waits for it to exit.
    package func stop() {
        let running = process.withLock {
            let running = $0
            $0 = nil
            return running
        }
        guard let running, running.isRunning else { return }
        kill(running.processIdentifier, SIGKILL)
        running.waitUntilExit()
    }

    /// Whether the server on `port` is the process `pid` (`INFO server` says `process_id`).
    private static func answers(port: Int, pid: Int32) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0, SocketIO.write(fd, Data("INFO server\r\n".utf8)) else { return false }
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while reply.count < 64 * 1024 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            reply.append(contentsOf: buffer[0..<count])
            let text = String(decoding: reply, as: UTF8.self)
            if text.contains("process_id:\(pid)\r") { return true }
            if text.hasPrefix("-") || text.contains("executable:") { return false }
        }
        return false
    }
}

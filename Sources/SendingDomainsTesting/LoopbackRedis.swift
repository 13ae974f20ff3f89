import Foundation

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
package final class LoopbackRedis: @unchecked Sendable {
    /// The port it listens on.
    package let port: Int
    /// `redis://127.0.0.1:<port>` (no credentials).
    package var url: String { "redis://127.0.0.1:\(port)" }
    private let arguments: [String]
    private let lock = NSLock()
    private var process: Process?

    /// Starts a server. `arguments` are added to its command line (`--requirepass`, `--user`).
    ///
    /// - Throws: ``ExternalTool/Missing`` when `redis-server` is not installed, or an error when
    ///   it does not answer within 10 seconds.
    package init(arguments: [String] = []) throws {
        try ExternalTool.redisServer.require()
        self.port = try LoopbackServer.closedPort()
        self.arguments = arguments
        try start()
    }

    deinit { stop() }

    /// Starts the server again after ``stop()``, on the same port.
    package func start() throws {
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
        lock.withLock { self.process = process }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.answers(port: port) { return }
            if !process.isRunning { break }
            usleep(20_000)
        }
        stop()
        throw ExternalTool.Missing(description: "redis-server did not start on port \(port)")
    }

    /// Kills the server (`SIGKILL`: an outage, not a shutdown) and waits for it to exit.
    package func stop() {
        let running = lock.withLock {
            let running = process
            process = nil
            return running
        }
        guard let running, running.isRunning else { return }
        kill(running.processIdentifier, SIGKILL)
        running.waitUntilExit()
    }

    /// Whether something on `port` answers `PING` with any RESP line.
    private static func answers(port: Int) -> Bool {
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
        guard connected == 0, SocketIO.write(fd, Data("PING\r\n".utf8)) else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 1 && (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"))
    }
}

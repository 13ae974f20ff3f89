import Foundation

/// Starts `loopback_server.py` on 127.0.0.1 for one test and stops it when released.
final class LoopbackServer: @unchecked Sendable {
    let port: Int
    let closedPort: Int
    private let process: Process
    private let input: Pipe

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("loopback_server.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let lines = Self.readLines(2, from: output.fileHandleForReading)
        guard lines.count == 2, let port = Int(lines[0]), let closed = Int(lines[1]) else {
            process.terminate()
            throw ServerError.didNotStart(lines)
        }
        self.port = port
        self.closedPort = closed
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    private static func readLines(_ count: Int, from handle: FileHandle) -> [String] {
        var buffer = Data()
        while buffer.split(separator: UInt8(ascii: "\n")).count < count || buffer.last != UInt8(ascii: "\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    enum ServerError: Error { case didNotStart([String]) }
}

import Foundation
import HTTPTransport
import SendingDomains

/// What `domains` writes to standard error besides a failure: the sandbox notice, progress,
/// logs. Without `--json` each is a line of text for people; with `--json` each is one JSON
/// object on its own line, every key present (`null` where it does not apply), and a failure's
/// `{"error": …}` object, when there is one, is the last line (Docs/CLI.md).
enum Notice {
    /// Writes `object` as one JSON line with `--json`, else `text`.
    static func emit(json: Bool, _ text: @autoclosure () -> String, _ object: @autoclosure () -> some Encodable) {
        Console.err(json ? Render.json(object(), pretty: false) : text())
    }

    /// `{"notice": "sandbox", "provider": …, "state": PATH}`: the command runs against the offline sandbox.
    struct Sandbox: Encodable {
        let notice = "sandbox"
        let provider: String
        let state: String
    }

    /// `{"notice": "sandboxCredentials", "provider": …, "baseURL": …}`: no credentials, so the
    /// sandbox's placeholder credentials go to the `--base-url` server.
    struct SandboxCredentials: Encodable {
        let notice = "sandboxCredentials"
        let provider: String
        let baseURL: String
    }

    /// `{"notice": "watching", "provider": …, "domains": n}`: `watch` has its baseline and polls.
    struct Watching: Encodable {
        let notice = "watching"
        let provider: String
        let domains: Int
    }

    /// `{"notice": "listening", "address": "HOST:PORT", "host", "port"}`: `webhook listen` is ready.
    struct Listening: Encodable {
        let notice = "listening"
        let address: String
        let host: String
        let port: Int
    }

    /// `{"notice": "refused", "code", "message"}`: `webhook listen` refused a delivery.
    struct Refused: Encodable {
        let notice = "refused"
        let code: String
        let message: String
    }

    /// `{"watch": "active" | "standby", "name", "reason"}`: a coordinated `watch` changed role.
    struct WatchRole: Encodable {
        let watch: String
        let name: String
        let reason: String
    }

    /// `{"log": {"level", "message", "metadata"}}`: one `--verbose` event, secrets redacted.
    struct Log: Encodable {
        struct Body: Encodable {
            let level: String
            let message: String
            let metadata: [String: String]
        }

        let log: Body

        init(_ event: LogSink.Event) {
            let level =
                switch event.level {
                case .debug: "debug"
                case .info: "info"
                case .warning: "warning"
                }
            log = Body(level: level, message: event.message, metadata: event.metadata)
        }
    }

    /// `{"progress": {"check", "status", "askedProvider", "nextCheckIn", "blocking"}}`: one
    /// check of `wait`. `blocking` lists the required records DNS does not have right yet
    /// (`null` when DNS was not looked up); `nextCheckIn` is in seconds, `null` after the last.
    struct WaitProgress: Encodable {
        struct Blocking: Encodable {
            let type: String
            let name: String
            let state: String
        }

        struct Body: Encodable {
            let check: Int
            let status: String
            let askedProvider: Bool
            let nextCheckIn: Double?
            let blocking: [Blocking]?

            enum CodingKeys: String, CodingKey { case check, status, askedProvider, nextCheckIn, blocking }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(check, forKey: .check)
                try container.encode(status, forKey: .status)
                try container.encode(askedProvider, forKey: .askedProvider)
                try container.encode(nextCheckIn, forKey: .nextCheckIn)
                try container.encode(blocking, forKey: .blocking)
            }
        }

        let progress: Body

        init(_ progress: VerificationProgress) {
            self.progress = Body(
                check: progress.attempt, status: progress.status.code, askedProvider: progress.askedProvider,
                nextCheckIn: progress.nextCheckIn?.seconds,
                blocking: progress.preflight.map { report in
                    report.blocking.map {
                        Blocking(type: $0.record.type.rawValue, name: $0.record.name, state: $0.state.rawValue)
                    }
                })
        }
    }
}

import AhaSendClient
import Foundation
import SendingDomains

/// `domains ahasend webhook listen|verify`.
enum WebhookCommand {
    static func run(_ invocation: Invocation, environment: [String: String]) -> Never {
        guard let secret = environment["AHASEND_WEBHOOK_SECRET"], !secret.isEmpty else {
            fail(
                2, kind: "usage",
                "set AHASEND_WEBHOOK_SECRET to the webhook's signing secret (AhaSend shows it when the webhook is created)",
                help: Help.short(provider: .ahaSend, command: .webhook), provider: .ahaSend)
        }
        do {
            try AhaSend.WebhookVerifier.validate(secret: Secret(secret))
        } catch {
            fail(
                2, kind: "usage", "AHASEND_WEBHOOK_SECRET: \(error.message)",
                help: Help.command(.webhook, provider: .ahaSend),
                provider: .ahaSend)
        }
        // --at and --tolerance may be any finite number: the verifier turns a moment however
        // far away into `timestamp_out_of_tolerance` (exit 1), never a crash.
        let tolerance = Duration.clampedSeconds(invocation.tolerance) ?? .seconds(300)
        let verifier: AhaSend.WebhookVerifier
        if let at = invocation.at, invocation.argument == "verify" {
            // A delivery saved earlier is checked against the moment given, not against now.
            verifier = AhaSend.WebhookVerifier(
                secret: Secret(secret), tolerance: tolerance, now: { Date(timeIntervalSince1970: at) })
        } else {
            verifier = AhaSend.WebhookVerifier(secret: Secret(secret), tolerance: tolerance)
        }
        if invocation.argument == "verify" { verify(invocation, verifier) }
        listen(invocation, verifier)
    }

    /// One saved delivery: exit 0 and the event, or 1 and the reason.
    static func verify(_ invocation: Invocation, _ verifier: AhaSend.WebhookVerifier) -> Never {
        let body: Data
        do {
            // One byte over the limit is enough for the verifier to refuse it as too large.
            body = try RecordsFile.contents(
                of: invocation.bodyFile ?? "-", limit: AhaSend.WebhookVerifier.maximumBodySize)
        } catch {
            fail(1, kind: "validation", error.message, provider: .ahaSend)
        }
        do {
            let event = try verifier.verify(body: body, headers: invocation.headers)
            Console.out(invocation.json ? Render.json(Render.WebhookJSON(event), pretty: false) : Render.webhook(event))
            exit(0)
        } catch {
            if invocation.json {
                Console.err(Render.json(Render.ErrorJSON(error, hint: nil), pretty: false))
            } else {
                Console.err(
                    "domains: the delivery is not verified (\(error.code ?? error.kind.rawValue)): \(Terminal.safe(error.message))"
                )
            }
            exit(1)
        }
    }

    /// Receives deliveries until interrupted.
    static func listen(_ invocation: Invocation, _ verifier: AhaSend.WebhookVerifier) -> Never {
        let json = invocation.json
        let server: WebhookServer
        do {
            server = try WebhookServer(
                host: invocation.host, port: invocation.port, maximumBody: AhaSend.WebhookVerifier.maximumBodySize
            ) { request in
                guard request.method == "POST" else { return .init(status: 405, body: "POST a delivery") }
                do throws(SendingDomainsError) {
                    let event = try verifier.verify(body: request.body, headers: request.headers)
                    Console.out(json ? Render.json(Render.WebhookJSON(event), pretty: false) : Render.webhook(event))
                    return .init(status: 204, body: "")
                } catch {
                    let code = error.code ?? error.kind.rawValue
                    Notice.emit(
                        json: json, "domains: refused a delivery (\(code)): \(Terminal.safe(error.message))",
                        Notice.Refused(code: code, message: error.message))
                    return .init(status: error.kind == .authentication ? 401 : 400, body: error.code ?? "invalid")
                }
            }
        } catch {
            fail(1, kind: "transport", error.message, provider: .ahaSend)
        }
        let shown = server.host.contains(":") ? "[\(server.host)]" : server.host
        Notice.emit(
            json: json, "listening on \(shown):\(server.port)",
            Notice.Listening(address: "\(shown):\(server.port)", host: server.host, port: Int(server.port)))
        server.run()
    }
}

// TransportTour: the HTTPTransport pipeline at work, offline.
//
// A mock provider answers 503, then 429 with `Retry-After: 1`, then 201. The pipeline retries
// the POST with the same idempotency key, honours the hint, and logs every step with the
// credential redacted. A virtual clock makes the waits instant.
//
//     swift run TransportTour

import Foundation
// The tour assembles a pipeline as a provider-client author does, so it uses the authoring SPI.
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting

let apiKey = Secret("aha-sk-example-0000000000000000")
let responses = MockTransport.script([
    .respond(.json(503, #"{"message":"Service unavailable"}"#)),
    .respond(.json(429, #"{"message":"Too many requests, rate limited."}"#, headers: ["Retry-After": "1"])),
    .respond(.json(201, #"{"object":"domain","domain":"example.com"}"#, headers: ["Idempotent-Replayed": "false"])),
])
let clock = VirtualClock(random: 0.5)

let profile = ProviderProfile(
    id: .ahaSend,
    defaultBaseURL: try BaseURL("https://api.ahasend.com"),
    defaultRateLimit: RateLimit(rate: 100, burst: 200),
    idempotency: IdempotencySupport(headerName: "Idempotency-Key", replayedHeaderName: "Idempotent-Replayed"),
    errorDecoder: { response in
        struct Body: Decodable { let message: String }
        return ProviderErrorDetails(message: (try? JSONDecoder().decode(Body.self, from: response.body))?.message)
    }
)
let client = APIClient(
    profile: profile,
    authentication: .bearer(apiKey),
    options: ClientOptions(
        transport: responses,
        logger: LogSink(minimumLevel: .debug) { print("  log:", $0) },
        timeSource: clock.timeSource
    )
)

print("Creating example.com through the pipeline (a mock answers 503, 429, then 201):")
let operation = Endpoint<Void>(.createDomain, .post, decoding: .ignoringBody) { () throws(SendingDomainsError) in
    try .init(path: ["v2", "accounts", "acc-1", "domains"], json: ["domain": "example.com"])
}
let response = try await client.send(operation)
print("Result: HTTP \(response.status) after \(responses.requests.count) attempts")
print("Waits (virtual): \(clock.sleeps.map { "\($0.seconds)s" }.joined(separator: ", "))")
let keys = Set(responses.requests.compactMap { $0.headers["Idempotency-Key"] })
print("Idempotency keys used: \(keys.count) (one per logical call)")

import AhaSendClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsTesting
import Testing

@Suite("Secrets a request body carries never come back in an error")
struct SecretEchoTests {
    static let key = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
        VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
        -----END RSA PRIVATE KEY-----
        """

    @Test(
        "a 422 echoing the create body keeps dkimPrivateKey out of the description, dump and Mirror",
        arguments: ["json", "raw", "lines"])
    func echoedKey(form: String) async throws {
        let transport = MockTransport { request in
            let body = String(decoding: request.body ?? Data(), as: UTF8.self)
            let echoed: String
            switch form {
            case "json": echoed = #"{"message":"invalid domain","request":"# + body + "}"
            case "raw": echoed = #"{"message":"invalid key: "# + Self.key + #""}"#
            default:
                // Re-wrapped: only the key's base64 lines, joined by spaces.
                let lines = Self.key.split(separator: "\n").dropFirst().dropLast().joined(separator: " ")
                echoed = #"{"message":"bad key material "# + lines + #""}"#
            }
            return TransportResponse(
                status: 422, headers: ["Content-Type": "application/json"], body: Data(echoed.utf8))
        }
        let client = AhaSend.Client(
            apiKey: "aha-sk-secret-0123456789", accountID: "00000000-0000-4000-8000-000000000001",
            options: .init(transport: transport, timeSource: VirtualClock().timeSource))
        let error = try #require(
            await captureError {
                try await client.createDomain(.init(name: "example.com", dkimPrivateKey: Secret(Self.key)))
            })
        var dumped = ""
        dump(error, to: &dumped)
        let texts = [
            error.description, String(reflecting: error), dumped, error.message, error.rawBody ?? "",
            "\(Mirror(reflecting: error).children.map { "\($0.value)" })",
        ]
        for text in texts {
            for line in Self.key.split(separator: "\n").dropFirst().dropLast() {
                #expect(!text.contains(line), "a line of the key in: \(text.prefix(300))")
            }
            #expect(!text.contains("aha-sk-secret-0123456789"))
        }
        #expect(error.status == 422)
    }
}

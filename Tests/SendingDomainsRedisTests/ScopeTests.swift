import AhaSendClient
import Foundation
import HTTPTransport
import SendingDomainsTesting
import Testing

@testable import SendingDomainsRedis

@Suite("Rate-limit scopes in Redis", needsRedis, .timeLimit(.minutes(1)))
struct ScopeTests {
    @Test("AhaSend's scope is the account: two keys of one account share one budget")
    func ahaSendAccount() async throws {
        let redis = try await LoopbackRedis.started()
        defer { redis.stop() }
        let store = try RedisRateStore(url: redis.url)
        let account = "9f3c4d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
        let options = ClientOptions(transport: MockTransport.always(.init(status: 404)), rateLimiting: .shared(store))
        for key in ["aha-sk-first-0001", "aha-sk-second-0002"] {
            _ = try? await AhaSend.Client(apiKey: key, accountID: account, options: options).getDomain(
                id: "example.com")
        }
        let keys = try await store.client.send(["KEYS", "*"])
        #expect(keys == .array([.bulk(Data("sendingdomains:rate:ahasend:account-\(account)".utf8))]))
    }
}

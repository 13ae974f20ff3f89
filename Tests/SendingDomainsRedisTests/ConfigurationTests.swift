import Foundation
import HTTPTransport
import Testing

@testable import SendingDomainsRedis

@Suite("Redis URLs: parsed, and the password never shown")
struct ConfigurationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let url: String
        let host: String
        let port: UInt16
        let username: String?
        let password: String?
        let database: Int
        var testDescription: String { url }
    }

    @Test(
        "redis://[user[:password]@]host[:port][/db]",
        arguments: [
            Case(url: "redis://localhost", host: "localhost", port: 6379, username: nil, password: nil, database: 0),
            Case(
                url: "redis://10.0.0.5:6380/2", host: "10.0.0.5", port: 6380, username: nil, password: nil, database: 2),
            Case(url: "redis://:s3cret@h", host: "h", port: 6379, username: nil, password: "s3cret", database: 0),
            Case(
                url: "redis://sdk:p%40ss%3Aw@h:1/", host: "h", port: 1, username: "sdk", password: "p@ss:w", database: 0
            ),
            Case(url: "REDIS://sdk@[::1]:7000/3", host: "::1", port: 7000, username: "sdk", password: nil, database: 3),
        ])
    func parses(_ expected: Case) throws {
        let configuration = try RedisConfiguration(url: expected.url, environment: [:])
        #expect(configuration.host == expected.host)
        #expect(configuration.port == expected.port)
        #expect(configuration.username == expected.username)
        #expect(configuration.password?.reveal() == expected.password)
        #expect(configuration.database == expected.database)
    }

    @Test("The password comes from the environment when the URL has none, and the URL's wins")
    func environment() throws {
        let environment = ["SENDINGDOMAINS_REDIS_PASSWORD": "from-env"]
        #expect(try RedisConfiguration(url: "redis://h", environment: environment).password?.reveal() == "from-env")
        #expect(try RedisConfiguration(url: "redis://:url@h", environment: environment).password?.reveal() == "url")
        #expect(
            try RedisConfiguration(url: "redis://h", environment: ["SENDINGDOMAINS_REDIS_PASSWORD": ""]).password == nil
        )
    }

    @Test(
        "Malformed URLs are validation errors that never quote the password",
        arguments: [
            "rediss://:hunter22@h", "http://:hunter22@h", "redis://:hunter22@h:0", "redis://:hunter22@h:99999",
            "redis://:hunter22@h/x", "redis://:hunter22@", "redis://:hunter22@h?db=1", "redis://:hunter22@[::1",
            "redis://:hunter22@h o",
        ])
    func malformed(url: String) {
        do {
            _ = try RedisConfiguration(url: url, environment: [:])
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.kind == .validation)
            #expect(!"\(error)".contains("hunter22"))
            #expect(!error.message.contains("hunter22"))
        }
    }

    @Test("Descriptions, dumps and mirrors of a configuration and a store show no password")
    func redacted() throws {
        let configuration = try RedisConfiguration(url: "redis://sdk:hunter22@127.0.0.1:6379/1")
        let store = RedisRateStore(configuration)
        let coordinator = RedisLeaseCoordinator(configuration)
        var dumped = ""
        dump(configuration, to: &dumped)
        dump(store, to: &dumped)
        dump(coordinator, to: &dumped)
        let texts = [
            "\(configuration)", String(reflecting: configuration), dumped, store.displayName, "\(store)",
            "\(coordinator)", "\(RedisClient(configuration))",
        ]
        for text in texts { #expect(!text.contains("hunter22"), "\(text)") }
        #expect(configuration.description == "redis sdk@127.0.0.1:6379/1")
    }
}

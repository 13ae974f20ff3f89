import Foundation
import HTTPTransport
import SendingDomainsDNS
@_spi(ProviderAuthoring) import SendingDomainsTesting
import Testing

@Suite("DNS messages: RFC 1035 encoding and hostile decoding")
struct DNSMessageTests {
    static let response = DNSMessage(
        id: 0x1234, isResponse: true, isAuthoritative: true, recursionDesired: true, recursionAvailable: true,
        questions: [DNSQuestion(name: "example.com", type: .txt)],
        answers: [
            DNSResourceRecord(
                name: "example.com", type: .txt, ttl: 60, data: .text(["v=spf1 ", "include:amazonses.com ~all"])),
            DNSResourceRecord(
                name: "example.com", type: .mx, ttl: 60,
                data: .mailExchange(preference: 10, exchange: "feedback-smtp.us-east-1.amazonses.com")),
            DNSResourceRecord(name: "www.example.com", type: .cname, data: .name("example.net")),
            DNSResourceRecord(name: "example.com", type: .a, data: .address("192.0.2.1")),
            DNSResourceRecord(name: "example.com", type: .aaaa, data: .address("2001:db8::1")),
        ],
        authorities: [
            DNSResourceRecord(
                name: "example.com", type: .soa, ttl: 900,
                data: .startOfAuthority(
                    .init(
                        primaryServer: "ns1.example.com", responsible: "hostmaster.example.com", serial: 7, minimum: 300
                    ))),
            DNSResourceRecord(name: "example.com", type: .ns, data: .name("ns1.example.com")),
        ],
        udpPayloadSize: 1232)

    @Test("a response round-trips: every record type, EDNS payload size, flags")
    func roundTrip() throws {
        let decoded = try DNSMessage(decoding: Self.response.encoded())
        #expect(decoded == Self.response)
        #expect(decoded.answers[0].data.value == "v=spf1 include:amazonses.com ~all")  // strings joined, no separator
        #expect(decoded.answers[1].data.value == "10 feedback-smtp.us-east-1.amazonses.com")
        #expect(decoded.answers[4].data.value == "2001:db8::1")
    }

    @Test("a query carries RD, one question and an OPT record advertising 1,232 bytes")
    func query() throws {
        let bytes = DNSMessage.query(id: 7, name: "Send.Example.COM.", type: .txt).encoded()
        #expect(bytes[2] & 0x01 == 0x01)  // RD
        #expect(bytes[11] == 1)  // ARCOUNT: the OPT record
        let decoded = try DNSMessage(decoding: bytes)
        #expect(decoded.questions == [DNSQuestion(name: "send.example.com", type: .txt)])
        #expect(decoded.udpPayloadSize == 1232)
        #expect(!decoded.isResponse)
    }

    /// A header for a response with `answers` answer records, then the question `a.example` TXT.
    static func header(answers: UInt16) -> [UInt8] {
        [0x00, 0x01, 0x81, 0x80, 0x00, 0x01, UInt8(answers >> 8), UInt8(answers & 0xFF), 0x00, 0x00, 0x00, 0x00]
            + [1, 0x61, 7] + Array("example".utf8) + [0, 0x00, 0x10, 0x00, 0x01]
    }

    @Test("compression pointers are followed backwards")
    func compression() throws {
        // Answer owner: a pointer to the question's name at offset 12.
        let bytes =
            Self.header(answers: 1) + [0xC0, 12, 0x00, 0x10, 0x00, 0x01, 0, 0, 0, 60, 0, 4, 3] + Array("abc".utf8)
        let message = try DNSMessage(decoding: Data(bytes))
        #expect(message.answers.first?.name == "a.example")
        #expect(message.answers.first?.data == .text(["abc"]))
    }

    @Test(
        "malformed messages are typed decoding errors, never crashes",
        arguments: [
            ("a pointer to itself", header(answers: 1) + [0xC0, 27]),
            ("a forward pointer", header(answers: 1) + [0xC0, 40] + [UInt8](repeating: 0, count: 20)),
            ("a label past the end", header(answers: 1) + [40, 0x61]),
            ("reserved label bits", header(answers: 1) + [0x80, 0x01]),
            ("a cut-short header", [0x00, 0x01, 0x81]),
            ("counts that lie", [0x00, 0x01, 0x81, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]),
            ("an A record of 5 bytes", header(answers: 1) + [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 5, 1, 2, 3, 4, 5]),
            ("a TXT string past its data", header(answers: 1) + [0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 2, 9, 0x61]),
            ("a data length past the end", header(answers: 1) + [0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0xFF, 0xFF]),
        ] as [(String, [UInt8])])
    func malformed(_ name: String, _ bytes: [UInt8]) {
        #expect(throws: SendingDomainsError.self, "\(name)") { try DNSMessage(decoding: Data(bytes)) }
        do {
            _ = try DNSMessage(decoding: Data(bytes))
        } catch {
            #expect(error.kind == .decoding)
            #expect(error.message.hasPrefix("Malformed DNS message"))
        }
    }

    @Test("a chain of more than 32 compression pointers is refused")
    func pointerChain() throws {
        // A first record whose data is 40 pointers, each to the one before it (the first to the
        // question's name); a second record owned by the last of them.
        var bytes = Self.header(answers: 2) + [0xC0, 12, 0, 99, 0, 1, 0, 0, 0, 60, 0, 80]
        var previous = 12
        for _ in 0..<40 {
            let here = bytes.count
            bytes += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        bytes += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF), 0, 16, 0, 1, 0, 0, 0, 60, 0, 0]
        let error = #expect(throws: SendingDomainsError.self) { try DNSMessage(decoding: Data(bytes)) }
        #expect(error?.message.contains("more than 32 compression pointers") == true)
    }

    @Test("fuzz: 20,000 mutated messages decode or fail with a decoding error")
    func fuzz() {
        var generator = SeededRandom(state: 0x5EED)
        let seeds = [
            Self.response.encoded(), DNSMessage.query(id: 1, name: "_dmarc.example.com", type: .txt).encoded(),
        ]
        var parsed = 0
        var refused = 0
        for round in 0..<20_000 {
            var bytes = [UInt8](seeds[round % seeds.count])
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0:
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                case 1: bytes.removeLast(min(bytes.count - 1, Int.random(in: 1...16, using: &generator)))
                case 2: bytes.insert(0xC0, at: Int.random(in: 0..<bytes.count, using: &generator))
                default:
                    bytes += (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                        UInt8.random(in: 0...255, using: &generator)
                    }
                }
            }
            do {
                _ = try DNSMessage(decoding: Data(bytes))
                parsed += 1
            } catch {
                #expect(error.kind == .decoding)
                refused += 1
            }
        }
        #expect(refused > 1_000)  // the mutations do reach the checks…
        #expect(parsed > 1_000)  // …and the decoder does not refuse what is still well formed
    }

    @Test("names: case and trailing dots do not matter; over-long names and labels are refused")
    func names() {
        #expect(DNSName.normalized("Send.Example.COM.") == "send.example.com")
        #expect(throws: SendingDomainsError.self) { try DNSName.validate(String(repeating: "a", count: 64) + ".com") }
        #expect(throws: SendingDomainsError.self) {
            try DNSName.validate(String(repeating: "abcdefghi.", count: 26) + "com")
        }
        #expect(throws: SendingDomainsError.self) { try DNSName.validate("a..com") }
    }

    @Test("record types map to their wire codes and back")
    func types() {
        for (type, code) in [
            (DNSRecordType.a, 1), (.ns, 2), (.cname, 5), (.soa, 6), (.mx, 15), (.txt, 16), (.aaaa, 28),
        ] as [(DNSRecordType, UInt16)] {
            #expect(type.code == code)
            #expect(DNSRecordType(code: code) == type)
        }
        #expect(DNSRecordType(code: 65).rawValue == "TYPE65")
        #expect(DNSRecordType(code: 65).code == 65)
    }
}

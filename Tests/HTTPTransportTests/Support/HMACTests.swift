import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import Testing

@Suite("SHA-256 and HMAC-SHA256: FIPS 180-4 and RFC 4231 vectors")
struct HMACTests {
    static func hex(_ text: String) -> Data {
        var data = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            data.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return data
    }

    static func hexString(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    @Test(
        "FIPS 180-4 / NIST examples",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ])
    func sha256(_ message: String, _ digest: String) {
        #expect(Self.hexString(HMACSHA256.portableDigest(Data(message.utf8))) == digest)
        #expect(Self.hexString(HMACSHA256.digest(Data(message.utf8))) == digest)
    }

    @Test("a million times 'a', fed in one piece")
    func million() {
        let digest = HMACSHA256.portableDigest(Data(repeating: 0x61, count: 1_000_000))
        #expect(Self.hexString(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 §4.2–4.8 (test case 5's output is truncated to 128 bits).
    static let rfc4231: [(key: String, data: String, mac: String)] = [
        (
            String(repeating: "0b", count: 20), "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            String(repeating: "0c", count: 20), "546573742057697468205472756e636174696f6e",
            "a3b6167473100ee06e0c796c2955552b"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            String(repeating: "aa", count: 131),
            "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test("RFC 4231 test cases 1–7, the SDK's own HMAC and the platform's")
    func hmac() {
        for (number, vector) in Self.rfc4231.enumerated() {
            let key = Self.hex(vector.key)
            let data = Self.hex(vector.data)
            let own = Self.hexString(HMACSHA256.portableAuthenticationCode(for: data, key: key))
            let platform = Self.hexString(HMACSHA256.authenticationCode(for: data, key: key))
            #expect(own.hasPrefix(vector.mac), "case \(number + 1)")
            #expect(platform == own, "case \(number + 1): CryptoKit and the SDK's own agree")
        }
    }

    @Test(
        "the two implementations agree on 300 random keys and messages of every length around the block size",
        .enabled(if: HMACSHA256.usesPlatformCrypto, "only CryptoKit platforms have a second implementation"))
    func agree() {
        var random = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let key = Data((0..<(length % 150)).map { _ in UInt8.random(in: 0...255, using: &random) })
            let message = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
            #expect(
                HMACSHA256.portableAuthenticationCode(for: message, key: key)
                    == HMACSHA256.authenticationCode(for: message, key: key))
            #expect(HMACSHA256.portableDigest(message) == HMACSHA256.digest(message))
        }
    }

    @Test("constant-time comparison: equal, different, different lengths")
    func compare() {
        #expect(HMACSHA256.constantTimeEqual(Data([1, 2, 3]), Data([1, 2, 3])))
        #expect(!HMACSHA256.constantTimeEqual(Data([1, 2, 3]), Data([1, 2, 4])))
        #expect(!HMACSHA256.constantTimeEqual(Data([1, 2, 3]), Data([1, 2])))
    }
}

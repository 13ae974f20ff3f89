import Foundation

#if canImport(CryptoKit)
import CryptoKit
#endif

/// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) with no package dependency: the platform's
/// CryptoKit where it exists, the SDK's own implementation elsewhere (Linux). Both are checked
/// against the FIPS 180-4 and RFC 4231 vectors, and against each other where both exist.
///
/// ```
/// let mac = HMACSHA256.authenticationCode(for: Data("message".utf8), key: Data("key".utf8))
/// assert(HMACSHA256.constantTimeEqual(mac, mac))
/// ```
package enum HMACSHA256 {
    /// The HMAC-SHA256 of `message` under `key` (32 bytes).
    package static func authenticationCode(for message: Data, key: Data) -> Data {
        #if canImport(CryptoKit)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        #else
        return portableAuthenticationCode(for: message, key: key)
        #endif
    }

    /// Whether ``authenticationCode(for:key:)`` and ``digest(_:)`` use the platform's CryptoKit
    /// (Apple platforms) rather than the SDK's own implementation (Linux).
    package static var usesPlatformCrypto: Bool {
        #if canImport(CryptoKit)
        return true
        #else
        return false
        #endif
    }

    /// The SDK's own HMAC-SHA256, used where CryptoKit is missing and tested everywhere.
    package static func portableAuthenticationCode(for message: Data, key: Data) -> Data {
        var key = [UInt8](key)
        if key.count > 64 { key = SHA256Portable.hash(key) }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256Portable()
        inner.update(key.map { $0 ^ 0x36 })
        message.withUnsafeBytes { inner.update($0) }
        var outer = SHA256Portable()
        outer.update(key.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return Data(outer.finalize())
    }

    /// The SHA-256 digest of `data` (32 bytes).
    package static func digest(_ data: Data) -> Data {
        #if canImport(CryptoKit)
        return Data(SHA256.hash(data: data))
        #else
        return Data(SHA256Portable.hash([UInt8](data)))
        #endif
    }

    /// The SDK's own SHA-256.
    package static func portableDigest(_ data: Data) -> Data {
        Data(SHA256Portable.hash([UInt8](data)))
    }

    /// Compares two byte strings in time that depends only on their lengths, not on where they
    /// differ, so that a forger learns nothing from how long a rejection takes.
    package static func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}

/// FIPS 180-4 SHA-256, streaming.
struct SHA256Portable {
    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256Portable()
        hasher.update(bytes)
        return hasher.finalize()
    }

    mutating func update(_ bytes: some Collection<UInt8>) {
        length &+= UInt64(bytes.count)
        buffer.append(contentsOf: bytes)
        var offset = 0
        let whole = buffer
        while whole.count - offset >= 64 {
            compress(whole[offset..<(offset + 64)])
            offset += 64
        }
        if offset > 0 { buffer.removeFirst(offset) }
    }

    mutating func finalize() -> [UInt8] {
        let bits = length &* 8
        var padding: [UInt8] = [0x80]
        let remainder = (buffer.count + 1) % 64
        padding += [UInt8](repeating: 0, count: remainder <= 56 ? 56 - remainder : 120 - remainder)
        for shift in stride(from: 56, through: 0, by: -8) {
            padding.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
        let savedLength = length
        update(padding)
        length = savedLength
        return state.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
    }

    private mutating func compress(_ block: ArraySlice<UInt8>) {
        // The message schedule lives on the stack: no allocation per block.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            block.withUnsafeBufferPointer { bytes in
                for index in 0..<16 {
                    let at = index * 4
                    w[index] =
                        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8
                        | UInt32(bytes[at + 3])
                }
            }
            for index in 16..<64 {
                let s0 = w[index - 15].rotatedRight(7) ^ w[index - 15].rotatedRight(18) ^ (w[index - 15] >> 3)
                let s1 = w[index - 2].rotatedRight(17) ^ w[index - 2].rotatedRight(19) ^ (w[index - 2] >> 10)
                w[index] = w[index - 16] &+ s0 &+ w[index - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = (
                state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]
            )
            Self.k.withUnsafeBufferPointer { k in
                for index in 0..<64 {
                    let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ choice &+ k[index] &+ w[index]
                    let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
            }
            state[0] &+= a
            state[1] &+= b
            state[2] &+= c
            state[3] &+= d
            state[4] &+= e
            state[5] &+= f
            state[6] &+= g
            state[7] &+= h
        }
    }
}

extension UInt32 {
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        (self >> count) | (self << (32 - count))
    }
}

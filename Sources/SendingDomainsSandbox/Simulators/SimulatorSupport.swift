import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A failure a simulator injects into its next calls, for testing how your code copes.
///
/// An input: you make one and the simulator consumes it. Later versions may add faults, so
/// do not `switch` over it exhaustively.
public enum SimulatedFault: Sendable, Hashable, Codable {
    /// Answer with this status and the provider's own error body for it.
    case status(Int)
    /// Answer with the provider's 429, including its retry hint of this many seconds.
    case rateLimited(retryAfter: Int)
    /// Fail as the network would: connection refused, before the request reaches the server.
    case connectionRefused
    /// Fail as the network would: the connection dropped after the server processed the request.
    case connectionLost
    /// Fail with a timeout after the server processed the request.
    case timeout

}

/// Fault injection and bookkeeping every simulator shares.
struct SimulatorState: Sendable, Codable {
    var faults: [SimulatedFault] = []
    var latency: Duration = .zero
    var requestCount = 0
    var sequence = 0

    mutating func nextFault() -> SimulatedFault? {
        faults.isEmpty ? nil : faults.removeFirst()
    }

    /// A deterministic id: `prefix` followed by the counter, padded to `length` hex digits.
    mutating func nextHex(_ length: Int) -> String {
        sequence += 1
        let hex = String(sequence, radix: 16)
        return String(repeating: "0", count: max(0, length - hex.count)) + hex
    }

    mutating func nextUUID() -> String {
        let hex = nextHex(12)
        return "5e1a0000-0000-4000-8000-\(hex)"
    }
}

/// Throws the transport-level fault, if `fault` is one.
func throwTransportFault(_ fault: SimulatedFault) throws {
    switch fault {
    case .connectionRefused: throw URLError(.cannotConnectToHost)
    case .connectionLost: throw URLError(.networkConnectionLost)
    case .timeout: throw URLError(.timedOut)
    default: break
    }
}

/// Helpers for reading requests and writing responses.
enum Wire {
    static func json(_ status: Int, _ value: JSONValue, headers: HeaderFields = [:]) -> TransportResponse {
        var all = headers
        all["Content-Type"] = "application/json"
        return TransportResponse(status: status, headers: all, body: value.data)
    }

    /// The request's JSON object body, or `nil` when it is missing or not an object.
    static func object(_ request: TransportRequest) -> [String: JSONValue]? {
        guard let body = request.body, let value = try? JSONValue(data: body), case .object(let members) = value else {
            return nil
        }
        return members
    }

    static func timestamp(_ date: Date, fractional: Bool = false, sendKitStyle: Bool = false) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondsOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days)
        let time = String(format: "%02d:%02d:%02d", secondsOfDay / 3600, secondsOfDay % 3600 / 60, secondsOfDay % 60)
        let datePart = String(format: "%04d-%02d-%02d", year, month, day)
        if sendKitStyle { return "\(datePart) \(time)" }
        return "\(datePart)T\(time)" + (fractional ? ".000Z" : "Z")
    }

    private static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A domain name accepted the way providers accept them: lower-case, at least two labels of
    /// letters, digits and hyphens. Returns `nil` for anything else.
    static func domainName(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty, text.count <= 253 else { return nil }
        return try? DomainName.normalize(text)
    }
}

/// Well-formed DKIM public keys: DER `SubjectPublicKeyInfo` for a 1024-bit RSA key, base64.
///
/// The modulus is pseudo-random (from a seed), odd and full-length, so the key parses as an RSA
/// public key everywhere; it is not the product of two primes, which no DNS check looks at.
enum DKIMKey {
    static func publicKey(seed: String) -> String {
        var state = seed.utf8.reduce(UInt64(1_469_598_103_934_665_603)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        var modulus = [UInt8](repeating: 0, count: 128)
        for index in modulus.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            modulus[index] = UInt8(truncatingIfNeeded: state)
        }
        modulus[0] |= 0x80
        modulus[127] |= 0x01
        let integer = der(0x02, [0x00] + modulus)
        let exponent = der(0x02, [0x01, 0x00, 0x01])
        let rsaKey = der(0x30, integer + exponent)
        let algorithm = der(0x30, der(0x06, [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]) + [0x05, 0x00])
        let spki = der(0x30, algorithm + der(0x03, [0x00] + rsaKey))
        return Data(spki).base64EncodedString()
    }

    private static func der(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let length = content.count
        let lengthBytes: [UInt8] =
            length < 0x80
            ? [UInt8(length)]
            : length < 0x100 ? [0x81, UInt8(length)] : [0x82, UInt8(length >> 8), UInt8(length & 0xFF)]
        return [tag] + lengthBytes + content
    }
}

import Foundation
import HTTPTransport

/// A DNS response code (RCODE, RFC 1035 §4.1.1).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code.
    public let rawValue: UInt8

    /// A code.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `NOERROR`: the name exists; an empty answer means it has no data of that type (NODATA).
    public static let noError = DNSResponseCode(rawValue: 0)
    /// `FORMERR`: the server could not read the query.
    public static let formatError = DNSResponseCode(rawValue: 1)
    /// `SERVFAIL`: the server could not answer (often a broken zone or DNSSEC failure).
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// `NXDOMAIN`: the name does not exist.
    public static let nameError = DNSResponseCode(rawValue: 3)
    /// `NOTIMP`: the server does not support the query.
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    /// `REFUSED`: the server will not answer this client.
    public static let refused = DNSResponseCode(rawValue: 5)

    /// The mnemonic, e.g. `NXDOMAIN`.
    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

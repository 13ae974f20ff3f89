import Foundation

extension DomainConnect {
    /// What a DNS host's `GET https://<_domainconnect>/v2/<zone>/settings` answers (spec, "DNS
    /// Provider Discovery"). Read leniently: only `providerId`, `providerName` and `urlAPI` are
    /// required; an optional field of the wrong type is taken as absent.
    public struct Settings: Sendable, Hashable, Codable {
        /// The DNS host's id, usually its domain (`godaddy.com`).
        public var providerID: String
        /// The DNS host's name.
        public var providerName: String
        /// The name to show the customer (may differ per brand of one host).
        public var providerDisplayName: String?
        /// The prefix of the synchronous flow's consent pages; absent when the host offers no
        /// synchronous flow for this zone.
        public var urlSyncUX: String?
        /// The prefix of the asynchronous (OAuth) flow's pages.
        public var urlAsyncUX: String?
        /// The prefix of the host's REST API (the template check).
        public var urlAPI: String
        /// The consent window's width in pixels (the spec's default is 750).
        public var width: Int?
        /// The consent window's height in pixels (the spec's default is 750).
        public var height: Int?
        /// The host's DNS control panel, `%domain%` standing for the domain: where to send a
        /// customer whose host lacks the template, to type the records in.
        public var urlControlPanel: String?

        /// Settings.
        public init(
            providerID: String, providerName: String, providerDisplayName: String? = nil, urlSyncUX: String? = nil,
            urlAsyncUX: String? = nil, urlAPI: String, width: Int? = nil, height: Int? = nil,
            urlControlPanel: String? = nil
        ) {
            self.providerID = providerID
            self.providerName = providerName
            self.providerDisplayName = providerDisplayName
            self.urlSyncUX = urlSyncUX
            self.urlAsyncUX = urlAsyncUX
            self.urlAPI = urlAPI
            self.width = width
            self.height = height
            self.urlControlPanel = urlControlPanel
        }

        private enum CodingKeys: String, CodingKey {
            case providerID = "providerId"
            case providerName, providerDisplayName, urlSyncUX, urlAsyncUX, urlAPI, width, height, urlControlPanel
        }

        /// Decodes settings, leniently.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            providerID = try container.decode(String.self, forKey: .providerID)
            providerName = try container.decode(String.self, forKey: .providerName)
            urlAPI = try container.decode(String.self, forKey: .urlAPI)
            providerDisplayName = try? container.decodeIfPresent(String.self, forKey: .providerDisplayName)
            urlSyncUX = try? container.decodeIfPresent(String.self, forKey: .urlSyncUX)
            urlAsyncUX = try? container.decodeIfPresent(String.self, forKey: .urlAsyncUX)
            urlControlPanel = try? container.decodeIfPresent(String.self, forKey: .urlControlPanel)
            width = Self.pixels(container, .width)
            height = Self.pixels(container, .height)
        }

        private static func pixels(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> Int? {
            if let value = try? container.decodeIfPresent(Int.self, forKey: key) {
                return (1...10_000).contains(value) ? value : nil
            }
            if let value = try? container.decodeIfPresent(Double.self, forKey: key), let whole = Int(exactly: value) {
                return (1...10_000).contains(whole) ? whole : nil
            }
            return nil
        }

        /// The control panel URL for `domain` (`%domain%` replaced), when the host gives one.
        public func controlPanel(for domain: String) -> String? {
            urlControlPanel?.replacingOccurrences(of: "%domain%", with: DomainConnect.formEncode(domain))
        }
    }

    /// What a DNS host's template check answered beyond its status: the spec lets it return
    /// nothing, `{"version": N}`, or its whole copy of the template.
    public struct HostTemplate: Sendable, Hashable {
        /// The template version the host has, when it says.
        public var version: Int?
        /// The host's copy's `syncPubKeyDomain`: when set, apply URLs must be signed.
        public var syncPubKeyDomain: String?
        /// Whether the host returned its copy of the template (a `records` array), so that
        /// ``syncPubKeyDomain`` being `nil` means the host's copy asks for no signature.
        public var includesTemplate: Bool

        /// A template check's answer.
        public init(version: Int? = nil, syncPubKeyDomain: String? = nil, includesTemplate: Bool = false) {
            self.version = version
            self.syncPubKeyDomain = syncPubKeyDomain
            self.includesTemplate = includesTemplate
        }

        /// Reads a template check's body: empty, `{"version": N}` or a template. Anything else
        /// (not JSON, another shape) is read as an empty answer.
        static func parse(_ body: Data) -> HostTemplate {
            guard !body.isEmpty, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                return HostTemplate()
            }
            var template = HostTemplate()
            if let number = object["version"] as? NSNumber, let whole = Int(exactly: number.doubleValue) {
                template.version = whole
            } else if let text = object["version"] as? String {
                template.version = Int(text)
            }
            if let domain = object["syncPubKeyDomain"] as? String, !domain.isEmpty {
                template.syncPubKeyDomain = domain
            }
            template.includesTemplate = object["records"] is [Any]
            return template
        }
    }
}

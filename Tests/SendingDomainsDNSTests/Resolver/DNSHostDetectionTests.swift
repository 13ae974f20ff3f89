import Foundation
import HTTPTransport
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting
import Testing

@Suite("DNS host detection: the zone through SOA, the host from its name servers")
struct DNSHostDetectionTests {
    /// A zone `example.com` served by `nameservers`, with an explicit SOA at its apex.
    static func zone(_ apex: String = "example.com", nameservers: [String]) -> DNSZone {
        var zone = DNSZone()
        zone.add(apex, .soa, "\(nameservers.first ?? "ns1.\(apex)") hostmaster.\(apex) 1 300")
        for server in nameservers { zone.add(apex, .ns, server) }
        zone.add("www.\(apex)", .a, "192.0.2.1")
        return zone
    }

    static let samples: [(DNSHost.ID, [String])] = [
        (.cloudflare, ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]),
        (
            .route53,
            ["ns-1234.awsdns-56.co.uk", "ns-12.awsdns-01.com", "ns-600.awsdns-11.net", "ns-1500.awsdns-22.org"]
        ),
        (.godaddy, ["ns01.domaincontrol.com", "ns02.domaincontrol.com"]),
        (.namecheap, ["dns1.registrar-servers.com", "dns2.registrar-servers.com"]),
        (.google, ["ns-cloud-a1.googledomains.com", "ns-cloud-a2.googledomains.com"]),
        (.azure, ["ns1-01.azure-dns.com", "ns2-01.azure-dns.net", "ns3-01.azure-dns.org", "ns4-01.azure-dns.info"]),
        (.digitalOcean, ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]),
        (.ns1, ["dns1.p01.nsone.net", "dns2.p01.nsone.net"]),
        (.dnsimple, ["ns1.dnsimple.com", "ns2.dnsimple.com"]),
        (.vercel, ["ns1.vercel-dns.com", "ns2.vercel-dns.com"]),
        (.hostinger, ["ns1.dns-parking.com", "ns2.dns-parking.com"]),
        (.ionos, ["ns1045.ui-dns.com", "ns1045.ui-dns.de", "ns1045.ui-dns.org", "ns1045.ui-dns.biz"]),
        (.porkbun, ["curitiba.ns.porkbun.com", "fortaleza.ns.porkbun.com"]),
        (.unknown, ["ns1.example.net", "ns2.example.net"]),
    ]

    @Test("every row of the table is recognised from its name servers; others are unknown")
    func recognised() async throws {
        for (id, servers) in Self.samples {
            let host = try await DNSHost.detect("example.com", lookup: Self.zone(nameservers: servers))
            #expect(host.id == id, "\(servers)")
            #expect(host.zone == "example.com")
            #expect(host.nameservers == servers.sorted())
            if id != .unknown { #expect(host.name == DNSHostProfile.profile(for: id)?.name) }
        }
    }

    @Test("Google's name servers serve Cloud DNS and former Google Domains zones: the name says both")
    func googleSaysBoth() {
        #expect(DNSHostProfile.google.name.contains("Google Cloud DNS"))
        #expect(DNSHostProfile.google.name.contains("Squarespace"))
        #expect(DNSHostProfile.all.map(\.id).count == Set(DNSHostProfile.all.map(\.id)).count)
        #expect(DNSHostProfile.all.allSatisfy { !$0.source.isEmpty })
    }

    @Test("patterns do not match look-alikes")
    func lookAlikes() {
        #expect(!DNSHostProfile.cloudflare.matches("ns.cloudflare.com"))
        #expect(!DNSHostProfile.cloudflare.matches("ada.ns.cloudflare.com.evil.net"))
        #expect(DNSHostProfile.cloudflare.matches("ADA.NS.CLOUDFLARE.COM."))
        #expect(!DNSHostProfile.route53.matches("ns-x.awsdns-56.com"))
        #expect(!DNSHostProfile.route53.matches("ns-1.awsdns-56.co"))
        #expect(!DNSHostProfile.digitalOcean.matches("nsx.digitalocean.com"))
        #expect(!DNSHostProfile.godaddy.matches("domaincontrol.com"))
    }

    @Test("a subdomain's zone is its parent's when it has no SOA of its own: SOA then NS, two queries")
    func subdomainZone() async throws {
        var zone = Self.zone(nameservers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"])
        zone.add("mail.example.com", .mx, "10 mx.example.com")
        let server = try LoopbackDNSServer(zone: zone)
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 2)
        let host = try await DNSHost.detect("mail.example.com", lookup: resolver)
        #expect(host.id == .cloudflare)
        #expect(host.zone == "example.com")
        #expect(server.queryCount == 2)
    }

    @Test("a delegated subzone with its own SOA is the zone")
    func delegatedSubzone() async throws {
        var zone = Self.zone(nameservers: ["ns01.domaincontrol.com"])
        zone.add("eu.example.com", .soa, "ns-1.awsdns-01.com hostmaster.eu.example.com 1 300")
        zone.add("eu.example.com", .ns, "ns-1.awsdns-01.com")
        zone.add("shop.eu.example.com", .a, "192.0.2.2")
        let apex = try await zone.zoneApex(of: "shop.eu.example.com")
        #expect(apex.zone == "eu.example.com")
        let host = try await DNSHost.detect("shop.eu.example.com", lookup: zone)
        #expect(host.id == .route53)
        #expect(try await DNSHost.detect("example.com", lookup: zone).id == .godaddy)
    }

    @Test("a resolver that strips the authority section: the parents are asked in turn")
    func noAuthoritySection() async throws {
        let zone = Self.zone(nameservers: ["ada.ns.cloudflare.com"])
        let stripped = StrippingLookup(zone: zone)
        let host = try await DNSHost.detect("a.b.example.com", lookup: stripped)
        #expect(host.zone == "example.com")
        #expect(host.id == .cloudflare)
    }

    @Test("a server failure is thrown, typed, with the operation named")
    func failure() async throws {
        let server = try LoopbackDNSServer(zone: DNSZone(), behavior: .responseCode(.serverFailure))
        let resolver = DNSResolver(servers: [server.address], timeout: .seconds(2), attempts: 1)
        let error = await #expect(throws: SendingDomainsError.self) {
            _ = try await DNSHost.detect("example.com", lookup: resolver)
        }
        #expect(error?.kind == .dns)
        #expect(error?.operation == "dnsHostDetection")
    }

    @Test("the report's JSON form: id, name, zone, nameservers")
    func encoding() throws {
        let host = DNSHost(.cloudflare, zone: "Example.COM.", nameservers: ["ADA.ns.cloudflare.com."])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(host)) as? [String: Any]
        #expect(json?["id"] as? String == "cloudflare")
        #expect(json?["zone"] as? String == "example.com")
        #expect(json?["nameservers"] as? [String] == ["ada.ns.cloudflare.com"])
        #expect(DNSHost.unknown(zone: "example.com").id == .unknown)
    }
}

/// A lookup that answers from a zone but drops every authority section, as some stub
/// resolvers do.
struct StrippingLookup: DNSLookup {
    let zone: DNSZone
    var description: String { "stripping" }
    func query(_ name: String, type: DNSRecordType) async throws(SendingDomainsError) -> DNSAnswer {
        var answer = try await zone.query(name, type: type)
        answer.authorities = []
        return answer
    }
}

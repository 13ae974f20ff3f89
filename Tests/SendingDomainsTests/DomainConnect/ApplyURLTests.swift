import Foundation
import SendingDomains
import SendingDomainsTesting
import Testing

/// Runs a program with `input` on its standard input; its exit status and standard output.
enum Command {
    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    static func run(_ arguments: [String], input: Data = Data()) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes while the process runs, so a full pipe cannot stall it.
        let collected = Locked<(Data, Data)>((Data(), Data()))
        let group = DispatchGroup()
        for (index, pipe) in [stdout, stderr].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.withLock { if index == 0 { $0.0 = data } else { $0.1 = data } }
                group.leave()
            }
        }
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        let (out, err) = collected.withLock { $0 }
        return Output(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }
}

/// A 2048-bit RSA key pair made with `openssl` in a temporary folder, and a signer over it that
/// calls `openssl dgst -sha256 -sign` — the Linux signer Docs/DomainConnect.md shows.
struct TestKeyPair {
    let folder: URL
    var privateKey: URL { folder.appendingPathComponent("private.pem") }
    var publicKey: URL { folder.appendingPathComponent("public.pem") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dc-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let made = try Command.run([
            "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privateKey.path,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let exported = try Command.run(["openssl", "pkey", "-in", privateKey.path, "-pubout", "-out", publicKey.path])
        #expect(exported.status == 0, "\(exported.stderr)")
    }

    func signer(keyHost: String = "_dck1") -> DomainConnect.Signer {
        let path = privateKey.path
        return DomainConnect.Signer(keyHost: keyHost) { bytes in
            let output = try Command.run(["openssl", "dgst", "-sha256", "-sign", path], input: bytes)
            guard output.status == 0 else { throw TemplateApplier.Failure(description: output.stderr) }
            return output.stdout
        }
    }

    /// Whether `signature` verifies over exactly `message` with the public key.
    func verifies(_ signature: Data, over message: Data) throws -> Bool {
        let signatureFile = folder.appendingPathComponent("sig-\(UUID().uuidString).bin")
        let messageFile = folder.appendingPathComponent("msg-\(UUID().uuidString).txt")
        try signature.write(to: signatureFile)
        try message.write(to: messageFile)
        let output = try Command.run([
            "openssl", "dgst", "-sha256", "-verify", publicKey.path, "-signature", signatureFile.path, messageFile.path,
        ])
        return output.status == 0
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite("Domain Connect: the apply URL, as the spec and the reference client build it")
struct DomainConnectApplyURLTests {
    /// The reference client, domainconnect_python, building the sync URL for the same inputs:
    /// its discovery and template check stubbed with the given settings, nothing sent.
    static let referenceClient = #"""
        import json, sys
        from domainconnect import DomainConnect, DomainConnectConfig
        args = json.load(sys.stdin)
        dc = DomainConnect()
        domain = args["zone"] if not args["host"] else args["host"] + "." + args["zone"]
        dc.get_domain_config = lambda d: DomainConnectConfig(d, args["zone"], args["host"] or "", {"urlSyncUX": args["urlSyncUX"], "urlAPI": args["urlSyncUX"], "providerId": "dnshost.example", "providerName": "DNS host"})
        dc.check_template_supported = lambda config, provider_id, service_ids: None
        key = open(args["key"]).read() if args.get("key") else None
        print(dc.get_domain_connect_template_sync_url(
            domain, args["providerId"], args["serviceId"], redirect_uri=args.get("redirect_uri"),
            params=args["params"], state=args.get("state"), group_ids=args.get("groupIds"),
            sign=key is not None, private_key=key, keyid=args.get("keyHost")))
        """#

    static func reference(_ request: DomainConnect.ApplyRequest, key: URL?, keyHost: String?) throws -> String {
        var arguments: [String: Any] = [
            "urlSyncUX": request.urlSyncUX, "providerId": request.providerID, "serviceId": request.serviceID,
            "zone": request.zone, "host": request.host ?? "", "params": request.variables,
        ]
        if let redirectURI = request.redirectURI { arguments["redirect_uri"] = redirectURI }
        if let state = request.state { arguments["state"] = state }
        if let groups = request.groupIDs { arguments["groupIds"] = groups }
        if let key, let keyHost {
            arguments["key"] = key.path
            arguments["keyHost"] = keyHost
        }
        let input = try JSONSerialization.data(withJSONObject: arguments)
        let output = try Command.run(["python3", "-c", referenceClient], input: input)
        #expect(output.status == 0, "\(output.stderr)")
        return String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Values that exercise the encoding: spaces, `+`, `&`, `=`, `%`, `/`, quotes, non-ASCII,
    /// and names whose order differs between byte order and case-insensitive order.
    static let requests: [DomainConnect.ApplyRequest] = [
        DomainConnect.ApplyRequest(
            urlSyncUX: "https://dcc.dnshost.example/manage", providerID: "platform.example", serviceID: "sending",
            zone: "example.com", host: nil,
            variables: [
                "dkim1Value": "v=DKIM1; k=rsa; p=MIIBIjAN+/Base64==",
                "spf1Rules": "include:amazonses.com ip4:192.0.2.1/24",
                "Zeta": "Ünïcödé & more", "dmarc1Value": "v=DMARC1; p=none; rua=mailto:dmarc@example.com",
                "returnPath1Host": "send", "verify1Value": "50% \"quoted\" ~tilde_under.dot-dash",
            ],
            redirectURI: "https://app.platform.example/done?x=1&y=2", state: "s t/a+te", groupIDs: ["sending"]),
        DomainConnect.ApplyRequest(
            urlSyncUX: "https://domainconnect.api.dnshost.example", providerID: "platform.example",
            serviceID: "sending", zone: "example.co.uk", host: "mail",
            variables: ["dkim1Host": "s1._domainkey", "dkim1Value": "s1.dkim.provider.example"]),
    ]

    @Test(
        "query sorted by name and form-encoded: the same URL domainconnect_python builds",
        .enabled(
            if: ExternalTool.pythonDomainConnect.shouldRun,
            Comment(rawValue: ExternalTool.pythonDomainConnect.skipReason)),
        arguments: requests)
    func sameAsReferenceClient(request: DomainConnect.ApplyRequest) async throws {
        try ExternalTool.pythonDomainConnect.require()
        let link = try await request.link(signer: nil)
        #expect(link.url.absoluteString == (try Self.reference(request, key: nil, keyHost: nil)))
        #expect(!link.isSigned)
    }

    @Test(
        "signed: sig and key after the query; the signature verifies with openssl over exactly the query, and matches the reference client's",
        .enabled(
            if: ExternalTool.pythonDomainConnect.shouldRun && ExternalTool.openssl.shouldRun,
            Comment(rawValue: ExternalTool.pythonDomainConnect.skipReason + "; " + ExternalTool.openssl.skipReason)),
        arguments: requests)
    func signed(request: DomainConnect.ApplyRequest) async throws {
        try ExternalTool.openssl.require()
        try ExternalTool.pythonDomainConnect.require()
        let keys = try TestKeyPair()
        defer { keys.remove() }
        let link = try await request.link(signer: keys.signer())
        let text = link.url.absoluteString
        let query = try #require(text.split(separator: "?", maxSplits: 1).last.map(String.init))
        #expect(query.hasPrefix(link.signedQuery + "&sig="))
        #expect(query.hasSuffix("&key=_dck1"))
        // The signature as the URL carries it, form-decoded, is the one made over the query.
        let sigParameter = try #require(
            query.split(separator: "&").first { $0.hasPrefix("sig=") }.map { String($0.dropFirst(4)) })
        #expect(!sigParameter.contains("+") && !sigParameter.contains("/") && !sigParameter.contains("="))
        let decoded = try #require(sigParameter.replacingOccurrences(of: "+", with: " ").removingPercentEncoding)
        #expect(decoded == link.signature)
        let signature = try #require(Data(base64Encoded: decoded))
        #expect(try keys.verifies(signature, over: Data(link.signedQuery.utf8)))
        // A changed query does not verify: the check can fail.
        #expect(!(try keys.verifies(signature, over: Data((link.signedQuery + "&x=1").utf8))))
        // PKCS #1 v1.5 is deterministic: the reference client signing with the same key builds the same URL.
        #expect(text == (try Self.reference(request, key: keys.privateKey, keyHost: "_dck1")))
    }

    @Test("host left out at the apex; groupId joined with commas; reserved variable names refused")
    func parameters() async throws {
        var request = Self.requests[0]
        #expect(try request.parameters()["host"] == nil)
        request.host = "@"
        #expect(try request.parameters()["host"] == nil)
        request.host = "mail"
        #expect(try request.parameters()["host"] == "mail")
        request.groupIDs = ["sending", "dmarc"]
        #expect(try request.parameters()["groupId"] == "sending,dmarc")
        for name in ["domain", "host", "redirect_uri", "state", "groupId", "sig", "key"] {
            var bad = request
            bad.variables[name] = "x"
            await #expect(throws: SendingDomainsError.self) { try await bad.link(signer: nil) }
        }
        var insecure = request
        insecure.urlSyncUX = "ftp://dnshost.example"
        await #expect(throws: SendingDomainsError.self) { try await insecure.link(signer: nil) }
    }

    @Test("form encoding is Python's quote_plus")
    func formEncoding() {
        #expect(DomainConnect.formEncode("a b+c&d=e/f%g~h_i.j-k") == "a+b%2Bc%26d%3De%2Ff%25g~h_i.j-k")
        #expect(DomainConnect.formEncode("é") == "%C3%A9")
        #expect(DomainConnect.query(["b": "2", "a": "1", "B": "3"]) == "B=3&a=1&b=2")
    }

    @Test("a signer that fails or returns nothing is an authentication error, with no URL")
    func failingSigner() async throws {
        let request = Self.requests[1]
        struct Refused: Error {}
        let failing = DomainConnect.Signer(keyHost: "_dck1") { _ in throw Refused() }
        let error = await #expect(throws: SendingDomainsError.self) { try await request.link(signer: failing) }
        #expect(error?.kind == .authentication)
        let empty = DomainConnect.Signer(keyHost: "_dck1") { _ in Data() }
        let second = await #expect(throws: SendingDomainsError.self) { try await request.link(signer: empty) }
        #expect(second?.kind == .authentication)
    }
}

@Suite("Domain Connect: publishing the public key")
struct DomainConnectPublicKeyTests {
    @Test("a PEM public key as numbered TXT values whose d= pieces join back to the key")
    func pieces() throws {
        let key = String(repeating: "ABCDEFGHIJ", count: 39) + "AQAB"
        let pem =
            "-----BEGIN PUBLIC KEY-----\n" + key.chunked(64).joined(separator: "\n") + "\n-----END PUBLIC KEY-----\n"
        let values = DomainConnect.publicKeyRecords(pem)
        #expect(values.count == 2)
        #expect(values[0].hasPrefix("p=1,a=RS256,d=") && values[1].hasPrefix("p=2,a=RS256,d="))
        #expect(values.allSatisfy { $0.utf8.count <= 255 })
        #expect(values.map { String($0.dropFirst("p=1,a=RS256,d=".count)) }.joined() == key)
    }
}

extension String {
    func chunked(_ size: Int) -> [String] {
        stride(from: 0, to: count, by: size).map { offset in
            let start = index(startIndex, offsetBy: offset)
            return String(self[start..<(index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex)])
        }
    }
}

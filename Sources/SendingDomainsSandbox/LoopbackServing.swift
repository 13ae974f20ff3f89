@_spi(ProviderAuthoring) import HTTPTransport
import SendingDomainsServing

extension LoopbackServer {
    /// A server that answers every request with `simulator`, over real HTTP on loopback.
    ///
    /// ```swift
    /// let simulator = ProviderSimulator.krafter()
    /// let server = try LoopbackServer.serving(simulator)
    /// let client = Krafter.Client(apiKey: ProviderSimulator.sandboxAPIKey,
    ///                             options: .init(baseURL: try BaseURL(server.baseURL)))
    /// ```
    ///
    /// - Throws: `POSIXError` when no loopback socket can be bound.
    public static func serving(_ simulator: ProviderSimulator, address: Address = .ipv4) throws -> LoopbackServer {
        try LoopbackServer(address: address) { request in
            do {
                return .response(try await simulator.send(request.http))
            } catch {
                return .close
            }
        }
    }
}

import AhaSendClient
import AutoSendClient
import CllavioClient
import Foundation
@_spi(ProviderAuthoring) import HTTPTransport
import KrafterClient
import SendKitClient
import SendingDomains
import SendingDomainsDNS
import SendingDomainsRedis
import SendingDomainsSandbox
import SendingDomainsTesting
import ServerFrameworkNames
import Testing

/// Uses every server-framework name unqualified beside every SDK product: this file compiling
/// is the test that the SDK pushes none of those names into an app's namespace.
struct Handler: Middleware, ClientMiddleware, ClientTransport {
    var headers = HTTPHeaders()
    var method = HTTPMethod.get
    var request = HTTPRequest()
    var response = HTTPResponse()
    var fields = HTTPFields()
    var incoming = Request()
    var outgoing = Response()
    var logger = Logger()
    var logEvent = LogEvent()
    var counter = Counter()
    var gauge = Gauge()
    var recorder = Recorder()
    var spanEvent = SpanEvent()
    var group = ServiceGroup()
    var client = HTTPClient()
    var buffer = ByteBuffer()
    var span: (any Span)? = nil
    var service: (any Service)? = nil
}

@Suite("The SDK's names leave room for a server framework's")
struct NamespaceTests {
    @Test("server-framework names resolve to the framework's types beside every SDK product")
    func unqualified() {
        let handler = Handler()
        #expect(handler.method == .get)
        // …and the SDK's own names stay usable beside them.
        let options = ClientOptions(retryPolicy: .disabled)
        #expect(options.retryPolicy == .disabled)
        let request = TransportRequest(method: .get, baseURL: BaseURL.sandboxPlaceholder, path: ["domains"])
        #expect(request.method == RequestMethod.get)
    }
}

extension BaseURL {
    static var sandboxPlaceholder: URL { (try? BaseURL("https://api.example.com"))?.url ?? URL(fileURLWithPath: "/") }
}

// The HTTPTransport types this module's own API asks its users to write — a `MockTransport`
// handler, a `LoopbackServer` reply, a `VirtualClock`'s time source in `ClientOptions` —
// re-exported so that `import SendingDomainsTesting` is enough for a test's stubs.
@_exported import struct HTTPTransport.ClientOptions
@_exported import struct HTTPTransport.HeaderFields
@_exported import struct HTTPTransport.RequestMethod
@_exported import struct HTTPTransport.TimeSource
@_exported import protocol HTTPTransport.Transport
@_exported import struct HTTPTransport.TransportRequest
@_exported import struct HTTPTransport.TransportResponse
// The JSON value and the loopback HTTP server live in SendingDomainsServing, which the sandbox
// shares without depending on a testing product; a test imports them through this module.
@_exported import enum SendingDomainsServing.JSONValue
@_exported import enum SendingDomainsServing.LoopbackReply
@_exported import struct SendingDomainsServing.LoopbackRequest
@_exported import class SendingDomainsServing.LoopbackServer
@_exported import struct SendingDomainsServing.LoopbackWire

// The HTTPTransport types this module's own API asks its users to write — to create and
// configure a client and to handle its errors — re-exported so that importing this module is
// enough for that. The rest of the core (retry policies, logging, transports, middleware) takes
// `import HTTPTransport` (Docs/APIGuidelines.md, "What each module exports").
@_exported import struct HTTPTransport.BaseURL
@_exported import struct HTTPTransport.ClientOptions
@_exported import struct HTTPTransport.IdempotencyKey
@_exported import struct HTTPTransport.PagedSequence
@_exported import struct HTTPTransport.Secret
@_exported import struct HTTPTransport.SendingDomainsError

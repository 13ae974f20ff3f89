// The HTTPTransport types a user of this module names — to configure a client, to handle its
// errors, to page through results — re-exported so that importing this module is enough.
// Nothing else of the core is: the transport's request and response values and middleware need
// `import HTTPTransport` (Docs/APIGuidelines.md, "What each module exports").
@_exported import struct HTTPTransport.BaseURL
@_exported import struct HTTPTransport.ClientOptions
@_exported import struct HTTPTransport.IdempotencyKey
@_exported import struct HTTPTransport.LogEvent
@_exported import struct HTTPTransport.LogSink
@_exported import struct HTTPTransport.PagedSequence
@_exported import struct HTTPTransport.ProviderID
@_exported import struct HTTPTransport.RateLimit
@_exported import struct HTTPTransport.RetryPolicy
@_exported import struct HTTPTransport.Secret
@_exported import struct HTTPTransport.SendingDomainsError
@_exported import struct HTTPTransport.TimeSource
@_exported import protocol HTTPTransport.Transport
@_exported import class HTTPTransport.URLSessionTransport
@_exported import protocol SendingDomainsDNS.DNSLookup
// The DNS record type is the DNS module's; the record check's lookups are named through it.
@_exported import enum SendingDomainsDNS.DNSRecordType
@_exported import struct SendingDomainsDNS.DNSResolver
@_exported import struct SendingDomainsDNS.DNSServer
@_exported import struct SendingDomainsDNS.DNSZone
@_exported import struct SendingDomainsDNS.RateLimitedLookup

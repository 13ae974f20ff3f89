// The HTTPTransport types this module's own API asks its users to write — to create and
// configure a client and to handle its errors — re-exported so that importing this module is
// enough for that. The rest of the core (retry policies, logging, transports, middleware) takes
// `import HTTPTransport` (Docs/APIGuidelines.md, "What each module exports").
@_exported import struct HTTPTransport.BaseURL
@_exported import struct HTTPTransport.ClientOptions
@_exported import struct HTTPTransport.IdempotencyKey
@_exported import struct HTTPTransport.ProviderID
@_exported import struct HTTPTransport.RateLimit
@_exported import struct HTTPTransport.Secret
@_exported import struct HTTPTransport.SendingDomainsError
@_exported import struct HTTPTransport.TimeSource
// What implementing `DNSLookup` asks you to write (a custom resolver, a stub in your tests).
@_exported import struct SendingDomainsDNS.DNSAnswer
@_exported import protocol SendingDomainsDNS.DNSLookup
@_exported import struct SendingDomainsDNS.DNSQuestion
@_exported import enum SendingDomainsDNS.DNSRecordData
// The DNS record type is the DNS module's; the record check's lookups are named through it.
@_exported import enum SendingDomainsDNS.DNSRecordType
@_exported import struct SendingDomainsDNS.DNSResolver
@_exported import struct SendingDomainsDNS.DNSResourceRecord
@_exported import struct SendingDomainsDNS.DNSResponseCode
@_exported import struct SendingDomainsDNS.DNSServer
@_exported import struct SendingDomainsDNS.DNSStartOfAuthority
@_exported import struct SendingDomainsDNS.DNSZone
@_exported import struct SendingDomainsDNS.RateLimitedLookup

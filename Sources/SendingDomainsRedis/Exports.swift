// The HTTPTransport types this module's own API asks its users to write — a password, the
// client options a store goes into, and the errors — re-exported so that importing this module
// is enough for that (Docs/APIGuidelines.md, "What each module exports").
@_exported import struct HTTPTransport.ClientOptions
@_exported import struct HTTPTransport.Secret
@_exported import struct HTTPTransport.SendingDomainsError

// Names the documentation's snippets leave to the reader, so that scripts/check-snippets.py can
// type-check them. Nothing here is part of the package.

import AhaSendClient
import AutoSendClient
import CllavioClient
import Foundation
import HTTPTransport
import KrafterClient
import SendKitClient
import SendingDomains
import SendingDomainsDNS
import SendingDomainsTesting

/// An API key, as a reader would load it from their configuration.
let key = "aha-sk-example-key"
/// An AhaSend account id.
let accountID = "00000000-0000-4000-8000-000000000001"
/// The same, as some snippets call it.
let account = accountID
/// A reader's own error handling.
func showFieldErrors(_ errors: [SendingDomainsError.FieldError]) {}
func scheduleLater(after delay: Duration?) {}
func askForNewAPIKey() {}
func report(_ error: any Error) {}
func showMissingRecords(_ records: [DNSRecord]) {}
func askTheCustomerToReconnect(_ provider: ProviderID?) {}
func scheduleRetry(after delay: Duration) {}
func log(_ text: String) {}
/// Cllavio's two tokens.
let access = "cllavio-access-token"
let secret = "cllavio-secret-token"
/// The provider clients the DocC comments' snippets call.
let ahaSend = AhaSend.Client(apiKey: key, accountID: accountID)
let autoSend = AutoSend.Client(apiKey: key)
let krafter = Krafter.Client(apiKey: key)
let sendKit = SendKit.Client(apiKey: key)
let cllavio = Cllavio.Client(accessToken: access, secretToken: secret)
/// The unified API's provider and a domain it returned.
let provider: any DomainProvisioning = ProviderFactory.make(.krafter(apiKey: Secret(key)))
let domain = SendingDomain(
    id: "550e8400-e29b-41d4-a716-446655440000", name: "example.com", provider: .krafter, status: .pending,
    records: [],
    providerDomain: .krafter(
        Krafter.Domain(id: "550e8400-e29b-41d4-a716-446655440000", name: "example.com", status: .pending)))
/// A caught error, as a `catch` block names it.
let error = SendingDomainsError(kind: .conflict, message: "The domain already exists")
/// A test's transport and an id.
let mock = MockTransport.always(.json(200, "{}"))
let id = accountID
func showExisting() {}
func retryLater(_ delay: Duration?) {}

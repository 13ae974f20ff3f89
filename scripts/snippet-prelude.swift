// Names the documentation's snippets leave to the reader, so that scripts/check-snippets.py can
// type-check them. Nothing here is part of the package.
import Foundation
import HTTPTransport
import SendingDomains

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

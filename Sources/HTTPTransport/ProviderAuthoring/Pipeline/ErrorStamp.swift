/// The one place an error of a call is stamped and scrubbed: every error that leaves the
/// pipeline (toward your middleware) or the client (toward the caller) passes through
/// ``seal(_:provider:operation:secrets:)``.
///
/// - It becomes a ``SendingDomainsError`` (a `URLError` or `CancellationError` its typed kind).
/// - It names the provider and the operation, unless it already names them.
/// - Every secret — the client's credentials and the secrets the request's body carries
///   (AhaSend's DKIM private key) — is removed from every string it carries, should a provider
///   echo one.
///
/// Steps inside the pipeline build errors without stamping them; they only have to be typed.
struct ErrorStamp: Sendable {
    /// The provider the client calls.
    let provider: ProviderID
    /// Removes the client's credentials.
    let redactor: Redactor

    /// `error`, typed, stamped and scrubbed.
    func seal(
        _ error: any Error, provider: ProviderID? = nil, operation: String, secrets: [Secret] = []
    ) -> SendingDomainsError {
        var sealed = SendingDomainsError.wrapping(error)
        sealed.provider = sealed.provider ?? provider ?? self.provider
        sealed.operation = sealed.operation ?? operation
        sealed = redactor.redact(sealed)
        return secrets.isEmpty ? sealed : Redactor(secrets: secrets).redact(sealed)
    }

    /// An error leaving the pipeline: stamped from the call's context.
    func seal(_ error: any Error, _ context: MiddlewareContext) -> SendingDomainsError {
        seal(error, provider: context.provider, operation: context.operation, secrets: context.bodySecrets)
    }
}

import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production ``Transport``: Foundation's `URLSession` (FoundationNetworking on Linux).
///
/// - Each request gets its own timeout (``HTTPRequest/timeout``, else
///   ``Configuration/defaultTimeout``).
/// - Cancelling the calling task cancels the underlying `URLSessionTask` at once.
/// - The body is streamed into memory and the request is cut off as soon as it exceeds
///   ``Configuration/maximumBodySize`` (a `Content-Length` over the cap is refused before any
///   body is read).
/// - Redirects are followed only to https (or loopback) URLs; a redirect to plain http fails
///   with ``SendingDomainsError/TransportFailure/insecureRedirect`` instead of sending the
///   credentials in clear text.
/// - Cookies and caches are off: every request stands alone.
///
/// ```swift
/// let transport = URLSessionTransport(configuration: .init(defaultTimeout: .seconds(10)))
/// let client = AhaSendClient(apiKey: key, accountID: account, options: .init(transport: transport))
/// ```
public final class URLSessionTransport: Transport, Sendable {
    /// The transport's settings.
    public struct Configuration: Sendable, Hashable {
        /// The timeout for a request that does not set its own.
        public var defaultTimeout: Duration
        /// The largest body read, in bytes.
        public var maximumBodySize: Int

        /// Creates a configuration.
        public init(
            defaultTimeout: Duration = .seconds(30), maximumBodySize: Int = ClientOptions.defaultMaximumBodySize
        ) {
            self.defaultTimeout = defaultTimeout
            self.maximumBodySize = maximumBodySize
        }
    }

    /// A transport with the default configuration, shared by clients that are given none.
    public static let shared = URLSessionTransport()

    /// The settings.
    public let configuration: Configuration
    private let session: URLSession
    private let delegate: TaskDelegate

    /// Creates a transport with its own ephemeral `URLSession`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpCookieStorage = nil
        sessionConfiguration.httpShouldSetCookies = false
        sessionConfiguration.urlCache = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegate = TaskDelegate()
        self.delegate = delegate
        self.session = URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends the request.
    ///
    /// - Throws: ``SendingDomainsError`` for an empty path segment or an oversized body,
    ///   `URLError` for network failures (the pipeline maps those), and `CancellationError`
    ///   when the task is cancelled before the request starts.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        var urlRequest = URLRequest(url: try request.url())
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.timeoutInterval = max((request.timeout ?? configuration.defaultTimeout).seconds, 0.001)
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        urlRequest.httpBody = request.body
        let task = TaskBox(session.dataTask(with: urlRequest))
        let limit = configuration.maximumBodySize
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task.task, limit: limit, continuation: continuation)
                task.task.resume()
            }
        } onCancel: { [delegate] in
            // Answer the caller at once; URLSession may take a while to report the cancellation.
            delegate.cancel(task.task)
        }
    }
}

/// Lets the cancellation handler reach the task; `URLSessionTask` is thread-safe.
private struct TaskBox: @unchecked Sendable {
    let task: URLSessionDataTask
    init(_ task: URLSessionDataTask) { self.task = task }
}

/// Collects each task's response and body, enforcing the size cap and the https-only
/// redirect rule. Its table of in-flight tasks is guarded by a lock.
private final class TaskDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var continuation: CheckedContinuation<HTTPResponse, any Error>
        var limit: Int
        var response: HTTPURLResponse?
        var body = Data()
        var failure: SendingDomainsError?
    }

    private let lock = NSLock()
    private var states: [Int: State] = [:]

    func register(_ task: URLSessionTask, limit: Int, continuation: CheckedContinuation<HTTPResponse, any Error>) {
        lock.withLock { states[task.taskIdentifier] = State(continuation: continuation, limit: limit) }
    }

    /// Ends the task's call at once with `URLError(.cancelled)`, then cancels the task; the late
    /// completion finds no state and is ignored.
    func cancel(_ task: URLSessionTask) {
        let state = lock.withLock { states.removeValue(forKey: task.taskIdentifier) }
        state?.continuation.resume(throwing: URLError(.cancelled))
        task.cancel()
    }

    private func fail(_ task: URLSessionTask, _ error: SendingDomainsError) {
        lock.withLock { states[task.taskIdentifier]?.failure = error }
        task.cancel()
    }

    private func tooLarge(_ limit: Int) -> SendingDomainsError {
        SendingDomainsError(
            kind: .decoding,
            message:
                "The response body exceeds the \(limit)-byte limit; raise the transport's maximumBodySize if this is expected"
        )
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let limit: Int? = lock.withLock {
            states[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse
            return states[dataTask.taskIdentifier]?.limit
        }
        if let limit, response.expectedContentLength > Int64(limit) {
            lock.withLock { states[dataTask.taskIdentifier]?.failure = tooLarge(limit) }
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let exceeded: Int? = lock.withLock {
            guard var state = states[dataTask.taskIdentifier] else { return nil }
            state.body.append(data)
            let over = state.body.count > state.limit ? state.limit : nil
            if over != nil { state.body = Data() }
            states[dataTask.taskIdentifier] = state
            return over
        }
        if let exceeded { fail(dataTask, tooLarge(exceeded)) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        let scheme = request.url?.scheme?.lowercased()
        let host = request.url?.host ?? ""
        if scheme == "https" || (scheme == "http" && BaseURL.isLoopback(host)) {
            completionHandler(request)
        } else {
            lock.withLock {
                states[task.taskIdentifier]?.failure = SendingDomainsError(
                    kind: .transport,
                    message:
                        "The server redirected to a non-https URL (\(scheme ?? "?")://\(host)); the SDK does not send credentials in clear text",
                    transportFailure: .insecureRedirect)
            }
            completionHandler(nil)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let state = lock.withLock({ states.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let failure = state.failure {
            state.continuation.resume(throwing: failure)
        } else if let error {
            state.continuation.resume(throwing: error)
        } else if let response = state.response {
            var headers = HTTPHeaders()
            for (name, value) in response.allHeaderFields {
                headers.add(name: "\(name)", value: "\(value)")
            }
            state.continuation.resume(
                returning: HTTPResponse(status: response.statusCode, headers: headers, body: state.body))
        } else {
            state.continuation.resume(throwing: URLError(.badServerResponse))
        }
    }
}

import Dispatch
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production ``Transport``: Foundation's `URLSession` (FoundationNetworking on Linux),
/// hardened against servers and networks the SDK does not control.
///
/// - **Credentials stay at their origin.** Redirects are never followed: a 3xx answer ends the
///   attempt with ``SendingDomainsError/TransportFailure/redirected``, naming the status and the
///   origin the server pointed to. (FoundationNetworking would copy every header, credentials
///   included, to the new origin.)
/// - **Time is bounded.** An attempt's timeout (``TransportRequest/timeout``, else
///   ``Configuration/defaultTimeout``) covers the whole exchange, from connecting to the last
///   byte of the body: a server that trickles one byte a second cannot hold a call open.
/// - **Memory is bounded.** A `Content-Length` over ``Configuration/maximumBodySize`` fails at
///   the headers; a chunked, close-delimited or compressed body fails as soon as its
///   (decompressed) bytes pass the cap, and the transfer is stopped. Reading is linear in the
///   body's size.
/// - **A request the SDK would not retry is sent at most once.** A request that is not
///   ``TransportRequest/isReplayable`` (a POST without an idempotency key) goes out on a connection of
///   its own that is never reused, so the HTTP stack below cannot silently resend it when a
///   pooled keep-alive connection turns out to be dead.
/// - Cancelling the calling task ends the call at once and cancels the `URLSessionTask`.
/// - Cookies and caches are off: every request stands alone.
///
/// ```swift
/// let transport = URLSessionTransport(configuration: .init(defaultTimeout: .seconds(10)))
/// let client = AhaSend.Client(apiKey: key, accountID: account, options: .init(transport: transport))
/// ```
public final class URLSessionTransport: Transport, Sendable {
    /// The transport's settings.
    public struct Configuration: Sendable, Hashable {
        /// The limit of one attempt, connecting to last byte, for a request that sets none.
        public var defaultTimeout: Duration
        /// The largest body read, in bytes, after decompression.
        public var maximumBodySize: Int
        /// The most requests this transport has in flight at once; `nil` (the default) for no
        /// limit of its own.
        ///
        /// An attempt's timeout starts when the transport hands the request to `URLSession`,
        /// which may then hold it in its own queue until a connection to the host is free: in a
        /// burst of thousands of calls, many time out there without ever being sent. With a
        /// limit, a request beyond it waits in the transport, in order, *before* its timer
        /// starts, and the timeout measures only its own exchange. The wait is bounded too: a
        /// request that waited as long as its timeout fails with `timeout` without being sent
        /// (a call takes at most twice its timeout per attempt); cancelling the calling task ends
        /// the wait at once. 32 is a good value for the providers' APIs (see the Transport guide).
        public var maximumConcurrentRequests: Int?

        /// Creates a configuration.
        public init(
            defaultTimeout: Duration = .seconds(30), maximumBodySize: Int = ClientOptions.defaultMaximumBodySize,
            maximumConcurrentRequests: Int? = nil
        ) {
            self.defaultTimeout = defaultTimeout
            self.maximumBodySize = maximumBodySize
            self.maximumConcurrentRequests = maximumConcurrentRequests.map { max(1, $0) }
        }
    }

    /// A transport with the default configuration, shared by clients that are given none.
    public static let shared = URLSessionTransport()

    /// The settings.
    public let configuration: Configuration
    /// The session whose connections are pooled, for replayable requests.
    private let session: URLSession
    private let delegate: TaskDelegate
    private let permits: RequestPermits?

    /// Creates a transport with its own ephemeral `URLSession`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        permits = configuration.maximumConcurrentRequests.map { RequestPermits(limit: $0) }
        let delegate = TaskDelegate()
        self.delegate = delegate
        self.session = URLSession(
            configuration: Self.sessionConfiguration(), delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    private static func sessionConfiguration() -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return configuration
    }

    /// FoundationNetworking refuses IPv6 literal hosts (`http://[::1]:8080` fails with URLError
    /// -1000), so the IPv6 loopback address is addressed as `localhost`, which the network layer
    /// resolves to `::1` (and `127.0.0.1`) without asking DNS. Other URLs are unchanged.
    static func reachable(_ url: URL) -> URL {
        #if canImport(FoundationNetworking)
        guard let host = url.host, host == "::1" || host == "0:0:0:0:0:0:0:1",
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else { return url }
        components.host = "localhost"
        return components.url ?? url
        #else
        return url
        #endif
    }

    /// Sends the request.
    ///
    /// - Throws: ``SendingDomainsError``: `validation` for an empty path segment; `decoding` for a
    ///   body over the cap; `timeout` when the attempt's limit passed; `transport` with
    ///   ``SendingDomainsError/TransportFailure/redirected`` for a 3xx. `URLError` for other
    ///   network failures (the pipeline maps those), and `CancellationError` when the task is
    ///   cancelled before the request starts (while it waits for its turn, with
    ///   ``Configuration/maximumConcurrentRequests``).
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try Task.checkCancellation()
        guard let permits else { return try await exchange(request) }
        // The turn is taken before the attempt's timer starts (see maximumConcurrentRequests).
        try await permits.acquire(within: max(request.timeout ?? configuration.defaultTimeout, .milliseconds(1)))
        defer { permits.release() }
        return try await exchange(request)
    }

    /// One exchange, its timer started now.
    private func exchange(_ request: TransportRequest) async throws -> TransportResponse {
        let timeout = max(request.timeout ?? configuration.defaultTimeout, .milliseconds(1))
        var urlRequest = URLRequest(url: Self.reachable(try request.url()))
        urlRequest.httpMethod = request.method.rawValue
        // The attempt's limit is enforced by the transport's own timer (connecting to last byte).
        // URLSession's idle timeout is set a second later as a fallback: FoundationNetworking
        // ends a request at once when given less than a second.
        urlRequest.timeoutInterval = timeout.seconds.rounded(.up) + 1
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        urlRequest.httpBody = request.body
        // A request that must not be sent twice gets a connection of its own, used once.
        let oneShot: URLSession? =
            request.isReplayable
            ? nil : URLSession(configuration: Self.sessionConfiguration(), delegate: delegate, delegateQueue: nil)
        if oneShot != nil { urlRequest.setValue("close", forHTTPHeaderField: "Connection") }
        defer { oneShot?.finishTasksAndInvalidate() }
        let task = (oneShot ?? session).dataTask(with: urlRequest)
        let limit = min(configuration.maximumBodySize, request.maximumBodySize ?? .max)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task, limit: limit, timeout: timeout, continuation: continuation)
                task.resume()
            }
        } onCancel: { [delegate] in
            // Answer the caller at once; URLSession may take a while to report the cancellation.
            delegate.abort(task, with: URLError(.cancelled))
        }
    }
}

/// Collects each task's response and body and enforces the limits. Its table of calls in flight
/// is guarded by a lock; each call's body grows in place, so reading is linear.
///
/// Body bytes reach a `URLSession` delegate through an operation queue that the network layer
/// does not wait for: a server that floods the connection can run far ahead of the delegate. So
/// besides counting what the delegate receives (decompressed bytes), a watchdog reads each task's
/// transfer progress — updated by the network layer as the bytes arrive — every 10 ms while
/// calls are receiving a body, and stops a transfer whose raw bytes pass the cap.
private final class TaskDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// One call in flight.
    private final class Call {
        let task: URLSessionTask
        let continuation: CheckedContinuation<TransportResponse, any Error>
        let limit: Int
        let sent: Int64
        let timer: DispatchWorkItem
        var response: HTTPURLResponse?
        var body = Data()

        init(
            task: URLSessionTask, continuation: CheckedContinuation<TransportResponse, any Error>, limit: Int,
            sent: Int64,
            timer: DispatchWorkItem
        ) {
            self.task = task
            self.continuation = continuation
            self.limit = limit
            self.sent = sent
            self.timer = timer
        }

        /// Whether the network layer has received more raw body bytes than the limit.
        var overLimitOnTheWire: Bool {
            task.progress.completedUnitCount - sent > Int64(limit)
        }
    }

    private let lock = NSLock()
    private var calls: [ObjectIdentifier: Call] = [:]
    private var watchdog: (any DispatchSourceTimer)?
    private static let watchdogInterval = DispatchTimeInterval.milliseconds(10)

    /// Starts the watchdog with the first call in flight, stops it with the last. Under the lock.
    private func updateWatchdog() {
        if calls.isEmpty {
            watchdog?.cancel()
            watchdog = nil
        } else if watchdog == nil {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
            timer.schedule(deadline: .now() + Self.watchdogInterval, repeating: Self.watchdogInterval)
            timer.setEventHandler { [weak self] in self?.checkTransfers() }
            timer.resume()
            watchdog = timer
        }
    }

    private func checkTransfers() {
        // Only calls whose headers have arrived can be receiving a body. Read the progress outside
        // the lock: nothing of the network layer's runs under it.
        let receiving = lock.withLock { calls.values.filter { $0.response != nil } }
        for call in receiving where call.overLimitOnTheWire { abort(call.task, with: tooLarge(call.limit)) }
    }

    func register(
        _ task: URLSessionTask, limit: Int, timeout: Duration,
        continuation: CheckedContinuation<TransportResponse, any Error>
    ) {
        let timer = DispatchWorkItem { [weak self, weak task] in
            guard let self, let task else { return }
            self.abort(
                task,
                with: SendingDomainsError(
                    kind: .timeout,
                    message:
                        "No complete response within \(timeout.formattedSeconds) (one attempt's limit, from connecting to the last byte)",
                    transportFailure: .timedOut))
        }
        let call = Call(
            task: task, continuation: continuation, limit: limit,
            sent: Int64(task.originalRequest?.httpBody?.count ?? 0),
            timer: timer)
        lock.withLock {
            calls[ObjectIdentifier(task)] = call
            updateWatchdog()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds, execute: timer)
    }

    /// Removes the task's call, if it is still in flight.
    private func take(_ task: URLSessionTask) -> Call? {
        let call = lock.withLock {
            defer { updateWatchdog() }
            return calls.removeValue(forKey: ObjectIdentifier(task))
        }
        call?.timer.cancel()
        return call
    }

    /// Ends the task's call at once with `error`, then stops the transfer; the late completion
    /// finds no call and is ignored.
    func abort(_ task: URLSessionTask, with error: any Error) {
        take(task)?.continuation.resume(throwing: error)
        task.cancel()
    }

    private func tooLarge(_ limit: Int, declared: Int64? = nil) -> SendingDomainsError {
        let what = declared.map { "The response declares \($0) bytes, over" } ?? "The response body exceeds"
        return SendingDomainsError(
            kind: .decoding,
            message:
                "\(what) the \(limit)-byte limit; raise the transport's maximumBodySize and ClientOptions.maximumBodySize if this is expected"
        )
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let limit: Int? = lock.withLock {
            let call = calls[ObjectIdentifier(dataTask)]
            call?.response = response as? HTTPURLResponse
            return call?.limit
        }
        if let limit, response.expectedContentLength > Int64(limit) {
            // Cancelling the task stops the transfer; FoundationNetworking does not reliably stop
            // it for a `.cancel` disposition, so the completion handler is deliberately not called.
            abort(dataTask, with: tooLarge(limit, declared: response.expectedContentLength))
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let exceeded: Int? = lock.withLock {
            guard let call = calls[ObjectIdentifier(dataTask)] else { return nil }
            guard call.body.count + data.count <= call.limit else { return call.limit }
            call.body.append(data)
            return nil
        }
        if let exceeded { abort(dataTask, with: tooLarge(exceeded)) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
        abort(
            task,
            with: SendingDomainsError.redirected(
                status: response.statusCode, location: request.url?.absoluteString ?? ""))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let call = take(task) else { return }
        if let error {
            call.continuation.resume(throwing: error)
        } else if let response = call.response {
            var headers = HeaderFields()
            for (name, value) in response.allHeaderFields {
                headers.add(name: "\(name)", value: "\(value)")
            }
            call.continuation.resume(
                returning: TransportResponse(status: response.statusCode, headers: headers, body: call.body))
        } else {
            call.continuation.resume(throwing: URLError(.badServerResponse))
        }
    }
}

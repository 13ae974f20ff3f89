// Why some of the pipeline's functions are `@inline(never)`: the frame-size notes, in one place.
//
// A call in flight is suspended inside every async function between `APIClient.call` and the
// transport, and each of those functions keeps an async frame on the task's allocator as large
// as everything it holds across an `await`, for as long as the call waits (Docs/Performance.md,
// memory per call). Inlining the work done between awaits into an async function puts that
// work's temporaries — strings for the logs, header tables, the retry decision — into the
// suspended frame. So that work lives in synchronous functions the optimizer may not inline,
// and the async functions on the path hold only references (`TransportRequest`,
// `MiddlewareContext` and `SendingDomainsError` are one pointer each through `CopyOnWrite`;
// `Endpoint` is a class).
//
// | function | why it is not inlined |
// |---|---|
// | `Endpoint.init` | builds the request parts and checks the path once, outside every caller's frame |
// | `APIClient.prepare` | the credentials check, the header table and the request, built before the first await |
// | `APIClient.decode` | the JSON decoding's temporaries, after the last await |
// | `Pipeline.start` | the idempotency key and the deadline, before the retry loop's first await |
// | `Pipeline.Attempt.send` | its caller (the retry loop) keeps only three references across it |
// | `Pipeline.Attempt.acquire` | the rate-limit wait and its metrics timing, a frame that ends before the transport |
// | `Pipeline.Attempt.authenticate` | the credential headers and the request log, between awaits |
// | `Pipeline.Attempt.transmit` | the only frame of the attempt alive while the transport has the request |
// | `Pipeline.Attempt.checkAndLearn` | the response check and the limiter's learning, after the transport |
// | `IdempotencyKeyStep.prepare` | a new key (a UUID string) and the header, before the loop |
// | `RetryStep.begin` | the deadline, before the loop |
// | `RetryStep.nextAttempt` | cancellation and deadline checks and the attempt's timeout, between awaits |
// | `RetryStep.wait` | the backoff sleep: the decision's temporaries stay out of the sleeping frame |
// | `RetryStep.decide` | the policy's decision, its log line and metadata |
// | `ErrorMappingStep.willSend` | the request's log line and redacted headers |
// | `ErrorMappingStep.failure` | a transport error typed and logged |
// | `ErrorMappingStep.check` | the response's log line and the error a non-2xx means |
// | `CallMetrics.attempt`, `CallMetrics.limiterWait` | the metrics events, built only when a sink is set |
//
// The same goes for the accessors of those three values: `CopyOnWrite` is read and written
// through `value` directly. Forwarding each field through a key-path subscript
// (`@dynamicMemberLookup`) cost about 1 KiB more per call held in flight (7.85 against 6.98 KiB in
// the memory row) for no gain in legibility.
//
// Removing one of these is a memory change: measure it with
// `swift run -c release Benchmarks --memory-only` before and after.

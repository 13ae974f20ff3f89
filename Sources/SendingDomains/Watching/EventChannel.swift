@_spi(ProviderAuthoring) import HTTPTransport

/// A bounded channel from the watcher's polling loops to the one consumer of its events, with
/// **backpressure**: a producer suspends while `capacity` events wait, so polling pauses while
/// the consumer is behind. Nothing is dropped or coalesced. `AsyncStream` can only buffer
/// without limit or drop, hence this.
///
/// Every element gets a ticket — its place in the stream, from 1 — and a producer can wait until
/// the consumer has taken a ticket (``waitUntilTaken(_:)``), to commit state only for events
/// that were handed over. ``finish()`` (the consumer gone or cancelled, or the producers done)
/// wakes every waiter: producers learn that nobody listens any more, the consumer gets `nil`.
final class EventChannel<Element: Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let element: Element
        let continuation: CheckedContinuation<Int?, Never>
    }

    private struct State {
        var buffer: [Element] = []
        var head = 0
        var producers: [Waiter] = []
        var consumer: CheckedContinuation<Element?, Never>?
        var finished = false
        var nextID: UInt64 = 0
        /// Elements that entered the stream, in order: the last ticket given.
        var accepted = 0
        /// Elements the consumer has taken.
        var taken = 0
        var takenWaiters: [(ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = []

        var count: Int { buffer.count - head }

        mutating func pop() -> Element? {
            guard head < buffer.count else { return nil }
            let element = buffer[head]
            head += 1
            if head > 64 && head * 2 > buffer.count {
                buffer.removeFirst(head)
                head = 0
            }
            return element
        }

        /// Counts one element taken; the producers waiting for it, to resume.
        mutating func take() -> [CheckedContinuation<Bool, Never>] {
            taken += 1
            let ready = takenWaiters.filter { $0.ticket <= taken }.map(\.continuation)
            takenWaiters.removeAll { $0.ticket <= taken }
            return ready
        }
    }

    private enum HandOff {
        case ticket(Int?)
        case handed(CheckedContinuation<Element?, Never>, Int, [CheckedContinuation<Bool, Never>])
    }

    private enum NextStep {
        case element(Element, (CheckedContinuation<Int?, Never>, Int)?, [CheckedContinuation<Bool, Never>])
        case end
        case wait
    }

    /// How many events may wait for the consumer before producers suspend.
    let capacity: Int
    private let state = LockedState(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands `element` to the consumer, suspending while the channel is full: its ticket, or
    /// `nil` — not delivered — once the channel is finished or the calling task is cancelled.
    func send(_ element: Element) async -> Int? {
        // Tried at once, and again under the continuation if the channel was full: one rule.
        if let now = state.withLock({ offer(element, into: &$0, waiter: nil) }) { return deliver(now, element) }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiter = Waiter(id: id, element: element, continuation: continuation)
                if let now = state.withLock({ offer(element, into: &$0, waiter: waiter) }) {
                    continuation.resume(returning: deliver(now, element))
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.producers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.producers.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Under the lock: hands `element` to a waiting consumer, buffers it, or — full — queues
    /// `waiter` (returning `nil`, so the caller waits; without a waiter, the caller makes one).
    private func offer(_ element: Element, into state: inout State, waiter: Waiter?) -> HandOff? {
        if state.finished || Task.isCancelled { return .ticket(nil) }
        if let consumer = state.consumer {
            state.consumer = nil
            state.accepted += 1
            return .handed(consumer, state.accepted, state.take())
        }
        if state.count < capacity {
            state.buffer.append(element)
            state.accepted += 1
            return .ticket(state.accepted)
        }
        if let waiter { state.producers.append(waiter) }
        return nil
    }

    /// Outside the lock: resumes whoever the hand-off woke; the element's ticket.
    private func deliver(_ handOff: HandOff, _ element: Element) -> Int? {
        switch handOff {
        case .ticket(let ticket):
            return ticket
        case .handed(let consumer, let ticket, let taken):
            consumer.resume(returning: element)
            for waiter in taken { waiter.resume(returning: true) }
            return ticket
        }
    }

    /// Waits until the consumer has taken the element with `ticket`: `true`, or `false` when
    /// the channel finished first.
    func waitUntilTaken(_ ticket: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            let now: Bool? = state.withLock { state in
                if state.taken >= ticket { return true }
                if state.finished { return false }
                state.takenWaiters.append((ticket, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// The next element, waiting for one; `nil` once the channel is finished or the calling task
    /// is cancelled — whatever is still buffered then is not delivered.
    func next() async -> Element? {
        if Task.isCancelled {
            finish()
            return nil
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let step: NextStep = state.withLock { state in
                    if state.finished { return .end }
                    if let element = state.pop() {
                        // Room for one more: the longest-waiting producer's element moves in.
                        var woken: (CheckedContinuation<Int?, Never>, Int)?
                        if !state.producers.isEmpty {
                            let waiter = state.producers.removeFirst()
                            state.buffer.append(waiter.element)
                            state.accepted += 1
                            woken = (waiter.continuation, state.accepted)
                        }
                        return .element(element, woken, state.take())
                    }
                    if !state.producers.isEmpty {
                        let waiter = state.producers.removeFirst()
                        state.accepted += 1
                        return .element(waiter.element, (waiter.continuation, state.accepted), state.take())
                    }
                    state.consumer = continuation
                    return .wait
                }
                switch step {
                case .element(let element, let producer, let taken):
                    if let (waiter, ticket) = producer { waiter.resume(returning: ticket) }
                    for waiter in taken { waiter.resume(returning: true) }
                    continuation.resume(returning: element)
                case .end:
                    continuation.resume(returning: nil)
                case .wait:
                    break
                }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends the channel: waiting producers get `nil`, a producer waiting for a ticket `false`, a
    /// waiting consumer `nil`, and the buffer is dropped.
    func finish() {
        let (producers, consumer, waiters) = state.withLock { state in
            state.finished = true
            state.buffer = []
            state.head = 0
            let producers = state.producers
            state.producers = []
            let consumer = state.consumer
            state.consumer = nil
            let waiters = state.takenWaiters.map(\.continuation)
            state.takenWaiters = []
            return (producers, consumer, waiters)
        }
        for producer in producers { producer.continuation.resume(returning: nil) }
        for waiter in waiters { waiter.resume(returning: false) }
        consumer?.resume(returning: nil)
    }

    /// Whether ``finish()`` was called.
    var isFinished: Bool { state.withLock { $0.finished } }
}

@_spi(ProviderAuthoring) import HTTPTransport

/// A bounded channel from the watcher's polling loops to the one consumer of its events, with
/// **backpressure**: a producer suspends while `capacity` events wait, so polling pauses while
/// the consumer is behind. Nothing is dropped or coalesced. `AsyncStream` can only buffer
/// without limit or drop, hence this.
///
/// ``finish()`` (the consumer gone or cancelled, or the producers done) wakes every waiter:
/// producers learn that nobody listens any more, the consumer gets `nil`.
final class EventChannel<Element: Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let element: Element
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var buffer: [Element] = []
        var head = 0
        var producers: [Waiter] = []
        var consumer: CheckedContinuation<Element?, Never>?
        var finished = false
        var nextID: UInt64 = 0

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
    }

    private enum SendStep {
        case done(Bool)
        case resume(CheckedContinuation<Element?, Never>)
        case wait(UInt64)
    }

    private enum NextStep {
        case element(Element, CheckedContinuation<Bool, Never>?)
        case end
        case wait
    }

    /// How many events may wait for the consumer before producers suspend.
    let capacity: Int
    private let state = LockedState(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands `element` to the consumer, suspending while the channel is full. Returns `false`,
    /// without delivering, once the channel is finished or the calling task is cancelled.
    func send(_ element: Element) async -> Bool {
        let step: SendStep = state.withLock { state in
            if state.finished { return .done(false) }
            if let consumer = state.consumer {
                state.consumer = nil
                return .resume(consumer)
            }
            if state.count < capacity {
                state.buffer.append(element)
                return .done(true)
            }
            state.nextID += 1
            return .wait(state.nextID)
        }
        switch step {
        case .done(let delivered):
            return delivered
        case .resume(let consumer):
            consumer.resume(returning: element)
            return true
        case .wait(let id):
            return await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let delivered: Bool? = state.withLock { state in
                        if state.finished || Task.isCancelled { return false }
                        if let consumer = state.consumer {
                            // The consumer arrived meanwhile: it takes this element directly.
                            state.consumer = nil
                            consumer.resume(returning: element)
                            return true
                        }
                        if state.count < capacity {
                            state.buffer.append(element)
                            return true
                        }
                        state.producers.append(Waiter(id: id, element: element, continuation: continuation))
                        return nil
                    }
                    if let delivered { continuation.resume(returning: delivered) }
                }
            } onCancel: {
                let waiter = state.withLock { state -> Waiter? in
                    guard let index = state.producers.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.producers.remove(at: index)
                }
                waiter?.continuation.resume(returning: false)
            }
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
                        var woken: CheckedContinuation<Bool, Never>?
                        if !state.producers.isEmpty {
                            let waiter = state.producers.removeFirst()
                            state.buffer.append(waiter.element)
                            woken = waiter.continuation
                        }
                        return .element(element, woken)
                    }
                    if !state.producers.isEmpty {
                        let waiter = state.producers.removeFirst()
                        return .element(waiter.element, waiter.continuation)
                    }
                    state.consumer = continuation
                    return .wait
                }
                switch step {
                case .element(let element, let producer):
                    producer?.resume(returning: true)
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

    /// Ends the channel: waiting producers get `false`, a waiting consumer `nil`, and the
    /// buffer is dropped.
    func finish() {
        let (producers, consumer) = state.withLock { state in
            state.finished = true
            state.buffer = []
            state.head = 0
            let producers = state.producers
            state.producers = []
            let consumer = state.consumer
            state.consumer = nil
            return (producers, consumer)
        }
        for producer in producers { producer.continuation.resume(returning: false) }
        consumer?.resume(returning: nil)
    }

    /// Whether ``finish()`` was called.
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Events waiting for the consumer, plus producers waiting to add theirs.
    var pending: Int { state.withLock { $0.count + $0.producers.count } }
}

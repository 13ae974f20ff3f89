/// A sequence of items fetched page by page, lazily, as it is iterated.
///
/// A page is requested only when the previous one is used up; iteration ends when a page has
/// no next cursor, or repeats the cursor it was fetched with (so a misbehaving server cannot
/// loop it forever). Each iteration starts from the first page.
///
/// ```swift
/// let numbers = PagedSequence<Int> { cursor throws(SendingDomainsError) in
///     cursor == nil ? ([1, 2], "p2") : ([3], nil)
/// }
/// for try await n in numbers { print(n) }   // 1 2 3
/// ```
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
    /// One page: its items and the cursor of the next page (`nil` at the end).
    public typealias Page = (items: [Element], next: String?)

    /// Fetches the page after a cursor (`nil` for the first page).
    public typealias PageFetcher = @Sendable (_ cursor: String?) async throws(SendingDomainsError) -> Page

    private let fetch: PageFetcher

    /// Creates a sequence from a page fetcher.
    public init(fetch: @escaping PageFetcher) {
        self.fetch = fetch
    }

    /// A sequence whose iteration fails at once with `error`.
    public static func failing(_ error: SendingDomainsError) -> PagedSequence {
        PagedSequence { _ throws(SendingDomainsError) in throw error }
    }

    /// Starts an iteration from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(fetch: fetch)
    }

    /// Every item, in order.
    ///
    /// - Throws: ``SendingDomainsError`` from any page.
    public func collect() async throws(SendingDomainsError) -> [Element] {
        var iterator = makeAsyncIterator()
        var all: [Element] = []
        while let item = try await iterator.next() { all.append(item) }
        return all
    }

    /// Walks the pages.
    public struct Iterator: AsyncIteratorProtocol {
        let fetch: PageFetcher
        var buffer: [Element] = []
        var cursor: String?
        var finished = false

        /// The next item, fetching the next page when needed; `nil` at the end.
        ///
        /// - Throws: ``SendingDomainsError`` from the page request.
        public mutating func next() async throws(SendingDomainsError) -> Element? {
            while buffer.isEmpty {
                if finished { return nil }
                let page = try await fetch(cursor)
                buffer = page.items.reversed()
                if let next = page.next, next != cursor {
                    cursor = next
                } else {
                    finished = true
                }
            }
            return buffer.popLast()
        }
    }
}

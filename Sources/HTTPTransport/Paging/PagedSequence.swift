/// A sequence of items fetched page by page, lazily, as it is iterated.
///
/// A page is requested only when the previous one is used up; iteration ends when a page has no
/// next cursor. A misbehaving server cannot make it loop or run forever:
///
/// - a next cursor equal to **any** cursor already used in this iteration (`a, b, a` as well as
///   `a, a`) ends it with ``SendingDomainsError/Kind/decoding``, naming the page;
/// - more than ``maximumPages`` pages end it with ``SendingDomainsError/Kind/decoding`` too
///   (the default, ``defaultMaximumPages``, is 10,000 pages: a million AhaSend domains at 100 a
///   page; set ``ClientOptions/maximumPages`` for more).
///
/// Each iteration starts from the first page.
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

    /// The default page ceiling: 10,000 pages.
    public static var defaultMaximumPages: Int { 10_000 }

    private let fetch: PageFetcher
    /// The most pages one iteration may fetch.
    public let maximumPages: Int

    /// Creates a sequence from a page fetcher.
    ///
    /// - Parameters:
    ///   - maximumPages: The most pages one iteration fetches before it fails (at least 1).
    ///   - fetch: Fetches the page after a cursor.
    public init(maximumPages: Int = PagedSequence.defaultMaximumPages, fetch: @escaping PageFetcher) {
        self.maximumPages = Swift.max(1, maximumPages)
        self.fetch = fetch
    }

    /// A sequence whose iteration fails at once with `error`.
    public static func failing(_ error: SendingDomainsError) -> PagedSequence {
        PagedSequence { _ throws(SendingDomainsError) in throw error }
    }

    /// Starts an iteration from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(fetch: fetch, maximumPages: maximumPages)
    }

    /// Every item, in order.
    ///
    /// - Throws: ``SendingDomainsError`` from any page, or of kind `decoding` when the server
    ///   repeats a cursor or sends more than ``maximumPages`` pages.
    public func collect() async throws(SendingDomainsError) -> [Element] {
        var iterator = makeAsyncIterator()
        var all: [Element] = []
        while let item = try await iterator.next() { all.append(item) }
        return all
    }

    /// Walks the pages.
    public struct Iterator: AsyncIteratorProtocol {
        let fetch: PageFetcher
        let maximumPages: Int
        var buffer: [Element] = []
        var cursor: String?
        var used: Set<String> = []
        var pages = 0
        var finished = false
        var failure: SendingDomainsError?

        /// The next item, fetching the next page when needed; `nil` at the end.
        ///
        /// - Throws: ``SendingDomainsError`` from the page request, or of kind `decoding` when
        ///   the server repeats a cursor or sends more than the page ceiling.
        public mutating func next() async throws(SendingDomainsError) -> Element? {
            while buffer.isEmpty {
                if let failure {
                    self.failure = nil
                    throw failure
                }
                if finished { return nil }
                guard pages < maximumPages else {
                    finished = true
                    throw SendingDomainsError(
                        kind: .decoding,
                        message:
                            "The server announced a page after \(maximumPages) pages; stopping at the page ceiling (raise ClientOptions.maximumPages if the account really has more)"
                    )
                }
                let page = try await fetch(cursor)
                pages += 1
                buffer = page.items.reversed()
                guard let next = page.next else {
                    finished = true
                    continue
                }
                if let cursor { used.insert(cursor) }
                guard !used.contains(next) && next != cursor else {
                    // The page's items are still served; the error comes when the next is needed.
                    finished = true
                    failure = SendingDomainsError(
                        kind: .decoding,
                        message:
                            "Page \(pages) points back to a cursor already used in this iteration; stopping instead of looping (the provider's pagination is misbehaving)"
                    )
                    continue
                }
                cursor = next
            }
            return buffer.popLast()
        }
    }
}

import Foundation

/// The rules for following Bitbucket's paginated collections; the runtime parses each page's JSON
/// and asks the cursor where to go next.
///
/// `next` is opaque (docs/internals.md "The transport": clients must not build page URLs), so page-number
/// (`?page=3`) and iterator (`/commits/<hash>?page=…`) styles need no distinction. The cursor:
/// - stops when a page has no `next`, the documented end of a collection;
/// - stops, without error, when a page with no values still carries a `next`. Bitbucket is known
///   to return `next` on an empty last page (BCLOUD-22441, pipeline variables); following it risks
///   walking empty pages forever, and an empty page never precedes real data, since filtering
///   (`q=`) happens before paging;
/// - throws a `.pagination` error when `next` repeats any URL already fetched (a cycle would
///   otherwise never end), and when `next` leaves the origin pagination started on (a bogus or
///   hostile link: following it would be an unexpected request to another host).
/// A relative `next` is resolved against the page that carried it.
public struct PageCursor: Sendable {
    private let allowedOrigin: Origin?
    private var current: String?
    private var fetched: Set<String> = []

    /// - Parameters:
    ///   - apiBaseURL: the configured API base; `next` links must stay on its origin.
    ///   - firstPageURL: the absolute URL of the first page (see `Transport.url(for:)`), so a `next`
    ///     pointing back to it counts as a cycle. When it is on another origin than the API base
    ///     (a script paginating an absolute URL), that origin is the one `next` must keep.
    public init(apiBaseURL: URL, firstPageURL: String? = nil) {
        current = firstPageURL
        if let firstPageURL {
            fetched.insert(firstPageURL)
            allowedOrigin = Origin(firstPageURL) ?? Origin(apiBaseURL)
        } else {
            allowedOrigin = Origin(apiBaseURL)
        }
    }

    /// The URL of the page to fetch next, or nil when the collection has ended.
    /// - Parameters:
    ///   - next: the page's `next` field, nil when absent.
    ///   - pageWasEmpty: whether the page's `values` was empty.
    public mutating func nextURL(after next: String?, pageWasEmpty: Bool) throws(TransportError) -> String? {
        guard let next, !next.isEmpty, !pageWasEmpty else { return nil }
        let base = current ?? allowedOrigin?.description ?? ""
        guard let resolved = URLResolution.resolve(next, against: base), let origin = Origin(resolved) else {
            throw TransportError(kind: .pagination, message: "pagination stopped: the next link '\(next)' is not an http(s) URL")
        }
        guard origin == allowedOrigin else {
            throw TransportError(
                kind: .pagination,
                message: "pagination stopped: the next link points to \(origin), not to the API at \(allowedOrigin?.description ?? "?")",
                url: resolved)
        }
        guard !fetched.contains(resolved) else {
            throw TransportError(
                kind: .pagination,
                message: "pagination stopped: the next link repeats a page already fetched (cycle after \(fetched.count) pages)",
                url: resolved)
        }
        fetched.insert(resolved)
        current = resolved
        return resolved
    }

    /// Pages handed out so far, counting the first page when it was given.
    public var pagesVisited: Int { fetched.count }
}

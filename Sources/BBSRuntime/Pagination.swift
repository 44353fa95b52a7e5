// `api.paginate(path, query?)`: a stream over a paginated collection's `values`.
//
// Follows each page's `next` link as an opaque URL, so page-number and iterator styles work
// alike; `PageCursor` (the transport core) decides when to stop and which links are refused:
// a page without `next` ends the stream, a `next` on an empty page ends it quietly (Bitbucket
// sends one on some empty last pages), and a `next` that repeats a fetched page or leaves the
// API's origin raises a `pagination` error. That error is raised when the script asks for the
// first item past the page that carried the bad link, so every good item is seen first.
//
// Prefetch: once the script has consumed half of a page, the request for the next one is
// started in the background, so the network wait overlaps the script's work on the rest of the
// page, while `.first()` or `.take(5)` on a long collection still costs a single request. At
// most one page is fetched ahead, so memory stays flat however long the collection is.

import BBSLanguage
import Foundation
import BBSTransport

enum Pagination {
    static func stream(_ client: APIClient, path: String, query: [URLQueryItem]) -> StreamValue {
        StreamValue(label: path) { _ throws(ScriptError) in
            let request = APIRequest(method: "GET", path, query: query)
            let transport = try client.transport()
            let first: String
            do throws(TransportError) { first = try transport.url(for: request) } catch { throw APIErrors.scriptError(error) }
            return PageIterator(client: client, first: request,
                                cursor: PageCursor(apiBaseURL: transport.config.apiBaseURL, firstPageURL: first))
        }
    }
}

struct PageIterator: ValueIterator {
    let client: APIClient
    var first: APIRequest?
    var cursor: PageCursor
    var pending: PendingAPIResponse?
    /// The next page's URL, until its prefetch starts.
    var nextURL: String?
    /// Raised when the script asks past the last good page.
    var deferredError: ScriptError?
    var buffer: [Value] = []
    var index = 0
    /// The collection's `size`, when the first page gave one.
    var total: Int?

    var page: (buffered: Int, total: Int?)? { (buffer.count - index, total) }

    init(client: APIClient, first: APIRequest, cursor: PageCursor) {
        self.client = client
        self.first = first
        self.cursor = cursor
    }

    mutating func next(_ interp: Interpreter) throws(ScriptError) -> Value? {
        while index >= buffer.count {
            guard let response = try nextResponse() else { return nil }
            try load(response)
        }
        if let url = nextURL, index >= buffer.count / 2 {
            nextURL = nil
            pending = try client.start(APIRequest(method: "GET", url))
        }
        let v = buffer[index]
        buffer[index] = .null
        index += 1
        return v
    }

    private mutating func nextResponse() throws(ScriptError) -> APIResponse? {
        if let request = first {
            first = nil
            return try client.send(request)
        }
        if let url = nextURL {
            nextURL = nil
            return try client.send(APIRequest(method: "GET", url))
        }
        if let p = pending {
            pending = nil
            return try p.response()
        }
        if let e = deferredError {
            deferredError = nil
            throw e
        }
        return nil
    }

    private mutating func load(_ response: APIResponse) throws(ScriptError) {
        guard case .map(let page) = APIValues.body(response), case .list(let values)? = page.entries["values"] else {
            throw ScriptError.thrown(ErrorValue(kind: .pagination,
                message: "api.paginate: \(client.redactor.redact(response.url)) did not return a page (a JSON object with 'values')",
                extra: ["status": .int(response.status)]))
        }
        buffer = values.items
        index = 0
        if total == nil, case .int(let size)? = page.entries["size"] { total = size }
        var next: String?
        if case .string(let s)? = page.entries["next"] { next = s }
        do throws(TransportError) {
            nextURL = try cursor.nextURL(after: next, pageWasEmpty: buffer.isEmpty)
        } catch {
            deferredError = APIErrors.scriptError(error)
        }
    }
}

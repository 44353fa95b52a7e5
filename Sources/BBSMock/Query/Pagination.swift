import Foundation

/// Bitbucket's two pagination styles. Page-number pages carry `size`, `page`, `previous`; iterator pages
/// (commits) carry only `pagelen`, `values` and an opaque `next`.
struct Pagination {
    let request: MockRequest
    let defaultLength: Int
    let maximumLength: Int

    init(_ request: MockRequest, defaultLength: Int = 10, maximumLength: Int = 100) {
        self.request = request
        self.defaultLength = defaultLength
        self.maximumLength = maximumLength
    }

    /// Rejects a pagelen outside 1...maximum the way Bitbucket rejects 51+ on pull requests.
    func pageLength() throws -> Int {
        guard let text = request.queryValue("pagelen") else { return defaultLength }
        guard let length = Int(text), length >= 1, length <= maximumLength else {
            throw APIError.badRequest("Invalid pagelen")
        }
        return length
    }

    func pageNumber() throws -> Int {
        guard let text = request.queryValue("page") else { return 1 }
        guard let page = Int(text), page >= 1 else { throw APIError.badRequest("Invalid page") }
        return page
    }

    /// The URL of this same request with some query items replaced (or removed, for nil).
    func url(replacing changes: [String: String?]) -> String {
        var items = request.query.filter { changes[$0.name] == nil }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value = value { items.append((name, value)) }
        }
        let query = items.map { "\(MockRequest.encodeQuery($0.name))=\(MockRequest.encodeQuery($0.value))" }
            .joined(separator: "&")
        return request.origin + request.rawPath + (query.isEmpty ? "" : "?" + query)
    }

    func numberedPage(_ items: [JSON]) throws -> JSON {
        try numberedPage(total: items.count) { Array(items[$0]) }
    }

    /// Renders only the slice the page needs: `values` gets the index range.
    func numberedPage(total: Int, values: (Range<Int>) throws -> [JSON]) throws -> JSON {
        let length = try pageLength()
        let page = try pageNumber()
        let start = min((page - 1) * length, total)
        let end = min(start + length, total)
        var body = JSONObject([
            ("pagelen", .int(length)),
            ("size", .int(total)),
            ("values", .array(try values(start..<end))),
            ("page", .int(page)),
        ])
        if end < total { body["next"] = .string(url(replacing: ["page": String(page + 1)])) }
        if page > 1 { body["previous"] = .string(url(replacing: ["page": String(page - 1)])) }
        return .object(body)
    }

    /// Forward-only pages: the cursor names the first commit of the next page, so it survives new commits
    /// arriving at the top of the history meanwhile.
    func iteratorPage<Item>(
        _ items: [Item], key: (Item) -> String, render: (Item) -> JSON
    ) throws -> JSON {
        let length = try pageLength()
        var start = 0
        if let cursor = request.queryValue("ctx") {
            guard let anchor = Self.decodeCursor(cursor), let index = items.firstIndex(where: { key($0) == anchor })
            else { throw APIError.badRequest("Invalid ctx", detail: "The pagination cursor is not valid for this listing.") }
            start = index
        } else if request.queryValue("page") != nil {
            start = min((try pageNumber() - 1) * length, items.count)
        }
        let end = min(start + length, items.count)
        var body = JSONObject([
            ("values", .array(items[start..<end].map(render))),
            ("pagelen", .int(length)),
        ])
        if end < items.count {
            body["next"] = .string(url(replacing: ["ctx": Self.encodeCursor(key(items[end])), "page": nil]))
        }
        return .object(body)
    }

    static func encodeCursor(_ anchor: String) -> String {
        Data(anchor.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> String? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
    }
}

extension Pagination {
    /// A page-number page of `items`. Without `q` or `sort` only the requested page is rendered, so paging
    /// through thousands of repositories costs the same per page as paging through ten.
    func numberedPage<Item>(of items: [Item], render: (Item) throws -> JSON) throws -> JSON {
        if request.queryValue("q") != nil || request.queryValue("sort") != nil {
            return try numberedPage(try filterAndSort(items.map(render), request: request))
        }
        return try numberedPage(total: items.count) { try items[$0].map(render) }
    }
}

/// Applies `q` and `sort` to rendered items; a malformed query is a 400, as on Bitbucket.
func filterAndSort(_ items: [JSON], request: MockRequest) throws -> [JSON] {
    var result = items
    if let query = request.queryValue("q"), !query.trimmingCharacters(in: .whitespaces).isEmpty {
        do {
            let expression = try BBQLExpression.parse(query)
            result = result.filter(expression.matches)
        } catch let error as BBQLError {
            throw APIError(400, "Invalid query: \(error.description)", detail: .string(query))
        }
    }
    if let sort = SortSpec(request.queryValue("sort")) { result = sort.apply(result) }
    return result
}

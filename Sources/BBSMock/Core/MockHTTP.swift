import Foundation

/// A request as the mock's core sees it: plain values, so the core never depends on the HTTP server.
public struct MockRequest: Sendable {
    public var method: String
    /// The path exactly as sent (still percent-encoded), without the query string.
    public var rawPath: String
    /// Query items in order; repeated names (e.g. `state=OPEN&state=MERGED`) stay separate.
    public var query: [(name: String, value: String)]
    /// Header names lower-cased.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// Scheme, host and port that links in responses should point at, e.g. `http://127.0.0.1:8080`.
    public var origin: String

    public init(
        method: String, rawPath: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: Data = Data(), origin: String
    ) {
        self.method = method.uppercased()
        self.rawPath = rawPath
        self.query = query
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.body = body
        self.origin = origin
    }

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
    public func queryValues(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// Path segments, percent-decoded one by one so that `%2F` inside a segment stays inside it.
    public var pathSegments: [String] {
        rawPath.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
    }

    public var rawQueryString: String {
        query.map { "\(MockRequest.encodeQuery($0.name))=\(MockRequest.encodeQuery($0.value))" }.joined(separator: "&")
    }

    /// Splits `a=1&b=2` into ordered items, decoding `+` as a space the way HTML forms and curl do.
    public static func parseQuery(_ text: Substring?) -> [(name: String, value: String)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static let queryAllowed: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()

    static func encodeQuery(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
    }
}

public struct MockResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ value: JSON, status: Int = 200) -> MockResponse {
        MockResponse(status: status, headers: [("Content-Type", "application/json")], body: value.data())
    }

    public static func noContent() -> MockResponse { MockResponse(status: 204) }

    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain") -> MockResponse {
        MockResponse(status: status, headers: [("Content-Type", contentType)], body: Data(text.utf8))
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name, value))
    }
}

/// What the server edge must do with a request: the core decides, the edge (which owns the socket) acts.
public enum MockOutcome: Sendable {
    case respond(MockResponse)
    case respondAfter(milliseconds: Int, MockResponse)
    /// Close the connection without writing a response, as a crashed load balancer would.
    case dropConnection
}

import Foundation

/// HTTP header fields in wire order; names compare case-insensitively.
public struct APIHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field called `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// One call a script makes. `target` is a path relative to the API base (`/user`,
/// `repositories/acme`) or an absolute http(s) URL (a `next` link, another host).
public struct APIRequest: Sendable {
    public var method: String
    public var target: String
    /// Appended in order, each name and value percent-encoded (RFC 3986 unreserved kept).
    public var query: [URLQueryItem]
    public var headers: APIHeaders
    public var body: [UInt8]?
    /// When false, an HTTP error status (after retries) is returned as a response instead of thrown:
    /// what `api.request` needs. Network failures still throw.
    public var throwsOnHTTPError: Bool
    /// Header names (lower-case) whose values hold a script's secret: dropped, like Authorization,
    /// on a redirect to another origin.
    public var secretHeaders: Set<String> = []
    /// True when the body or query holds a script's secret: such a request is never redirected to
    /// another origin with its body, nor sent in clear text through a proxy that is not loopback.
    public var carriesSecret = false

    public init(method: String = "GET", _ target: String, query: [URLQueryItem] = [],
                headers: APIHeaders = [:], body: [UInt8]? = nil, throwsOnHTTPError: Bool = true) {
        self.method = method.uppercased()
        self.target = target
        self.query = query
        self.headers = headers
        self.body = body
        self.throwsOnHTTPError = throwsOnHTTPError
    }

    /// Writes are what `--dry-run` holds back.
    public var isWrite: Bool { ["POST", "PUT", "PATCH", "DELETE"].contains(method) }
}

public struct APIResponse: Sendable {
    /// The HTTP status; 0 for a dry-run write that was not sent.
    public var status: Int
    public var headers: APIHeaders
    public var body: [UInt8]
    /// The URL that produced this response, after redirects.
    public var url: String
    /// How many times the request was sent (1 when it succeeded first time; 0 for a dry run).
    public var attempts: Int
    /// True when `--dry-run` held this write back: nothing reached the server.
    public var isDryRun: Bool

    public init(status: Int, headers: APIHeaders, body: [UInt8], url: String, attempts: Int, isDryRun: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.attempts = attempts
        self.isDryRun = isDryRun
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

import BBSErrorKinds
import Foundation

/// Every failure the transport reports. Its text has already been through the `Redactor`.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// The transport raises auth, permission, not_found, rate_limited, conflict, invalid, server,
    /// network, timeout, pagination and configuration (see `ErrorKind`).
    public typealias Kind = ErrorKind

    public var kind: Kind
    public var status: Int?
    public var message: String
    /// Bitbucket's `error.detail`; an object detail (e.g. a scope error's `required`/`granted`)
    /// arrives as compact JSON with sorted keys.
    public var detail: String?
    /// Bitbucket's `error.fields` (validation errors per field), compact JSON.
    public var fields: String?
    /// Bitbucket's `error.id`, worth quoting to Atlassian support.
    public var errorID: String?
    public var method: String?
    public var url: String?
    /// How many times the request was re-sent before giving up.
    public var retries: Int
    /// True when the failure stands because the retry policy ran out of attempts or wait budget.
    public var retriesExhausted: Bool
    /// Set when the request was refused before sending because its path would reach another
    /// resource than the one it names (`RequestTarget`).
    public var pathProblem: PathProblem?

    public init(kind: Kind, message: String, status: Int? = nil, detail: String? = nil,
                method: String? = nil, url: String? = nil, retries: Int = 0, retriesExhausted: Bool = false,
                pathProblem: PathProblem? = nil) {
        self.kind = kind
        self.status = status
        self.message = message
        self.detail = detail
        self.method = method
        self.url = url
        self.retries = retries
        self.retriesExhausted = retriesExhausted
        self.pathProblem = pathProblem
    }

    /// The process exit status for this error when a script does not catch it (one table: `ErrorKind`).
    public var exitCode: Int32 { kind.exitStatus(retriesExhausted: retriesExhausted) }

    public var description: String {
        var text = message
        if let detail { text += " (\(detail))" }
        var context: [String] = []
        if let status { context.append("HTTP \(status)") }
        if let method, let url { context.append("\(method) \(url)") }
        if retries > 0 { context.append("after \(retries) \(retries == 1 ? "retry" : "retries")") }
        if !context.isEmpty { text += " [" + context.joined(separator: ", ") + "]" }
        return text
    }

    public static func kind(forStatus status: Int) -> Kind {
        switch status {
        case 401: return .auth
        case 403: return .permission
        case 404: return .notFound
        case 409: return .conflict
        case 429: return .rateLimited
        case 500...599: return .server
        default: return .invalid
        }
    }

    /// Builds the error for an HTTP error response. Understands Bitbucket's envelope
    /// `{"type":"error","error":{"message","detail","fields","id"}}` and the plain-text 429 body;
    /// anything else becomes a generic message with a short excerpt of a text body.
    static func fromResponse(status: Int, headers: APIHeaders, body: [UInt8], method: String, url: String,
                             retries: Int, retriesExhausted: Bool, redactor: Redactor) -> TransportError {
        var error = TransportError(kind: kind(forStatus: status), message: "", status: status,
                                   method: method, url: redactor.redact(url),
                                   retries: retries, retriesExhausted: retriesExhausted)
        if let envelope = ErrorEnvelope(body: body) {
            error.message = envelope.message ?? HTTPStatusText.phrase(for: status)
            error.detail = envelope.detail
            error.fields = envelope.fields
            error.errorID = envelope.id
        } else if let text = plainTextExcerpt(body, contentType: headers["content-type"]) {
            // Bitbucket's 429 body is plain text: "Rate limit for this resource has been exceeded".
            error.message = text
        } else {
            error.message = HTTPStatusText.phrase(for: status)
        }
        error.message = redactor.redact(error.message)
        error.detail = error.detail.map(redactor.redact)
        error.fields = error.fields.map(redactor.redact)
        return error
    }

    private static func plainTextExcerpt(_ body: [UInt8], contentType: String?) -> String? {
        let type = contentType?.lowercased() ?? "text/plain"
        guard type.hasPrefix("text/plain") || type.hasPrefix("application/json") else { return nil }
        guard let text = String(bytes: body.prefix(600), encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let oneLine = trimmed.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 300 ? String(oneLine.prefix(300)) + "…" : oneLine
    }
}

struct ErrorEnvelope {
    var message: String?
    var detail: String?
    var fields: String?
    var id: String?

    init?(body: [UInt8]) {
        guard body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let inner = object["error"] as? [String: Any]
        else { return nil }
        message = inner["message"] as? String
        detail = Self.text(inner["detail"])
        fields = Self.text(inner["fields"])
        id = Self.text(inner["id"])
    }

    private static func text(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return String(describing: value) }
        return String(decoding: data, as: UTF8.self)
    }
}

enum HTTPStatusText {
    static func phrase(for status: Int) -> String {
        let known: [Int: String] = [
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 411: "Length Required",
            415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout", 555: "Timeout (Bitbucket)",
        ]
        return known[status].map { "HTTP \(status) \($0)" } ?? "HTTP \(status)"
    }
}

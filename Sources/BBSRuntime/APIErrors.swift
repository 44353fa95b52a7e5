// Transport failures as script error values: `kind` (auth, permission, not_found,
// rate_limited, conflict, invalid, server, network, timeout, pagination, configuration),
// `message` (Bitbucket's own), `status`, `detail` (an object detail such as a scope error's
// `{required, granted}` becomes a map), `fields`, `id`, `method`, `url`, `retries`, and
// `retries_exhausted` (a server error that outlasted the retries exits 5, not 1).
// All text has already been redacted by the transport core.

import BBSLanguage
import Foundation
import BBSTransport

enum APIErrors {
    static func scriptError(_ e: TransportError) -> ScriptError {
        var f = OrderedMap()
        if e.pathProblem != nil {
            f["message"] = .string("refusing the request path: \(e.message); \(APIPathBuiltins.escapingHint)")
        } else {
            f["message"] = .string(e.message)
        }
        f["kind"] = .string(e.kind.rawValue)
        f["status"] = e.status.map { .int($0) } ?? .null
        f["detail"] = structured(e.detail)
        if let fields = e.fields { f["fields"] = structured(fields) }
        if let id = e.errorID { f["id"] = .string(id) }
        if let method = e.method { f["method"] = .string(method) }
        if let url = e.url { f["url"] = .string(url) }
        f["retries"] = .int(e.retries)
        f["retries_exhausted"] = .bool(e.retriesExhausted)
        return .thrown(ErrorValue(fields: f))
    }

    /// JSON object/array text becomes a value; other text stays text.
    private static func structured(_ text: String?) -> Value {
        guard let text else { return .null }
        if let first = text.first, first == "{" || first == "[", let v = try? JSON.parse(text) { return v }
        return .string(text)
    }

    /// The one-line description of an uncaught error: the message, then for HTTP errors the
    /// detail and where it happened, e.g.
    /// `Your credentials lack one or more required privilege scopes. (required: ["account"]; granted: ["repository"]) [HTTP 403, GET http://.../user]`.
    static func describe(_ e: ErrorValue) -> String {
        var text = e.message
        // Only transport errors carry `retries`; a script's own `throw {status: ...}` is left alone.
        guard e.fields["retries"] != nil else { return text }
        if let detail = e.fields["detail"] {
            switch detail {
            case .null: break
            case .string(let s): text += " (\(s))"
            case .map(let m):
                text += " (" + m.entries.pairs.map { "\($0.0): \(Printer.repr($0.1))" }.joined(separator: "; ") + ")"
            default: text += " (\(Printer.repr(detail)))"
            }
        }
        var context: [String] = []
        if case .int(let s)? = e.fields["status"] { context.append("HTTP \(s)") }
        if case .string(let m)? = e.fields["method"], case .string(let u)? = e.fields["url"] { context.append("\(m) \(u)") }
        if case .int(let r)? = e.fields["retries"], r > 0 { context.append("after \(r) \(r == 1 ? "retry" : "retries")") }
        if !context.isEmpty { text += " [" + context.joined(separator: ", ") + "]" }
        return text
    }
}

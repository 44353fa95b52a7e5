// Converting between script values and HTTP messages: query maps, header maps, request
// bodies and response bodies. A secret is written with its real text, and noted in the
// request's `SecretCarriage` so the client can check where it may go (SecretRules.swift).

import BBSLanguage
import BBSTransport
import Foundation

enum APIValues {
    /// A query map: values may be strings, ints, floats, bools or lists of those (repeated
    /// keys); nil values are left out.
    static func query(_ v: Value, _ callee: String) throws(ScriptError) -> [URLQueryItem] {
        var secrets = SecretCarriage()
        let items = try query(v, callee, secrets: &secrets)
        if !secrets.isEmpty {
            throw ScriptError.runtime(.secret, "\(callee): a query value is a secret; pass it in a header with api.request instead")
        }
        return items
    }

    static func query(_ v: Value, _ callee: String, secrets: inout SecretCarriage) throws(ScriptError) -> [URLQueryItem] {
        switch v {
        case .null: return []
        case .map(let m):
            var items: [URLQueryItem] = []
            for (k, value) in m.entries.pairs {
                if case .list(let l) = value {
                    for x in l.items { if let s = try scalar(x, k, callee, &secrets) { items.append(URLQueryItem(name: k, value: s)) } }
                } else if let s = try scalar(value, k, callee, &secrets) {
                    items.append(URLQueryItem(name: k, value: s))
                }
            }
            return items
        default:
            throw ScriptError.type("\(callee): the query must be a map, not \(v.typeName)")
        }
    }

    private static func scalar(_ v: Value, _ key: String, _ callee: String, _ secrets: inout SecretCarriage) throws(ScriptError) -> String? {
        switch v {
        case .null: return nil
        case .object(let o as SecretValue):
            secrets.add(o)
            secrets.inPayload = true
            return o.text
        case .string(let s): return s
        case .int(let n): return String(n)
        case .float(let d): return Printer.formatFloat(d)
        case .bool(let b): return b ? "true" : "false"
        default:
            throw ScriptError.type("\(callee): query value '\(key)' must be a string, number, bool or list, not \(v.typeName)")
        }
    }

    /// A header map: string values (a secret's text is sent, and masked in traces).
    static func headers(_ v: Value, _ callee: String, secrets: inout SecretCarriage) throws(ScriptError) -> APIHeaders {
        var h = APIHeaders()
        switch v {
        case .null: return h
        case .map(let m):
            for (k, value) in m.entries.pairs {
                switch value {
                case .null: continue
                case .string(let s): h.add(k, s)
                case .int(let n): h.add(k, String(n))
                case .object(let o as SecretValue):
                    secrets.add(o)
                    secrets.headerNames.insert(k.lowercased())
                    h.add(k, o.text)
                default: throw ScriptError.type("\(callee): header '\(k)' must be a string, not \(value.typeName)")
                }
            }
            return h
        default:
            throw ScriptError.type("\(callee): headers must be a map, not \(v.typeName)")
        }
    }

    /// A request body: maps and lists as JSON, strings as text; nil for none.
    static func body(_ v: Value, headers: inout APIHeaders, secrets: inout SecretCarriage) throws(ScriptError) -> [UInt8]? {
        switch v {
        case .null: return nil
        case .string(let s):
            if !headers.contains("content-type") { headers.add("Content-Type", "text/plain; charset=utf-8") }
            return Array(s.utf8)
        case .object(let o as SecretValue):
            if !headers.contains("content-type") { headers.add("Content-Type", "text/plain; charset=utf-8") }
            secrets.add(o)
            secrets.inPayload = true
            return Array(o.text.utf8)
        default:
            if !headers.contains("content-type") { headers.add("Content-Type", "application/json") }
            let (bytes, spans) = try JSON.stringifyRevealing(v)
            for span in spans {
                secrets.add(span.sources, texts: [String(decoding: bytes[span.range], as: UTF8.self)])
                secrets.inPayload = true
            }
            return bytes
        }
    }

    /// A response body as a value: nil when empty, parsed JSON when it is JSON, text otherwise.
    static func body(_ r: APIResponse) -> Value {
        if r.body.isEmpty { return .null }
        let type = r.headers["content-type"]?.lowercased() ?? ""
        let first = r.body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        let looksJSON = type.contains("json") || first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        if looksJSON, let v = try? JSON.parse(bytes: r.body) { return v }
        return .string(String(decoding: r.body, as: UTF8.self))
    }

    /// Response headers as a map, names lower-cased, repeated fields joined with ", ".
    static func headers(_ h: APIHeaders) -> Value {
        var m = OrderedMap()
        for f in h {
            let name = f.name.lowercased()
            if case .string(let prev)? = m[name] { m[name] = .string(prev + ", " + f.value) } else { m[name] = .string(f.value) }
        }
        return .map(MapRef(m))
    }
}

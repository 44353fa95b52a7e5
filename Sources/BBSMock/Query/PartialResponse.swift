import Foundation

/// Bitbucket's `fields` parameter: `-links` removes, `+reviewers` adds, a bare `owner.display_name`
/// keeps only what is listed (and drops the rest, `next` included). Terms apply in order, `*` matches
/// every key at its level, and a path continues through arrays (`values.id`).
enum PartialResponse {
    static func apply(_ fields: String, to full: JSON) -> JSON {
        let terms = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !terms.isEmpty else { return full }
        let keepsOnlyListed = terms.contains { !$0.hasPrefix("-") && !$0.hasPrefix("+") && $0 != "*" }
        var result: JSON = keepsOnlyListed ? .object(JSONObject()) : full
        for term in terms {
            if term.hasPrefix("-") {
                result = removing(path(term.dropFirst()), from: result)
            } else {
                let wanted = path(term.hasPrefix("+") ? term.dropFirst() : Substring(term))
                result = merging(selecting(wanted, from: full), into: result)
            }
        }
        return result
    }

    private static func path(_ text: Substring) -> [String] { text.split(separator: ".").map(String.init) }

    private static func removing(_ path: [String], from value: JSON) -> JSON {
        guard let key = path.first else { return value }
        switch value {
        case .array(let items):
            return .array(items.map { removing(path, from: $0) })
        case .object(var object):
            let keys = key == "*" ? object.keys : [key]
            for name in keys {
                if path.count == 1 {
                    object[name] = nil
                } else if let child = object[name] {
                    object[name] = removing(Array(path.dropFirst()), from: child)
                }
            }
            return .object(object)
        default:
            return value
        }
    }

    /// The parts of `value` on `path`, with the structure around them kept; nil when nothing matches.
    private static func selecting(_ path: [String], from value: JSON) -> JSON? {
        guard let key = path.first else { return value }
        switch value {
        case .array(let items):
            return .array(items.map { selecting(path, from: $0) ?? .object(JSONObject()) })
        case .object(let object):
            var selected = JSONObject()
            for name in key == "*" ? object.keys : [key] {
                if let child = object[name], let picked = selecting(Array(path.dropFirst()), from: child) {
                    selected[name] = picked
                }
            }
            return selected.isEmpty ? nil : .object(selected)
        default:
            return nil
        }
    }

    private static func merging(_ addition: JSON?, into base: JSON) -> JSON {
        guard let addition else { return base }
        switch (base, addition) {
        case (.object(var object), .object(let extra)):
            for (key, value) in extra.pairs {
                object[key] = object[key].map { merging(value, into: $0) } ?? value
            }
            return .object(object)
        case (.array(let items), .array(let extras)) where items.count == extras.count:
            return .array(zip(items, extras).map { merging($1, into: $0) })
        default:
            return addition
        }
    }
}

// Where two values differ, for `expect.eq`'s failure message. A message that only shows two
// long maps leaves a person to play spot-the-difference; this names the first path that
// differs (`.values[2].name`) and what is on each side there.

import BBSLanguage

enum ValueDiff {
    /// nil when `actual` equals `expected` (bbs `==`); otherwise the first difference, as
    /// "PATH: expected X, got Y" (or "PATH: missing ..." / "PATH: unexpected ..."), without
    /// "PATH: " when the values themselves differ.
    static func firstDifference(expected: Value, actual: Value, path: String = "") throws(ScriptError) -> String? {
        if try Value.isEqual(expected, actual) { return nil }
        let at = path.isEmpty ? "" : path + ": "
        switch (expected, actual) {
        case let (.list(e), .list(a)):
            for index in 0..<min(e.items.count, a.items.count) {
                if let found = try firstDifference(expected: e.items[index], actual: a.items[index], path: path + "[\(index)]") {
                    return found
                }
            }
            if e.items.count > a.items.count {
                return "\(path)[\(a.items.count)]: missing \(Printer.repr(e.items[a.items.count])) (expected \(e.items.count) items, got \(a.items.count))"
            }
            return "\(path)[\(e.items.count)]: unexpected \(Printer.repr(a.items[e.items.count])) (expected \(e.items.count) items, got \(a.items.count))"
        case let (.map(e), .map(a)):
            for (key, value) in e.entries.pairs {
                guard let other = a.entries[key] else { return "\(path).\(key): missing (expected \(Printer.repr(value)))" }
                if let found = try firstDifference(expected: value, actual: other, path: path + ".\(key)") { return found }
            }
            for (key, value) in a.entries.pairs where !e.entries.has(key) {
                return "\(path).\(key): unexpected \(Printer.repr(value))"
            }
            return nil
        default:
            return "\(at)expected \(describe(expected)), got \(describe(actual))"
        }
    }

    /// A value with its type when the type is what differs (`1` vs `"1"`).
    static func describe(_ v: Value) -> String {
        "\(Printer.repr(v)) (\(v.typeName))"
    }
}

// `--dry-run` plans a whole script: a write that is held back still returns a value shaped like
// the real result, so the next step of a chain (merge the pull request just created, wait for
// the pipeline just triggered) can run, and the run ends with one summary line of what would
// have been sent.
//
// The shaped value: the request body echoed (a copy), plus the fields callers chain on — `id`,
// `links`, `state`, `uuid` — as placeholder strings that print as such (`<dry-run:id>`), plus
// `dry_run: true`, `method` and `path`. A DELETE, whose real result is nothing, returns just
// `{dry_run: true, method, path}`. The stdlib modules recognise `dry_run: true` values.

import BBSLanguage
import Foundation

final class DryRunPlan: @unchecked Sendable {
    private let lock = NSLock()
    private var methods: [(method: String, count: Int)] = []
    private var targets: [String] = []

    /// Notes one write that was not sent.
    func record(method: String, path: String) {
        let target = Self.repository(in: path) ?? path
        lock.withLock {
            if let i = methods.firstIndex(where: { $0.method == method }) {
                methods[i].count += 1
            } else {
                methods.append((method, 1))
            }
            if !targets.contains(target) { targets.append(target) }
        }
    }

    /// `dry run: 3 writes not sent (2 POST, 1 DELETE) to acme/api, acme/web`.
    var summary: String {
        lock.withLock {
            let total = methods.reduce(0) { $0 + $1.count }
            guard total > 0 else { return "bbs: dry run: no writes to hold back" }
            let byMethod = methods.map { "\($0.count) \($0.method)" }.joined(separator: ", ")
            return "bbs: dry run: \(total) \(total == 1 ? "write" : "writes") not sent (\(byMethod)) to \(targets.joined(separator: ", "))"
        }
    }

    /// `workspace/slug` when `path` (relative, or an absolute URL) is under /repositories/.
    static func repository(in path: String) -> String? {
        let segments = path.split(separator: "?", maxSplits: 1).first?.split(separator: "/") ?? []
        guard let at = segments.firstIndex(of: "repositories"), at + 2 < segments.count else { return nil }
        let decode = { (s: Substring) in s.removingPercentEncoding ?? String(s) }
        return decode(segments[at + 1]) + "/" + decode(segments[at + 2])
    }

    static let placeholderFields = ["id", "links", "state", "uuid"]

    static func placeholder(_ name: String) -> Value { .string("<dry-run:\(name)>") }

    /// What a write returns under `--dry-run` (see the file comment).
    static func result(method: String, path: String, body: Value) -> Value {
        var m = OrderedMap()
        if method != "DELETE" {
            if case .map(let sent) = body { m = copy(sent).entries }
            for name in placeholderFields where m[name] == nil {
                if name == "links" {
                    m[name] = .map(MapRef(["self": .map(MapRef(["href": placeholder("links.self")])),
                                           "html": .map(MapRef(["href": placeholder("links.html")]))]))
                } else {
                    m[name] = placeholder(name)
                }
            }
        }
        m["dry_run"] = .bool(true)
        if m["method"] == nil { m["method"] = .string(method) }
        if m["path"] == nil { m["path"] = .string(path) }
        return .map(MapRef(m))
    }

    /// A deep copy, so changing the result never changes the body the script still holds.
    private static func copy(_ map: MapRef) -> MapRef {
        var m = OrderedMap()
        for (k, v) in map.entries.pairs { m[k] = copy(v) }
        return MapRef(m)
    }

    private static func copy(_ v: Value) -> Value {
        switch v {
        case .map(let m): return .map(copy(m))
        case .list(let l): return .list(ListRef(l.items.map(copy)))
        default: return v
        }
    }
}

extension Runtime {
    /// The line a `--dry-run` ends with on stderr (how many writes were held back, by method,
    /// and for which repositories); nil when not a dry run.
    public var dryRunSummary: String? {
        client.isDryRun ? client.dryRunPlan.summary : nil
    }

    /// Warnings for script arguments that are bbs options given after the script path, where
    /// they reach the script instead of bbs.
    public static func misplacedOptionWarnings(_ scriptArguments: [String]) -> [String] {
        scriptArguments.filter { $0 == "--dry-run" || $0 == "--trace" }.map {
            "bbs: warning: '\($0)' after the script path is an argument of the script, not a bbs option; write bbs \($0) FILE for bbs to see it"
        }
    }
}

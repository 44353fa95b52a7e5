// Real workspace and repository names for completing API paths (`api.get("/repositories/ac<Tab>`),
// fetched through the session's own runtime, so the same token, API URL and secret rules apply.
// Each list is fetched once per session: a second Tab must not wait on the network again, and a
// failure (no token, no access to list workspaces) just leaves the placeholder in place.

import BBSLanguage
import BBSRuntime

final class LiveNames {
    private let runtime: Runtime
    private var cache: [String: [String]] = [:]
    /// Enough names to pick from; a workspace with more gets the first pages only.
    static let most = 300

    init(runtime: Runtime) { self.runtime = runtime }

    func lookup(_ placeholder: String, _ before: [String]) -> [String] {
        let listing: String
        switch placeholder {
        case "{workspace}":
            listing = "\"/workspaces\""
        case "{repo_slug}":
            // `/repositories/WS/{repo_slug}`: the workspace is the segment typed just before.
            guard let workspace = before.last, Self.isPlainName(workspace) else { return [] }
            listing = "\"/repositories/\(workspace)\""
        default:
            return []
        }
        if let known = cache[listing] { return known }
        let code = "api.paginate(\(listing), {pagelen: 100}).take(\(Self.most)).map(x => x.slug).list()"
        var found: [String] = []
        // Prepared as a REPL entry (a fresh session of its own) so that its value comes back.
        if case .ready(let script) = runtime.prepare(SourceFile(path: "<completion>", text: code), session: GlobalStore()),
           case .finished(.list(let names)) = runtime.execute(script) {
            for case .string(let name) in names.items where Self.isPlainName(name) { found.append(name) }
        }
        cache[listing] = found.sorted()
        return cache[listing]!
    }

    /// Workspace and repository slugs are letters, digits, `-`, `_` and `.`; anything else is not
    /// put into the listing's source text, nor offered.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95 || c == 46
        }
    }
}

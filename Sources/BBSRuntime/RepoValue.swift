// `repo("workspace/slug")`: a repository as a value. Its clone URL never carries
// credentials; git gets them through the transport core's credential channel.
// Methods: `info()` (the repository object), and streams `branches()`, `tags()`,
// `commits()`, `prs(state = "OPEN")`. `repo()` with no argument: see RepoLocator.swift.

import BBSLanguage
import BBSTransport
import Foundation

final class RepoValue: HostObject {
    let workspace: String
    let slug: String
    let gitURL: String
    let client: APIClient?

    init(workspace: String, slug: String, gitURL: String, client: APIClient? = nil) {
        self.workspace = workspace
        self.slug = slug
        self.gitURL = gitURL
        self.client = client
    }

    var fullName: String { "\(workspace)/\(slug)" }
    var apiPath: String { "/repositories/\(workspace)/\(slug)" }

    override var typeName: String { "repo" }
    override var displayText: String { "repo(\(fullName))" }
    override var jsonValue: Value? { .string(fullName) }
    override var memberNames: [String] {
        ["workspace", "slug", "full_name", "api_path", "clone_url", "info", "branches", "tags", "commits", "prs"]
    }

    override func member(_ name: String) -> Value? {
        switch name {
        case "workspace": return .string(workspace)
        case "slug": return .string(slug)
        case "full_name": return .string(fullName)
        case "api_path": return .string(apiPath)
        case "clone_url": return .string("\(gitURL)/\(workspace)/\(slug).git")
        default: return nil
        }
    }

    override func callMethod(_ name: String, _ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value? {
        let listings = ["branches": "/refs/branches", "tags": "/refs/tags", "commits": "/commits"]
        guard name == "info" || name == "prs" || listings[name] != nil else { return nil }
        let callee = "repo.\(name)"
        guard let client else { throw ScriptError.runtime(.configuration, "\(callee): no API client") }
        let maxArgs = name == "prs" ? 1 : 0
        guard args.count <= maxArgs else {
            throw ScriptError.type("\(callee)() takes \(maxArgs == 0 ? "no arguments" : "0 to 1 arguments") but \(args.count) \(args.count == 1 ? "was" : "were") given")
        }
        switch name {
        case "info":
            return APIValues.body(try client.send(APIRequest(method: "GET", apiPath)))
        case "prs":
            let a = Arguments(args.values, callee: callee)
            let state = try a.isAbsent(0) ? "OPEN" : a.string(0, "the state")
            var query: [URLQueryItem] = []
            if state.uppercased() != "ALL" {
                for s in state.split(separator: ",") {
                    query.append(URLQueryItem(name: "state", value: s.trimmingCharacters(in: .whitespaces).uppercased()))
                }
            } else {
                for s in ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"] { query.append(URLQueryItem(name: "state", value: s)) }
            }
            return .object(Pagination.stream(client, path: apiPath + "/pullrequests", query: query))
        default:
            return .object(Pagination.stream(client, path: apiPath + listings[name]!, query: []))
        }
    }

    override func isEqual(to other: HostObject) -> Bool {
        guard let o = other as? RepoValue else { return false }
        return o.workspace == workspace && o.slug == slug
    }
}

enum RepoBuiltins {
    static func install(into interpreter: Interpreter, gitBase base: String, client: APIClient?, environment: [String: String]) {
        interpreter.defineBuiltin("repo", arity: 0...1) { args, _ throws(ScriptError) in
            let name: String
            if args.isAbsent(0) {
                name = try RepoLocator.locate(environment: environment)
            } else {
                name = try args.string(0, "the repository")
            }
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                  parts.allSatisfy({ $0.allSatisfy { c in c.isLetter || c.isNumber || "-_.{}".contains(c) } }) else {
                throw ScriptError.value("repo: expected \"workspace/slug\", got \"\(name)\"")
            }
            return .object(RepoValue(workspace: String(parts[0]), slug: String(parts[1]), gitURL: base, client: client))
        }
    }
}

// `repo("workspace/slug")`: a repository as a value. Its clone URL never carries
// credentials; git gets them through the transport core's credential channel.

import BBSLanguage

final class RepoValue: HostObject {
    let workspace: String
    let slug: String
    let gitURL: String

    init(workspace: String, slug: String, gitURL: String) {
        self.workspace = workspace
        self.slug = slug
        self.gitURL = gitURL
    }

    var fullName: String { "\(workspace)/\(slug)" }

    override var typeName: String { "repo" }
    override var displayText: String { "repo(\(fullName))" }
    override var jsonValue: Value? { .string(fullName) }
    override var memberNames: [String] { ["workspace", "slug", "full_name", "api_path", "clone_url"] }

    override func member(_ name: String) -> Value? {
        switch name {
        case "workspace": return .string(workspace)
        case "slug": return .string(slug)
        case "full_name": return .string(fullName)
        case "api_path": return .string("/repositories/\(workspace)/\(slug)")
        case "clone_url": return .string("\(gitURL)/\(workspace)/\(slug).git")
        default: return nil
        }
    }

    override func isEqual(to other: HostObject) -> Bool {
        guard let o = other as? RepoValue else { return false }
        return o.workspace == workspace && o.slug == slug
    }
}

enum RepoBuiltins {
    static func install(into interpreter: Interpreter, gitURL: String) {
        let base = gitURL.hasSuffix("/") ? String(gitURL.dropLast()) : gitURL
        interpreter.defineBuiltin("repo", arity: 1...1) { args, _ throws(ScriptError) in
            let name = try args.string(0, "the repository")
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                  parts.allSatisfy({ $0.allSatisfy { c in c.isLetter || c.isNumber || "-_.{}".contains(c) } }) else {
                throw ScriptError.value("repo: expected \"workspace/slug\", got \"\(name)\"")
            }
            return .object(RepoValue(workspace: String(parts[0]), slug: String(parts[1]), gitURL: base))
        }
    }
}

import Foundation

/// `POST /src`: a commit made through the API, as Bitbucket takes it. The body is a form
/// (`multipart/form-data` or urlencoded): every field named like a path (`/README.md` or `README.md`)
/// is a file's new content; `files` names paths to delete; `message`, `author` ("Name <email>"),
/// `branch` (default: the main branch; created when new) and `parents` (a commit; default: the branch
/// head) shape the commit. The answer is `201` with the commit in `Location`, and no body.
enum SourceWrites {
    static let reserved: Set<String> = ["message", "author", "parents", "files", "branch"]

    static func commit(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let content = repository.content
        let parts = try Multipart.parts(of: context.request)
        func field(_ name: String) -> String? { parts.last { $0.name == name }?.text }

        var changes: [String: Data?] = [:]
        for part in parts where !reserved.contains(part.name) {
            let path = part.name.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !path.isEmpty, !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
                throw APIError.badRequest("Bad request", detail: "\"\(part.name)\" is not a valid file path.")
            }
            changes[path] = part.data
        }
        for part in parts where part.name == "files" {
            for path in part.text.split(whereSeparator: { $0 == "," || $0 == "\n" }) {
                let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
                if !trimmed.isEmpty, changes[trimmed] == nil { changes[trimmed] = .some(nil) }
            }
        }
        guard !changes.isEmpty else {
            throw APIError.badRequest("Bad request", detail: "Nothing to commit: send files as form fields named by their paths.")
        }

        let branch = field("branch").flatMap { $0.isEmpty ? nil : $0 } ?? repository.mainBranch
        let head = try content.branch(named: branch)?.target
        var parents: [String] = []
        if let named = field("parents"), !named.isEmpty {
            parents = try named.split(separator: ",").map { revision in
                guard let hash = try content.resolve(String(revision)) else {
                    throw APIError.badRequest("Bad request", detail: "Commit \(revision) does not exist.")
                }
                return hash
            }
            // Bitbucket refuses to move an existing branch from a commit other than its head.
            if let head, parents.first != head {
                throw APIError(409, "Conflict", detail: .string("\(branch) has moved on: its head is \(head), not \(parents[0])."))
            }
        } else if let base = try head ?? content.branch(named: repository.mainBranch)?.target {
            parents = [base]
        }
        if let parent = parents.first {
            let existing = try content.snapshot(at: parent)
            for (path, data) in changes where data == nil && existing[path] == nil {
                throw APIError.badRequest("Bad request", detail: "Cannot delete \(path): no such file.")
            }
        }
        let actor = try context.actor()
        if context.state.enforceBranchRestrictions,
            let denial = RestrictionEnforcement.pushDenial(
                branch: branch, update: head == nil ? .create : .move, actor: actor.uuid, in: repository)
        {
            throw APIError(403, denial)
        }
        let author = try field("author").map(signature) ?? GitSignature(name: actor.displayName, email: actor.email, date: context.now)
        var dated = author
        dated.date = context.now
        let written = try content.writeCommit(CommitDraft(
            parents: parents, message: field("message") ?? "Edited online with Bitbucket", author: dated,
            committer: GitSignature(name: actor.displayName, email: actor.email, date: context.now), changes: changes))
        try content.setBranch(branch, to: written.hash)
        repository.updatedOn = context.now
        var response = MockResponse(status: 201)
        response.setHeader("Location", "\(context.renderer.repositoryAPI(repository))/commit/\(written.hash)")
        return response
    }

    /// `Name <email>`, as Bitbucket requires for `author`.
    static func signature(_ text: String) throws -> GitSignature {
        guard let open = text.lastIndex(of: "<"), text.hasSuffix(">") else {
            throw APIError(400, "Bad request", detail: "author: expected \"Name <email>\"",
                fields: JSONObject([("author", ["Expected \"Name <email>\"."])]))
        }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        return GitSignature(name: name.isEmpty ? email : name, email: email, date: Date())
    }
}

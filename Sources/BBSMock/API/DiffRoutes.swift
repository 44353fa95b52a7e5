import Foundation

/// Diffs, diffstats and patches of commits, ranges and pull requests, computed from the served
/// repositories: by `git diff` / `git format-patch` once a repository is on disk, by `UnifiedDiff` while
/// it is still in memory.
///
/// A spec is a commit (against its first parent), `A..B`, or Bitbucket's own `A\rB` (sent as `%0D`), each
/// side optionally prefixed `workspace/repo:` as in a pull request's `links.diff`. `A` is the new side;
/// the old side is the merge base of `A` and `B` (Bitbucket's default `topic=true`), or `B` itself with
/// `topic=false`.
enum DiffRoutes {
    static let base = RepositoryRoutes.repositoryPath

    static let routes: [Route] = [
        Route("GET", base + "/diff/{spec*}", scope: .repository, publicRepositoryRead: true) { context in
            try diff(context, range: try range(context), kind: .diff)
        },
        Route("GET", base + "/diffstat/{spec*}", scope: .repository, publicRepositoryRead: true) { context in
            try diff(context, range: try range(context), kind: .diffstat)
        },
        Route("GET", base + "/patch/{spec*}", scope: .repository, publicRepositoryRead: true) { context in
            try diff(context, range: try range(context), kind: .patch)
        },
        Route("GET", PullRequestRoutes.base + "/{id}/diff", scope: .pullRequest, publicRepositoryRead: true) { context in
            try diff(context, range: try pullRequestRange(context), kind: .diff)
        },
        Route("GET", PullRequestRoutes.base + "/{id}/diffstat", scope: .pullRequest, publicRepositoryRead: true) { context in
            try diff(context, range: try pullRequestRange(context), kind: .diffstat)
        },
        Route("GET", PullRequestRoutes.base + "/{id}/patch", scope: .pullRequest, publicRepositoryRead: true) { context in
            try diff(context, range: try pullRequestRange(context), kind: .patch)
        },
    ]

    enum Kind { case diff, diffstat, patch }

    struct DiffRange {
        var old: String?
        var new: String
    }

    static func resolve(_ revision: String, in repository: MockRepository) throws -> String {
        let name = revision.split(separator: ":").last.map(String.init) ?? revision
        guard let hash = try repository.content.resolve(name) else {
            throw APIError.notFound("Commit not found: \(name)")
        }
        return hash
    }

    static func range(_ context: RouteContext) throws -> DiffRange {
        let repository = try context.repository()
        let spec = context.parameter("spec")
        let sides: [String]
        if spec.contains("\r") {
            sides = spec.components(separatedBy: "\r")
        } else if spec.contains("..") {
            sides = spec.components(separatedBy: "..")
        } else {
            sides = [spec]
        }
        guard sides.count <= 2, sides.allSatisfy({ !$0.isEmpty }) else {
            throw APIError.badRequest("Invalid spec", detail: "\(spec) is not a commit or a range A..B.")
        }
        let new = try resolve(sides[0], in: repository)
        if sides.count == 1 {
            return DiffRange(old: try repository.content.commit(new)?.parents.first, new: new)
        }
        let other = try resolve(sides[1], in: repository)
        if context.request.queryValue("topic") == "false" { return DiffRange(old: other, new: new) }
        return DiffRange(old: try mergeBase(new, other, in: repository), new: new)
    }

    /// The newest commit of `b`'s history that `a` also reaches.
    static func mergeBase(_ a: String, _ b: String, in repository: MockRepository) throws -> String? {
        let reachable = Set(try repository.content.log(include: [a], exclude: []).map(\.hash))
        return try repository.content.log(include: [b], exclude: []).first { reachable.contains($0.hash) }?.hash
    }

    /// The pull request's source against the merge base with its destination (frozen once closed).
    static func pullRequestRange(_ context: RouteContext) throws -> DiffRange {
        let (repository, index) = try PullRequestRoutes.find(context)
        let pullRequest = repository.pullRequests[index]
        guard let source = CommitStatusRoutes.sourceCommit(of: pullRequest, in: repository) else {
            throw APIError.notFound("The source branch \(pullRequest.sourceBranch) no longer exists.")
        }
        guard let destination = try pullRequest.destinationCommit ?? repository.content.resolve(pullRequest.destinationBranch)
        else {
            throw APIError.notFound("The destination branch \(pullRequest.destinationBranch) no longer exists.")
        }
        return DiffRange(old: try mergeBase(source, destination, in: repository), new: source)
    }

    static func onDisk(_ repository: MockRepository) -> GitContentSource? {
        (repository.content as? GitContentSource) ?? (repository.content as? GitBackedContentSource)?.repository
    }

    static func diff(_ context: RouteContext, range: DiffRange, kind: Kind) throws -> MockResponse {
        let repository = try context.repository()
        let content = repository.content
        let paths = context.request.queryValues("path")
        let old = try range.old.map { try content.snapshot(at: $0) } ?? [:]
        var changes = UnifiedDiff.changes(from: old, to: try content.snapshot(at: range.new))
        if !paths.isEmpty { changes = changes.filter { paths.contains($0.path) } }
        switch kind {
        case .diffstat:
            let page = try Pagination(context.request, defaultLength: 500, maximumLength: 5000).numberedPage(of: changes) {
                context.renderer.diffstat($0, old: range.old, new: range.new, in: repository)
            }
            return context.json(page)
        case .diff:
            let text: String
            if let git = onDisk(repository) {
                let old = range.old ?? GitObjects.emptyTree
                text = String(decoding: try git.run(["diff", "--no-color", "--no-ext-diff", old, range.new, "--"] + paths), as: UTF8.self)
            } else {
                text = UnifiedDiff.text(changes)
            }
            return .text(text, contentType: "text/plain; charset=utf-8")
        case .patch:
            if let git = onDisk(repository) {
                let revisions = range.old.map { "\($0)..\(range.new)" } ?? range.new
                let rootFlag = range.old == nil ? ["--root"] : []
                let text = try git.run(["format-patch", "--stdout", "--no-color"] + rootFlag + [revisions])
                return MockResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: text)
            }
            return .text(try patchText(range, in: repository), contentType: "text/plain; charset=utf-8")
        }
    }

    /// `git format-patch --stdout` in Swift: one mail per commit, oldest first.
    static func patchText(_ range: DiffRange, in repository: MockRepository) throws -> String {
        let content = repository.content
        let commits = try content.log(include: [range.new], exclude: range.old.map { [$0] } ?? []).reversed()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        return try commits.map { commit in
            let parent = try commit.parents.first.map { try content.snapshot(at: $0) } ?? [:]
            let changes = UnifiedDiff.changes(from: parent, to: try content.snapshot(at: commit.hash))
            let lines = commit.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let subject = lines.first.map(String.init) ?? ""
            let body = lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .newlines) + "\n" : ""
            return "From \(commit.hash) Mon Sep 17 00:00:00 2001\nFrom: \(commit.author.raw)\n"
                + "Date: \(formatter.string(from: commit.author.date))\nSubject: [PATCH] \(subject)\n\n"
                + (body.isEmpty ? "" : body + "\n") + "---\n\n" + UnifiedDiff.text(changes) + "--\n2.43.0\n\n"
        }.joined()
    }
}

extension Renderer {
    func diffstat(_ change: FileChange, old: String?, new: String, in repository: MockRepository) -> JSON {
        func side(_ hash: String?, present: Bool) -> JSON {
            guard present, let hash else { return .null }
            return [
                "path": .string(change.path),
                "type": "commit_file",
                "escaped_path": .string(change.path),
                "links": ["self": link("\(repositoryAPI(repository))/src/\(hash)/\(Renderer.pathEscaped(change.path))")],
            ]
        }
        return [
            "type": "diffstat",
            "lines_added": .int(change.linesAdded),
            "lines_removed": .int(change.linesRemoved),
            "status": .string(change.status.rawValue),
            "old": side(old, present: change.old != nil),
            "new": side(new, present: change.new != nil),
        ]
    }
}

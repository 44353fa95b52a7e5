import Foundation

/// Bulk data for pagination tests, added at run time through `POST /_mock/seed`.
enum Seeder {
    static let limit = 100_000

    static func seed(_ json: JSON, state: MockState, actor: MockAccount?, now: Date) throws -> JSON {
        if let workspace = json["workspace"]?.stringValue {
            return try seedRepositories(json, workspace: workspace, state: state, now: now)
        }
        guard let fullName = json["repo"]?.stringValue ?? json["repository"]?.stringValue else {
            throw APIError.badRequest("seed needs \"workspace\" (with \"repositories\") or \"repo\" (with \"commits\", "
                + "\"branches\", \"tags\", \"pullrequests\" or \"pipelines\")")
        }
        let parts = fullName.split(separator: "/").map(String.init)
        guard parts.count == 2, let repository = state.repository(parts[0], parts[1]) else {
            throw APIError.notFound("No repository \(fullName)")
        }
        let author = actor ?? state.accounts.first
        let signature = { (date: Date) in
            GitSignature(name: author?.displayName ?? "Mock", email: author?.email ?? "mock@example.com", date: date)
        }
        var added = JSONObject()
        if let count = try amount(json, "commits") {
            added["commits"] = .int(try seedCommits(count, repository: repository, signature: signature))
        }
        if let count = try amount(json, "branches") {
            guard let head = try repository.content.branch(named: repository.mainBranch)?.target else {
                throw APIError.badRequest("\(fullName) has no commits to branch from")
            }
            for index in stride(from: 1, through: count, by: 1) {
                try repository.content.setBranch(String(format: "seed/branch-%05d", index), to: head)
            }
            added["branches"] = .int(count)
        }
        if let count = try amount(json, "tags") {
            guard let head = try repository.content.branch(named: repository.mainBranch)?.target else {
                throw APIError.badRequest("\(fullName) has no commits to tag")
            }
            for index in stride(from: 1, through: count, by: 1) {
                let name = String(format: "seed-%05d", index)
                if try repository.content.tag(named: name) == nil {
                    try repository.content.setTag(GitTag(name: name, target: head))
                }
            }
            added["tags"] = .int(count)
        }
        if let count = try amount(json, "pullrequests") {
            added["pullrequests"] = .int(try seedPullRequests(count, repository: repository, author: author, now: now))
        }
        if let count = try amount(json, "pipelines") {
            added["pipelines"] = .int(try seedPipelines(count, repository: repository, author: author, now: now))
        }
        return ["repository": .string(fullName), "added": .object(added)]
    }

    private static func amount(_ json: JSON, _ key: String) throws -> Int? {
        guard let value = json[key] else { return nil }
        guard let count = value.intValue, count >= 0, count <= limit else {
            throw APIError.badRequest("\"\(key)\" must be a number from 0 to \(limit)")
        }
        return count
    }

    private static func seedRepositories(_ json: JSON, workspace: String, state: MockState, now: Date) throws -> JSON {
        let count = try amount(json, "repositories") ?? 0
        let projectKey = json["project"]?.stringValue ?? "SEED"
        let base = FixtureLoader.defaultBaseTime
        state.ensureWorkspace(workspace, createdOn: base)
        state.ensureProject(projectKey, in: workspace, createdOn: base)
        let prefix = json["prefix"]?.stringValue ?? "repo"
        var created = 0
        // One pass over the existing repositories, not one per new slug: seeding 10,000 stays linear.
        let workspaceSlug = state.workspace(workspace)?.slug ?? workspace
        var existing = Set(state.repositories.lazy.filter { $0.workspace == workspaceSlug }.map(\.slug))
        for index in 0..<count {
            let slug = String(format: "%@-%05d", prefix, index + 1)
            guard existing.insert(slug).inserted else { continue }
            let repository = MockRepository(
                workspace: workspace, slug: slug, description: "Seeded repository \(index + 1)",
                isPrivate: json["is_private"]?.boolValue ?? (index % 5 != 0), projectKey: projectKey,
                language: ["swift", "go", "python", "javascript"][index % 4],
                createdOn: base.addingTimeInterval(Double(index) * 60), content: state.contentFactory())
            state.repositories.append(repository)
            created += 1
        }
        return ["workspace": .string(workspace), "added": ["repositories": .int(created)]]
    }

    /// A linear history on the main branch, one minute apart and newer than everything before it.
    private static func seedCommits(_ count: Int, repository: MockRepository, signature: (Date) -> GitSignature) throws -> Int {
        let content = repository.content
        var head = try content.branch(named: repository.mainBranch)?.target
        // Newer than every existing commit, so the seeded ones come first in the history listing.
        var date = try content.log(include: [], exclude: []).first?.committer.date ?? FixtureLoader.defaultBaseTime
        let drafts = (0..<count).map { index -> CommitDraft in
            date = date.addingTimeInterval(60)
            return CommitDraft(
                parents: [], message: "Seeded commit \(index + 1)", author: signature(date),
                changes: ["SEED.txt": Data("seeded commit \(index + 1)\n".utf8)])
        }
        if let last = try content.writeChain(on: head, drafts).last { head = last.hash }
        if let head { try content.setBranch(repository.mainBranch, to: head) }
        return count
    }

    private static func seedPullRequests(_ count: Int, repository: MockRepository, author: MockAccount?, now: Date) throws -> Int {
        let branches = try repository.content.branches().map(\.name).filter { $0 != repository.mainBranch }
        guard let source = branches.first else {
            throw APIError.badRequest("\(repository.fullName) needs a branch besides \(repository.mainBranch) to open pull requests from")
        }
        for index in 0..<count {
            var pullRequest = MockPullRequest(
                id: repository.nextPullRequestID, title: "Seeded pull request \(index + 1)", authorUUID: author?.uuid ?? "",
                sourceBranch: source, destinationBranch: repository.mainBranch,
                createdOn: FixtureLoader.defaultBaseTime.addingTimeInterval(Double(index) * 60))
            // Mix the states so that state filters have something to filter.
            let states: [MockPullRequest.State] = [.open, .open, .merged, .declined]
            pullRequest.state = states[index % states.count]
            if pullRequest.state != .open { pullRequest.sourceCommit = try repository.content.resolve(source) }
            repository.pullRequests.append(pullRequest)
        }
        return count
    }

    private static func seedPipelines(_ count: Int, repository: MockRepository, author: MockAccount?, now: Date) throws -> Int {
        guard let head = try repository.content.branch(named: repository.mainBranch)?.target else {
            throw APIError.badRequest("\(repository.fullName) has no commits to run pipelines on")
        }
        for index in 0..<count {
            let buildNumber = repository.nextBuildNumber
            let created = FixtureLoader.defaultBaseTime.addingTimeInterval(Double(index) * 600)
            repository.pipelines.append(MockPipeline(
                uuid: StableID.uuid("pipeline:\(repository.fullName)#\(buildNumber)"), buildNumber: buildNumber,
                creatorUUID: author?.uuid ?? "", refType: "branch", refName: repository.mainBranch, commitHash: head,
                trigger: .push, status: .completed(result: index % 7 == 3 ? "FAILED" : "SUCCESSFUL"), createdOn: created,
                completedOn: created.addingTimeInterval(60), buildSecondsUsed: 60, readsUntilDone: nil))
        }
        return count
    }
}

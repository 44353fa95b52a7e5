import Foundation

/// One repository of a fixture: metadata, then commits (each may move a branch), explicit branch heads,
/// tags, pull requests and pipelines. Commits are written through the repository's content source, so a
/// git-backed source receives the same history.
struct RepositoryFixture {
    let json: JSON
    let workspace: String
    let path: String
    let baseTime: Date
    let state: MockState

    /// Fixture-local commit ids (`"id": "c1"`) to real hashes.
    private final class Labels {
        var hashes: [String: String] = [:]
    }

    func build() throws -> MockRepository {
        let slug = try FixtureLoader.string(json["slug"], at: path + ".slug").lowercased()
        let createdOn = try FixtureLoader.date(json["created_on"], default: baseTime, at: path + ".created_on")
        let projectKey = json["project"]?.stringValue
        if let projectKey { state.ensureProject(projectKey, in: workspace, createdOn: createdOn) }
        let repository = MockRepository(
            workspace: workspace, slug: slug, name: json["name"]?.stringValue, description: json["description"]?.stringValue ?? "",
            isPrivate: json["is_private"]?.boolValue ?? true, projectKey: projectKey,
            language: json["language"]?.stringValue ?? "", mainBranch: json["mainbranch"]?.stringValue ?? "main",
            createdOn: createdOn, content: state.contentFactory())
        if let size = json["size"]?.intValue { repository.size = size }
        let labels = Labels()
        var latest = createdOn
        for (index, commit) in (json["commits"]?.arrayValue ?? []).enumerated() {
            let written = try writeCommit(commit, index: index, repository: repository, labels: labels, createdOn: createdOn)
            latest = max(latest, written.committer.date)
            for (statusIndex, status) in (commit["statuses"]?.arrayValue ?? []).enumerated() {
                repository.putStatus(try StatusFixture.build(
                    status, at: "\(path).commits[\(index)].statuses[\(statusIndex)]", commit: written.hash,
                    refname: commit["branch"]?.stringValue ?? repository.mainBranch, defaultDate: written.committer.date))
            }
        }
        for (name, target) in json["branches"]?.objectValue?.pairs ?? [] {
            try repository.content.setBranch(name, to: try resolve(target, labels, repository, at: "\(path).branches.\(name)"))
        }
        for (index, tag) in (json["tags"]?.arrayValue ?? []).enumerated() {
            try addTag(tag, at: "\(path).tags[\(index)]", repository: repository, labels: labels)
        }
        repository.updatedOn = try FixtureLoader.date(json["updated_on"], default: latest, at: path + ".updated_on")
        for (index, pullRequest) in (json["pullrequests"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).pullrequests[\(index)]"
            let built = try PullRequestFixture.build(pullRequest, at: at, id: index + 1,
                repository: repository, state: state, resolve: { try resolve($0, labels, repository, at: $1) },
                defaultDate: latest)
            repository.pullRequests.append(built)
            // A pull request's statuses are its source commit's.
            let statuses = pullRequest["statuses"]?.arrayValue ?? []
            if !statuses.isEmpty {
                guard let source = CommitStatusRoutes.sourceCommit(of: built, in: repository) else {
                    throw FixtureError(at + ".statuses", "the pull request has no source commit to carry statuses")
                }
                for (statusIndex, status) in statuses.enumerated() {
                    repository.putStatus(try StatusFixture.build(
                        status, at: "\(at).statuses[\(statusIndex)]", commit: source, refname: built.sourceBranch,
                        defaultDate: try repository.content.commit(source)?.committer.date ?? built.createdOn))
                }
            }
        }
        for (index, pipeline) in (json["pipelines"]?.arrayValue ?? []).enumerated() {
            repository.pipelines.append(
                try PipelineFixture.build(pipeline, at: "\(path).pipelines[\(index)]", buildNumber: index + 1,
                    repository: repository, state: state, resolve: { try resolve($0, labels, repository, at: $1) },
                    defaultDate: latest))
        }
        for (index, rule) in (json["branch_restrictions"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).branch_restrictions[\(index)]"
            guard rule["kind"]?.stringValue != nil else { throw FixtureError(at + ".kind", "expected a restriction kind") }
            let draft = MockBranchRestriction(id: rule["id"]?.intValue ?? repository.nextBranchRestrictionID, kind: "")
            do {
                repository.branchRestrictions.append(
                    try BranchRestrictionRoutes.apply(rule, to: draft, in: repository, state: state))
            } catch let error as APIError {
                let detail = error.detail?.stringValue ?? error.message
                throw FixtureError(at, detail)
            }
        }
        try loadIntegrations(into: repository)
        return repository
    }

    /// `default_reviewers` (nicknames), `hooks` (the API's request bodies), `variables`
    /// (`{"key", "value", "secured"}`) and `triggered_pipeline_result` (how API-triggered pipelines end).
    private func loadIntegrations(into repository: MockRepository) throws {
        for (index, nickname) in (json["default_reviewers"]?.arrayValue ?? []).enumerated() {
            guard let name = nickname.stringValue, let account = state.account(nickname: name) else {
                throw FixtureError("\(path).default_reviewers[\(index)]", "expected a user nickname from users")
            }
            repository.defaultReviewerUUIDs.append(account.uuid)
        }
        for (index, hook) in (json["hooks"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).hooks[\(index)]"
            let draft = MockWebhook(
                uuid: hook["uuid"]?.stringValue ?? StableID.uuid("hook:\(repository.fullName)#\(index)"), url: "",
                description: "", active: true, events: [], createdAt: repository.createdOn, secret: nil, skipCertVerification: false)
            do {
                repository.hooks.append(try HookRoutes.apply(hook, to: draft, creating: true))
            } catch let error as APIError {
                throw FixtureError(at, error.detail?.stringValue ?? error.message)
            }
        }
        for (index, variable) in (json["variables"]?.arrayValue ?? []).enumerated() {
            let key = try FixtureLoader.string(variable["key"], at: "\(path).variables[\(index)].key")
            repository.variables.append(MockVariable(
                uuid: StableID.uuid("variable:\(repository.fullName)/\(key)"), key: key,
                value: variable["value"]?.stringValue ?? "", secured: variable["secured"]?.boolValue ?? false))
        }
        for (index, deployment) in (json["deployments"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).deployments[\(index)]"
            let name = try FixtureLoader.string(deployment["environment"], at: at + ".environment")
            guard let environment = repository.environments.first(where: { $0.name == name }) else {
                throw FixtureError(at + ".environment", "expected Test, Staging or Production")
            }
            guard let number = deployment["pipeline"]?.intValue, let pipeline = repository.pipelines.first(where: { $0.buildNumber == number })
            else {
                throw FixtureError(at + ".pipeline", "expected the build number of one of the repository's pipelines")
            }
            repository.deployments.append(MockDeployment(
                uuid: StableID.uuid("deployment:\(repository.fullName)#\(index)"), environmentUUID: environment.uuid,
                pipelineUUID: pipeline.uuid, commitHash: pipeline.commitHash, state: "COMPLETED",
                createdOn: pipeline.completedOn ?? pipeline.createdOn))
        }
        if let result = json["triggered_pipeline_result"]?.stringValue {
            let upper = result.uppercased()
            guard ["SUCCESSFUL", "FAILED", "ERROR", "STOPPED"].contains(upper) else {
                throw FixtureError(path + ".triggered_pipeline_result", "expected SUCCESSFUL, FAILED, ERROR or STOPPED")
            }
            repository.triggeredPipelineResult = upper
        }
    }

    private func resolve(_ value: JSON?, _ labels: Labels, _ repository: MockRepository, at path: String) throws -> String {
        let text = try FixtureLoader.string(value, at: path)
        if let hash = labels.hashes[text] { return hash }
        if let hash = try repository.content.resolve(text) { return hash }
        throw FixtureError(path, "'\(text)' names no commit id, branch, tag or hash")
    }

    private func writeCommit(_ commit: JSON, index: Int, repository: MockRepository, labels: Labels, createdOn: Date) throws
        -> GitCommit
    {
        let at = "\(path).commits[\(index)]"
        let branch = commit["branch"]?.stringValue ?? repository.mainBranch
        let parents: [String]
        if let listed = commit["parents"]?.arrayValue {
            parents = try listed.enumerated().map { try resolve($0.element, labels, repository, at: "\(at).parents[\($0.offset)]") }
        } else {
            // By default a commit goes on top of its branch, or of the main branch when the branch is new.
            parents = [try repository.content.branch(named: branch)?.target
                ?? repository.content.branch(named: repository.mainBranch)?.target].compactMap { $0 }
        }
        let date = try FixtureLoader.date(
            commit["date"], default: createdOn.addingTimeInterval(Double(index + 1) * 3 * 3600), at: at + ".date")
        var changes: [String: Data?] = [:]
        for (file, content) in commit["files"]?.objectValue?.pairs ?? [] {
            changes[file] = content.isNull ? .some(nil) : Data((content.stringValue ?? content.serialized()).utf8)
        }
        let author = try FixtureLoader.signature(commit["author"], date: date, state: state, at: at + ".author")
        let written = try repository.content.writeCommit(
            CommitDraft(parents: parents, message: commit["message"]?.stringValue ?? "Commit \(index + 1)",
                author: author, changes: changes))
        if let label = commit["id"]?.stringValue { labels.hashes[label] = written.hash }
        try repository.content.setBranch(branch, to: written.hash)
        return written
    }

    private func addTag(_ tag: JSON, at path: String, repository: MockRepository, labels: Labels) throws {
        let name = try FixtureLoader.string(tag["name"], at: path + ".name")
        let target = try resolve(tag["target"], labels, repository, at: path + ".target")
        var tagger: GitSignature?
        if let message = tag["message"]?.stringValue, !message.isEmpty {
            let targetDate = try repository.content.commit(target)?.committer.date ?? baseTime
            let date = try FixtureLoader.date(tag["date"], default: targetDate.addingTimeInterval(600), at: path + ".date")
            tagger = try FixtureLoader.signature(tag["tagger"], date: date, state: state, at: path + ".tagger")
        }
        try repository.content.setTag(GitTag(name: name, target: target, message: tag["message"]?.stringValue, tagger: tagger))
    }
}

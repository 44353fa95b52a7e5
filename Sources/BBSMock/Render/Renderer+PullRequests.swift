import Foundation

extension Renderer {
    func pullRequestAPI(_ pullRequest: MockPullRequest, in repository: MockRepository) -> String {
        "\(repositoryAPI(repository))/pullrequests/\(pullRequest.id)"
    }

    private func endpoint(branch: String, commit: String?, in repository: MockRepository) -> JSON {
        var object = JSONObject([
            ("branch", [
                "name": .string(branch),
                "links": [:],
                "sync_strategies": ["merge_commit", "rebase"],
                "merge_strategies": .array(MergeStrategy.allCases.prefix(3).map { .string($0.rawValue) }),
                "default_merge_strategy": "merge_commit",
            ])
        ])
        if let commit { object["commit"] = commitReference(String(commit.prefix(12)), in: repository) }
        object["repository"] = condensedRepository(repository)
        return .object(object)
    }

    /// Listings leave out reviewers and participants, as Bitbucket does unless `fields` asks for them.
    func pullRequest(_ pullRequest: MockPullRequest, in repository: MockRepository, detailed: Bool) -> JSON {
        let self_ = pullRequestAPI(pullRequest, in: repository)
        let html = "\(repositoryHTML(repository))/pull-requests/\(pullRequest.id)"
        let sourceCommit = pullRequest.sourceCommit ?? (try? repository.content.resolve(pullRequest.sourceBranch)) ?? nil
        let destinationCommit = pullRequest.destinationCommit
            ?? (try? repository.content.resolve(pullRequest.destinationBranch)) ?? nil
        var object = JSONObject([
            ("comment_count", .int(pullRequest.comments.filter { !$0.deleted }.count)),
            ("task_count", .int(pullRequest.tasks.filter { $0.resolvedOn == nil }.count)),
            ("type", "pullrequest"),
            ("id", .int(pullRequest.id)),
            ("title", .string(pullRequest.title)),
            ("description", .string(pullRequest.description)),
            ("rendered", [
                "title": Renderer.rendered(pullRequest.title),
                "description": Renderer.rendered(pullRequest.description),
                "reason": Renderer.rendered(pullRequest.reason),
            ]),
            ("state", .string(pullRequest.state.rawValue)),
            ("draft", .bool(pullRequest.draft)),
            ("author", account(uuid: pullRequest.authorUUID)),
            ("source", endpoint(branch: pullRequest.sourceBranch, commit: sourceCommit, in: repository)),
            ("destination", endpoint(branch: pullRequest.destinationBranch, commit: destinationCommit, in: repository)),
        ])
        // Bitbucket sends these as explicit nulls while they are unset.
        object["merge_commit"] = pullRequest.mergeCommit.map { commitReference($0, in: repository) } ?? .null
        object["closed_by"] = pullRequest.closedByUUID.map { account(uuid: $0) } ?? .null
        object["close_source_branch"] = .bool(pullRequest.closeSourceBranch)
        object["reason"] = .string(pullRequest.reason)
        object["created_on"] = .string(Timestamps.objectStyle(pullRequest.createdOn))
        object["updated_on"] = .string(Timestamps.objectStyle(pullRequest.updatedOn))
        object["summary"] = Renderer.rendered(pullRequest.description)
        object["links"] = [
            "self": link(self_),
            "html": link(html),
            "commits": link("\(self_)/commits"),
            "approve": link("\(self_)/approve"),
            "request-changes": link("\(self_)/request-changes"),
            "diff": link(rangeLink("diff", pullRequest, source: sourceCommit, destination: destinationCommit, in: repository)),
            "diffstat": link(rangeLink("diffstat", pullRequest, source: sourceCommit, destination: destinationCommit, in: repository)),
            "comments": link("\(self_)/comments"),
            "activity": link("\(self_)/activity"),
            "merge": link("\(self_)/merge"),
            "decline": link("\(self_)/decline"),
            "statuses": link("\(self_)/statuses"),
        ]
        if detailed {
            object["reviewers"] = .array(pullRequest.reviewerUUIDs.map { account(uuid: $0) })
            object["participants"] = .array(pullRequest.participants.map(participant))
        }
        return .object(object)
    }

    func condensedPullRequest(_ pullRequest: MockPullRequest, in repository: MockRepository) -> JSON {
        [
            "type": "pullrequest",
            "id": .int(pullRequest.id),
            "title": .string(pullRequest.title),
            "draft": .bool(pullRequest.draft),
            "links": [
                "self": link(pullRequestAPI(pullRequest, in: repository)),
                "html": link("\(repositoryHTML(repository))/pull-requests/\(pullRequest.id)"),
            ],
        ]
    }

    func participant(_ participant: MockParticipant) -> JSON {
        var object = JSONObject([
            ("type", "participant"),
            ("user", account(uuid: participant.accountUUID)),
            ("role", .string(participant.role)),
            ("approved", .bool(participant.approved)),
        ])
        // Bitbucket sends `state: null` for a participant who has neither approved nor requested changes.
        object["state"] = participant.approved ? "approved" : participant.changesRequested ? "changes_requested" : .null
        object["participated_on"] = participant.participatedOn.map { .string(Timestamps.objectStyle($0)) } ?? .null
        return .object(object)
    }

    func comment(_ comment: MockComment, on pullRequest: MockPullRequest, in repository: MockRepository) -> JSON {
        let self_ = "\(pullRequestAPI(pullRequest, in: repository))/comments/\(comment.id)"
        var object = JSONObject([
            ("id", .int(comment.id)),
            ("created_on", .string(Timestamps.objectStyle(comment.createdOn))),
            ("updated_on", .string(Timestamps.objectStyle(comment.updatedOn))),
            ("content", Renderer.rendered(comment.deleted ? "" : comment.raw)),
            ("user", account(uuid: comment.authorUUID)),
            ("deleted", .bool(comment.deleted)),
            ("pending", false),
            ("type", "pullrequest_comment"),
            ("links", [
                "self": link(self_),
                "html": link("\(repositoryHTML(repository))/pull-requests/\(pullRequest.id)/_/diff#comment-\(comment.id)"),
            ]),
            ("pullrequest", condensedPullRequest(pullRequest, in: repository)),
        ])
        if let inline = comment.inline {
            object["inline"] = [
                "path": .string(inline.path), "from": inline.from.map { .int($0) } ?? .null,
                "to": inline.to.map { .int($0) } ?? .null,
            ]
        }
        if let parent = comment.parentID {
            object["parent"] = [
                "id": .int(parent),
                "links": ["self": link("\(pullRequestAPI(pullRequest, in: repository))/comments/\(parent)")],
                "type": "pullrequest_comment",
            ]
        }
        return .object(object)
    }

    /// Bitbucket's form for a pull request's diff links: `diff/{ws}/{repo}:{source}%0D{destination}`, with
    /// the pull request named in the query.
    func rangeLink(
        _ kind: String, _ pullRequest: MockPullRequest, source: String?, destination: String?, in repository: MockRepository
    ) -> String {
        let short = { (hash: String?) in hash.map { String($0.prefix(12)) } ?? "" }
        return "\(repositoryAPI(repository))/\(kind)/\(repository.fullName):\(short(source))%0D\(short(destination))"
            + "?from_pullrequest_id=\(pullRequest.id)&topic=true"
    }

    func task(_ task: MockTask, on pullRequest: MockPullRequest, in repository: MockRepository) -> JSON {
        var object = JSONObject([
            ("id", .int(task.id)),
            ("state", .string(task.resolvedOn == nil ? "UNRESOLVED" : "RESOLVED")),
            ("content", Renderer.rendered(task.raw)),
            ("creator", account(uuid: task.creatorUUID)),
            ("created_on", .string(Timestamps.objectStyle(task.createdOn))),
            ("updated_on", .string(Timestamps.objectStyle(task.updatedOn))),
            ("resolved_on", task.resolvedOn.map { .string(Timestamps.objectStyle($0)) } ?? .null),
            ("resolved_by", task.resolvedByUUID.map { account(uuid: $0) } ?? .null),
            ("pending", .bool(task.pending)),
            ("links", [
                "self": link("\(pullRequestAPI(pullRequest, in: repository))/tasks/\(task.id)"),
                "html": link("\(repositoryHTML(repository))/pull-requests/\(pullRequest.id)/_/diff#task-\(task.id)"),
            ]),
        ])
        if let commentID = task.commentID, let comment = pullRequest.comments.first(where: { $0.id == commentID }) {
            object["comment"] = self.comment(comment, on: pullRequest, in: repository)
        }
        return .object(object)
    }

    /// The `update` entry of a pull request's activity: its state as of now, dated at creation.
    func activityUpdate(_ pullRequest: MockPullRequest, in repository: MockRepository) -> JSON {
        guard case .object(let full) = self.pullRequest(pullRequest, in: repository, detailed: true) else { return .null }
        return [
            "state": .string(pullRequest.state.rawValue),
            "draft": .bool(pullRequest.draft),
            "title": .string(pullRequest.title),
            "description": .string(pullRequest.description),
            "reviewers": full["reviewers"] ?? .array([]),
            "changes": [:],
            "reason": .string(pullRequest.reason),
            "author": account(uuid: pullRequest.authorUUID),
            "date": .string(Timestamps.objectStyle(pullRequest.createdOn)),
            "source": full["source"] ?? .null,
            "destination": full["destination"] ?? .null,
        ]
    }
}

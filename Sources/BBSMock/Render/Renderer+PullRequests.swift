import Foundation

extension Renderer {
    func pullRequestAPI(_ pullRequest: MockPullRequest, in repository: MockRepository) -> String {
        "\(repositoryAPI(repository))/pullrequests/\(pullRequest.id)"
    }

    private func endpoint(branch: String, commit: String?, in repository: MockRepository) -> JSON {
        var object = JSONObject([
            ("branch", [
                "name": .string(branch),
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
            ("comment_count", .int(pullRequest.comments.count)),
            ("task_count", 0),
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
        if let merge = pullRequest.mergeCommit { object["merge_commit"] = commitReference(merge, in: repository) }
        if let closedBy = pullRequest.closedByUUID { object["closed_by"] = account(uuid: closedBy) }
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
            "diff": link("\(repositoryAPI(repository))/diff/\(repository.fullName):\(sourceCommit.map { String($0.prefix(12)) } ?? "")"),
            "diffstat": link("\(self_)/diffstat"),
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
        // The schema does not allow null here, so an unset state or time is left out.
        if participant.approved { object["state"] = "approved" }
        if let date = participant.participatedOn { object["participated_on"] = .string(Timestamps.objectStyle(date)) }
        return .object(object)
    }

    func comment(_ comment: MockComment, on pullRequest: MockPullRequest, in repository: MockRepository) -> JSON {
        let self_ = "\(pullRequestAPI(pullRequest, in: repository))/comments/\(comment.id)"
        var object = JSONObject([
            ("id", .int(comment.id)),
            ("created_on", .string(Timestamps.objectStyle(comment.createdOn))),
            ("updated_on", .string(Timestamps.objectStyle(comment.updatedOn))),
            ("content", Renderer.rendered(comment.raw)),
            ("user", account(uuid: comment.authorUUID)),
            ("deleted", false),
            ("pending", false),
            ("type", "pullrequest_comment"),
            ("links", [
                "self": link(self_),
                "html": link("\(repositoryHTML(repository))/pull-requests/\(pullRequest.id)/_/diff#comment-\(comment.id)"),
            ]),
            ("pullrequest", condensedPullRequest(pullRequest, in: repository)),
        ])
        if let parent = comment.parentID {
            object["parent"] = [
                "id": .int(parent),
                "links": ["self": link("\(pullRequestAPI(pullRequest, in: repository))/comments/\(parent)")],
                "type": "pullrequest_comment",
            ]
        }
        return .object(object)
    }
}

import Foundation

/// The writes on pull requests: create, approve, merge, decline, comment.
enum PullRequestActions {
    static func create(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let body = try context.jsonBody()
        guard let title = body["title"]?.stringValue, !title.isEmpty else {
            throw APIError.fieldRequired("title", detail: "A pull request needs a title.")
        }
        guard let source = body.value(atPath: "source.branch.name")?.stringValue else {
            throw APIError(
                400, "Bad request", detail: "You must specify a valid source branch when creating a pull request.",
                fields: JSONObject([("source", ["This field is required."])]))
        }
        guard try repository.content.branch(named: source) != nil else {
            // Bitbucket's own wording for a source branch that does not exist.
            throw APIError(400, "source: branch not found: \(source)",
                fields: JSONObject([("source", .array([.string("branch not found: \(source)")]))]))
        }
        let destination = body.value(atPath: "destination.branch.name")?.stringValue ?? repository.mainBranch
        guard try repository.content.branch(named: destination) != nil else {
            throw APIError(400, "Bad request", detail: "Destination branch \"\(destination)\" does not exist.",
                fields: JSONObject([("destination", ["Branch not found."])]))
        }
        guard source != destination else {
            throw APIError.badRequest("There are no changes to be pulled", detail: "Source and destination are the same branch.")
        }
        let actor = try context.actor()
        var pullRequest = MockPullRequest(
            id: repository.nextPullRequestID, title: title, description: body["description"]?.stringValue ?? "",
            authorUUID: actor.uuid, sourceBranch: source, destinationBranch: destination, createdOn: context.now)
        pullRequest.closeSourceBranch = body["close_source_branch"]?.boolValue ?? false
        pullRequest.draft = body["draft"]?.boolValue ?? false
        pullRequest.reviewerUUIDs = (body["reviewers"]?.arrayValue ?? []).compactMap { $0["uuid"]?.stringValue }
        pullRequest.participants = pullRequest.reviewerUUIDs.map {
            MockParticipant(accountUUID: $0, role: "REVIEWER", approved: false, participatedOn: nil)
        }
        repository.pullRequests.append(pullRequest)
        var response = context.json(context.renderer.pullRequest(pullRequest, in: repository, detailed: true), status: 201)
        response.setHeader("Location", context.renderer.pullRequestAPI(pullRequest, in: repository))
        return response
    }

    static func requireOpen(_ pullRequest: MockPullRequest, action: String) throws {
        guard pullRequest.state == .open else {
            throw APIError.badRequest(
                "You can't \(action) a pull request that is \(pullRequest.state.rawValue.lowercased()).")
        }
    }

    static func approve(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        try requireOpen(repository.pullRequests[index], action: "approve")
        let actor = try context.actor()
        var pullRequest = repository.pullRequests[index]
        let participant = MockParticipant(
            accountUUID: actor.uuid,
            role: pullRequest.reviewerUUIDs.contains(actor.uuid) ? "REVIEWER" : "PARTICIPANT",
            approved: true, participatedOn: context.now)
        if let existing = pullRequest.participants.firstIndex(where: { $0.accountUUID == actor.uuid }) {
            pullRequest.participants[existing] = participant
        } else {
            pullRequest.participants.append(participant)
        }
        repository.pullRequests[index] = pullRequest
        return context.json(context.renderer.participant(participant))
    }

    static func unapprove(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        try requireOpen(repository.pullRequests[index], action: "unapprove")
        let actor = try context.actor()
        if let existing = repository.pullRequests[index].participants.firstIndex(where: { $0.accountUUID == actor.uuid }) {
            repository.pullRequests[index].participants[existing].approved = false
        }
        return .noContent()
    }

    static func merge(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        var pullRequest = repository.pullRequests[index]
        try requireOpen(pullRequest, action: "merge")
        let body = try context.jsonBody()
        let strategyName = body["merge_strategy"]?.stringValue ?? MergeStrategy.mergeCommit.rawValue
        guard let strategy = MergeStrategy(rawValue: strategyName) else {
            throw APIError(400, "Bad request", detail: "\(strategyName) is not a valid merge strategy.",
                fields: JSONObject([("merge_strategy", .array(MergeStrategy.allCases.map { .string($0.rawValue) }))]))
        }
        let actor = try context.actor()
        if context.state.enforceBranchRestrictions,
            let denial = RestrictionEnforcement.mergeDenial(pullRequest, actor: actor.uuid, in: repository)
        {
            throw APIError(400, denial, detail: "Resolve the failing merge checks, or ask an admin to change the branch restrictions.")
        }
        let content = repository.content
        let sourceHead = try content.resolve(pullRequest.sourceBranch)
        let destinationHead = try content.resolve(pullRequest.destinationBranch)
        let message = body["message"]?.stringValue
            ?? "Merged in \(pullRequest.sourceBranch) (pull request #\(pullRequest.id))\n\n\(pullRequest.title)"
        let merged: GitCommit
        do {
            merged = try content.merge(
                source: pullRequest.sourceBranch, into: pullRequest.destinationBranch, strategy: strategy,
                message: message, author: GitSignature(name: actor.displayName, email: actor.email, date: context.now))
        } catch ContentError.conflict(let reason) {
            throw APIError(409, "Merge failed", detail: .string(reason))
        }
        pullRequest.state = .merged
        pullRequest.sourceCommit = sourceHead
        pullRequest.destinationCommit = destinationHead
        pullRequest.mergeCommit = merged.hash
        pullRequest.closedByUUID = actor.uuid
        pullRequest.updatedOn = context.now
        if body["close_source_branch"]?.boolValue ?? pullRequest.closeSourceBranch {
            pullRequest.closeSourceBranch = true
            _ = try content.deleteBranch(pullRequest.sourceBranch)
        }
        repository.pullRequests[index] = pullRequest
        return context.json(context.renderer.pullRequest(pullRequest, in: repository, detailed: true))
    }

    static func decline(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        var pullRequest = repository.pullRequests[index]
        try requireOpen(pullRequest, action: "decline")
        pullRequest.sourceCommit = try repository.content.resolve(pullRequest.sourceBranch)
        pullRequest.destinationCommit = try repository.content.resolve(pullRequest.destinationBranch)
        pullRequest.state = .declined
        pullRequest.closedByUUID = try context.actor().uuid
        pullRequest.reason = (try context.jsonBody())["reason"]?.stringValue ?? ""
        pullRequest.updatedOn = context.now
        repository.pullRequests[index] = pullRequest
        return context.json(context.renderer.pullRequest(pullRequest, in: repository, detailed: true))
    }

    static func comment(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        let body = try context.jsonBody()
        guard let raw = body.value(atPath: "content.raw")?.stringValue, !raw.isEmpty else {
            throw APIError.fieldRequired("content", detail: "A comment needs content.raw.")
        }
        var pullRequest = repository.pullRequests[index]
        let parentID = body.value(atPath: "parent.id")?.intValue
        if let parentID, !pullRequest.comments.contains(where: { $0.id == parentID }) {
            throw APIError.badRequest("Parent comment \(parentID) does not exist.")
        }
        var inline: MockInline?
        if let object = body["inline"], !object.isNull {
            guard let path = object["path"]?.stringValue, !path.isEmpty else {
                throw APIError.fieldRequired("inline.path", detail: "An inline comment needs inline.path.")
            }
            inline = MockInline(path: path, from: object["from"]?.intValue, to: object["to"]?.intValue)
        }
        let comment = MockComment(
            id: CommentIDs.next(in: repository), authorUUID: try context.actor().uuid, raw: raw,
            createdOn: context.now, updatedOn: context.now, parentID: parentID, inline: inline)
        pullRequest.comments.append(comment)
        pullRequest.updatedOn = context.now
        repository.pullRequests[index] = pullRequest
        var response = context.json(context.renderer.comment(comment, on: pullRequest, in: repository), status: 201)
        response.setHeader("Location", "\(context.renderer.pullRequestAPI(pullRequest, in: repository))/comments/\(comment.id)")
        return response
    }
}

/// Comment ids are unique across a repository's pull requests, as Bitbucket's are (they are global there).
enum CommentIDs {
    static func next(in repository: MockRepository) -> Int {
        let highest = repository.pullRequests.flatMap(\.comments).map(\.id).max() ?? 100_000
        return highest + 1
    }
}

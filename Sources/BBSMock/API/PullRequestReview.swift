import Foundation

/// Pull request routes beyond create/approve/merge: editing, requesting changes, the activity log, the
/// commits, tasks, and editing or deleting comments. Scopes are the OpenAPI document's (comments and
/// tasks need only `pullrequest`, even to write).
enum PullRequestReview {
    static let base = PullRequestRoutes.base + "/{id}"

    static let routes: [Route] = [
        Route("PUT", base, scope: .pullRequestWrite, update),
        Route("POST", base + "/request-changes", scope: .pullRequestWrite) { context in
            try setChangesRequested(context, true)
        },
        Route("DELETE", base + "/request-changes", scope: .pullRequestWriteOnly) { context in
            try setChangesRequested(context, false)
        },
        Route("GET", base + "/activity", scope: .pullRequest, publicRepositoryRead: true, activity),
        Route("GET", base + "/commits", scope: .pullRequest, publicRepositoryRead: true, commits),
        Route("PUT", base + "/comments/{comment_id}", scope: .pullRequest, editComment),
        Route("DELETE", base + "/comments/{comment_id}", scope: .pullRequest, deleteComment),
        Route("GET", base + "/tasks", scope: .pullRequest, publicRepositoryRead: true, listTasks),
        Route("POST", base + "/tasks", scope: .pullRequest, createTask),
        Route("GET", base + "/tasks/{task_id}", scope: .pullRequest, publicRepositoryRead: true) { context in
            let (repository, index, taskIndex) = try findTask(context)
            let pullRequest = repository.pullRequests[index]
            return context.json(context.renderer.task(pullRequest.tasks[taskIndex], on: pullRequest, in: repository))
        },
        Route("PUT", base + "/tasks/{task_id}", scope: .pullRequest, updateTask),
        Route("DELETE", base + "/tasks/{task_id}", scope: .pullRequest) { context in
            let (repository, index, taskIndex) = try findTask(context)
            repository.pullRequests[index].tasks.remove(at: taskIndex)
            return .noContent()
        },
    ]

    /// Title, description, reviewers and destination, as Bitbucket lets them change on an open pull request.
    static func update(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        var pullRequest = repository.pullRequests[index]
        try PullRequestActions.requireOpen(pullRequest, action: "update")
        let body = try context.jsonBody()
        guard body.objectValue != nil else { throw APIError.badRequest("Bad request", detail: "Expected a JSON object.") }
        if let title = body["title"], !title.isNull {
            guard let text = title.stringValue, !text.isEmpty else {
                throw APIError(400, "Bad request", detail: "title: This field may not be blank.",
                    fields: JSONObject([("title", ["This field may not be blank."])]))
            }
            pullRequest.title = text
        }
        if let description = body["description"]?.stringValue { pullRequest.description = description }
        if let destination = body.value(atPath: "destination.branch.name")?.stringValue {
            guard try repository.content.branch(named: destination) != nil else {
                throw APIError(400, "Bad request", detail: "destination: branch not found: \(destination)",
                    fields: JSONObject([("destination", .array([.string("branch not found: \(destination)")]))]))
            }
            pullRequest.destinationBranch = destination
        }
        if let reviewers = body["reviewers"]?.arrayValue {
            let uuids = try reviewers.map { reviewer -> String in
                do {
                    return try BranchRestrictionRoutes.userUUID(reviewer, state: context.state)
                } catch {
                    throw APIError(400, "Bad request", detail: "reviewers: no such user",
                        fields: JSONObject([("reviewers", ["No such user: \(reviewer.serialized())."])]))
                }
            }
            if uuids.contains(pullRequest.authorUUID) {
                throw APIError(400, "Bad request", detail: "reviewers: The author cannot be a reviewer",
                    fields: JSONObject([("reviewers", ["The author cannot be a reviewer."])]))
            }
            pullRequest.reviewerUUIDs = uuids
            pullRequest.participants = pullRequest.participants.filter { $0.approved || $0.changesRequested || uuids.contains($0.accountUUID) }
            for uuid in uuids where !pullRequest.participants.contains(where: { $0.accountUUID == uuid }) {
                pullRequest.participants.append(MockParticipant(accountUUID: uuid, role: "REVIEWER", approved: false, participatedOn: nil))
            }
            for position in pullRequest.participants.indices {
                pullRequest.participants[position].role = uuids.contains(pullRequest.participants[position].accountUUID) ? "REVIEWER" : "PARTICIPANT"
            }
        }
        if let draft = body["draft"]?.boolValue { pullRequest.draft = draft }
        if let close = body["close_source_branch"]?.boolValue { pullRequest.closeSourceBranch = close }
        pullRequest.updatedOn = context.now
        repository.pullRequests[index] = pullRequest
        return context.json(context.renderer.pullRequest(pullRequest, in: repository, detailed: true))
    }

    /// Requesting changes withdraws an approval and the other way round, as on Bitbucket.
    static func setChangesRequested(_ context: RouteContext, _ requested: Bool) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        var pullRequest = repository.pullRequests[index]
        try PullRequestActions.requireOpen(pullRequest, action: requested ? "request changes on" : "remove a change request from")
        let actor = try context.actor()
        if pullRequest.authorUUID == actor.uuid && requested {
            throw APIError.badRequest("You can't request changes on your own pull request.")
        }
        let position: Int
        if let existing = pullRequest.participants.firstIndex(where: { $0.accountUUID == actor.uuid }) {
            position = existing
        } else {
            let role = pullRequest.reviewerUUIDs.contains(actor.uuid) ? "REVIEWER" : "PARTICIPANT"
            pullRequest.participants.append(MockParticipant(accountUUID: actor.uuid, role: role, approved: false, participatedOn: nil))
            position = pullRequest.participants.count - 1
        }
        pullRequest.participants[position].changesRequested = requested
        if requested {
            pullRequest.participants[position].approved = false
            pullRequest.participants[position].participatedOn = context.now
        }
        repository.pullRequests[index] = pullRequest
        if !requested { return .noContent() }
        return context.json(context.renderer.participant(pullRequest.participants[position]))
    }

    /// Newest first: comments, approvals and change requests, then the creation as an `update` entry.
    static func activity(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        let pullRequest = repository.pullRequests[index]
        let renderer = context.renderer
        let condensed = renderer.condensedPullRequest(pullRequest, in: repository)
        var entries: [(date: Date, json: JSON)] = []
        entries.append((pullRequest.createdOn, [
            "update": renderer.activityUpdate(pullRequest, in: repository), "pull_request": condensed,
        ]))
        for comment in pullRequest.comments {
            entries.append((comment.createdOn, [
                "comment": renderer.comment(comment, on: pullRequest, in: repository), "pull_request": condensed,
            ]))
        }
        for participant in pullRequest.participants {
            guard let date = participant.participatedOn, participant.approved || participant.changesRequested else { continue }
            let key = participant.approved ? "approval" : "changes_requested"
            entries.append((date, [
                key: ["date": .string(Timestamps.objectStyle(date)), "user": renderer.account(uuid: participant.accountUUID),
                      "pullrequest": condensed],
                "pull_request": condensed,
            ]))
        }
        let ordered = entries.enumerated().sorted { ($0.element.date, $0.offset) > ($1.element.date, $1.offset) }.map(\.element.json)
        return context.json(try Pagination(context.request, defaultLength: 50).numberedPage(ordered))
    }

    /// The commits on the source branch that the destination lacks (the frozen commits once closed).
    static func commits(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        let pullRequest = repository.pullRequests[index]
        let content = repository.content
        guard let source = CommitStatusRoutes.sourceCommit(of: pullRequest, in: repository) else {
            return context.json(try Pagination(context.request).numberedPage([]))
        }
        let destination = try pullRequest.destinationCommit ?? content.resolve(pullRequest.destinationBranch)
        let history = try content.log(include: [source], exclude: destination.map { [$0] } ?? [])
        let page = try Pagination(context.request).iteratorPage(
            history, key: \.hash, render: { context.renderer.commit($0, in: repository) })
        return context.json(page)
    }

    static func findComment(_ context: RouteContext) throws -> (MockRepository, Int, Int) {
        let (repository, index) = try PullRequestRoutes.find(context)
        guard let position = repository.pullRequests[index].comments.firstIndex(where: { String($0.id) == context.parameter("comment_id") })
        else {
            throw APIError.notFound("Comment not found")
        }
        return (repository, index, position)
    }

    /// Only the author may edit or delete a comment, as on Bitbucket.
    static func requireCommentAuthor(_ comment: MockComment, _ context: RouteContext) throws {
        if comment.deleted { throw APIError.notFound("Comment not found") }
        guard try context.actor().uuid == comment.authorUUID else {
            throw APIError(403, "You are not the author of this comment.")
        }
    }

    static func editComment(_ context: RouteContext) throws -> MockResponse {
        let (repository, index, position) = try findComment(context)
        try requireCommentAuthor(repository.pullRequests[index].comments[position], context)
        guard let raw = (try context.jsonBody()).value(atPath: "content.raw")?.stringValue, !raw.isEmpty else {
            throw APIError.fieldRequired("content", detail: "A comment needs content.raw.")
        }
        repository.pullRequests[index].comments[position].raw = raw
        repository.pullRequests[index].comments[position].updatedOn = context.now
        let pullRequest = repository.pullRequests[index]
        return context.json(context.renderer.comment(pullRequest.comments[position], on: pullRequest, in: repository))
    }

    static func deleteComment(_ context: RouteContext) throws -> MockResponse {
        let (repository, index, position) = try findComment(context)
        try requireCommentAuthor(repository.pullRequests[index].comments[position], context)
        repository.pullRequests[index].comments[position].deleted = true
        repository.pullRequests[index].comments[position].updatedOn = context.now
        return .noContent()
    }

    static func findTask(_ context: RouteContext) throws -> (MockRepository, Int, Int) {
        let (repository, index) = try PullRequestRoutes.find(context)
        guard let position = repository.pullRequests[index].tasks.firstIndex(where: { String($0.id) == context.parameter("task_id") })
        else {
            throw APIError.notFound("Task not found")
        }
        return (repository, index, position)
    }

    static func listTasks(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        let pullRequest = repository.pullRequests[index]
        var tasks = pullRequest.tasks.map { context.renderer.task($0, on: pullRequest, in: repository) }
        tasks = try filterAndSort(tasks, request: context.request)
        return context.json(try Pagination(context.request).numberedPage(tasks))
    }

    static func createTask(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try PullRequestRoutes.find(context)
        let body = try context.jsonBody()
        guard let raw = body.value(atPath: "content.raw")?.stringValue, !raw.isEmpty else {
            throw APIError.fieldRequired("content", detail: "A task needs content.raw.")
        }
        let commentID = body.value(atPath: "comment.id")?.intValue
        if let commentID, !repository.pullRequests[index].comments.contains(where: { $0.id == commentID }) {
            throw APIError(400, "Bad request", detail: "comment: Comment \(commentID) does not exist.",
                fields: JSONObject([("comment", .array([.string("Comment \(commentID) does not exist.")]))]))
        }
        let task = MockTask(
            id: TaskIDs.next(in: repository), creatorUUID: try context.actor().uuid, raw: raw, createdOn: context.now,
            updatedOn: context.now, resolvedByUUID: nil, resolvedOn: nil, commentID: commentID,
            pending: body["pending"]?.boolValue ?? false)
        repository.pullRequests[index].tasks.append(task)
        let pullRequest = repository.pullRequests[index]
        var response = context.json(context.renderer.task(task, on: pullRequest, in: repository), status: 201)
        response.setHeader("Location", "\(context.renderer.pullRequestAPI(pullRequest, in: repository))/tasks/\(task.id)")
        return response
    }

    /// `content.raw` and `state` (RESOLVED or UNRESOLVED) change; the others stay.
    static func updateTask(_ context: RouteContext) throws -> MockResponse {
        let (repository, index, position) = try findTask(context)
        let body = try context.jsonBody()
        var task = repository.pullRequests[index].tasks[position]
        if let raw = body.value(atPath: "content.raw")?.stringValue { task.raw = raw }
        if let state = body["state"]?.stringValue {
            switch state.uppercased() {
            case "RESOLVED":
                if task.resolvedOn == nil {
                    task.resolvedOn = context.now
                    task.resolvedByUUID = try context.actor().uuid
                }
            case "UNRESOLVED":
                task.resolvedOn = nil
                task.resolvedByUUID = nil
            default:
                throw APIError(400, "Bad request", detail: "state: \"\(state)\" is not a valid choice.",
                    fields: JSONObject([("state", .array([.string("\"\(state)\" is not a valid choice.")]))]))
            }
        }
        task.updatedOn = context.now
        repository.pullRequests[index].tasks[position] = task
        let pullRequest = repository.pullRequests[index]
        return context.json(context.renderer.task(task, on: pullRequest, in: repository))
    }
}

/// Task ids are unique across a repository's pull requests, as Bitbucket's are.
enum TaskIDs {
    static func next(in repository: MockRepository) -> Int {
        (repository.pullRequests.flatMap(\.tasks).map(\.id).max() ?? 200_000) + 1
    }
}

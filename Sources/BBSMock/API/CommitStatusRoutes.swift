import Foundation

/// Build statuses of commits, and of a pull request's source commit. The OpenAPI document asks for
/// `repository` (`read:repository:bitbucket`) even to report a status, and `pullrequest` to list a pull
/// request's statuses; the mock follows it.
enum CommitStatusRoutes {
    static let commitBase = RepositoryRoutes.repositoryPath + "/commit/{commit}/statuses"

    static let routes: [Route] = [
        Route("GET", commitBase, scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            return try page(repository.statuses(of: try commit(context, repository)), context: context, repository: repository)
        },
        Route("POST", commitBase + "/build", scope: .repository, create),
        Route("GET", commitBase + "/build/{key}", scope: .repository, publicRepositoryRead: true) { context in
            let (repository, index) = try find(context)
            return context.json(context.renderer.commitStatus(repository.commitStatuses[index], in: repository))
        },
        Route("PUT", commitBase + "/build/{key}", scope: .repository, update),
        Route("GET", PullRequestRoutes.base + "/{id}/statuses", scope: .pullRequest, publicRepositoryRead: true) { context in
            let (repository, index) = try PullRequestRoutes.find(context)
            let statuses = sourceCommit(of: repository.pullRequests[index], in: repository).map(repository.statuses(of:)) ?? []
            return try page(statuses, context: context, repository: repository)
        },
    ]

    /// The commit a pull request's statuses belong to: the frozen source commit of a closed one, the
    /// source branch head of an open one.
    static func sourceCommit(of pullRequest: MockPullRequest, in repository: MockRepository) -> String? {
        pullRequest.sourceCommit ?? (try? repository.content.resolve(pullRequest.sourceBranch)) ?? nil
    }

    static func commit(_ context: RouteContext, _ repository: MockRepository) throws -> String {
        guard let hash = try repository.content.resolve(context.parameter("commit")), try repository.content.commit(hash) != nil
        else {
            throw APIError.notFound("Commit not found")
        }
        return hash
    }

    static func find(_ context: RouteContext) throws -> (MockRepository, Int) {
        let repository = try context.repository()
        let hash = try commit(context, repository)
        let key = context.parameter("key")
        guard let index = repository.commitStatuses.firstIndex(where: { $0.commitHash == hash && $0.key == key }) else {
            throw APIError.notFound("Build status \(key) not found")
        }
        return (repository, index)
    }

    /// Oldest first; `refname` filters, and `q`/`sort` work as elsewhere.
    static func page(_ statuses: [MockCommitStatus], context: RouteContext, repository: MockRepository) throws -> MockResponse {
        var statuses = statuses
        if let refname = context.request.queryValue("refname") { statuses = statuses.filter { $0.refname == refname } }
        return context.json(try Pagination(context.request).numberedPage(of: statuses) {
            context.renderer.commitStatus($0, in: repository)
        })
    }

    /// Creates the status, or overwrites the commit's status with the same key.
    static func create(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let hash = try commit(context, repository)
        let body = try context.jsonBody()
        guard let key = body["key"]?.stringValue, !key.isEmpty else { throw APIError.fieldRequired("key") }
        let existing = repository.commitStatuses.first { $0.commitHash == hash && $0.key == key }
        let draft = existing ?? MockCommitStatus(commitHash: hash, key: key, state: "", createdOn: context.now)
        if existing == nil, body["state"]?.stringValue == nil { throw APIError.fieldRequired("state") }
        let status = repository.putStatus(try apply(body, to: draft, now: context.now))
        var response = context.json(context.renderer.commitStatus(status, in: repository), status: 201)
        response.setHeader(
            "Location", "\(context.renderer.repositoryAPI(repository))/commit/\(hash)/statuses/build/\(Renderer.pathEscaped(key))")
        return response
    }

    static func update(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try find(context)
        var status = try apply(try context.jsonBody(), to: repository.commitStatuses[index], now: context.now)
        // The key names the status in the path; a body may not move it.
        status.key = repository.commitStatuses[index].key
        repository.commitStatuses[index] = status
        return context.json(context.renderer.commitStatus(status, in: repository))
    }

    static func apply(_ body: JSON, to status: MockCommitStatus, now: Date) throws -> MockCommitStatus {
        guard body.objectValue != nil else { throw APIError.badRequest("Bad request", detail: "Expected a JSON object.") }
        var status = status
        if let state = body["state"]?.stringValue {
            guard MockCommitStatus.states.contains(state.uppercased()) else {
                let message = "\"\(state)\" is not a valid choice (\(MockCommitStatus.states.joined(separator: ", ")))."
                throw APIError(400, "Bad request", detail: .string(message), fields: JSONObject([("state", [.string(message)])]))
            }
            status.state = state.uppercased()
        }
        if let name = body["name"]?.stringValue { status.name = name }
        if let url = body["url"]?.stringValue { status.url = url }
        if let description = body["description"]?.stringValue { status.description = description }
        if let refname = body["refname"] { status.refname = refname.stringValue }
        status.updatedOn = now
        return status
    }
}

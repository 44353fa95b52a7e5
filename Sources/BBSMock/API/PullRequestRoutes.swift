import Foundation

enum PullRequestRoutes {
    static let base = RepositoryRoutes.repositoryPath + "/pullrequests"
    /// Bitbucket caps pull request pages at 50 and answers 400 "Invalid pagelen" above that.
    static let maximumPageLength = 50

    static let routes: [Route] = [
        Route("GET", base, scope: .pullRequest, publicRepositoryRead: true, list),
        Route("POST", base, scope: .pullRequestWrite, PullRequestActions.create),
        Route("GET", base + "/{id}", scope: .pullRequest, publicRepositoryRead: true) { context in
            let (repository, index) = try find(context)
            return context.json(context.renderer.pullRequest(repository.pullRequests[index], in: repository, detailed: true))
        },
        Route("POST", base + "/{id}/approve", scope: .pullRequestWrite, PullRequestActions.approve),
        Route("DELETE", base + "/{id}/approve", scope: .pullRequestWriteOnly, PullRequestActions.unapprove),
        Route("POST", base + "/{id}/merge", scope: .pullRequestWrite, PullRequestActions.merge),
        Route("POST", base + "/{id}/decline", scope: .pullRequestWrite, PullRequestActions.decline),
        Route("GET", base + "/{id}/comments", scope: .pullRequest, publicRepositoryRead: true, listComments),
        Route("POST", base + "/{id}/comments", scope: .pullRequest, PullRequestActions.comment),
        Route("GET", base + "/{id}/comments/{comment_id}", scope: .pullRequest, publicRepositoryRead: true) { context in
            let (repository, index) = try find(context)
            let pullRequest = repository.pullRequests[index]
            guard let comment = pullRequest.comments.first(where: { String($0.id) == context.parameter("comment_id") }) else {
                throw APIError.notFound("Comment not found")
            }
            return context.json(context.renderer.comment(comment, on: pullRequest, in: repository))
        },
    ]

    static func find(_ context: RouteContext) throws -> (MockRepository, Int) {
        let repository = try context.repository()
        guard let id = Int(context.parameter("id")), let index = repository.pullRequestIndex(id) else {
            throw APIError.notFound("Pull request not found")
        }
        return (repository, index)
    }

    /// Only OPEN pull requests unless `state` says otherwise (repeatable), newest first.
    static func list(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let pagination = Pagination(context.request, maximumLength: maximumPageLength)
        _ = try pagination.pageLength()
        var states: Set<MockPullRequest.State> = []
        for text in context.request.queryValues("state") {
            guard let state = MockPullRequest.State(rawValue: text.uppercased()) else {
                throw APIError.badRequest("Invalid state", detail: "\(text) is not one of OPEN, MERGED, DECLINED, SUPERSEDED.")
            }
            states.insert(state)
        }
        if states.isEmpty { states = [.open] }
        let pullRequests = repository.pullRequests.filter { states.contains($0.state) }.sorted { $0.id > $1.id }
        // Reviewers and participants only when `fields` asks for them, as on Bitbucket.
        let fields = context.request.queryValue("fields") ?? ""
        let detailed = fields.contains("reviewers") || fields.contains("participants") || fields.contains("*")
        return context.json(try pagination.numberedPage(of: pullRequests) {
            context.renderer.pullRequest($0, in: repository, detailed: detailed)
        })
    }

    static func listComments(_ context: RouteContext) throws -> MockResponse {
        let (repository, index) = try find(context)
        let pullRequest = repository.pullRequests[index]
        return context.json(try Pagination(context.request).numberedPage(of: pullRequest.comments) {
            context.renderer.comment($0, on: pullRequest, in: repository)
        })
    }
}

import Foundation

enum CommitRoutes {
    static let base = RepositoryRoutes.repositoryPath

    static let routes: [Route] = [
        Route("GET", base + "/commits", scope: .repository, publicRepositoryRead: true) { context in
            try list(context, revision: nil)
        },
        Route("GET", base + "/commits/{revision*}", scope: .repository, publicRepositoryRead: true) { context in
            try list(context, revision: context.parameter("revision"))
        },
        Route("GET", base + "/commit/{commit}", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let revision = context.parameter("commit")
            guard let hash = try repository.content.resolve(revision), let commit = try repository.content.commit(hash) else {
                throw APIError.notFound("Commit not found")
            }
            return context.json(context.renderer.commit(commit, in: repository))
        },
    ]

    /// History in iterator style: `include`/`exclude` (repeatable) as on Bitbucket, 30 per page by default.
    static func list(_ context: RouteContext, revision: String?) throws -> MockResponse {
        let repository = try context.repository()
        let content = repository.content
        func resolveAll(_ revisions: [String]) throws -> [String] {
            try revisions.map { name in
                guard let hash = try content.resolve(name) else { throw APIError.notFound("Commit not found: \(name)") }
                return hash
            }
        }
        var include = try resolveAll(context.request.queryValues("include"))
        if let revision, !revision.isEmpty { include += try resolveAll([revision]) }
        let exclude = try resolveAll(context.request.queryValues("exclude"))
        let commits = try content.log(include: include, exclude: exclude)
        let page = try Pagination(context.request, defaultLength: 30).iteratorPage(
            commits, key: \.hash, render: { context.renderer.commit($0, in: repository) })
        return context.json(page)
    }
}

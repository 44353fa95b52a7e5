import Foundation

enum RepositoryRoutes {
    static let repositoryPath = "/2.0/repositories/{workspace}/{repo_slug}"

    static let routes: [Route] = [
        Route("GET", "/2.0/repositories/{workspace}", scope: .repository, anonymous: true, list),
        Route("GET", repositoryPath, scope: .repository, publicRepositoryRead: true) { context in
            context.json(context.renderer.repository(try context.repository()))
        },
        Route("POST", repositoryPath, scope: .repositoryAdmin, create),
        Route("PUT", repositoryPath, scope: .repositoryAdmin, create),
        Route("DELETE", repositoryPath, scope: .repositoryDelete) { context in
            let repository = try context.repository()
            context.state.repositories.removeAll { $0 === repository }
            return .noContent()
        },
    ]

    static func list(_ context: RouteContext) throws -> MockResponse {
        let slug = context.parameter("workspace")
        guard let workspace = context.state.workspace(slug) else {
            throw APIError.notFound("No workspace with identifier '\(slug)'.")
        }
        // Anonymous callers see the public repositories only, as on Bitbucket.
        let repositories = context.state.repositories.filter {
            $0.workspace == workspace.slug && (context.credential != nil || !$0.isPrivate)
        }
        return context.json(try Pagination(context.request).numberedPage(of: repositories, render: context.renderer.repository))
    }

    static func create(_ context: RouteContext) throws -> MockResponse {
        let workspaceSlug = context.parameter("workspace")
        let slug = context.parameter("repo_slug").lowercased()
        guard let workspace = context.state.workspace(workspaceSlug) else {
            throw APIError.notFound("No workspace with identifier '\(workspaceSlug)'.")
        }
        guard !slug.isEmpty, slug.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw APIError.badRequest("Invalid repository slug", detail: "Slugs may contain letters, digits, '-', '_' and '.'.")
        }
        let body = try context.jsonBody()
        if context.state.repository(workspace.slug, slug) != nil {
            if context.request.method == "PUT" { return try update(context, body: body) }
            throw APIError.badRequest("Repository with this Slug and Owner already exists.")
        }
        if let scm = body["scm"]?.stringValue, scm != "git" {
            throw APIError(400, "Bad request", fields: JSONObject([("scm", ["Only git repositories are supported."])]))
        }
        let projectKey = body.value(atPath: "project.key")?.stringValue ?? workspace.projects.first?.key
        if let key = projectKey, workspace.project(key: key) == nil {
            throw APIError(400, "Bad request", fields: JSONObject([("project", ["Project '\(key)' does not exist."])]))
        }
        let repository = MockRepository(
            workspace: workspace.slug, slug: slug, name: body["name"]?.stringValue ?? slug,
            description: body["description"]?.stringValue ?? "", isPrivate: body["is_private"]?.boolValue ?? true,
            projectKey: projectKey, language: body["language"]?.stringValue ?? "",
            mainBranch: body.value(atPath: "mainbranch.name")?.stringValue ?? "main", createdOn: context.now,
            content: context.state.contentFactory())
        apply(body, to: repository)
        context.state.repositories.append(repository)
        var response = context.json(context.renderer.repository(repository), status: 200)
        response.setHeader("Location", context.renderer.repositoryAPI(repository))
        return response
    }

    private static func update(_ context: RouteContext, body: JSON) throws -> MockResponse {
        let repository = try context.repository()
        if let name = body["name"]?.stringValue { repository.name = name }
        if let description = body["description"]?.stringValue { repository.description = description }
        if let isPrivate = body["is_private"]?.boolValue { repository.isPrivate = isPrivate }
        if let language = body["language"]?.stringValue { repository.language = language }
        apply(body, to: repository)
        repository.updatedOn = context.now
        return context.json(context.renderer.repository(repository))
    }

    private static func apply(_ body: JSON, to repository: MockRepository) {
        if let policy = body["fork_policy"]?.stringValue { repository.forkPolicy = policy }
        if let issues = body["has_issues"]?.boolValue { repository.hasIssues = issues }
        if let wiki = body["has_wiki"]?.boolValue { repository.hasWiki = wiki }
    }
}

import Foundation

/// Users, workspace members, projects and permission listings.
///
/// The mock has no permission model of its own: every user account is a member of every workspace, the
/// first user (the fixture's first) is its owner and admin of its repositories, everyone else has
/// `write`. That is enough for audit scripts to find the shapes Bitbucket sends.
enum WorkspaceRoutes {
    static let base = "/2.0/workspaces/{workspace}"

    static let routes: [Route] = [
        Route("GET", "/2.0/users/{selected_user}", scope: .user, anonymous: true) { context in
            guard let account = context.state.account(selector: context.parameter("selected_user")) else {
                throw APIError.notFound("\(context.parameter("selected_user")) is not a valid user")
            }
            return context.json(context.renderer.fullAccount(account))
        },
        Route("GET", base + "/members", scope: .workspaceMembers) { context in
            let workspace = try workspace(context)
            return context.json(try Pagination(context.request, defaultLength: 50).numberedPage(of: members(context.state)) {
                context.renderer.membership($0, in: workspace)
            })
        },
        Route("GET", base + "/members/{member}", scope: .workspaceMembers) { context in
            let workspace = try workspace(context)
            guard let account = context.state.account(selector: context.parameter("member")),
                members(context.state).contains(account)
            else {
                throw APIError.notFound("\(context.parameter("member")) is not a member of this workspace")
            }
            return context.json(context.renderer.membership(account, in: workspace))
        },
        Route("GET", base + "/projects", scope: .project) { context in
            let workspace = try workspace(context)
            let projects = workspace.projects.map { context.renderer.fullProject($0, workspace: workspace) }
            return context.json(try Pagination(context.request).numberedPage(try filterAndSort(projects, request: context.request)))
        },
        Route("GET", base + "/projects/{project_key}", scope: .project) { context in
            let workspace = try workspace(context)
            guard let project = workspace.project(key: context.parameter("project_key")) else {
                throw APIError.notFound("Project \(context.parameter("project_key")) not found")
            }
            return context.json(context.renderer.fullProject(project, workspace: workspace))
        },
        Route("GET", base + "/permissions/repositories", scope: .workspaceRepositoryPermissions) { context in
            let workspace = try workspace(context)
            let repositories = context.state.repositories.filter { $0.workspace == workspace.slug }
            let entries = repositories.flatMap { repository in
                members(context.state).map { context.renderer.repositoryPermission($0, repository, permission(of: $0, context.state)) }
            }
            return context.json(try Pagination(context.request).numberedPage(try filterAndSort(entries, request: context.request)))
        },
        Route("GET", base + "/permissions/repositories/{repo_slug}", scope: .repository) { context in
            let repository = try context.repository()
            let entries = members(context.state).map {
                context.renderer.repositoryPermission($0, repository, permission(of: $0, context.state))
            }
            return context.json(try Pagination(context.request).numberedPage(try filterAndSort(entries, request: context.request)))
        },
        Route("GET", RepositoryRoutes.repositoryPath + "/permissions-config/users", scope: .repositoryAdminRead) { context in
            let repository = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: members(context.state)) {
                context.renderer.repositoryUserPermission($0, repository, permission(of: $0, context.state))
            })
        },
        Route("GET", RepositoryRoutes.repositoryPath + "/permissions-config/users/{selected_user_id}", scope: .repositoryAdminRead) {
            context in
            let repository = try context.repository()
            guard let account = context.state.account(selector: context.parameter("selected_user_id")),
                members(context.state).contains(account)
            else {
                throw APIError.notFound("No explicit permission for \(context.parameter("selected_user_id"))")
            }
            return context.json(context.renderer.repositoryUserPermission(account, repository, permission(of: account, context.state)))
        },
    ]

    static func workspace(_ context: RouteContext) throws -> MockWorkspace {
        guard let workspace = context.state.workspace(context.parameter("workspace")) else {
            throw APIError.notFound("No workspace with identifier '\(context.parameter("workspace"))'.")
        }
        return workspace
    }

    /// People, not token bots: an access token's bot user is no workspace member on Bitbucket.
    static func members(_ state: MockState) -> [MockAccount] { state.accounts.filter { $0.kind == .user } }

    static func permission(of account: MockAccount, _ state: MockState) -> String {
        members(state).first == account ? "admin" : "write"
    }
}

extension Renderer {
    func membership(_ account: MockAccount, in workspace: MockWorkspace) -> JSON {
        [
            "type": "workspace_membership",
            "user": self.account(account),
            "workspace": self.workspace(workspace),
            "links": ["self": link("\(api)/workspaces/\(workspace.slug)/members/\(Renderer.pathEscaped(account.uuid))")],
        ]
    }

    func fullProject(_ project: MockProject, workspace: MockWorkspace) -> JSON {
        guard case .object(var object) = self.project(project, workspace: workspace.slug) else { return .null }
        object["description"] = .string(project.description)
        object["is_private"] = .bool(project.isPrivate)
        object["created_on"] = .string(Timestamps.objectStyle(project.createdOn))
        object["updated_on"] = .string(Timestamps.objectStyle(project.createdOn))
        object["owner"] = workspaceOwner(workspace.slug)
        object["workspace"] = condensedWorkspace(workspace.slug)
        object["has_publicly_visible_repos"] = .bool(
            state.repositories.contains { $0.workspace == workspace.slug && $0.projectKey == project.key && !$0.isPrivate })
        if case .object(var links)? = object["links"] {
            links["repositories"] = link("\(api)/repositories/\(workspace.slug)?q=project.key%3D%22\(project.key)%22")
            object["links"] = .object(links)
        }
        return .object(object)
    }

    func repositoryPermission(_ account: MockAccount, _ repository: MockRepository, _ permission: String) -> JSON {
        ["type": "repository_permission", "permission": .string(permission), "user": self.account(account),
         "repository": condensedRepository(repository)]
    }

    func repositoryUserPermission(_ account: MockAccount, _ repository: MockRepository, _ permission: String) -> JSON {
        [
            "type": "repository_user_permission", "permission": .string(permission), "user": self.account(account),
            "repository": condensedRepository(repository),
            "links": ["self": link("\(repositoryAPI(repository))/permissions-config/users/\(Renderer.pathEscaped(account.uuid))")],
        ]
    }
}

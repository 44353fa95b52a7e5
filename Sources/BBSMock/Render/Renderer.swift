import Foundation

/// Builds Bitbucket's JSON representations. Every link is absolute and points at this mock, using the
/// origin the client reached it by.
struct Renderer {
    let origin: String
    let state: MockState

    var api: String { origin + "/2.0" }

    func link(_ href: String) -> JSON { ["href": .string(href)] }

    func repositoryAPI(_ repository: MockRepository) -> String {
        "\(api)/repositories/\(repository.workspace)/\(repository.slug)"
    }

    func repositoryHTML(_ repository: MockRepository) -> String { "\(origin)/\(repository.workspace)/\(repository.slug)" }

    static func pathEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? text
    }

    static func rendered(_ raw: String) -> JSON {
        let escaped = raw.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return ["type": "rendered", "raw": .string(raw), "markup": "markdown",
                "html": .string(raw.isEmpty ? "" : "<p>\(escaped)</p>")]
    }

    func account(_ account: MockAccount) -> JSON {
        var object = JSONObject([
            ("display_name", .string(account.displayName)),
            ("links", [
                "self": link("\(api)/users/\(Renderer.pathEscaped(account.uuid))"),
                "avatar": link("\(origin)/account/\(account.nickname)/avatar/"),
                "html": link("\(origin)/\(Renderer.pathEscaped(account.uuid))/"),
            ]),
            ("type", .string(account.kind.rawValue)),
            ("uuid", .string(account.uuid)),
        ])
        switch account.kind {
        case .team:
            object["username"] = .string(account.nickname)
        case .user, .appUser:
            object["account_id"] = .string(account.accountID)
            object["nickname"] = .string(account.nickname)
        }
        return .object(object)
    }

    /// Authors whose account is unknown are shown the way Bitbucket shows a departed user.
    func account(uuid: String) -> JSON {
        if let known = state.account(uuid: uuid) { return account(known) }
        return ["display_name": "Former user", "type": "user", "uuid": .string(uuid), "links": [:]]
    }

    func fullAccount(_ account: MockAccount) -> JSON {
        guard case .object(var object) = self.account(account) else { return self.account(account) }
        object["created_on"] = .string(Timestamps.objectStyle(account.createdOn))
        object["account_status"] = "active"
        if account.kind == .user {
            object["has_2fa_enabled"] = .bool(false)
            object["is_staff"] = .bool(false)
            object["location"] = .null
        }
        if account.kind == .appUser { object["kind"] = "access_token" }
        return .object(object)
    }

    func workspace(_ workspace: MockWorkspace) -> JSON {
        let base = "\(api)/workspaces/\(workspace.slug)"
        return [
            "type": "workspace",
            "uuid": .string(workspace.uuid),
            "name": .string(workspace.name),
            "slug": .string(workspace.slug),
            "is_private": .bool(workspace.isPrivate),
            "is_privacy_enforced": false,
            "forking_mode": "allow_forks",
            "created_on": .string(Timestamps.objectStyle(workspace.createdOn)),
            "updated_on": .string(Timestamps.objectStyle(workspace.createdOn)),
            "links": [
                "avatar": link("\(origin)/workspaces/\(workspace.slug)/avatar/"),
                "hooks": link("\(base)/hooks"),
                "html": link("\(origin)/\(workspace.slug)/"),
                "html_overview": link("\(origin)/\(workspace.slug)/workspace/overview/"),
                "members": link("\(base)/members"),
                "owners": link("\(base)/members?q=permission%3D%22owner%22"),
                "projects": link("\(base)/projects"),
                "repositories": link("\(api)/repositories/\(workspace.slug)"),
                "snippets": link("\(api)/snippets/\(workspace.slug)"),
                "self": link(base),
            ],
        ]
    }

    func workspaceBase(_ workspace: MockWorkspace) -> JSON {
        [
            "type": "workspace_base",
            "uuid": .string(workspace.uuid),
            "slug": .string(workspace.slug),
            "links": [
                "avatar": link("\(origin)/workspaces/\(workspace.slug)/avatar/"),
                "self": link("\(api)/workspaces/\(workspace.slug)"),
            ],
        ]
    }

    func condensedWorkspace(_ slug: String) -> JSON {
        let workspace = state.workspace(slug)
        return [
            "type": "workspace",
            "uuid": .string(workspace?.uuid ?? StableID.uuid("workspace:" + slug)),
            "name": .string(workspace?.name ?? slug),
            "slug": .string(slug),
            "links": [
                "avatar": link("\(origin)/workspaces/\(slug)/avatar/"),
                "html": link("\(origin)/\(slug)/"),
                "self": link("\(api)/workspaces/\(slug)"),
            ],
        ]
    }

    func workspaceOwner(_ slug: String) -> JSON {
        let workspace = state.workspace(slug)
        return [
            "display_name": .string(workspace?.name ?? slug),
            "links": [
                "self": link("\(api)/workspaces/\(slug)"),
                "avatar": link("\(origin)/account/\(slug)/avatar/"),
                "html": link("\(origin)/\(slug)/"),
            ],
            "type": "team",
            "uuid": .string(workspace?.uuid ?? StableID.uuid("workspace:" + slug)),
            "username": .string(slug),
        ]
    }

    func project(_ project: MockProject, workspace: String) -> JSON {
        [
            "type": "project",
            "key": .string(project.key),
            "uuid": .string(project.uuid),
            "name": .string(project.name),
            "links": [
                "self": link("\(api)/workspaces/\(workspace)/projects/\(project.key)"),
                "html": link("\(origin)/\(workspace)/workspace/projects/\(project.key)"),
                "avatar": link("\(origin)/\(workspace)/workspace/projects/\(project.key)/avatar"),
            ],
        ]
    }

    func condensedRepository(_ repository: MockRepository) -> JSON {
        [
            "type": "repository",
            "full_name": .string(repository.fullName),
            "links": [
                "self": link(repositoryAPI(repository)),
                "html": link(repositoryHTML(repository)),
                "avatar": link("\(origin)/\(repository.fullName)/avatar/32/"),
            ],
            "name": .string(repository.name),
            "uuid": .string(repository.uuid),
        ]
    }

    func repository(_ repository: MockRepository) -> JSON {
        let self_ = repositoryAPI(repository)
        var object = JSONObject([
            ("type", "repository"),
            ("full_name", .string(repository.fullName)),
            ("links", [
                "self": link(self_),
                "html": link(repositoryHTML(repository)),
                "avatar": link("\(origin)/\(repository.fullName)/avatar/32/"),
                "pullrequests": link("\(self_)/pullrequests"),
                "commits": link("\(self_)/commits"),
                "forks": link("\(self_)/forks"),
                "watchers": link("\(self_)/watchers"),
                "branches": link("\(self_)/refs/branches"),
                "tags": link("\(self_)/refs/tags"),
                "downloads": link("\(self_)/downloads"),
                "source": link("\(self_)/src"),
                "clone": [
                    ["name": "https", "href": .string("\(origin)/\(repository.fullName).git")],
                    ["name": "ssh", "href": .string("git@\(Renderer.host(of: origin)):\(repository.fullName).git")],
                ],
                "hooks": link("\(self_)/hooks"),
            ]),
            ("name", .string(repository.name)),
            ("slug", .string(repository.slug)),
            ("description", .string(repository.description)),
            ("scm", "git"),
            ("website", .null),
            ("owner", workspaceOwner(repository.workspace)),
            ("workspace", condensedWorkspace(repository.workspace)),
            ("is_private", .bool(repository.isPrivate)),
        ])
        if let key = repository.projectKey, let project = state.workspace(repository.workspace)?.project(key: key) {
            object["project"] = self.project(project, workspace: repository.workspace)
        }
        object["fork_policy"] = .string(repository.forkPolicy)
        object["created_on"] = .string(Timestamps.objectStyle(repository.createdOn))
        object["updated_on"] = .string(Timestamps.objectStyle(repository.updatedOn))
        object["size"] = .int(repository.size)
        object["language"] = .string(repository.language)
        object["uuid"] = .string(repository.uuid)
        object["mainbranch"] = ["name": .string(repository.mainBranch), "type": "branch"]
        // A fork names its parent; any other repository sends an explicit null, as Bitbucket does.
        object["parent"] = repository.parentFullName.flatMap { name in
            state.repositories.first { $0.fullName == name }.map(condensedRepository)
        } ?? .null
        object["override_settings"] = ["default_merge_strategy": true, "branching_model": true]
        object["has_issues"] = .bool(repository.hasIssues)
        object["has_wiki"] = .bool(repository.hasWiki)
        object["enforced_signed_commits"] = .null
        return .object(object)
    }

    static func host(of origin: String) -> String {
        let withoutScheme = origin.components(separatedBy: "://").last ?? origin
        return withoutScheme.split(separator: ":").first.map(String.init) ?? withoutScheme
    }
}

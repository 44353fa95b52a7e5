import Foundation

/// Default reviewers, the branching model, downloads and forks of a repository.
enum RepositorySettingsRoutes {
    static let base = RepositoryRoutes.repositoryPath

    static let routes: [Route] = [
        Route("GET", base + "/default-reviewers", scope: .pullRequest) { context in
            let repository = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: repository.defaultReviewerUUIDs) {
                context.renderer.account(uuid: $0)
            })
        },
        Route("GET", base + "/default-reviewers/{target_username}", scope: .pullRequest) { context in
            let (repository, account) = try defaultReviewer(context)
            guard repository.defaultReviewerUUIDs.contains(account.uuid) else {
                throw APIError.notFound("\(context.parameter("target_username")) is not a default reviewer")
            }
            return context.json(context.renderer.account(account))
        },
        Route("PUT", base + "/default-reviewers/{target_username}", scope: .repositoryAdmin) { context in
            let (repository, account) = try defaultReviewer(context)
            if !repository.defaultReviewerUUIDs.contains(account.uuid) { repository.defaultReviewerUUIDs.append(account.uuid) }
            return context.json(context.renderer.account(account))
        },
        Route("DELETE", base + "/default-reviewers/{target_username}", scope: .repositoryAdmin) { context in
            let (repository, account) = try defaultReviewer(context)
            guard repository.defaultReviewerUUIDs.contains(account.uuid) else {
                throw APIError.notFound("\(context.parameter("target_username")) is not a default reviewer")
            }
            repository.defaultReviewerUUIDs.removeAll { $0 == account.uuid }
            return .noContent()
        },
        // The mock has no project-level default reviewers, so every entry is the repository's own.
        Route("GET", base + "/effective-default-reviewers", scope: .pullRequest) { context in
            let repository = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: repository.defaultReviewerUUIDs) {
                ["type": "default_reviewer_and_type", "reviewer_type": "repository", "user": context.renderer.account(uuid: $0)]
            })
        },
        Route("GET", base + "/branching-model", scope: .repository, publicRepositoryRead: true) { context in
            context.json(branchingModel(try context.repository(), context: context, type: "branching_model"))
        },
        Route("GET", base + "/effective-branching-model", scope: .repository, publicRepositoryRead: true) { context in
            context.json(branchingModel(try context.repository(), context: context, type: "effective_repo_branching_model"))
        },
        Route("GET", base + "/downloads", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let files = repository.downloads.sorted { $0.createdOn > $1.createdOn }
            return context.json(try Pagination(context.request).numberedPage(of: files) { context.renderer.download($0, in: repository) })
        },
        Route("POST", base + "/downloads", scope: .repositoryWriteOnly, upload),
        Route("GET", base + "/downloads/{filename*}", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            guard let file = repository.downloads.first(where: { $0.name == context.parameter("filename") }) else {
                throw APIError.notFound("No such download: \(context.parameter("filename"))")
            }
            return MockResponse(status: 200, headers: [
                ("Content-Type", MimeTypes.forPath(file.name) ?? "application/octet-stream"),
                ("Content-Disposition", "attachment; filename=\"\(file.name)\""),
            ], body: file.data)
        },
        Route("DELETE", base + "/downloads/{filename*}", scope: .repositoryWriteOnly) { context in
            let repository = try context.repository()
            guard repository.downloads.contains(where: { $0.name == context.parameter("filename") }) else {
                throw APIError.notFound("No such download: \(context.parameter("filename"))")
            }
            repository.downloads.removeAll { $0.name == context.parameter("filename") }
            return .noContent()
        },
        Route("GET", base + "/forks", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let forks = context.state.repositories.filter { $0.parentFullName == repository.fullName }
            return context.json(try Pagination(context.request).numberedPage(of: forks, render: context.renderer.repository))
        },
        Route("POST", base + "/forks", scope: .repositoryWriteRead, fork),
    ]

    /// A copy of the repository (same commits and hashes, branches and tags) in `workspace.slug` (default:
    /// the same workspace) named `name` (default: the same name, so another workspace is then needed).
    static func fork(_ context: RouteContext) throws -> MockResponse {
        let source = try context.repository()
        let body = try context.jsonBody()
        let workspaceSlug = body.value(atPath: "workspace.slug")?.stringValue ?? source.workspace
        guard let workspace = context.state.workspace(workspaceSlug) else {
            throw APIError(400, "Bad request", detail: "workspace: No workspace with identifier '\(workspaceSlug)'.",
                fields: JSONObject([("workspace", .array([.string("No workspace with identifier '\(workspaceSlug)'.")]))]))
        }
        let name = body["name"]?.stringValue ?? source.name
        let slug = name.lowercased().map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" }.reduce(into: "") { $0.append($1) }
        if source.forkPolicy == "no_forks" { throw APIError.badRequest("Forking is disabled for this repository.") }
        if context.state.repository(workspace.slug, slug) != nil {
            throw APIError(400, "Bad request", detail: "name: Repository with this Slug and Owner already exists.",
                fields: JSONObject([("name", ["Repository with this Slug and Owner already exists."])]))
        }
        let fork = MockRepository(
            workspace: workspace.slug, slug: slug, name: name, description: body["description"]?.stringValue ?? source.description,
            isPrivate: body["is_private"]?.boolValue ?? source.isPrivate, projectKey: workspace.project(key: source.projectKey ?? "")?.key
                ?? workspace.projects.first?.key,
            language: source.language, mainBranch: source.mainBranch, createdOn: context.now, content: context.state.contentFactory())
        try copyHistory(from: source.content, to: fork.content)
        fork.parentFullName = source.fullName
        context.state.repositories.append(fork)
        var response = context.json(context.renderer.repository(fork), status: 201)
        response.setHeader("Location", context.renderer.repositoryAPI(fork))
        return response
    }

    /// Replays every commit, oldest first, with the same parents, people, dates and trees, so the hashes
    /// come out the same; then the branches and tags.
    static func copyHistory(from source: any RepositoryContentSource, to target: any RepositoryContentSource) throws {
        for commit in try source.log(include: [], exclude: []).reversed() {
            let files = try source.snapshot(at: commit.hash)
            let base = try commit.parents.first.map { try source.snapshot(at: $0) } ?? [:]
            var changes: [String: Data?] = [:]
            for (path, data) in files where base[path] != data { changes[path] = data }
            for path in base.keys where files[path] == nil { changes[path] = .some(nil) }
            let written = try target.writeCommit(CommitDraft(
                parents: commit.parents, message: commit.message, author: commit.author, committer: commit.committer,
                changes: changes))
            guard written.hash == commit.hash else {
                throw ContentError.invalid("copying \(commit.hash) gave \(written.hash)")
            }
        }
        for branch in try source.branches() { try target.setBranch(branch.name, to: branch.target) }
        for tag in try source.tags() { try target.setTag(tag) }
    }

    static func defaultReviewer(_ context: RouteContext) throws -> (MockRepository, MockAccount) {
        let repository = try context.repository()
        guard let account = context.state.account(selector: context.parameter("target_username")) else {
            throw APIError(400, "Bad request", detail: "\(context.parameter("target_username")) is not a valid user")
        }
        return (repository, account)
    }

    /// Bitbucket's default model: `main` (the main branch) for production and development, and the usual
    /// prefixes, all enabled.
    static func branchingModel(_ repository: MockRepository, context: RouteContext, type: String) -> JSON {
        let head = (try? repository.content.branch(named: repository.mainBranch)) ?? nil
        let branch: JSON = head.map { context.renderer.branch($0, in: repository) } ?? .null
        let main: JSON = ["name": .string(repository.mainBranch), "branch": branch, "use_mainbranch": true]
        let prefixes: [(String, String)] = [("feature", "feature/"), ("bugfix", "bugfix/"), ("release", "release/"), ("hotfix", "hotfix/")]
        return [
            "type": .string(type),
            "development": main,
            "production": main,
            "branch_types": .array(prefixes.map { ["kind": .string($0.0), "prefix": .string($0.1)] }),
            "links": ["self": context.renderer.link("\(context.renderer.repositoryAPI(repository))/branching-model")],
        ]
    }

    /// Multipart `files` parts, as `curl -F files=@build.zip` sends them; a file of the same name is replaced.
    static func upload(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let parts = try Multipart.parts(of: context.request)
        let files = parts.filter { $0.name == "files" && $0.filename != nil }
        guard !files.isEmpty else {
            throw APIError.fieldRequired("files", detail: "Send the files as multipart/form-data parts named \"files\".")
        }
        let uploader = try context.actor().uuid
        for part in files {
            let name = part.filename ?? ""
            repository.downloads.removeAll { $0.name == name }
            repository.downloads.append(MockDownload(name: name, data: part.data, uploaderUUID: uploader, createdOn: context.now))
        }
        return MockResponse(status: 201)
    }
}

extension Renderer {
    func download(_ file: MockDownload, in repository: MockRepository) -> JSON {
        [
            "type": "download",
            "name": .string(file.name),
            "size": .int(file.data.count),
            "downloads": 0,
            "created_on": .string(Timestamps.objectStyle(file.createdOn)),
            "user": account(uuid: file.uploaderUUID),
            "links": ["self": link("\(repositoryAPI(repository))/downloads/\(Renderer.pathEscaped(file.name))")],
        ]
    }
}

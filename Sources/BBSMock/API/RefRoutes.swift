import Foundation

enum RefRoutes {
    static let base = RepositoryRoutes.repositoryPath

    static let routes: [Route] = [
        Route("GET", base + "/refs", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let branches = try repository.content.branches().map { (name: $0.name, json: context.renderer.branch($0, in: repository)) }
            let tags = try repository.content.tags().map { (name: $0.name, json: context.renderer.tag($0, in: repository)) }
            let items = (branches + tags).sorted { NaturalOrder.less($0.name, $1.name) }.map(\.json)
            return context.json(try Pagination(context.request).numberedPage(try filterAndSort(items, request: context.request)))
        },
        Route("GET", base + "/refs/branches", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: try repository.content.branches()) {
                context.renderer.branch($0, in: repository)
            })
        },
        Route("POST", base + "/refs/branches", scope: .repositoryWriteRead, createBranch),
        Route("GET", base + "/refs/branches/{name*}", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            guard let branch = try repository.content.branch(named: context.parameter("name")) else {
                throw APIError.notFound("Branch \"\(context.parameter("name"))\" does not exist.")
            }
            return context.json(context.renderer.branch(branch, in: repository))
        },
        Route("DELETE", base + "/refs/branches/{name*}", scope: .repositoryWrite) { context in
            let repository = try context.repository()
            let name = context.parameter("name")
            if name == repository.mainBranch {
                throw APIError.badRequest("Cannot delete the main branch.", detail: "Branch \"\(name)\" is the repository's main branch.")
            }
            if context.state.enforceBranchRestrictions,
                let denial = RestrictionEnforcement.pushDenial(branch: name, update: .delete, actor: context.credential?.account.uuid, in: repository)
            {
                throw APIError(403, denial)
            }
            guard try repository.content.deleteBranch(name) else {
                throw APIError.notFound("Branch \"\(name)\" does not exist.")
            }
            return .noContent()
        },
        Route("GET", base + "/refs/tags", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: try repository.content.tags()) {
                context.renderer.tag($0, in: repository)
            })
        },
        Route("POST", base + "/refs/tags", scope: .repositoryWriteRead, createTag),
        Route("GET", base + "/refs/tags/{name*}", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            guard let tag = try repository.content.tag(named: context.parameter("name")) else {
                throw APIError.notFound("Tag \"\(context.parameter("name"))\" does not exist.")
            }
            return context.json(context.renderer.tag(tag, in: repository))
        },
        Route("DELETE", base + "/refs/tags/{name*}", scope: .repositoryWrite) { context in
            guard try context.repository().content.deleteTag(context.parameter("name")) else {
                throw APIError.notFound("Tag \"\(context.parameter("name"))\" does not exist.")
            }
            return .noContent()
        },
    ]

    /// Reads `{name, target: {hash}}`, resolving short hashes; Bitbucket answers 400 for a missing name
    /// or target and for a hash it cannot resolve.
    static func refRequest(_ context: RouteContext, kind: String) throws -> (name: String, hash: String, body: JSON) {
        let body = try context.jsonBody()
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw APIError.fieldRequired("name", detail: "A \(kind) name is required.")
        }
        guard !name.hasPrefix("refs/"), !name.contains(".."), !name.hasSuffix("/"), !name.contains(" ") else {
            throw APIError.badRequest("Invalid \(kind) name", detail: "\"\(name)\" is not a valid \(kind) name.")
        }
        guard let revision = body.value(atPath: "target.hash")?.stringValue, !revision.isEmpty else {
            throw APIError.fieldRequired("target", detail: "A target commit hash is required.")
        }
        guard let hash = try context.repository().content.resolve(revision) else {
            throw APIError.badRequest("Invalid target", detail: "Commit \"\(revision)\" does not exist or is ambiguous.")
        }
        return (name, hash, body)
    }

    static func createBranch(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let (name, hash, _) = try refRequest(context, kind: "branch")
        if try repository.content.branch(named: name) != nil {
            throw APIError.badRequest("Branch \"\(name)\" already exists.")
        }
        try repository.content.setBranch(name, to: hash)
        guard let created = try repository.content.branch(named: name) else { throw APIError(500, "Branch was not created") }
        var response = context.json(context.renderer.branch(created, in: repository), status: 201)
        response.setHeader("Location", "\(context.renderer.repositoryAPI(repository))/refs/branches/\(Renderer.pathEscaped(name))")
        return response
    }

    static func createTag(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let (name, hash, body) = try refRequest(context, kind: "tag")
        let message = body["message"]?.stringValue
        let actor = try context.actor()
        let tagger = message.map { _ in GitSignature(name: actor.displayName, email: actor.email, date: context.now) }
        do {
            try repository.content.setTag(GitTag(name: name, target: hash, message: message, tagger: tagger))
        } catch ContentError.alreadyExists {
            throw APIError.badRequest("Tag \"\(name)\" already exists.")
        }
        guard let created = try repository.content.tag(named: name) else { throw APIError(500, "Tag was not created") }
        var response = context.json(context.renderer.tag(created, in: repository), status: 201)
        response.setHeader("Location", "\(context.renderer.repositoryAPI(repository))/refs/tags/\(Renderer.pathEscaped(name))")
        return response
    }
}

import Foundation

/// Comments on commits, repository watchers and a workspace's snippets: what a repository's and a
/// commit's `links` point at. The mock has no snippets, so that list is always empty.
enum CommitCommentRoutes {
    static let base = RepositoryRoutes.repositoryPath + "/commit/{commit}/comments"

    static let routes: [Route] = [
        Route("GET", base, scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let hash = try CommitStatusRoutes.commit(context, repository)
            let comments = repository.commitComments.filter { $0.commitHash == hash }.map(\.comment)
            return context.json(try Pagination(context.request).numberedPage(of: comments) {
                context.renderer.commitComment($0, on: hash, in: repository)
            })
        },
        Route("POST", base, scope: .repository) { context in
            let repository = try context.repository()
            let hash = try CommitStatusRoutes.commit(context, repository)
            let body = try context.jsonBody()
            guard let raw = body.value(atPath: "content.raw")?.stringValue, !raw.isEmpty else {
                throw APIError.fieldRequired("content", detail: "A comment needs content.raw.")
            }
            let highest = max(repository.commitComments.map(\.comment.id).max() ?? 0, CommentIDs.next(in: repository))
            let comment = MockComment(
                id: highest + 1, authorUUID: try context.actor().uuid, raw: raw, createdOn: context.now, updatedOn: context.now,
                parentID: body.value(atPath: "parent.id")?.intValue)
            repository.commitComments.append((hash, comment))
            var response = context.json(context.renderer.commitComment(comment, on: hash, in: repository), status: 201)
            response.setHeader("Location", "\(context.renderer.repositoryAPI(repository))/commit/\(hash)/comments/\(comment.id)")
            return response
        },
        Route("GET", base + "/{comment_id}", scope: .repository, publicRepositoryRead: true) { context in
            let repository = try context.repository()
            let hash = try CommitStatusRoutes.commit(context, repository)
            guard let comment = repository.commitComments.first(where: { $0.commitHash == hash && String($0.comment.id) == context.parameter("comment_id") })
            else {
                throw APIError.notFound("Comment not found")
            }
            return context.json(context.renderer.commitComment(comment.comment, on: hash, in: repository))
        },
        Route("GET", RepositoryRoutes.repositoryPath + "/watchers", scope: .repository, publicRepositoryRead: true) { context in
            _ = try context.repository()
            return context.json(try Pagination(context.request).numberedPage(of: WorkspaceRoutes.members(context.state)) {
                context.renderer.account($0)
            })
        },
        Route("GET", "/2.0/snippets/{workspace}", scope: .snippet) { context in
            _ = try WorkspaceRoutes.workspace(context)
            return context.json(try Pagination(context.request).numberedPage([]))
        },
    ]
}

extension Renderer {
    func commitComment(_ comment: MockComment, on hash: String, in repository: MockRepository) -> JSON {
        var object = JSONObject([
            ("type", "commit_comment"),
            ("id", .int(comment.id)),
            ("created_on", .string(Timestamps.objectStyle(comment.createdOn))),
            ("updated_on", .string(Timestamps.objectStyle(comment.updatedOn))),
            ("content", Renderer.rendered(comment.raw)),
            ("user", account(uuid: comment.authorUUID)),
            ("deleted", .bool(comment.deleted)),
            ("commit", commitReference(hash, in: repository)),
            ("links", [
                "self": link("\(repositoryAPI(repository))/commit/\(hash)/comments/\(comment.id)"),
                "html": link("\(repositoryHTML(repository))/commits/\(hash)#comment-\(comment.id)"),
            ]),
        ])
        if let parent = comment.parentID {
            object["parent"] = ["id": .int(parent), "links": ["self": link("\(repositoryAPI(repository))/commit/\(hash)/comments/\(parent)")]]
        }
        return .object(object)
    }
}

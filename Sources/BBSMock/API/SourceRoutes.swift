import Foundation

enum SourceRoutes {
    static let base = RepositoryRoutes.repositoryPath

    static let routes: [Route] = [
        Route("GET", base + "/src", scope: .repository, publicRepositoryRead: true, redirectToMainBranch),
        Route("POST", base + "/src", scope: .repositoryWriteOnly, SourceWrites.commit),
        Route("GET", base + "/src/{commit}/{path*}", scope: .repository, publicRepositoryRead: true, browse),
        Route("GET", base + "/filehistory/{commit}/{path*}", scope: .repository, publicRepositoryRead: true, history),
    ]

    /// The commits, newest first, that changed the file at `path` in the history of `{commit}`: one
    /// `commit_file` per commit, as a file's `links.history` promises.
    static func history(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let (hash, path) = try revisionAndPath(context, in: repository)
        let content = repository.content
        guard case .file? = try content.lookup(path, at: hash) else {
            throw APIError.notFound("No such file: \(path)")
        }
        var changes: [(commit: String, size: Int)] = []
        for commit in try content.log(include: [hash], exclude: []) {
            guard case .file(let data)? = try content.lookup(path, at: commit.hash) else { continue }
            let before = try commit.parents.first.flatMap { try content.lookup(path, at: $0) }
            if before != .file(data) { changes.append((commit.hash, data.count)) }
        }
        return context.json(try Pagination(context.request, defaultLength: 50).numberedPage(of: changes) { change in
            // The document types a history entry's `attributes` as one string, unlike `src`'s list; leave it out.
            guard case .object(var entry) = context.renderer.treeEntry(
                TreeEntryInfo(path: path, kind: .file(size: change.size)), at: change.commit, in: repository)
            else { return .null }
            entry["attributes"] = nil
            return .object(entry)
        })
    }

    /// `{commit}` and the path, where the commit may be a branch name with `/` sent unescaped
    /// (`/src/feature/x/README.md`): the longest leading run of segments that names a ref wins, as on
    /// Bitbucket.
    static func revisionAndPath(_ context: RouteContext, in repository: MockRepository) throws -> (hash: String, path: String) {
        let revision = context.parameter("commit")
        let path = context.parameter("path")
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for count in stride(from: segments.count, through: 1, by: -1) {
            let name = ([revision] + segments[..<count]).joined(separator: "/")
            if let ref = try repository.content.branch(named: name)?.target ?? repository.content.tag(named: name)?.target {
                return (ref, segments[count...].joined(separator: "/"))
            }
        }
        guard let hash = try repository.content.resolve(revision) else {
            throw APIError.notFound("Commit not found")
        }
        return (hash, path)
    }

    /// Bitbucket redirects `/src` to the root listing at the main branch's head commit.
    static func redirectToMainBranch(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        guard let head = try repository.content.branch(named: repository.mainBranch)?.target else {
            throw APIError.notFound("This repository is empty.")
        }
        let query = context.request.rawQueryString
        let location = "\(context.renderer.repositoryAPI(repository))/src/\(head)/" + (query.isEmpty ? "" : "?" + query)
        return MockResponse(status: 302, headers: [("Location", location)])
    }

    static func browse(_ context: RouteContext) throws -> MockResponse {
        let repository = try context.repository()
        let (hash, path) = try revisionAndPath(context, in: repository)
        guard let node = try repository.content.lookup(path, at: hash) else {
            throw APIError.notFound("No such file or directory: \(path)")
        }
        let wantsMeta = context.request.queryValue("format") == "meta"
        switch node {
        case .file(let data):
            let entry = TreeEntryInfo(path: path, kind: .file(size: data.count))
            if wantsMeta { return context.json(context.renderer.treeEntry(entry, at: hash, in: repository)) }
            let type = MimeTypes.forPath(path) ?? (String(data: data, encoding: .utf8) != nil ? "text/plain" : "application/octet-stream")
            return MockResponse(status: 200, headers: [
                ("Content-Type", type),
                ("Content-Disposition", "attachment; filename=\"\((path as NSString).lastPathComponent)\""),
                ("ETag", "\"\(SHA1.hex(data))\""),
            ], body: data)
        case .directory(let entries):
            if wantsMeta {
                let entry = TreeEntryInfo(path: path.trimmingCharacters(in: CharacterSet(charactersIn: "/")), kind: .directory)
                return context.json(context.renderer.treeEntry(entry, at: hash, in: repository))
            }
            return context.json(try Pagination(context.request).numberedPage(of: entries) {
                context.renderer.treeEntry($0, at: hash, in: repository)
            })
        }
    }
}

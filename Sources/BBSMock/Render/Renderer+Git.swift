import Foundation

extension Renderer {
    /// The short form Bitbucket embeds wherever a commit is only referred to (parents, PR endpoints).
    func commitReference(_ hash: String, in repository: MockRepository) -> JSON {
        [
            "type": "commit",
            "hash": .string(hash),
            "links": [
                "self": link("\(repositoryAPI(repository))/commit/\(hash)"),
                "html": link("\(repositoryHTML(repository))/commits/\(hash)"),
            ],
        ]
    }

    func author(_ signature: GitSignature) -> JSON {
        var object = JSONObject([("type", "author"), ("raw", .string(signature.raw))])
        if let known = state.account(email: signature.email) { object["user"] = account(known) }
        return .object(object)
    }

    func commit(_ commit: GitCommit, in repository: MockRepository) -> JSON {
        let self_ = "\(repositoryAPI(repository))/commit/\(commit.hash)"
        let summary = commit.message.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return [
            "type": "commit",
            "hash": .string(commit.hash),
            "date": .string(Timestamps.commitStyle(commit.committer.date)),
            "author": author(commit.author),
            "message": .string(commit.message),
            "summary": Renderer.rendered(commit.message),
            "rendered": ["message": Renderer.rendered(summary)],
            "links": [
                "self": link(self_),
                "html": link("\(repositoryHTML(repository))/commits/\(commit.hash)"),
                "diff": link("\(repositoryAPI(repository))/diff/\(commit.hash)"),
                "approve": link("\(self_)/approve"),
                "comments": link("\(self_)/comments"),
                "statuses": link("\(self_)/statuses"),
                "patch": link("\(repositoryAPI(repository))/patch/\(commit.hash)"),
            ],
            "parents": .array(commit.parents.map { commitReference($0, in: repository) }),
            "repository": condensedRepository(repository),
            // Commit approvals are not modelled, so nobody has participated.
            "participants": [],
        ]
    }

    /// The commit a ref points at, or a bare reference when the content source no longer has it.
    func target(_ hash: String, in repository: MockRepository) -> JSON {
        if let found = try? repository.content.commit(hash) { return commit(found, in: repository) }
        return commitReference(hash, in: repository)
    }

    func branch(_ branch: GitBranchRef, in repository: MockRepository) -> JSON {
        let name = Renderer.pathEscaped(branch.name)
        return [
            "name": .string(branch.name),
            "target": target(branch.target, in: repository),
            "links": [
                "self": link("\(repositoryAPI(repository))/refs/branches/\(name)"),
                "commits": link("\(repositoryAPI(repository))/commits/\(name)"),
                "html": link("\(repositoryHTML(repository))/branch/\(name)"),
            ],
            "type": "branch",
            "sync_strategies": ["merge_commit", "rebase"],
            "merge_strategies": .array(MergeStrategy.allCases.prefix(3).map { .string($0.rawValue) }),
            "default_merge_strategy": "merge_commit",
        ]
    }

    func tag(_ tag: GitTag, in repository: MockRepository) -> JSON {
        let name = Renderer.pathEscaped(tag.name)
        var object = JSONObject([
            ("name", .string(tag.name)),
            ("target", target(tag.target, in: repository)),
            ("links", [
                "self": link("\(repositoryAPI(repository))/refs/tags/\(name)"),
                "commits": link("\(repositoryAPI(repository))/commits/\(name)"),
                "html": link("\(repositoryHTML(repository))/commits/tag/\(name)"),
            ]),
            ("type", "tag"),
        ])
        // Lightweight tags carry no message, tagger or date; Bitbucket omits what it does not have.
        if let message = tag.message { object["message"] = .string(message) }
        if let tagger = tag.tagger {
            object["tagger"] = author(tagger)
            object["date"] = .string(Timestamps.commitStyle(tagger.date))
        }
        return .object(object)
    }

    func treeEntry(_ entry: TreeEntryInfo, at hash: String, in repository: MockRepository) -> JSON {
        let path = Renderer.pathEscaped(entry.path)
        let base = "\(repositoryAPI(repository))/src/\(hash)/\(path)"
        switch entry.kind {
        case .directory:
            return [
                "path": .string(entry.path),
                "commit": commitReference(hash, in: repository),
                "type": "commit_directory",
                "links": ["self": link(base + "/"), "meta": link(base + "/?format=meta")],
            ]
        case .file(let size):
            return [
                "path": .string(entry.path),
                "commit": commitReference(hash, in: repository),
                "type": "commit_file",
                "attributes": [],
                "escaped_path": .string(entry.path),
                "size": .int(size),
                "mimetype": .optional(MimeTypes.forPath(entry.path)),
                "links": [
                    "self": link(base),
                    "meta": link(base + "?format=meta"),
                    "history": link("\(repositoryAPI(repository))/filehistory/\(hash)/\(path)"),
                ],
            ]
        }
    }
}

enum MimeTypes {
    /// Bitbucket serves files with a type guessed from the extension and leaves `mimetype` null otherwise.
    static func forPath(_ path: String) -> String? {
        let ext = (path as NSString).pathExtension.lowercased()
        let known: [String: String] = [
            "md": "text/markdown", "txt": "text/plain", "json": "application/json", "yml": "application/x-yaml",
            "yaml": "application/x-yaml", "html": "text/html", "css": "text/css", "js": "application/javascript",
            "swift": "text/x-swift", "go": "text/x-go", "py": "text/x-python", "sh": "application/x-sh",
            "tf": "text/plain", "png": "image/png", "svg": "image/svg+xml",
        ]
        return known[ext]
    }
}

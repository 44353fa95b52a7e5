import Foundation

extension GitContentSource {
    public func writeCommit(_ draft: CommitDraft) throws -> GitCommit {
        for parent in draft.parents where try commit(parent) == nil { throw ContentError.unknownRevision(parent) }
        var stream = FastImportStream()
        stream.line("feature done")
        try stream.commit(
            mark: 1, parents: draft.parents, author: draft.author, committer: draft.committer, message: draft.message,
            changes: draft.changes.map { (path: $0.key, data: $0.value) })
        stream.finish(printing: [1])
        let output = try run(["fast-import", "--quiet"], input: stream.data)
        guard let hash = lines(output).last, GitObjects.isFullHash(hash) else {
            throw ContentError.invalid("git fast-import did not report the new commit")
        }
        let written = GitCommit(
            hash: hash, parents: draft.parents, author: draft.author, committer: draft.committer, message: draft.message)
        cacheCommit(written)
        return written
    }

    /// Thousands of seeded commits in one fast-import run instead of one run each.
    public func writeChain(on base: String?, _ drafts: [CommitDraft]) throws -> [GitCommit] {
        guard !drafts.isEmpty else { return [] }
        if let base, try commit(base) == nil { throw ContentError.unknownRevision(base) }
        var stream = FastImportStream()
        stream.line("feature done")
        for (index, draft) in drafts.enumerated() {
            let parent = index == 0 ? base : ":\(index)"
            try stream.commit(
                mark: index + 1, parents: parent.map { [$0] } ?? [], author: draft.author, committer: draft.committer,
                message: draft.message, changes: draft.changes.map { (path: $0.key, data: $0.value) })
        }
        stream.finish(printing: Array(1...drafts.count))
        let hashes = lines(try run(["fast-import", "--quiet"], input: stream.data))
        guard hashes.count == drafts.count, hashes.allSatisfy(GitObjects.isFullHash) else {
            throw ContentError.invalid("git fast-import did not report the new commits")
        }
        var parent = base
        return zip(drafts, hashes).map { draft, hash in
            let written = GitCommit(
                hash: hash, parents: parent.map { [$0] } ?? [], author: draft.author, committer: draft.committer,
                message: draft.message)
            cacheCommit(written)
            parent = hash
            return written
        }
    }

    public func setBranch(_ name: String, to hash: String) throws {
        guard try commit(hash) != nil else { throw ContentError.unknownRevision(hash) }
        try updateRef(["refs/heads/\(name)", hash], name: name)
    }

    public func deleteBranch(_ name: String) throws -> Bool {
        guard try refExists("refs/heads/\(name)") else { return false }
        try updateRef(["-d", "refs/heads/\(name)"], name: name)
        return true
    }

    public func setTag(_ tag: GitTag) throws {
        guard try commit(tag.target) != nil else { throw ContentError.unknownRevision(tag.target) }
        guard try !refExists("refs/tags/\(tag.name)") else { throw ContentError.alreadyExists(tag.name) }
        if let message = tag.message, let tagger = tag.tagger {
            guard Self.isPlainName(tag.name) else { throw ContentError.invalid("'\(tag.name)' is not a valid tag name") }
            var stream = FastImportStream()
            stream.line("feature done")
            try stream.annotatedTag(name: tag.name, target: tag.target, tagger: tagger, message: message)
            stream.line("done")
            try run(["fast-import", "--quiet"], input: stream.data)
        } else {
            // The empty old value makes git refuse if the tag appeared in the meantime (a concurrent push).
            try updateRef(["refs/tags/\(tag.name)", tag.target, ""], name: tag.name)
        }
    }

    public func deleteTag(_ name: String) throws -> Bool {
        guard try refExists("refs/tags/\(name)") else { return false }
        try updateRef(["-d", "refs/tags/\(name)"], name: name)
        return true
    }

    /// A real three-way merge (`git merge-tree --write-tree`, git 2.38 and later); a conflict is reported,
    /// not resolved. Older git falls back to the whole-tree merge every source has.
    public func merge(
        source: String, into destination: String, strategy: MergeStrategy, message: String, author: GitSignature
    ) throws -> GitCommit {
        let (destinationHead, sourceCommit) = try mergeHeads(source: source, into: destination)
        let sourceHead = sourceCommit.hash
        let ancestor = try git.run(
            ["merge-base", "--is-ancestor", destinationHead, sourceHead], gitDirectory: directory.path)
        if strategy == .fastForward {
            guard ancestor.status == 0 else {
                throw ContentError.conflict("Fast-forward merge is not possible: \(destination) has diverged.")
            }
            try setBranch(destination, to: sourceHead)
            return sourceCommit
        }
        let merged = try git.run(
            ["merge-tree", "--write-tree", "--name-only", "--no-messages", destinationHead, sourceHead],
            gitDirectory: directory.path)
        let output = lines(merged.stdout)
        switch merged.status {
        case 0:
            break
        case 1:
            let files = output.dropFirst().joined(separator: ", ")
            throw ContentError.conflict("Merge conflict in \(files.isEmpty ? "the source and destination" : files).")
        default:
            // `merge-tree --write-tree` is unknown to this git.
            return try sourceWinsMerge(
                source: source, into: destination, strategy: strategy, message: message, author: author)
        }
        guard let tree = output.first, GitObjects.isFullHash(tree) else {
            throw ContentError.invalid("git merge-tree gave no tree")
        }
        let parents = strategy == .mergeCommit ? [destinationHead, sourceHead] : [destinationHead]
        let body = GitObjects.commitBody(tree: tree, parents: parents, author: author, committer: author, message: message)
        let hash = String(decoding: try run(["hash-object", "-t", "commit", "-w", "--stdin"], input: body), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try setBranch(destination, to: hash)
        let commit = GitCommit(hash: hash, parents: parents, author: author, committer: author, message: message)
        cacheCommit(commit)
        return commit
    }

    private func refExists(_ ref: String) throws -> Bool {
        try git.run(["show-ref", "--verify", "--quiet", ref], gitDirectory: directory.path).status == 0
    }

    private func updateRef(_ arguments: [String], name: String) throws {
        let result = try git.run(["update-ref"] + arguments, gitDirectory: directory.path)
        guard result.status == 0 else {
            throw ContentError.invalid("cannot update '\(name)': \(result.stderrText)")
        }
    }
}

import Foundation

/// Refs, commits and files held in memory, with the hashes git would give them. The content of every
/// repository until git serving touches it (see `GitBackedContentSource`), and the whole content when
/// bbs-mock runs without git.
public final class InMemoryContentSource: RepositoryContentSource, @unchecked Sendable {
    // Not locked here: the service calls every content source with its own lock held.
    // Readable in the module so the whole history can be exported into a bare repository.
    private(set) var commits: [String: GitCommit] = [:]
    private(set) var trees: [String: [String: Data]] = [:]
    private(set) var branchTargets: [String: String] = [:]
    private(set) var tagsByName: [String: GitTag] = [:]
    /// Paging through a long history asks for the same log once per page; any write invalidates it.
    private var logCache: (include: [String], exclude: [String], commits: [GitCommit])?

    public init() {}

    public func branches() throws -> [GitBranchRef] {
        branchTargets.map { GitBranchRef(name: $0.key, target: $0.value) }
            .sorted { NaturalOrder.less($0.name, $1.name) }
    }

    public func tags() throws -> [GitTag] {
        tagsByName.values.sorted { NaturalOrder.less($0.name, $1.name) }
    }

    public func resolve(_ revision: String) throws -> String? {
        if let target = branchTargets[revision] { return target }
        if let tag = tagsByName[revision] { return tag.target }
        if commits[revision] != nil { return revision }
        let lowered = revision.lowercased()
        guard lowered.count >= 4, lowered.allSatisfy(\.isHexDigit) else { return nil }
        let matches = commits.keys.filter { $0.hasPrefix(lowered) }
        return matches.count == 1 ? matches[0] : nil
    }

    public func commit(_ hash: String) throws -> GitCommit? { commits[hash] }

    public func log(include: [String], exclude: [String]) throws -> [GitCommit] {
        if let cache = logCache, cache.include == include, cache.exclude == exclude { return cache.commits }
        let starts = include.isEmpty ? Array(branchTargets.values) : include
        let excluded = reachable(from: exclude)
        let included = reachable(from: starts).subtracting(excluded)
        let sorted = included.compactMap { commits[$0] }.sorted(by: Self.newestFirst)
        logCache = (include, exclude, sorted)
        return sorted
    }

    public func lookup(_ path: String, at hash: String) throws -> TreeLookup? {
        guard let files = trees[hash] else { return nil }
        let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if let data = files[trimmed] { return .file(data) }
        let prefix = trimmed.isEmpty ? "" : trimmed + "/"
        var directories: Set<String> = []
        var entries: [TreeEntryInfo] = []
        for (filePath, data) in files where filePath.hasPrefix(prefix) {
            let rest = filePath.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                directories.insert(prefix + rest[..<slash])
            } else {
                entries.append(TreeEntryInfo(path: filePath, kind: .file(size: data.count)))
            }
        }
        guard !entries.isEmpty || !directories.isEmpty || trimmed.isEmpty else { return nil }
        // Directories first, then files, each by name: the order `git ls-tree` gives for typical trees.
        let directoryEntries = directories.sorted().map { TreeEntryInfo(path: $0, kind: .directory) }
        return .directory(directoryEntries + entries.sorted { $0.path < $1.path })
    }

    public func snapshot(at hash: String) throws -> [String: Data] {
        guard let files = trees[hash] else { throw ContentError.unknownRevision(hash) }
        return files
    }

    public func writeCommit(_ draft: CommitDraft) throws -> GitCommit {
        for parent in draft.parents where commits[parent] == nil { throw ContentError.unknownRevision(parent) }
        var files = draft.parents.first.flatMap { trees[$0] } ?? [:]
        for (path, data) in draft.changes { files[path] = data }
        let hash = Self.hash(of: draft, files: files)
        let commit = GitCommit(
            hash: hash, parents: draft.parents, author: draft.author, committer: draft.committer,
            message: draft.message)
        commits[hash] = commit
        trees[hash] = files
        logCache = nil
        return commit
    }

    public func setBranch(_ name: String, to hash: String) throws {
        guard commits[hash] != nil else { throw ContentError.unknownRevision(hash) }
        branchTargets[name] = hash
        logCache = nil
    }

    public func deleteBranch(_ name: String) throws -> Bool {
        logCache = nil
        return branchTargets.removeValue(forKey: name) != nil
    }

    public func setTag(_ tag: GitTag) throws {
        guard commits[tag.target] != nil else { throw ContentError.unknownRevision(tag.target) }
        guard tagsByName[tag.name] == nil else { throw ContentError.alreadyExists(tag.name) }
        tagsByName[tag.name] = tag
    }

    public func deleteTag(_ name: String) throws -> Bool { tagsByName.removeValue(forKey: name) != nil }

    private func reachable(from starts: [String]) -> Set<String> {
        var seen: Set<String> = []
        var pending = starts
        while let hash = pending.popLast() {
            guard seen.insert(hash).inserted, let commit = commits[hash] else { continue }
            pending.append(contentsOf: commit.parents)
        }
        return seen
    }

    private static func newestFirst(_ lhs: GitCommit, _ rhs: GitCommit) -> Bool {
        if lhs.committer.date != rhs.committer.date { return lhs.committer.date > rhs.committer.date }
        if lhs.parents.contains(rhs.hash) { return true }
        if rhs.parents.contains(lhs.hash) { return false }
        return lhs.hash < rhs.hash
    }

    /// The real git hash of the commit (tree, parents, people, times, message), so the history keeps its
    /// hashes when it is exported into a bare repository for `git clone`.
    private static func hash(of draft: CommitDraft, files: [String: Data]) -> String {
        GitObjects.commitHash(GitObjects.commitBody(
            tree: GitObjects.treeHash(files), parents: draft.parents, author: draft.author,
            committer: draft.committer, message: draft.message))
    }
}

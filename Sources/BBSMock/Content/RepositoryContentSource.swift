import Foundation

/// Who made a commit or tag, and when; rendered by Bitbucket as `raw: "Name <email>"`.
public struct GitSignature: Equatable, Sendable {
    public var name: String
    public var email: String
    public var date: Date

    public init(name: String, email: String, date: Date) {
        self.name = name
        self.email = email
        self.date = date
    }

    public var raw: String { "\(name) <\(email)>" }
}

public struct GitCommit: Equatable, Sendable {
    public var hash: String
    public var parents: [String]
    public var author: GitSignature
    public var committer: GitSignature
    public var message: String

    public init(hash: String, parents: [String], author: GitSignature, committer: GitSignature, message: String) {
        self.hash = hash
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = message
    }
}

public struct GitBranchRef: Equatable, Sendable {
    public var name: String
    public var target: String
    public init(name: String, target: String) {
        self.name = name
        self.target = target
    }
}

/// A tag; `message`, `tagger` and `date` are nil for a lightweight tag, as Bitbucket reports them.
public struct GitTag: Equatable, Sendable {
    public var name: String
    public var target: String
    public var message: String?
    public var tagger: GitSignature?

    public init(name: String, target: String, message: String? = nil, tagger: GitSignature? = nil) {
        self.name = name
        self.target = target
        self.message = message
        self.tagger = tagger
    }
}

/// A commit to be written on top of its first parent's tree; a nil change deletes the file.
public struct CommitDraft: Sendable {
    public var parents: [String]
    public var message: String
    public var author: GitSignature
    public var committer: GitSignature
    public var changes: [String: Data?]

    public init(
        parents: [String], message: String, author: GitSignature, committer: GitSignature? = nil,
        changes: [String: Data?] = [:]
    ) {
        self.parents = parents
        self.message = message
        self.author = author
        self.committer = committer ?? author
        self.changes = changes
    }
}

public struct TreeEntryInfo: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case file(size: Int)
        case directory
    }
    /// Full path from the repository root, without a leading slash.
    public var path: String
    public var kind: Kind
}

public enum TreeLookup: Equatable, Sendable {
    case file(Data)
    case directory([TreeEntryInfo])
}

public enum MergeStrategy: String, CaseIterable, Sendable {
    case mergeCommit = "merge_commit"
    case squash
    case fastForward = "fast_forward"
    case squashFastForward = "squash_fast_forward"
    case rebaseFastForward = "rebase_fast_forward"
    case rebaseMerge = "rebase_merge"
}

public enum ContentError: Error, Equatable, Sendable {
    case unknownRevision(String)
    case alreadyExists(String)
    case invalid(String)
    case conflict(String)
}

/// Where a repository's refs, commits and files come from.
///
/// The REST layer reads and writes a repository only through this protocol, so the in-memory store and
/// a real bare repository (`GitContentSource`, driven by `git` commands) are interchangeable for every
/// route: a `git push` into that repository shows up in `/refs/branches` and `/commits`.
/// Implementations are called with the service lock held, one call at a time.
public protocol RepositoryContentSource: AnyObject, Sendable {
    /// Branches sorted by name.
    func branches() throws -> [GitBranchRef]
    /// Tags sorted by name.
    func tags() throws -> [GitTag]
    /// A full hash for a full or abbreviated hash, a branch name or a tag name; nil when nothing matches.
    func resolve(_ revision: String) throws -> String?
    func commit(_ hash: String) throws -> GitCommit?
    /// Commits reachable from `include` (all branches when empty) and not from `exclude`, newest first,
    /// children before parents (as `git log --date-order`).
    func log(include: [String], exclude: [String]) throws -> [GitCommit]
    /// A file's content or a directory's direct children at a commit; nil when the path does not exist.
    func lookup(_ path: String, at hash: String) throws -> TreeLookup?
    /// Every file at a commit, for operations (such as merges) that need whole trees.
    func snapshot(at hash: String) throws -> [String: Data]
    func writeCommit(_ draft: CommitDraft) throws -> GitCommit
    /// Writes `drafts` as one line of history on top of `base` (each draft's parents are replaced by the
    /// commit before it), for bulk seeding; a git-backed source does it in one `git` run.
    func writeChain(on base: String?, _ drafts: [CommitDraft]) throws -> [GitCommit]
    /// Creates or moves a branch.
    func setBranch(_ name: String, to hash: String) throws
    func deleteBranch(_ name: String) throws -> Bool
    func setTag(_ tag: GitTag) throws
    func deleteTag(_ name: String) throws -> Bool
    /// Merges `source` into branch `destination` and returns the commit the branch now points at.
    func merge(
        source: String, into destination: String, strategy: MergeStrategy, message: String, author: GitSignature
    ) throws -> GitCommit
}

extension RepositoryContentSource {
    public func branch(named name: String) throws -> GitBranchRef? {
        try branches().first { $0.name == name }
    }

    public func tag(named name: String) throws -> GitTag? {
        try tags().first { $0.name == name }
    }

    public func writeChain(on base: String?, _ drafts: [CommitDraft]) throws -> [GitCommit] {
        var head = base
        return try drafts.map { draft in
            var draft = draft
            draft.parents = head.map { [$0] } ?? []
            let written = try writeCommit(draft)
            head = written.hash
            return written
        }
    }

    /// The in-memory merge: see `sourceWinsMerge`. `GitContentSource` replaces it with a real merge.
    public func merge(
        source: String, into destination: String, strategy: MergeStrategy, message: String, author: GitSignature
    ) throws -> GitCommit {
        try sourceWinsMerge(source: source, into: destination, strategy: strategy, message: message, author: author)
    }

    /// The commits a merge starts from: the destination branch's head and the source's commit.
    func mergeHeads(source: String, into destination: String) throws -> (destination: String, source: GitCommit) {
        guard let destinationHead = try branch(named: destination)?.target else {
            throw ContentError.unknownRevision(destination)
        }
        guard let sourceHead = try resolve(source), let sourceCommit = try commit(sourceHead) else {
            throw ContentError.unknownRevision(source)
        }
        return (destinationHead, sourceCommit)
    }

    /// A whole-tree merge that is good enough for a fake: the source side wins every file.
    public func sourceWinsMerge(
        source: String, into destination: String, strategy: MergeStrategy, message: String, author: GitSignature
    ) throws -> GitCommit {
        let (destinationHead, sourceCommit) = try mergeHeads(source: source, into: destination)
        let sourceHead = sourceCommit.hash
        let ancestors = Set(try log(include: [sourceHead], exclude: []).map(\.hash))
        if ancestors.contains(destinationHead) && strategy == .fastForward {
            try setBranch(destination, to: sourceHead)
            return sourceCommit
        }
        if strategy == .fastForward {
            throw ContentError.conflict("Fast-forward merge is not possible: \(destination) has diverged.")
        }
        let sourceFiles = try snapshot(at: sourceHead)
        let destinationFiles = try snapshot(at: destinationHead)
        var changes: [String: Data?] = [:]
        for (path, data) in sourceFiles where destinationFiles[path] != data { changes[path] = data }
        let parents = strategy == .mergeCommit ? [destinationHead, sourceHead] : [destinationHead]
        let merged = try writeCommit(
            CommitDraft(parents: parents, message: message, author: author, changes: changes))
        try setBranch(destination, to: merged.hash)
        return merged
    }
}

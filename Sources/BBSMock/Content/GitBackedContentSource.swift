import Foundation

/// A repository that lives in memory until git serving first touches it, then in a real bare
/// repository for good.
///
/// Building thousands of repositories (fixtures, `POST /_mock/seed`, a reset before every test) stays
/// as fast as in memory, and only repositories someone clones or pushes to cost a `git` run. The switch
/// changes nothing a client can see: the in-memory source already computes git's own hashes, and
/// `materialise` checks that the imported branches carry exactly those hashes.
public final class GitBackedContentSource: RepositoryContentSource, @unchecked Sendable {
    private let store: GitRepositoryStore
    private var memory: InMemoryContentSource?
    public private(set) var repository: GitContentSource?

    public init(store: GitRepositoryStore) {
        self.store = store
        self.memory = InMemoryContentSource()
    }

    private var active: any RepositoryContentSource { repository ?? memory! }

    /// Writes the history into a fresh bare repository at `directory` (replacing whatever is there) and
    /// serves from it from now on. Called with the service lock held.
    public func materialise(at directory: URL, mainBranch: String) throws -> GitContentSource {
        if let repository { return repository }
        guard let memory else { throw ContentError.invalid("repository content is gone") }
        let git = store.git
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(
            at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        // No templates: sample hooks are useless here, and hooks from a template could run on push.
        try git.checked(["init", "--quiet", "--bare", "--template=", "--initial-branch=\(mainBranch)", directory.path])
        try Self.repositoryConfig.data(using: .utf8)!.append(to: directory.appendingPathComponent("config"))
        try ForcePushGuard.install(in: directory)
        let source = GitContentSource(directory: directory, git: git)
        try source.run(["fast-import", "--quiet"], input: try memory.fastImportStream().data)
        let imported = try source.branches()
        let expected = try memory.branches()
        guard imported == expected else {
            throw ContentError.invalid("importing \(directory.lastPathComponent) changed its hashes: "
                + "expected \(expected.map { "\($0.name)=\($0.target)" }), got \(imported.map { "\($0.name)=\($0.target)" })")
        }
        repository = source
        self.memory = nil
        return source
    }

    /// Pushes need no REMOTE_USER check by http-backend (bbs-mock authenticates them); no background gc
    /// can outlive a reset; the import's scratch ref is never advertised; shallow and partial clones work.
    static let repositoryConfig = """
        [http]
        \treceivepack = true
        [gc]
        \tauto = 0
        [receive]
        \tautogc = false
        [transfer]
        \thideRefs = refs/bbs-mock
        [uploadpack]
        \tallowFilter = true
        \tallowAnySHA1InWant = true

        """

    public func branches() throws -> [GitBranchRef] { try active.branches() }
    public func tags() throws -> [GitTag] { try active.tags() }
    public func resolve(_ revision: String) throws -> String? { try active.resolve(revision) }
    public func commit(_ hash: String) throws -> GitCommit? { try active.commit(hash) }
    public func log(include: [String], exclude: [String]) throws -> [GitCommit] {
        try active.log(include: include, exclude: exclude)
    }
    public func lookup(_ path: String, at hash: String) throws -> TreeLookup? { try active.lookup(path, at: hash) }
    public func snapshot(at hash: String) throws -> [String: Data] { try active.snapshot(at: hash) }
    public func writeCommit(_ draft: CommitDraft) throws -> GitCommit { try active.writeCommit(draft) }
    public func writeChain(on base: String?, _ drafts: [CommitDraft]) throws -> [GitCommit] {
        try active.writeChain(on: base, drafts)
    }
    public func setBranch(_ name: String, to hash: String) throws { try active.setBranch(name, to: hash) }
    public func deleteBranch(_ name: String) throws -> Bool { try active.deleteBranch(name) }
    public func setTag(_ tag: GitTag) throws { try active.setTag(tag) }
    public func deleteTag(_ name: String) throws -> Bool { try active.deleteTag(name) }
    public func merge(
        source: String, into destination: String, strategy: MergeStrategy, message: String, author: GitSignature
    ) throws -> GitCommit {
        try active.merge(source: source, into: destination, strategy: strategy, message: message, author: author)
    }
}

extension Data {
    fileprivate func append(to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: self)
    }
}

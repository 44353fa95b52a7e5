import Foundation
import XCTest

@testable import BBSMock

/// The git-backed content source against the in-memory one, in process: the same writes must give the
/// same hashes and the same reads, so a repository can move from memory to git unnoticed.
final class GitContentSourceTests: XCTestCase {
    var store: GitRepositoryStore!
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-mock-unit-\(UUID().uuidString)")
        guard let store = try GitRepositoryStore.make(root: root) else { throw XCTSkip("git is not installed") }
        self.store = store
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    func person(_ name: String, _ offset: TimeInterval) -> GitSignature {
        GitSignature(name: name, email: "\(name.lowercased())@example.com", date: Date(timeIntervalSince1970: 1_705_312_800 + offset))
    }

    func emptyGitSource(_ name: String) throws -> GitContentSource {
        let lazy = GitBackedContentSource(store: store)
        return try lazy.materialise(at: try store.directory(workspace: "unit", slug: name), mainBranch: "main")
    }

    /// Writes that exercise tree hashing: nesting, git's `name/` ordering (`a.b` before `a/`), odd names,
    /// deletions, a merge commit and a message without a trailing newline.
    func applyHistory(to source: any RepositoryContentSource) throws -> [String] {
        let first = try source.writeCommit(CommitDraft(
            parents: [], message: "Initial commit", author: person("Alice", 0),
            changes: ["README.md": Data("# r\n".utf8), "a.b": Data("dot\n".utf8), "a/b/c.txt": Data("deep\n".utf8),
                      "a-c": Data("dash\n".utf8), "with space \"quoted\".txt": Data("q\n".utf8), "ünïcode/ß.md": Data("u\n".utf8)]))
        try source.setBranch("main", to: first.hash)
        let side = try source.writeCommit(CommitDraft(
            parents: [first.hash], message: "Side\n\nWith a body.\n", author: person("Bob", 60), committer: person("Carol", 120),
            changes: ["side.txt": Data("side\n".utf8), "a.b": nil]))
        try source.setBranch("feature/side", to: side.hash)
        let second = try source.writeCommit(CommitDraft(
            parents: [first.hash], message: "Second", author: person("Alice", 180),
            changes: ["a/b/c.txt": Data("deeper\n".utf8), "empty.txt": Data()]))
        let merge = try source.writeCommit(CommitDraft(
            parents: [second.hash, side.hash], message: "Merge side", author: person("Alice", 240),
            changes: ["side.txt": Data("side\n".utf8), "a.b": nil]))
        try source.setBranch("main", to: merge.hash)
        try source.setTag(GitTag(name: "v1", target: second.hash, message: "Version 1", tagger: person("Alice", 300)))
        try source.setTag(GitTag(name: "light", target: side.hash))
        return [first.hash, side.hash, second.hash, merge.hash]
    }

    func testSameWritesGiveSameHashesAndReadsInMemoryAndInGit() throws {
        let memory = InMemoryContentSource()
        let git = try emptyGitSource("parity")
        let memoryHashes = try applyHistory(to: memory)
        XCTAssertEqual(try applyHistory(to: git), memoryHashes)

        XCTAssertEqual(try git.branches(), try memory.branches())
        XCTAssertEqual(try git.tags(), try memory.tags())
        XCTAssertEqual(try git.log(include: [], exclude: []), try memory.log(include: [], exclude: []))
        let head = memoryHashes[3]
        XCTAssertEqual(try git.log(include: [head], exclude: [memoryHashes[1]]).map(\.hash), [head, memoryHashes[2]])
        XCTAssertEqual(try git.commit(head), try memory.commit(head))
        XCTAssertEqual(try git.snapshot(at: head), try memory.snapshot(at: head))
        for path in ["", "a", "a/b/", "a/b/c.txt", "ünïcode", "with space \"quoted\".txt", "missing", "a/missing"] {
            XCTAssertEqual(try git.lookup(path, at: head), try memory.lookup(path, at: head), "lookup '\(path)'")
        }
        for revision in ["main", "feature/side", "v1", "light", String(head.prefix(7)), head, "nope", "main~1", "main^", "HEAD:README.md"] {
            XCTAssertEqual(try git.resolve(revision), try memory.resolve(revision), "resolve '\(revision)'")
        }
        XCTAssertThrowsError(try git.setTag(GitTag(name: "v1", target: head))) { error in
            XCTAssertEqual(error as? ContentError, .alreadyExists("v1"))
        }
        XCTAssertTrue(try git.deleteBranch("feature/side"))
        XCTAssertFalse(try git.deleteBranch("feature/side"))
        XCTAssertTrue(try git.deleteTag("light"))
        XCTAssertEqual(try git.tags().map(\.name), ["v1"])
    }

    func testMaterialisingKeepsEveryHash() throws {
        let lazy = GitBackedContentSource(store: store)
        let hashes = try applyHistory(to: lazy)
        let before = (branches: try lazy.branches(), tags: try lazy.tags(), log: try lazy.log(include: [], exclude: []))
        XCTAssertNil(lazy.repository)
        let directory = try store.directory(workspace: "unit", slug: "lazy")
        let repository = try lazy.materialise(at: directory, mainBranch: "main")
        XCTAssertEqual(repository.directory, directory)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("HEAD").path))
        XCTAssertEqual(try lazy.branches(), before.branches)
        XCTAssertEqual(try lazy.tags(), before.tags)
        XCTAssertEqual(try lazy.log(include: [], exclude: []), before.log)
        XCTAssertEqual(try lazy.resolve("v1"), hashes[2])
        // Writes after the switch go to git.
        let next = try lazy.writeCommit(CommitDraft(parents: [hashes[3]], message: "After", author: person("Bob", 400), changes: ["after.txt": Data("a\n".utf8)]))
        try lazy.setBranch("main", to: next.hash)
        XCTAssertEqual(try repository.resolve("main"), next.hash)
    }

    func testMergeIsARealThreeWayMergeAndReportsConflicts() throws {
        let git = try emptyGitSource("merge")
        let base = try git.writeCommit(CommitDraft(
            parents: [], message: "Base", author: person("Alice", 0),
            changes: ["shared.txt": Data("one\ntwo\nthree\n".utf8), "keep.txt": Data("keep\n".utf8)]))
        try git.setBranch("main", to: base.hash)
        let ours = try git.writeCommit(CommitDraft(parents: [base.hash], message: "Ours", author: person("Alice", 60),
            changes: ["shared.txt": Data("ONE\ntwo\nthree\n".utf8), "ours.txt": Data("o\n".utf8)]))
        try git.setBranch("main", to: ours.hash)
        let theirs = try git.writeCommit(CommitDraft(parents: [base.hash], message: "Theirs", author: person("Bob", 120),
            changes: ["shared.txt": Data("one\ntwo\nTHREE\n".utf8), "keep.txt": nil]))
        try git.setBranch("topic", to: theirs.hash)

        let merged = try git.merge(source: "topic", into: "main", strategy: .mergeCommit, message: "Merge topic", author: person("Carol", 180))
        XCTAssertEqual(merged.parents, [ours.hash, theirs.hash])
        XCTAssertEqual(try git.resolve("main"), merged.hash)
        let files = try git.snapshot(at: merged.hash)
        XCTAssertEqual(files["shared.txt"], Data("ONE\ntwo\nTHREE\n".utf8), "both sides' edits to one file")
        XCTAssertNil(files["keep.txt"], "the source's deletion applies")
        XCTAssertNotNil(files["ours.txt"])

        let conflicting = try git.writeCommit(CommitDraft(parents: [merged.hash], message: "Clash", author: person("Bob", 240),
            changes: ["ours.txt": Data("different\n".utf8)]))
        try git.setBranch("clash", to: conflicting.hash)
        let mainMoved = try git.writeCommit(CommitDraft(parents: [merged.hash], message: "Main moves", author: person("Alice", 300),
            changes: ["ours.txt": Data("other\n".utf8)]))
        try git.setBranch("main", to: mainMoved.hash)
        XCTAssertThrowsError(try git.merge(source: "clash", into: "main", strategy: .squash, message: "x", author: person("A", 360))) { error in
            guard case .conflict(let message)? = error as? ContentError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("ours.txt"), message)
        }
        XCTAssertThrowsError(try git.merge(source: "clash", into: "main", strategy: .fastForward, message: "x", author: person("A", 360)))
        XCTAssertEqual(try git.resolve("main"), mainMoved.hash, "a failed merge moves nothing")
    }

    func testGitRootRefusesAForeignNonEmptyDirectory() throws {
        let foreign = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-mock-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: foreign) }
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("precious.txt"))
        XCTAssertThrowsError(try GitRepositoryStore.make(root: foreign))
        XCTAssertTrue(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("precious.txt").path))
    }

    func testCGIOutputParsing() throws {
        let response = try XCTUnwrap(GitSmartHTTP.parseCGI(Data("Status: 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nno\n".utf8)))
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(response.header("Content-Type"), "text/plain")
        XCTAssertEqual(response.body, Data("no\n".utf8))
        XCTAssertEqual(GitSmartHTTP.parseCGI(Data("Content-Type: x\n\nbody".utf8))?.status, 200)
        XCTAssertNil(GitSmartHTTP.parseCGI(Data("garbage".utf8)))
        XCTAssertTrue(GitSmartHTTP.isGitPath("/acme/api.git/info/refs"))
        XCTAssertTrue(GitSmartHTTP.isGitPath("/acme/api/git-upload-pack"))
        XCTAssertFalse(GitSmartHTTP.isGitPath("/2.0/repositories/acme/api"))
        XCTAssertFalse(GitSmartHTTP.isGitPath("/_mock/requests"))
    }
}

import Foundation
import XCTest

/// Where bbs-mock keeps its bare repositories: `--git-root DIR/{workspace}/{slug}.git`, kept on exit, or
/// a private temporary directory that is gone once the server stops.
final class GitRootTests: XCTestCase {
    var scratch: URL!
    var git: GitClient!

    override func setUpWithError() throws {
        git = try GitClient()
        scratch = git.directory("roots")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        git?.cleanUp()
        super.tearDown()
    }

    func contents(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    func testTemporaryRootHoldsTouchedRepositoriesAndIsDeletedOnExit() throws {
        let temporary = scratch.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary.path
        let server = try MockProcess(arguments: ["--token", "t"], environment: environment)
        defer { server.stop() }
        try git.ok(["clone", "--quiet", server.baseURL.absoluteString + "/acme/web.git", git.directory("web").path])

        let roots = contents(temporary)
        XCTAssertEqual(roots.count, 1)
        XCTAssertTrue(roots.first?.hasPrefix("bbs-mock-git-") == true, "\(roots)")
        let root = temporary.appendingPathComponent(roots[0])
        XCTAssertEqual(contents(root.appendingPathComponent("acme")), ["web.git"], "only the touched repository is on disk")

        server.stop()
        XCTAssertEqual(contents(temporary), [], "the temporary root is removed when bbs-mock stops")
    }

    func testGitRootKeepsRepositoriesAtWorkspaceSlugPathsAndIsEmptiedOnStart() throws {
        let root = scratch.appendingPathComponent("root")
        var server = try MockProcess(arguments: ["--token", "t", "--git-root", root.path])
        try git.ok(["clone", "--quiet", server.baseURL.absoluteString + "/acme/api.git", git.directory("api").path], secret: "t")
        let bare = root.appendingPathComponent("acme/api.git")
        let main = try git.ok(["--git-dir", bare.path, "rev-parse", "refs/heads/main"])
        let rest = try TestClient(baseURL: server.baseURL, token: "t").getJSON("/2.0/repositories/acme/api/refs/branches/main")
        XCTAssertEqual((rest["target"] as? [String: Any])?["hash"] as? String, main)
        server.stop()
        XCTAssertTrue(FileManager.default.fileExists(atPath: bare.path), "a --git-root is kept for inspection")

        server = try MockProcess(arguments: ["--token", "t", "--git-root", root.path])
        defer { server.stop() }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bare.path), "a restart starts from fresh repositories")
    }

    func testForeignNonEmptyGitRootIsRefused() throws {
        let foreign = scratch.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: foreign.appendingPathComponent("precious.txt"))
        let result = try runCommand(
            try MockProcess.binaryURL().path, ["--port", "0", "--git-root", foreign.path],
            environment: ProcessInfo.processInfo.environment, directory: scratch)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("not empty"), result.stderr)
        XCTAssertEqual(contents(foreign), ["precious.txt"])
    }
}

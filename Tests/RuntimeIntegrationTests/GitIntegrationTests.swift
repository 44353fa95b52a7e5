// The git built-ins through the real `bbs` binary, the real git client and bbs-mock's git smart
// HTTP (`git http-backend` over bare repositories that the REST routes read too).

import BBSTestSupport
import Foundation
import XCTest

final class GitIntegrationTests: RuntimeTestCase {
    private var work: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        work = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let work { try? FileManager.default.removeItem(atPath: work) }
        super.tearDown()
    }

    /// bbs with the git base URL on the mock and no user or system git configuration.
    private func gitBBS(_ script: String, flags: [String] = [], token: String? = RuntimeTestCase.canary,
                        env: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        var environment = ["BBS_GIT_URL": mock.base, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                           "HOME": work!]
        for (k, v) in env { environment[k] = v }
        return try bbs(script, flags: flags, env: environment, token: token, directory: work, file: file, line: line)
    }

    func testCloneBranchCommitPushThenReadItThroughTheAPI() throws {
        let out = try gitBBS("""
            let dir = git.clone(repo("acme/api"), "api")
            git.identity(dir, {name: "Release Bot", email: "abc123@bots.bitbucket.org"})
            git.run(dir, ["checkout", "-q", "-b", "feature/from-bbs"])
            fs.write("api/NOTES.md", "pushed by bbs\\n")
            git.run(dir, ["add", "NOTES.md"])
            git.run(dir, ["commit", "-q", "-m", "Add notes from bbs"])
            git.push(dir, {branch: "feature/from-bbs"})
            let head = git.run(dir, ["rev-parse", "HEAD"]).stdout.trim()
            let branch = api.get("/repositories/acme/api/refs/branches/feature/from-bbs")
            print(branch.target.hash == head)
            let commits = api.get("/repositories/acme/api/commits/feature/from-bbs")
            print(commits.values[0].message.trim(), commits.values[0].author.raw)
            print(api.get("/repositories/acme/api/src/${head}/NOTES.md").trim())
            """)
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "true\nAdd notes from bbs Release Bot <abc123@bots.bitbucket.org>\npushed by bbs\n", out.all)
        // Without a terminal: one summary line per network operation.
        XCTAssertTrue(out.stderr.contains("git clone acme/api → api ("), out.stderr)
        XCTAssertTrue(out.stderr.contains("git push origin feature/from-bbs (in api) ("), out.stderr)
        let config = try String(contentsOfFile: work + "/api/.git/config", encoding: .utf8)
        XCTAssertTrue(config.contains("url = \(mock.base)/acme/api.git\n"), config)
    }

    func testShallowCloneFetchAndFastForwardPull() throws {
        let out = try gitBBS("""
            let main = git.clone("acme/api", "main-copy")
            let shallow = git.clone("acme/api", "shallow", {depth: 1})
            print(git.run(shallow, ["rev-list", "--count", "HEAD"]).stdout.trim())
            git.identity(main, {name: "Dev", email: "dev@example.com"})
            fs.write("main-copy/CHANGE.txt", "1\\n")
            git.run(main, ["add", "."])
            git.run(main, ["commit", "-q", "-m", "Change on main"])
            git.push(main)
            git.fetch(shallow)
            print(git.run(shallow, ["log", "--format=%s", "-1", "FETCH_HEAD"]).stdout.trim())
            git.pull(shallow)
            print(fs.read("shallow/CHANGE.txt").trim())
            """)
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "1\nChange on main\n1\n", out.all)
    }

    func testWrongTokenExits4WithAClearMessage() throws {
        let out = try gitBBS("git.clone(\"acme/api\", \"api\")\nprint(\"not reached\")", token: "wrong-token")
        XCTAssertEqual(out.status, 4, out.all)
        XCTAssertTrue(out.stderr.contains("error: git clone failed: "), out.stderr)
        XCTAssertTrue(out.stderr.contains("fatal: Authentication failed for '\(mock.base)/acme/api.git/'"), out.stderr)
        XCTAssertFalse(out.stdout.contains("not reached"))
    }

    func testReadOnlyTokenCanCloneButNotPush() throws {
        let out = try gitBBS("""
            let dir = git.clone("acme/api", "api")
            git.identity(dir, {name: "Dev", email: "dev@example.com"})
            git.run(dir, ["commit", "-q", "--allow-empty", "-m", "empty"])
            try {
              git.push(dir, {branch: "HEAD:refs/heads/blocked"})
            } catch e {
              print(e.kind, e.exit_code)
            }
            git.push(dir, {branch: "HEAD:refs/heads/blocked"})
            """, token: "limited-token")
        XCTAssertEqual(out.status, 4, out.all)
        XCTAssertTrue(out.stdout.hasPrefix("permission 128\n"), out.all)
        XCTAssertTrue(out.stderr.contains("403"), out.stderr)
    }

    /// Two clones push to main; the second is rejected (kind conflict), and a fast-forward-only
    /// pull over diverged history is a conflict too.
    func testRejectedPushAndDivergedPullAreConflicts() throws {
        let out = try gitBBS("""
            for d in ["one", "two"] {
              git.clone("acme/api", d)
              git.identity(d, {name: "Dev", email: "dev@example.com"})
              fs.write(d + "/" + d + ".txt", d)
              git.run(d, ["add", "."])
              git.run(d, ["commit", "-q", "-m", "from " + d])
            }
            git.push("one")
            try { git.push("two") } catch e { print(e.kind, e.message.contains("[rejected]")) }
            try { git.pull("two") } catch e { print(e.kind) }
            """)
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "conflict true\nconflict\n", out.all)
    }

    func testUnknownRepositoryIsNotFound() throws {
        let out = try gitBBS("""
            try { git.clone("acme/no-such-repo", "x") } catch e { print(e.kind) }
            """)
        XCTAssertEqual(out.stdout, "not_found\n", out.all)
    }

    func testPublicRepositoryClonesWithoutAToken() throws {
        let out = try gitBBS("git.clone(\"acme/web\")\nprint(fs.is_dir(\"web/.git\"))", token: nil)
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "true\n")
    }

    func testAPITokenUsesTheGitUsernameForAPITokens() throws {
        let out = try gitBBS("""
            auth.basic("\(Self.basicUser)", token.env("BB_API_TOKEN"))
            git.clone("acme/api", "api")
            print(fs.is_dir("api/.git"))
            """, token: nil, env: ["BB_API_TOKEN": Self.basicSecret])
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "true\n")
    }

    func testParallelClonesOfAWorkspace() throws {
        let out = try gitBBS("""
            let repos = api.paginate("/repositories/acme").map(r => repo(r.full_name)).list()
            let dirs = parallel(repos, r => git.clone(r, "ws/" + r.slug), {workers: 4})
            print(dirs.join(","), dirs.all(d => fs.is_dir(d + "/.git")))
            """)
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "ws/api,ws/web,ws/infra,ws/docs true\n", out.all)
    }

    func testDryRunPushSendsNothing() throws {
        let out = try gitBBS("""
            let dir = git.clone("acme/api", "api")
            git.run(dir, ["checkout", "-q", "-b", "dry"])
            git.push(dir, {branch: "dry"})
            try { api.get("/repositories/acme/api/refs/branches/dry") } catch e { print(e.status) }
            """, flags: ["--dry-run"])
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "404\n", out.all)
        XCTAssertTrue(out.stderr.contains("DRY-RUN git push origin dry (in api)"), out.stderr)
    }

    func testTraceShowsGitCommandsAndCredentialRequestsMasked() throws {
        let out = try gitBBS("git.clone(\"acme/api\", \"api\")", flags: ["--trace"])
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertTrue(out.stderr.contains("→ git clone --quiet -- \(mock.base)/acme/api.git api"), out.stderr)
        XCTAssertTrue(out.stderr.contains("git credential for \(mock.base): x-token-auth (access token)"), out.stderr)
    }

    /// The leak test of issue 4: with a canary token, record every program bbs starts during a clone
    /// and a push (argument lists and environments, through strace), then search that record, the
    /// whole work tree including `.git/config`, stdout and stderr. The canary must be nowhere.
    func testCanaryTokenAppearsInNoArgumentListEnvironmentFileOrOutput() throws {
        guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("strace is not installed (scripts/setup installs it), so the argv leak test cannot run")
        }
        let probe = Shell.run(strace, ["-f", "-qq", "-e", "trace=execve", "-o", "/dev/null", "/bin/true"])
        if probe.status != 0 { throw XCTSkip("strace cannot trace here (ptrace not permitted): \(probe.stderr)") }
        let record = work + "/../strace-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: record) }
        let binary = try Binaries.find("bbs", override: "BBS_BIN")
        let script = work + "/leak.bbs"
        try """
            let dir = git.clone(repo("acme/api"), "api", {depth: 1})
            git.identity(dir, {name: "Bot", email: "bot@bots.bitbucket.org"})
            git.run(dir, ["checkout", "-q", "-b", "leak-test"])
            fs.write("api/leak.txt", "x")
            git.run(dir, ["add", "."])
            git.run(dir, ["commit", "-q", "-m", "leak test"])
            git.push(dir, {branch: "leak-test"})
            git.fetch(dir)
            print(git.run(dir, ["ls-remote", "origin", "leak-test"]).stdout.contains("refs/heads/leak-test"))
            # What would hand the token to the script or another program is refused before git starts.
            for args in [["credential", "fill"], ["-c", "credential.helper=store --file=stolen", "fetch"],
                         ["-c", "alias.x=!git credential fill", "x"], ["config", "alias.y", "!git credential fill"],
                         ["--config-env=core.askPass=PATH", "fetch"]] {
              try { git.run(dir, args); print("ran") } catch e { print(e.kind) }
            }
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": work!,
                           "BBS_API_URL": mock.api, "BBS_GIT_URL": mock.base, "BITBUCKET_TOKEN": Self.canary,
                           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"]
        // bbs itself gets the token from its environment, as in CI; every process it starts must not.
        let out = Shell.run(strace, ["-f", "-qq", "-v", "-s", "65536", "-e", "trace=execve", "-o", record, binary, script],
                            environment: environment, directory: work)
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertEqual(out.stdout, "true\n" + String(repeating: "value\n", count: 5), out.all)
        let trace = try String(contentsOfFile: record, encoding: .utf8)
        let launches = trace.split(separator: "\n").filter { $0.contains("execve(") }
        for refused in ["\"credential\", \"fill\"", "credential.helper=store", "alias.x=", "alias.y", "core.askPass"] {
            XCTAssertFalse(launches.contains { $0.contains(refused) }, "a refused git command was started: \(refused)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: work + "/api/stolen"), "credential.helper=store ran")
        XCTAssertTrue(launches.contains { $0.contains("\"git\", \"clone\"") || $0.contains("\"clone\"") }, "git clone was not traced")
        XCTAssertTrue(launches.contains { $0.contains("credential-cache") && $0.contains("--socket") },
                      "git's credential helper was not traced")
        XCTAssertTrue(launches.contains { $0.contains("git-remote-http") }, "git's remote helper was not traced")
        let forms = [Self.canary, Data(Self.canary.utf8).base64EncodedString(),
                     Data("x-token-auth:\(Self.canary)".utf8).base64EncodedString()]
        for line in launches.dropFirst() { // the first is bbs itself, started with the token on purpose
            for form in forms { XCTAssertFalse(line.contains(form), "a child saw the token: \(line.prefix(300))") }
        }
        for form in forms {
            XCTAssertFalse(out.all.contains(form), "the token is in bbs's output")
            XCTAssertNil(TreeSearch.firstFile(containing: form, under: work + "/api"), "the token is in the work tree")
        }
    }
}

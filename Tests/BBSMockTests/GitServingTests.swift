import Foundation
import XCTest

/// The real git client against a real bbs-mock over loopback: clone, fetch and push through smart HTTP,
/// with the REST routes reading the very repositories git writes.
final class GitServingTests: MockServerTestCase {
    var git: GitClient!
    let api = "/2.0/repositories/acme/api"

    override class var serverArguments: [String] { super.serverArguments + ["--token", "pipeline-only:pipeline"] }

    override func setUpWithError() throws {
        try super.setUpWithError()
        git = try GitClient()
    }

    override func tearDown() {
        git?.cleanUp()
        super.tearDown()
    }

    func url(_ repository: String) -> String { server.baseURL.absoluteString + "/" + repository + ".git" }

    func restBranches(_ path: String = "/2.0/repositories/acme/api") throws -> [String: String] {
        var branches: [String: String] = [:]
        for value in try client.collectPages(path + "/refs/branches").values {
            if let name = value["name"] as? String, let hash = (value["target"] as? [String: Any])?["hash"] as? String {
                branches[name] = hash
            }
        }
        return branches
    }

    func remoteBranches(_ repository: String, secret: String? = "test-token") throws -> [String: String] {
        let output = try git.ok(["ls-remote", "--heads", url(repository)], secret: secret)
        var branches: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            if parts.count == 2 { branches[String(parts[1].dropFirst("refs/heads/".count))] = String(parts[0]) }
        }
        return branches
    }

    func testFirstRequestIsChallengedThenBasicAccessTokenIsAccepted() throws {
        let anonymous = TestClient(baseURL: server.baseURL, token: nil)
        let challenge = try anonymous.get("/acme/api.git/info/refs?service=git-upload-pack")
        XCTAssertEqual(challenge.status, 401)
        XCTAssertEqual(challenge.header("WWW-Authenticate"), "Basic realm=\"Bitbucket.org HTTP\"")

        anonymous.authorization = TestClient.basic("x-token-auth", "test-token")
        let advertised = try anonymous.get("/acme/api.git/info/refs?service=git-upload-pack")
        XCTAssertEqual(advertised.status, 200, advertised.text)
        XCTAssertEqual(advertised.header("Content-Type"), "application/x-git-upload-pack-advertisement")
        XCTAssertTrue(advertised.text.contains("# service=git-upload-pack"))
        XCTAssertTrue(advertised.text.contains("refs/heads/main"))
    }

    func testCloneHasTheHistoryAndHashesRESTReports() throws {
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "test-token")
        let readme = try String(contentsOf: checkout.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertEqual(readme, "# api\n\nThe Acme HTTP API.\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkout.appendingPathComponent("docs/config.md").path))

        let rest = try restBranches()
        XCTAssertEqual(try remoteBranches("acme/api"), rest, "git and REST agree on every branch and hash")
        XCTAssertEqual(try git.ok(["rev-parse", "HEAD"], in: checkout), rest["main"])
        XCTAssertEqual(try git.ok(["rev-list", "--count", "HEAD"], in: checkout), "4")
        let tags = try git.ok(["tag", "--list"], in: checkout).split(separator: "\n")
        XCTAssertEqual(tags, ["v1.0.0", "v1.0.1"])
        XCTAssertEqual(try git.ok(["cat-file", "-t", "v1.0.0"], in: checkout), "tag", "annotated tags stay annotated")
        let remoteConfig = try String(contentsOf: checkout.appendingPathComponent(".git/config"), encoding: .utf8)
        XCTAssertFalse(remoteConfig.contains("test-token"), "the secret never lands in .git/config")
    }

    func testShallowCloneThenFetchOfANewPush() throws {
        let shallow = git.directory("shallow")
        try git.ok(["clone", "--quiet", "--depth", "1", url("acme/api"), shallow.path], secret: "test-token")
        XCTAssertEqual(try git.ok(["rev-list", "--count", "HEAD"], in: shallow), "1")
        XCTAssertTrue(FileManager.default.fileExists(atPath: shallow.appendingPathComponent(".git/shallow").path))

        // Someone else pushes to main; a fetch in the shallow clone sees it.
        let other = git.directory("other")
        try git.ok(["clone", "--quiet", url("acme/api"), other.path], secret: "test-token")
        try "more\n".write(to: other.appendingPathComponent("more.txt"), atomically: true, encoding: .utf8)
        try git.ok(["add", "more.txt"], in: other)
        try git.ok(["commit", "--quiet", "-m", "More"], in: other)
        try git.ok(["push", "--quiet", "origin", "main"], in: other, secret: "test-token")
        let pushed = try git.ok(["rev-parse", "HEAD"], in: other)

        try git.ok(["fetch", "--quiet", "origin"], in: shallow, secret: "test-token")
        XCTAssertEqual(try git.ok(["rev-parse", "origin/main"], in: shallow), pushed)
    }

    func testPushedBranchShowsUpInBranchesCommitsAndSource() throws {
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "test-token")
        try git.ok(["checkout", "--quiet", "-b", "feature/pushed"], in: checkout)
        try FileManager.default.createDirectory(at: checkout.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try "pushed over git\n".write(to: checkout.appendingPathComponent("notes/pushed.txt"), atomically: true, encoding: .utf8)
        try git.ok(["add", "notes/pushed.txt"], in: checkout)
        try git.ok(["commit", "--quiet", "-m", "Push a note"], in: checkout)
        let pushed = try git.ok(["rev-parse", "HEAD"], in: checkout)
        try git.ok(["push", "--quiet", "origin", "feature/pushed"], in: checkout, secret: "test-token")

        let branch = try client.getJSON("\(api)/refs/branches/feature/pushed")
        let target = try XCTUnwrap(branch["target"] as? [String: Any])
        XCTAssertEqual(target["hash"] as? String, pushed)
        XCTAssertEqual(target["message"] as? String, "Push a note\n")
        XCTAssertEqual(((target["author"] as? [String: Any])?["raw"] as? String), "Test Pusher <pusher@example.com>")

        let commits = try client.getJSON("\(api)/commits/feature/pushed?pagelen=2")["values"] as? [[String: Any]]
        XCTAssertEqual(commits?.first?["hash"] as? String, pushed)
        XCTAssertEqual(commits?.count, 2)
        let all = try client.collectPages("\(api)/commits").values.compactMap { $0["hash"] as? String }
        XCTAssertTrue(all.contains(pushed), "the all-branches history includes the pushed commit")
        XCTAssertEqual(try client.getJSON("\(api)/commit/\(pushed.prefix(12))")["hash"] as? String, pushed)

        XCTAssertEqual(try client.get("\(api)/src/\(pushed)/notes/pushed.txt").text, "pushed over git\n")
        let listing = try client.getJSON("\(api)/src/\(pushed)/notes/")["values"] as? [[String: Any]]
        XCTAssertEqual(listing?.compactMap { $0["path"] as? String }, ["notes/pushed.txt"])

        // Deleting the branch over git removes it from REST too.
        try git.ok(["push", "--quiet", "origin", "--delete", "feature/pushed"], in: checkout, secret: "test-token")
        XCTAssertEqual(try client.get("\(api)/refs/branches/feature/pushed").status, 404)
    }

    func testRESTWritesAfterCloneReachGit() throws {
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "test-token")
        let tag = try client.request("POST", "\(api)/refs/tags", json: ["name": "v2.0.0", "target": ["hash": "main"], "message": "Two"])
        XCTAssertEqual(tag.status, 201, tag.text)
        let merged = try client.request("POST", "\(api)/pullrequests/1/merge", json: ["merge_strategy": "merge_commit"])
        XCTAssertEqual(merged.status, 200, merged.text)
        let mergeHash = try XCTUnwrap((try merged.json()["merge_commit"] as? [String: Any])?["hash"] as? String)

        try git.ok(["fetch", "--quiet", "--tags", "origin"], in: checkout, secret: "test-token")
        XCTAssertEqual(try git.ok(["rev-parse", "origin/main"], in: checkout), mergeHash)
        XCTAssertEqual(try git.ok(["cat-file", "-t", "v2.0.0"], in: checkout), "tag")
        // A real three-way merge: two parents, and the files of both sides.
        XCTAssertEqual(try git.ok(["rev-list", "--parents", "-n", "1", "origin/main"], in: checkout).split(separator: " ").count, 3)
        let files = try git.ok(["ls-tree", "-r", "--name-only", "origin/main"], in: checkout).split(separator: "\n")
        XCTAssertTrue(files.contains("docs/config.md"), "main's own change survives")
        XCTAssertTrue(files.contains("internal/auth/login_test.go"), "the source branch's change arrives")
    }

    func testCommitsSeededAfterACloneArriveWithTheNextFetch() throws {
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "test-token")
        let seeded = try control("POST", "/seed", json: ["repo": "acme/api", "commits": 250])
        XCTAssertEqual(seeded.status, 201, seeded.text)
        try git.ok(["fetch", "--quiet", "origin"], in: checkout, secret: "test-token")
        XCTAssertEqual(try git.ok(["rev-list", "--count", "HEAD..origin/main"], in: checkout), "250")
        XCTAssertEqual(try git.ok(["rev-parse", "origin/main"], in: checkout), try restBranches()["main"])
        XCTAssertEqual(try git.ok(["log", "-1", "--format=%s", "origin/main"], in: checkout), "Seeded commit 250")
    }

    func testFirstPushIntoAnEmptyRepositoryCreatedThroughREST() throws {
        let created = try client.request("POST", "/2.0/repositories/acme/fresh", json: ["scm": "git", "is_private": true])
        XCTAssertEqual(created.status, 200, created.text)
        let checkout = git.directory("fresh")
        let clone = try git.run(["clone", url("acme/fresh"), checkout.path], secret: "test-token")
        XCTAssertEqual(clone.status, 0, clone.output)
        XCTAssertTrue(clone.stderr.contains("empty repository"), clone.stderr)
        try "first\n".write(to: checkout.appendingPathComponent("first.txt"), atomically: true, encoding: .utf8)
        try git.ok(["add", "first.txt"], in: checkout)
        try git.ok(["commit", "--quiet", "-m", "First"], in: checkout)
        try git.ok(["push", "--quiet", "origin", "HEAD:refs/heads/main"], in: checkout, secret: "test-token")
        let pushed = try git.ok(["rev-parse", "HEAD"], in: checkout)
        XCTAssertEqual(try restBranches("/2.0/repositories/acme/fresh"), ["main": pushed])
        XCTAssertEqual(try client.get("/2.0/repositories/acme/fresh/src/main/first.txt").text, "first\n")
    }

    func testWrongTokenFailsWithAuthenticationFailed() throws {
        let result = try git.run(["clone", url("acme/api"), git.directory("nope").path], secret: "not-the-token")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("Authentication failed"), result.stderr)
    }

    func testReadOnlyTokenClonesButCannotPush() throws {
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "read-only")
        try git.ok(["commit", "--quiet", "--allow-empty", "-m", "Not allowed"], in: checkout)
        let push = try git.run(["push", "origin", "HEAD:refs/heads/denied"], in: checkout, secret: "read-only")
        XCTAssertNotEqual(push.status, 0)
        XCTAssertTrue(push.stderr.contains("403"), push.stderr)
        XCTAssertTrue(push.stderr.contains("lack one or more required privilege scopes"), push.stderr)
        XCTAssertNil(try restBranches()["denied"])

        let raw = TestClient(baseURL: server.baseURL, token: nil)
        raw.authorization = TestClient.basic("x-token-auth", "read-only")
        XCTAssertEqual(try raw.get("/acme/api.git/info/refs?service=git-receive-pack").status, 403)
        XCTAssertEqual(try raw.get("/acme/api.git/info/refs?service=git-upload-pack").status, 200)
    }

    func testTokenWithoutRepositoryScopeCannotClone() throws {
        let result = try git.run(["clone", url("acme/api"), git.directory("nope").path], secret: "pipeline-only")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("403"), result.stderr)
        let raw = TestClient(baseURL: server.baseURL, token: nil)
        raw.authorization = TestClient.basic("x-token-auth", "pipeline-only")
        XCTAssertEqual(try raw.get("/acme/api.git/info/refs?service=git-upload-pack").status, 403)
    }

    func testAppPasswordUserCanClone() throws {
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "app-secret", user: "dave@example.com")
        XCTAssertEqual(try git.ok(["rev-parse", "HEAD"], in: checkout), try restBranches()["main"])
    }

    func testUnknownRepositoryIsNotFound() throws {
        let result = try git.run(["clone", url("acme/nope"), git.directory("nope").path], secret: "test-token")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("Repository not found"), result.stderr)
        XCTAssertTrue(result.stderr.contains("not found"), result.stderr)
    }

    func testPublicRepositoryClonesAnonymouslyButPrivateOneDoesNot() throws {
        let web = git.directory("web")
        try git.ok(["clone", "--quiet", url("acme/web"), web.path])
        XCTAssertTrue(FileManager.default.fileExists(atPath: web.appendingPathComponent("index.html").path))

        let denied = try git.run(["clone", url("acme/api"), git.directory("api").path])
        XCTAssertNotEqual(denied.status, 0)
        XCTAssertTrue(denied.stderr.contains("terminal prompts disabled") || denied.stderr.contains("Authentication"), denied.stderr)

        try git.ok(["commit", "--quiet", "--allow-empty", "-m", "Anonymous"], in: web)
        let push = try git.run(["push", "origin", "HEAD:refs/heads/anonymous"], in: web)
        XCTAssertNotEqual(push.status, 0, "anonymous pushes are never allowed")
    }

    func testResetGivesFreshRepositories() throws {
        let before = try restBranches()
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url("acme/api"), checkout.path], secret: "test-token")
        try git.ok(["commit", "--quiet", "--allow-empty", "-m", "Gone after reset"], in: checkout)
        try git.ok(["push", "--quiet", "origin", "HEAD:refs/heads/temporary", "HEAD:refs/heads/main"], in: checkout, secret: "test-token")
        XCTAssertNotNil(try restBranches()["temporary"])

        XCTAssertEqual(try control("POST", "/reset").status, 200)
        XCTAssertEqual(try restBranches(), before)
        XCTAssertEqual(try remoteBranches("acme/api"), before)
    }

    func testGitRequestsAreLoggedAndCanBeFaulted() throws {
        XCTAssertEqual(try control("DELETE", "/requests").status, 204)
        try git.ok(["ls-remote", url("acme/api")], secret: "test-token")
        let log = try control("GET", "/requests").json()["requests"] as? [[String: Any]] ?? []
        let gitEntries = log.filter { ($0["path"] as? String) == "/acme/api.git/info/refs" }
        XCTAssertEqual(gitEntries.map { $0["status"] as? Int }, [401, 200])
        let headers = gitEntries.last?["headers"] as? [String: Any]
        XCTAssertEqual(headers?["git-protocol"] as? String, "version=2", "protocol v2 is asked for and passed on")
        XCTAssertTrue(log.contains { ($0["path"] as? String) == "/acme/api.git/git-upload-pack" && ($0["status"] as? Int) == 200 })

        let fault = try control("POST", "/faults", json: ["route": "GET /acme/api.git/info/refs", "fault": "503"])
        XCTAssertEqual(fault.status, 201, fault.text)
        let result = try git.run(["ls-remote", url("acme/api")], secret: "test-token")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("503"), result.stderr)
    }

    func testGzipRequestBodyIsInflated() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") || FileManager.default.isExecutableFile(atPath: "/bin/gzip")
        else { throw XCTSkip("gzip is not installed") }
        let head = try XCTUnwrap(try restBranches()["main"])
        func pktLine(_ text: String) -> String { String(format: "%04x", text.utf8.count + 4) + text }
        let negotiation = pktLine("want \(head) no-progress\n") + "0000" + pktLine("done\n")
        let gzip = FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") ? "/usr/bin/gzip" : "/bin/gzip"
        let compressed = try runCommand(gzip, ["-c"], environment: [:], directory: git.scratch, input: Data(negotiation.utf8))
        let raw = try RawHTTP.send(
            host: "127.0.0.1", port: server.baseURL.port ?? 80, method: "POST", target: "/acme/api.git/git-upload-pack",
            headers: [
                "Authorization": TestClient.basic("x-token-auth", "test-token"),
                "Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "gzip",
            ],
            body: compressed.stdoutData)
        XCTAssertEqual(raw.status, 200, raw.text)
        XCTAssertEqual(raw.header("Content-Type"), "application/x-git-upload-pack-result")
        XCTAssertNotNil(raw.body.firstRange(of: Data("PACK".utf8)), "a pack came back")
    }
}

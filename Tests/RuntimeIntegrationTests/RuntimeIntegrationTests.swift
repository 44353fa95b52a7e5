// The api/auth/token/repo/parallel built-ins, end to end: the real bbs binary runs scripts
// against bbs-mock. Every run is also checked for the canary token in any form.

import Foundation
import XCTest

class RuntimeTestCase: XCTestCase {
    static let canary = "bbs_canary_7f3a9c2e41d84b6a5f10"
    static let basicUser = "dave@example.com"
    static let basicSecret = "app-secret-c4n4ry-91"
    nonisolated(unsafe) static var sharedMock: Mock?

    var mock: Mock { Self.sharedMock! }

    override func setUpWithError() throws {
        try super.setUpWithError()
        if Self.sharedMock == nil {
            Self.sharedMock = try Mock(arguments: [
                "--token", Self.canary,
                "--token", "limited-token:repository",
                "--basic", "\(Self.basicUser):\(Self.basicSecret):repository,account",
            ])
        }
        mock.control("POST", "reset")
    }

    override class func tearDown() {
        sharedMock?.stop()
        sharedMock = nil
        super.tearDown()
    }

    /// Runs `script` with bbs; `flags` go before the script path.
    func bbs(_ script: String, flags: [String] = [], args: [String] = [], env: [String: String] = [:],
             token: String? = RuntimeTestCase.canary, directory: String? = nil,
             file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString).bbs").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": NSTemporaryDirectory(),
            "BBS_API_URL": mock.api,
            "NO_COLOR": "1",
        ]
        if let token { environment["BITBUCKET_TOKEN"] = token }
        for (k, v) in env { environment[k] = v }
        let binary = try Binaries.find("bbs", override: "BBS_BIN")
        let outcome = Shell.run(binary, flags + [path] + args, environment: environment, directory: directory)
        assertNoSecrets(outcome.all, file: file, line: line)
        return outcome
    }

    func assertNoSecrets(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let forms = [
            Self.canary,
            Data(Self.canary.utf8).base64EncodedString(),
            Data("x-token-auth:\(Self.canary)".utf8).base64EncodedString(),
            Self.basicSecret,
            Data("\(Self.basicUser):\(Self.basicSecret)".utf8).base64EncodedString(),
        ]
        for form in forms {
            XCTAssertFalse(text.contains(form), "a secret leaked:\n\(text)", file: file, line: line)
        }
    }
}

final class RuntimeIntegrationTests: RuntimeTestCase {
    // MARK: api.get / writes / request

    func testGetWithQueryAndRepeatedKeys() throws {
        let r = try bbs("""
        let me = api.get("/user")
        print(type(me), me.nickname != nil)
        let page = api.get("/repositories/acme", {pagelen: 2, q: 'slug="api"', sort: "slug"})
        print(len(page.values), page.values[0].full_name)
        let prs = api.get("/repositories/acme/api/pullrequests", {state: ["OPEN", "MERGED"], pagelen: 10})
        print(type(prs.values))
        print(api.get("/repositories/acme/api/src/main/README.md") != nil)
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "map true")
        XCTAssertEqual(lines.dropFirst().first, "1 acme/api")
        XCTAssertEqual(lines.dropFirst(2).first, "list")
        let prLog = mock.requests().first { ($0["path"] as? String)?.hasSuffix("/pullrequests") == true }
        XCTAssertEqual(prLog?["query"] as? String, "state=OPEN&state=MERGED&pagelen=10")
        let repoLog = mock.requests().first { ($0["path"] as? String) == "/2.0/repositories/acme" }
        XCTAssertEqual(repoLog?["query"] as? String, "pagelen=2&q=slug%3D%22api%22&sort=slug")
    }

    func testHTTPErrorValueFields() throws {
        let r = try bbs("""
        try {
          api.get("/repositories/acme/no-such-repo")
        } catch e {
          print(type(e), e.kind, e.status, type(e.message))
        }
        try {
          api.get("/repositories/acme/api/pullrequests", {pagelen: 100})
        } catch e {
          print(e.kind, e.status, e.message)
        }
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "error not_found 404 string\ninvalid 400 Invalid pagelen\n")
    }

    func testWritesSendJSONAndReturnBodies() throws {
        let r = try bbs("""
        let b = api.post("/repositories/acme/api/refs/branches", {name: "feature/rt", target: {hash: "main"}})
        print(b.name)
        print(api.get("/repositories/acme/api/refs/branches/feature/rt").name)
        print(api.delete("/repositories/acme/api/refs/branches/feature/rt"))
        let r = api.request({method: "GET", path: "/repositories/acme/api/refs/branches/feature/rt"})
        print(r.status, type(r.headers), r.body.error.message != nil)
        let t = api.request({method: "put", path: "/repositories/acme/api", body: "plain text", headers: {"X-Test": "1"}})
        print(type(t.status))
        let p = api.request({method: "PATCH", path: "/repositories/acme/api", body: [1, 2]})
        print(type(p.status))
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").prefix(3).map(String.init), ["feature/rt", "feature/rt", "nil"])
        XCTAssertTrue(r.stdout.contains("404 map true"), r.stdout)
        let log = mock.requests()
        let post = log.first { ($0["method"] as? String) == "POST" }
        let postHeaders = post?["headers"] as? [String: Any] ?? [:]
        XCTAssertEqual(header(postHeaders, "content-type"), "application/json")
        XCTAssertTrue((post?["body"] as? String ?? "").contains("\"feature/rt\""))
        let put = log.first { ($0["method"] as? String) == "PUT" }
        XCTAssertEqual(put?["body"] as? String, "plain text")
        XCTAssertEqual(header(put?["headers"] as? [String: Any] ?? [:], "x-test"), "1")
        XCTAssertTrue(header(put?["headers"] as? [String: Any] ?? [:], "content-type")?.hasPrefix("text/plain") == true)
        let patch = log.first { ($0["method"] as? String) == "PATCH" }
        XCTAssertEqual(patch?["body"] as? String, "[1,2]")
    }

    func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-dir-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func header(_ headers: [String: Any], _ name: String) -> String? {
        headers.first { $0.key.lowercased() == name }?.value as? String
    }

    func testDryRunSendsNoWrites() throws {
        let r = try bbs("""
        let b = api.post("/repositories/acme/api/refs/branches", {name: "dry", target: {hash: "main"}})
        print(b.dry_run, b.method, b.path)
        print(api.delete("/repositories/acme/api/refs/branches/main").dry_run)
        print(api.request({method: "PUT", path: "/repositories/acme/api", body: {}}).dry_run)
        print(api.get("/repositories/acme/api").slug)
        """, flags: ["--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "true POST /repositories/acme/api/refs/branches\ntrue\ntrue\napi\n")
        XCTAssertTrue(r.stderr.contains("DRY-RUN POST"), r.stderr)
        let methods = mock.requests().compactMap { $0["method"] as? String }
        XCTAssertEqual(methods, ["GET"])
        let env = try bbs("print(api.post(\"/repositories/acme/api/refs/branches\", {name: \"x\"}).dry_run)",
                          env: ["BBS_DRY_RUN": "1"])
        XCTAssertEqual(env.stdout, "true\n")
        XCTAssertEqual(mock.requests().compactMap { $0["method"] as? String }, ["GET"])
    }

    // MARK: pagination

    func testPaginatePageNumberStyleOver1000Items() throws {
        mock.control("POST", "seed", #"{"workspace":"big","repositories":1200}"#)
        let r = try bbs("""
        var n = 0
        for r in api.paginate("/repositories/big", {pagelen: 100}) { n += 1 }
        print(n)
        let s = api.paginate("/repositories/big", {pagelen: 50})
        print(type(s), s.count())
        print(s.map(r => r.slug).filter(x => x.ends_with("7")).take(3).list())
        print(s.first().workspace.slug)
        print(len(s.take(5).list()))
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "1200")
        XCTAssertEqual(lines.dropFirst().first, "stream 1200")
        XCTAssertTrue(lines.count > 3 && lines[2].hasPrefix("[\"") && lines[2].filter { $0 == "," }.count == 2, r.stdout)
        XCTAssertEqual(lines.dropFirst(3).first, "big")
        XCTAssertEqual(lines.last, "5")
        // 12 + 24 pages, then the lazy ones: the filtered take(3) reads at most two pages, and
        // first() and take(5) one each (the next page is prefetched only past half a page).
        let count = mock.requests().count
        XCTAssertLessThanOrEqual(count, 12 + 24 + 2 + 1 + 1)
    }

    func testPaginateIteratorStyleCommits() throws {
        mock.control("POST", "seed", #"{"repo":"acme/api","commits":1500}"#)
        let r = try bbs("""
        let n = repo("acme/api").commits().count()
        print(n >= 1500)
        let hashes = api.paginate("/repositories/acme/api/commits").map(c => c.hash).list()
        var seen = {}
        for h in hashes { seen[h] = true }
        print(len(seen) == len(hashes))
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "true\ntrue\n")
    }

    func testCycleNextIsAPaginationError() throws {
        mock.fault(#"{"route":"GET /2.0/repositories/acme","fault":"cycle_next","count":-1}"#)
        let r = try bbs("""
        var n = 0
        try {
          for r in api.paginate("/repositories/acme", {pagelen: 1}) { n += 1 }
        } catch e {
          print(e.kind, n > 0)
        }
        for r in api.paginate("/repositories/acme", {pagelen: 1}) { }
        """)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.hasPrefix("pagination true"), r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("repeats a page"), r.stderr)
    }

    func testBogusNextOnEmptyPageEndsTheStream() throws {
        mock.fault(#"{"route":"GET /2.0/repositories/acme","fault":"bogus_next","count":-1}"#)
        let r = try bbs("""
        print(api.paginate("/repositories/acme").count())
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "0\n")
        XCTAssertEqual(mock.requests().count, 1)
    }

    func testStreamsAreLazyReiterableAndEnumerable() throws {
        let r = try bbs("""
        let s = api.paginate("/repositories/acme", {pagelen: 1})
        print(s)
        for i, r in s.take(2) { print(i, type(r.slug)) }
        var names = []
        s.each(r => names.push(r.slug))
        print(len(names) == s.count(), len(names) >= 3)
        print(parallel(["/repositories/acme/api", "/repositories/acme/web"], api.get).map(r => r.slug))
        print(parallel([], x => x), parallel(s.take(1), r => r.slug, {workers: 1}))
        try { json.stringify(s) } catch e { print(e.kind) }
        try { s.take(-1) } catch e { print(e.message) }
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "<stream /repositories/acme>")
        XCTAssertEqual(Array(lines.dropFirst().prefix(2)), ["0 string", "1 string"])
        XCTAssertEqual(lines.dropFirst(3).first, "true true")
        XCTAssertEqual(lines.dropFirst(4).first, "[\"api\", \"web\"]")
        XCTAssertTrue(lines.dropFirst(5).first?.hasPrefix("[] [\"") == true, r.stdout)
        XCTAssertEqual(lines.last, "stream.take: the count must not be negative, not -1")
    }

    // MARK: faults and exit codes

    func test429WithRetryAfterThenSuccess() throws {
        mock.fault(#"{"route":"GET /2.0/user","fault":"429","count":1,"retry_after":1}"#)
        let started = Date()
        let r = try bbs("print(api.get(\"/user\").nickname != nil)", flags: ["--trace"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "true\n")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9)
        XCTAssertTrue(r.stderr.contains("← 429"), r.stderr)
        XCTAssertTrue(r.stderr.contains("retry-after: 1"), r.stderr)
        XCTAssertEqual(mock.requests().count, 2)
    }

    func test503IsRetriedForGet() throws {
        mock.fault(#"{"route":"GET /2.0/repositories/acme/api","fault":"503","count":2}"#)
        let r = try bbs("print(api.get(\"/repositories/acme/api\").slug)")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "api\n")
        XCTAssertEqual(mock.requests().count, 3)
    }

    func testPostIsNotRetried() throws {
        mock.fault(#"{"route":"POST /2.0/repositories/acme/api/refs/branches","fault":"503","count":1}"#)
        let r = try bbs("api.post(\"/repositories/acme/api/refs/branches\", {name: \"once\", target: {hash: \"main\"}})")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("HTTP 503"), r.stderr)
        XCTAssertEqual(mock.requests().filter { ($0["method"] as? String) == "POST" }.count, 1)
    }

    func testExhaustedRetriesExit5() throws {
        mock.fault(#"{"route":"GET /2.0/user","fault":"503","count":-1}"#)
        let r = try bbs("api.get(\"/user\")")
        XCTAssertEqual(r.status, 5, r.stderr)
        XCTAssertTrue(r.stderr.contains("after 3 retries"), r.stderr)
    }

    func testReadTimeoutIsRetried() throws {
        mock.fault(#"{"route":"GET /2.0/repositories/acme/api","fault":"delay","delay_ms":3000,"count":1}"#)
        let r = try bbs("print(api.get(\"/repositories/acme/api\").slug)", flags: ["--trace"], env: ["BBS_TIMEOUT": "0.5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "api\n")
        XCTAssertTrue(r.stderr.contains("↻ GET"), r.stderr)
    }

    func testInterruptStopsAWaitingRequest() throws {
        mock.fault(#"{"route":"GET /2.0/user","fault":"delay","delay_ms":20000,"count":-1}"#)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Binaries.find("bbs", override: "BBS_BIN"))
        p.arguments = ["-e", "api.get(\"/user\")"]
        p.environment = ["PATH": "/usr/bin:/bin", "BBS_API_URL": mock.api, "BITBUCKET_TOKEN": Self.canary]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 1.0)
        let sent = Date()
        p.interrupt()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        XCTAssertLessThan(Date().timeIntervalSince(sent), 3)
    }

    func testNetworkFailureExit5() throws {
        let r = try bbs("api.get(\"/user\")", env: ["BBS_API_URL": "http://127.0.0.1:9/2.0"])
        XCTAssertEqual(r.status, 5, r.stderr)
        XCTAssertTrue(r.stderr.contains("error:"), r.stderr)
    }

    func testUnauthorizedExit4WithClearMessage() throws {
        let r = try bbs("print(api.get(\"/user\"))", token: "wrong-token")
        XCTAssertEqual(r.status, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("HTTP 401"), r.stderr)
        XCTAssertTrue(r.stderr.lowercased().contains("token") || r.stderr.contains("Unauthorized"), r.stderr)
        XCTAssertFalse(r.stderr.contains("wrong-token"), r.stderr)
    }

    func testScopeErrorShowsRequiredAndGranted() throws {
        let r = try bbs("""
        try { api.get("/user") } catch e { print(e.kind, e.status, e.detail.required, e.detail.granted) }
        api.get("/user")
        """, token: "limited-token")
        XCTAssertEqual(r.status, 4, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("permission 403 [\"account\"]"), r.stdout)
        XCTAssertTrue(r.stderr.contains("required"), r.stderr)
        XCTAssertTrue(r.stderr.contains("granted"), r.stderr)
    }

    // MARK: auth and tokens

    func testAuthTokenAndBasicReplaceTheDefault() throws {
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)").path
        try (Self.canary + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secretFile) }
        let r = try bbs("""
        try { api.get("/user") } catch e { print("default", e.kind) }
        let t = token.env("MY_TOKEN")
        print(t, type(t), "${t}", json.stringify({t: t}))
        auth.token(t)
        print(api.get("/user").nickname != nil)
        auth.basic("\(Self.basicUser)", token.env("MY_BASIC"))
        print(api.get("/user").nickname != nil)
        auth.token(token.file("\(secretFile)"))
        print(api.get("/repositories/acme/api").slug)
        try { token.env("NOPE_NOT_SET") } catch e { print(e.message) }
        """, flags: ["--trace"], env: ["MY_TOKEN": Self.canary, "MY_BASIC": Self.basicSecret], token: "wrong-token")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
        default auth
        *** secret *** {"t":"***"}
        true
        true
        api
        token.env: environment variable NOPE_NOT_SET is not set

        """)
        let auths = mock.requests().compactMap { ($0["headers"] as? [String: Any]).flatMap { header($0, "authorization") } }
        XCTAssertEqual(auths.count, 4)
        XCTAssertEqual(auths[1], "Bearer \(Self.canary)")
        XCTAssertTrue(auths[2].hasPrefix("Basic "))
    }

    func testTokenPromptWithoutTerminalFails() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") else { throw XCTSkip("no setsid") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString).bbs").path
        try "try { token.prompt(\"Token\") } catch e { print(e.kind, e.message) }".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = Shell.run("/usr/bin/setsid", ["-w", try Binaries.find("bbs", override: "BBS_BIN"), path],
                          environment: ["PATH": "/usr/bin:/bin"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("io token.prompt: no terminal"), r.stdout)
    }

    // MARK: redaction

    func testCanaryNeverAppears() throws {
        // The request log echoes the Authorization header back; an error message and the
        // uncaught-error report quote a path containing the token; the trace shows headers.
        let r = try bbs("""
        api.get("/user")
        let log = api.get("\(mock.base)/_mock/requests")
        print(log)
        print(json.stringify(log, {indent: 2}))
        eprint(log.requests[0].headers)
        print("inline \(Self.canary) text")
        try { api.get("\(mock.base)/_mock/\(Self.canary)") } catch e { print(e.message); eprint(e) }
        api.get("/repositories/acme/\(Self.canary)?token=\(Self.canary)")
        """, flags: ["--trace"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("Bearer ***"), r.stdout)
        XCTAssertTrue(r.stdout.contains("inline *** text"), r.stdout)
        XCTAssertTrue(r.stderr.contains("→ GET"), r.stderr)
        XCTAssertTrue(r.stderr.contains("authorization: Bearer ***"), r.stderr)
        XCTAssertTrue(r.stderr.contains("/_mock/***"), r.stderr)
        // checked by bbs(): no form of the canary anywhere
    }

    func testTraceLinesFromEnvironment() throws {
        let r = try bbs("api.get(\"/repositories/acme/api\")", env: ["BBS_TRACE": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("→ GET \(mock.api)/repositories/acme/api") }, r.stderr)
        XCTAssertTrue(lines.contains { $0.hasPrefix("← 200 GET") }, r.stderr)
    }

    // MARK: repo

    func testRepoValueMethods() throws {
        let r = try bbs("""
        let r = repo("acme/api")
        print(r.full_name, r.api_path, r.clone_url)
        print(r.info().full_name)
        print(type(r.branches()), "main" in r.branches().map(b => b.name).list())
        print(type(r.tags().list()))
        print(r.prs().first().state)
        print(r.prs("MERGED").count() >= 0)
        print(repo().full_name)
        """, env: ["BITBUCKET_REPO_FULL_NAME": "acme/web", "BBS_GIT_URL": "https://git.example.com"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
        acme/api /repositories/acme/api https://git.example.com/acme/api.git
        acme/api
        stream true
        list
        OPEN
        true
        acme/web

        """)
        let prQuery = mock.requests().first { ($0["path"] as? String)?.hasSuffix("/pullrequests") == true }?["query"] as? String
        XCTAssertEqual(prQuery, "state=OPEN")
    }

    func testRepoFromGitRemote() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = Shell.run("/usr/bin/git", ["init", "-q", dir])
        _ = Shell.run("/usr/bin/git", ["-C", dir, "remote", "add", "origin",
                                        "https://x-token-auth:\(Self.canary)@bitbucket.org/acme/infra.git"])
        var r = try bbs("print(repo().full_name, repo().clone_url)", env: ["HOME": dir], directory: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "acme/infra https://bitbucket.org/acme/infra.git\n")
        _ = Shell.run("/usr/bin/git", ["-C", dir, "remote", "set-url", "origin", "git@bitbucket.org:acme/docs.git"])
        r = try bbs("print(repo().full_name)", env: ["HOME": dir], directory: dir)
        XCTAssertEqual(r.stdout, "acme/docs\n", r.stderr)
        _ = Shell.run("/usr/bin/git", ["-C", dir, "remote", "set-url", "origin", "https://x:\(Self.canary)@example.com/nope"])
        r = try bbs("repo()", env: ["HOME": dir], directory: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("https://example.com/nope"), r.stderr)
        let plain = try tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: plain) }
        r = try bbs("repo()", env: ["HOME": plain, "GIT_CEILING_DIRECTORIES": plain], directory: plain)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("BITBUCKET_REPO_FULL_NAME"), r.stderr)
    }

    // MARK: parallel

    func testParallelOrderErrorsAndSpeedup() throws {
        let r = try bbs("""
        print(parallel([3, 1, 2], x => x * 10, {workers: 3}))
        print(parallel(range(20), (x, i) => x == i))
        var total = 0
        parallel(range(100), x => { total += x }, {workers: 8})
        print(total)
        try {
          parallel(range(10), x => { if x == 4 { throw "bad ${x}" }; return x }, {workers: 4})
        } catch e { print(e.message) }
        print(parallel(api.paginate("/repositories/acme").take(2), r => r.slug, {workers: 2}))
        """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "[30, 10, 20]")
        XCTAssertEqual(lines.dropFirst().first?.hasPrefix("[true, true"), true)
        XCTAssertEqual(lines.dropFirst(2).first, "4950")
        XCTAssertEqual(lines.dropFirst(3).first, "bad 4")

        // I/O-bound speed-up: every GET waits 100 ms at the server.
        mock.fault(#"{"route":"GET /2.0/repositories/acme/api","fault":"delay","delay_ms":100,"count":-1}"#)
        let timing = try bbs("""
        let t0 = time.now()
        let a = range(48).map(i => api.get("/repositories/acme/api").slug)
        let t1 = time.now()
        let b = parallel(range(48), i => api.get("/repositories/acme/api").slug, {workers: 8})
        let t2 = time.now()
        print(a == b, len(b))
        print(t1 - t0, t2 - t1)
        """)
        XCTAssertEqual(timing.status, 0, timing.stderr)
        let parts = timing.stdout.split(separator: "\n")
        XCTAssertEqual(parts.first, "true 48")
        let times = parts.dropFirst().first?.split(separator: " ").compactMap { Double($0) } ?? []
        XCTAssertEqual(times.count, 2, timing.stdout)
        if times.count == 2 {
            XCTAssertGreaterThanOrEqual(times[0] / max(times[1], 0.001), 4.0, "sequential \(times[0]) s, parallel \(times[1]) s")
        }
    }

    // MARK: CLI

    func testBadAPIURLIsAConfigurationError() throws {
        let r = try bbs("print(1)\napi.get(\"/user\")", flags: ["--api-url", "not a url"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "1\n")
        XCTAssertTrue(r.stderr.contains("not an http(s) URL"), r.stderr)
    }
}

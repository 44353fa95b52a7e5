import BBSTestSupport
import Foundation
import XCTest
@testable import BBSTransport

/// The git runner with the real git client against the real `git http-backend` (behind
/// Fixtures/git_http_server.py, which demands Basic x-token-auth:<token> after a 401); git's own
/// `credential-cache` client fetches the credential from the broker's socket.
final class GitRunnerTests: XCTestCase {
    private static let token = "CANARY-git-Zq81xT"
    private var temp: TemporaryDirectory!
    private var server: ListeningProcess!
    private var logPath: String!
    private var baseURL: URL!

    override func setUpWithError() throws {
        let python = try Tools.require(Tools.python3, "python3")
        guard GitEnvironment.findExecutable("git", path: ProcessInfo.processInfo.environment["PATH"]) != nil else {
            throw XCTSkip("git is not installed, so the git runner cannot be tested")
        }
        temp = try TemporaryDirectory()
        try makeBareRepository(at: temp.path("root/acme/api.git"))
        logPath = temp.path("requests.log")
        server = try ListeningProcess(
            executable: python,
            arguments: [fixturesDirectory.appendingPathComponent("git_http_server.py").path, "--root", temp.path("root"),
                        "--user", "x-token-auth", "--password", Self.token, "--log", logPath],
            stderrPath: temp.path("server.err"))
        baseURL = URL(string: "http://127.0.0.1:\(server.port)")!
    }

    override func tearDown() {
        server?.stop()
        server = nil
        temp = nil
    }

    func testCloneAuthenticatesThroughTheHelperAndLeavesNoSecretBehind() throws {
        let redactor = Redactor()
        redactor.register(.bearer(token: Self.token))
        let result = try runner(.bearer(token: Self.token), redactor: redactor).run(
            GitInvocation(arguments: ["clone", "--quiet", "--", "\(baseURL!)/acme/api.git", temp.path("clone")], usesRemote: true))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOfFile: temp.path("clone/README"), encoding: .utf8), "hello\n")
        // git asked without credentials first, then with the token it got from the helper.
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        XCTAssertTrue(log.contains("\"authorization\": \"none\""), log)
        XCTAssertTrue(log.contains("\"authorization\": \"ok\""), log)
        XCTAssertFalse(log.contains("\"authorization\": \"wrong\""), log)
        let config = try String(contentsOfFile: temp.path("clone/.git/config"), encoding: .utf8)
        XCTAssertTrue(config.contains("url = \(baseURL!)/acme/api.git"), config)
        XCTAssertFalse(config.contains(Self.token))
        XCTAssertNil(TreeSearch.firstFile(containing: Self.token, under: temp.path("clone")))
    }

    func testWrongTokenIsAnAuthFailureAndStderrIsMasked() throws {
        let redactor = Redactor()
        redactor.register(.bearer(token: "not-the-token"))
        let result = try runner(.bearer(token: "not-the-token"), redactor: redactor).run(
            GitInvocation(arguments: ["clone", "--", "\(baseURL!)/acme/api.git", temp.path("clone")], usesRemote: true))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(GitFailure(stderr: result.stderr).kind, .auth, result.stderr)
        XCTAssertTrue(try String(contentsOfFile: logPath, encoding: .utf8).contains("\"authorization\": \"wrong\""))
    }

    /// The credential is bound to the configured git origin: asked for any other host, the
    /// broker answers `quit`, so git sends nothing and fails instead of prompting.
    func testCredentialIsNotGivenToAnotherOrigin() throws {
        var git = runner(.bearer(token: Self.token), redactor: Redactor())
        git.gitBaseURL = URL(string: "https://bitbucket.org")!
        let result = try git.run(
            GitInvocation(arguments: ["clone", "--", "\(baseURL!)/acme/api.git", temp.path("clone")], usesRemote: true))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(GitFailure(stderr: result.stderr).kind, .auth, result.stderr)
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        XCTAssertFalse(log.contains("\"authorization\": \"ok\""), log)
        XCTAssertFalse(log.contains("\"authorization\": \"wrong\""), log)
    }

    func testWithoutACredentialGitFailsRatherThanPrompting() throws {
        let started = Date()
        let result = try runner(nil, redactor: Redactor()).run(
            GitInvocation(arguments: ["clone", "--", "\(baseURL!)/acme/api.git", temp.path("clone")], usesRemote: true))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("terminal prompts disabled"), result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }

    /// The user's own helpers (here one that would hand git a wrong password) are reset.
    func testUserCredentialHelpersAreReset() throws {
        var git = runner(.bearer(token: Self.token), redactor: Redactor())
        git.baseEnvironment["GIT_CONFIG_COUNT"] = "1"
        git.baseEnvironment["GIT_CONFIG_KEY_0"] = "credential.helper"
        git.baseEnvironment["GIT_CONFIG_VALUE_0"] = "!f() { echo username=x-token-auth; echo password=stale; }; f"
        let result = try git.run(
            GitInvocation(arguments: ["clone", "--quiet", "--", "\(baseURL!)/acme/api.git", temp.path("clone")], usesRemote: true))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(try String(contentsOfFile: logPath, encoding: .utf8).contains("\"authorization\": \"wrong\""))
    }

    func testCancellationStopsGit() throws {
        let started = Date()
        XCTAssertThrowsError(try runner(nil, redactor: Redactor()).run(
            GitInvocation(arguments: ["-c", "alias.wait=!sleep 30", "wait"]), isCancelled: { Date().timeIntervalSince(started) > 0.3 })
        ) { error in
            guard case GitRunError.cancelled = error else { return XCTFail("expected cancelled, got \(error)") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testTheSocketIsRemovedAfterTheRun() throws {
        let broker = try GitCredentialBroker(credential: .bearer(token: Self.token), gitBaseURL: baseURL)
        let path = broker.socketPath
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        var info = stat()
        XCTAssertEqual(stat((path as NSString).deletingLastPathComponent, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)
        broker.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    // MARK: - Helpers

    private func runner(_ credential: Credential?, redactor: Redactor) -> GitRunner {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["HOME"] = temp.url.path
        return GitRunner(gitBaseURL: baseURL, credential: credential, redactor: redactor, baseEnvironment: environment)
    }

    private func makeBareRepository(at path: String) throws {
        let work = temp.path("seed")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try "hello\n".write(toFile: work + "/README", atomically: true, encoding: .utf8)
        for command in [["init", "-q", "--bare", path], ["-C", work, "init", "-q"], ["-C", work, "add", "README"],
                        ["-C", work, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "first"],
                        ["-C", work, "push", "-q", path, "HEAD:refs/heads/main"], ["-C", path, "symbolic-ref", "HEAD", "refs/heads/main"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + command
            process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                   "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": temp.url.path]
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "git \(command)")
        }
    }
}

/// Environment and failure reading without a server.
final class GitEnvironmentTests: XCTestCase {
    func testConfigGoesThroughTheEnvironmentAndResetsHelpers() {
        let environment = GitEnvironment.make(
            base: ["GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.autocrlf", "GIT_CONFIG_VALUE_0": "false",
                   "GIT_ASKPASS": "/usr/bin/ksshaskpass", "SSH_ASKPASS": "/x"],
            helper: "cache --socket '/tmp/it'\\''s/credential.sock'")
        XCTAssertEqual(environment["GIT_CONFIG_COUNT"], "3")
        XCTAssertEqual(environment["GIT_CONFIG_KEY_0"], "core.autocrlf")
        XCTAssertEqual(environment["GIT_CONFIG_KEY_1"], "credential.helper")
        XCTAssertEqual(environment["GIT_CONFIG_VALUE_1"], "")
        XCTAssertEqual(environment["GIT_CONFIG_VALUE_2"], "cache --socket '/tmp/it'\\''s/credential.sock'")
        XCTAssertEqual(environment["GIT_TERMINAL_PROMPT"], "0")
        XCTAssertEqual(environment["GIT_ASKPASS"], "")
        XCTAssertNil(environment["SSH_ASKPASS"])
    }

    /// `-c` settings from outside bbs (a parent git, a CI wrapper) could name another credential
    /// helper after bbs's own, so they are not passed on.
    func testOutsideCommandLineConfigIsCleared() {
        let environment = GitEnvironment.make(
            base: ["GIT_CONFIG_PARAMETERS": "'credential.helper'='store --file=/tmp/stolen'"], helper: "cache")
        XCTAssertNil(environment["GIT_CONFIG_PARAMETERS"])
        XCTAssertEqual(environment["GIT_CONFIG_VALUE_1"], "cache")
    }

    func testWithoutACredentialTheHelpersAreOnlyReset() {
        let environment = GitEnvironment.make(base: ["GIT_CONFIG_KEY_3": "stale.key"], helper: nil)
        XCTAssertEqual(environment["GIT_CONFIG_COUNT"], "1")
        XCTAssertEqual(environment["GIT_CONFIG_KEY_0"], "credential.helper")
        XCTAssertEqual(environment["GIT_CONFIG_VALUE_0"], "")
        XCTAssertNil(environment["GIT_CONFIG_KEY_3"])
    }

    func testShellQuoting() {
        XCTAssertEqual(GitEnvironment.shellQuote("/tmp/a b/it's"), "'/tmp/a b/it'\\''s'")
        XCTAssertEqual(GitEnvironment.displayCommand(["commit", "-m", "two words", ""]), "commit -m 'two words' ''")
    }

    func testFailureKindsFromGitMessages() {
        let cases: [(String, GitFailure.Kind)] = [
            ("fatal: Authentication failed for 'https://bitbucket.org/a/b.git/'", .auth),
            ("fatal: could not read Username for 'https://bitbucket.org': terminal prompts disabled", .auth),
            ("fatal: unable to access 'https://bitbucket.org/a/b.git/': The requested URL returned error: 403", .permission),
            ("remote: Repository not found\nfatal: repository 'https://bitbucket.org/a/b.git/' not found", .notFound),
            ("fatal: Remote branch nope not found in upstream origin", .notFound),
            (" ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs to 'x'", .conflict),
            ("fatal: Not possible to fast-forward, aborting.", .conflict),
            ("fatal: unable to access 'https://h/': Could not resolve host: h", .network),
            ("fatal: unable to access 'http://127.0.0.1:1/a.git/': Failed to connect to 127.0.0.1 port 1", .network),
            ("fatal: destination path 'x' already exists and is not an empty directory.", .git),
        ]
        for (stderr, kind) in cases {
            XCTAssertEqual(GitFailure(stderr: stderr).kind, kind, stderr)
        }
    }

    func testSummaryKeepsTheTellingLines() {
        let stderr = "Cloning into 'x'...\nremote: Counting objects\nfatal: Authentication failed for 'h'\n"
        XCTAssertEqual(GitFailure(stderr: stderr).summary, "remote: Counting objects\nfatal: Authentication failed for 'h'")
    }

    func testCredentialMessagesCannotBeForgedWithNewlines() {
        XCTAssertEqual(GitCredentialMessage.format(["username": "u", "password": "p\nhost=evil"]), "username=u\n\n")
        XCTAssertEqual(GitCredentialMessage.parse("protocol=https\nhost=h:1\n\nhost=late\n"), ["protocol": "https", "host": "h:1"])
    }
}

// The git built-ins on a Bitbucket Pipelines checkout: the clone's origin is the plain-http
// `http://bitbucket.org/WS/REPO` and its git config sends that origin through Pipelines' local
// auth proxy (`http.<origin>.proxy`), which adds the step's credential. git.push/fetch/pull must
// work there exactly as a plain `git push` does: bbs must not refuse the http origin, drop the
// proxy, or offer its token to it.
//
// Simulated with Tests/pipelines/auth_proxy.py on loopback, forwarding to bbs-mock's git smart
// HTTP. Nothing may leave loopback: git's fallback proxies (the `http_proxy` variable and a
// global `http.proxy`) point at a closed loopback port, so if the checkout's own proxy setting
// were lost git would fail loudly instead of resolving bitbucket.org.

import Foundation
import XCTest

final class PipelinesCheckoutTests: RuntimeTestCase {
    static let origin = "http://bitbucket.org/acme/api"
    /// Nothing listens on port 1; a request that reaches it fails with "Failed to connect".
    static let tripwire = "http://127.0.0.1:1"

    private var work: String!
    private var proxy: Process?
    /// The read end of the proxy's stdout, closed in tearDown: Foundation never closes it.
    private var proxyOutput: FileHandle?
    private var proxyURL: String!
    private var proxyLog: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw XCTSkip("python3 is needed for the Pipelines auth proxy (scripts/setup installs it)")
        }
        work = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-pipelines-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        proxyLog = work + "/proxy.log"
        try "[http]\n\tproxy = \(Self.tripwire)\n".write(toFile: work + "/gitconfig", atomically: true, encoding: .utf8)
        try startProxy()
        try makePipelinesCheckout()
    }

    override func tearDown() {
        if let proxy, proxy.isRunning {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        try? proxyOutput?.close()
        if let work { try? FileManager.default.removeItem(atPath: work) }
        super.tearDown()
    }

    private var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    private func startProxy() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [packageRoot + "/Tests/pipelines/auth_proxy.py", "--upstream", mock.base,
                             "--token", Self.canary, "--expect-host", "bitbucket.org", "--log", proxyLog]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        proxy = process
        proxyOutput = out.fileHandleForReading
        // One byte at a time up to the newline: the proxy keeps its stdout open.
        var bytes: [UInt8] = []
        while let byte = out.fileHandleForReading.readData(ofLength: 1).first, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("listening on http://127.0.0.1:") else {
            XCTFail("the auth proxy did not start: \(line)")
            throw XCTSkip("no auth proxy")
        }
        proxyURL = String(line.dropFirst("listening on ".count))
    }

    /// The environment of every git and bbs run here: no user or system configuration, and
    /// both fallback proxies on the tripwire.
    private var baseEnvironment: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": work,
         "GIT_CONFIG_GLOBAL": work + "/gitconfig", "GIT_CONFIG_NOSYSTEM": "1",
         "http_proxy": Self.tripwire, "HTTP_PROXY": Self.tripwire, "https_proxy": Self.tripwire,
         "HTTPS_PROXY": Self.tripwire, "all_proxy": Self.tripwire, "GIT_TERMINAL_PROMPT": "0",
         // bbs's own API calls go straight to bbs-mock on loopback; bitbucket.org is not exempt.
         "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"]
    }

    @discardableResult
    private func git(_ arguments: [String], in directory: String? = nil, file: StaticString = #filePath,
                     line: UInt = #line) -> Outcome {
        let out = Shell.run("/usr/bin/git", (directory.map { ["-C", $0] } ?? []) + arguments,
                            environment: baseEnvironment)
        XCTAssertEqual(out.status, 0, "git \(arguments.joined(separator: " ")): \(out.all)", file: file, line: line)
        return out
    }

    /// What Pipelines' clone step leaves: origin on plain http, the auth proxy in the clone's config.
    private func makePipelinesCheckout() throws {
        git(["-c", "http.proxy=\(proxyURL!)", "clone", "-q", Self.origin, work + "/build"])
        git(["config", "http.\(Self.origin).proxy", proxyURL], in: work + "/build")
        git(["config", "user.name", "Pipelines"], in: work + "/build")
        git(["config", "user.email", "pipelines@example.com"], in: work + "/build")
        // The test relies on git choosing the checkout's proxy for the origin.
        let chosen = git(["config", "--get-urlmatch", "http.proxy", Self.origin], in: work + "/build")
        XCTAssertEqual(chosen.stdout.trimmingCharacters(in: .whitespacesAndNewlines), proxyURL)
    }

    /// bbs in the checkout, as a Pipelines step runs it: the API token in BITBUCKET_TOKEN, the
    /// git base URL left at its default (https://bitbucket.org).
    private func pipelineBBS(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        var environment = baseEnvironment
        environment["BITBUCKET_GIT_HTTP_ORIGIN"] = Self.origin
        return try bbs(script, flags: ["--trace"], env: environment, directory: work + "/build", file: file, line: line)
    }

    private func proxyEntries() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: proxyLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func testPushFetchAndPullGoThroughThePipelinesProxyWithoutTheToken() throws {
        let cloneRequests = proxyEntries().count
        XCTAssertGreaterThan(cloneRequests, 0, "the checkout was not cloned through the proxy")

        let pushed = try pipelineBBS("""
            git.run(".", ["checkout", "-q", "-b", "release/from-pipelines"])
            fs.write("RELEASE.md", "built in a pipeline\\n")
            git.run(".", ["add", "RELEASE.md"])
            git.run(".", ["commit", "-q", "-m", "Release notes from the pipeline"])
            git.push(".", {branch: "release/from-pipelines"})
            let head = git.run(".", ["rev-parse", "HEAD"]).stdout.trim()
            let branch = api.get("/repositories/acme/api/refs/branches/release/from-pipelines")
            print(branch.target.hash == head)
            """)
        XCTAssertEqual(pushed.status, 0, pushed.all)
        XCTAssertEqual(pushed.stdout, "true\n", pushed.all)
        XCTAssertFalse(pushed.stderr.contains("git credential for"), "git asked bbs for a credential:\n\(pushed.stderr)")

        // Someone else moves main on; fetch and pull bring it into the checkout.
        git(["-c", "http.proxy=\(proxyURL!)", "clone", "-q", Self.origin, work + "/other"])
        git(["-c", "user.name=Other", "-c", "user.email=other@example.com", "commit", "-q", "--allow-empty",
             "-m", "Moved on"], in: work + "/other")
        git(["-c", "http.proxy=\(proxyURL!)", "push", "-q", "origin", "HEAD:main"], in: work + "/other")
        let remoteMain = git(["rev-parse", "HEAD"], in: work + "/other").stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let pulled = try pipelineBBS("""
            git.run(".", ["checkout", "-q", "main"])
            git.fetch(".")
            print(git.run(".", ["rev-parse", "origin/main"]).stdout.trim())
            git.pull(".", {branch: "main"})
            print(git.run(".", ["rev-parse", "HEAD"]).stdout.trim())
            """)
        XCTAssertEqual(pulled.status, 0, pulled.all)
        XCTAssertEqual(pulled.stdout, "\(remoteMain)\n\(remoteMain)\n", pulled.all)
        XCTAssertFalse(pulled.stderr.contains("git credential for"), pulled.stderr)

        let entries = proxyEntries()
        XCTAssertTrue(entries.contains { ($0["path"] as? String)?.hasSuffix("git-receive-pack") == true && $0["method"] as? String == "POST" },
                      "the push did not go through the proxy: \(entries)")
        for entry in entries {
            XCTAssertEqual(entry["host"] as? String, "bitbucket.org", "\(entry)")
            XCTAssertEqual(entry["client_authorization"] as? Bool, false, "git sent its own credential to the http origin: \(entry)")
        }
        let config = try String(contentsOfFile: work + "/build/.git/config", encoding: .utf8)
        XCTAssertTrue(config.contains("[http \"\(Self.origin)\"]\n\tproxy = \(proxyURL!)\n"), "the checkout's proxy setting changed:\n\(config)")
        XCTAssertTrue(config.contains("url = \(Self.origin)\n"), config)
    }

    /// The guard behind the test above: without the checkout's proxy, git goes to the tripwire
    /// (and fails) rather than to bitbucket.org.
    func testWithoutTheCheckoutsProxyGitHitsTheLoopbackTripwire() throws {
        git(["config", "--unset", "http.\(Self.origin).proxy"], in: work + "/build")
        let before = proxyEntries().count
        let out = try pipelineBBS("git.fetch(\".\")")
        XCTAssertEqual(out.status, 5, out.all)
        XCTAssertTrue(out.stderr.contains("127.0.0.1 port 1"), out.stderr)
        XCTAssertEqual(proxyEntries().count, before)
    }
}

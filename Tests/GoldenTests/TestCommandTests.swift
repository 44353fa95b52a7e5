// `bbs test` driven as a user drives it: the real binary, which starts the real bbs-mock per
// file. Covers the output lines and summary, exit statuses, the failure diffs, --filter,
// --jobs, fixtures, the request log, file-level errors, a missing bbs-mock, the ported
// examples, docs/testing.md's examples, and the JUnit XML checked against Tests/junit/junit.xsd.

import BBSTestSupport
import Foundation
import Testing

private final class TestFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-testcmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }
}

enum JUnitSchema {
    static let xsd = Golden.root.deletingLastPathComponent().appendingPathComponent("junit/junit.xsd").path

    /// xmllint's verdict on `file` against our JUnit schema; nil (with a visible note) when
    /// xmllint is not installed (scripts/setup installs libxml2-utils for the suite).
    static func validate(_ file: String) throws -> (ok: Bool, output: String)? {
        guard let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("SKIPPED: JUnit schema validation needs xmllint (apt install libxml2-utils; scripts/setup does)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--schema", xsd, file]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: err.fileHandleForReading.readAllAndClose(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, output)
    }
}

@Suite("bbs test")
struct TestCommandTests {
    @Test func passingAndFailingTestsGiveOneLineEachASummaryAndExit1() throws {
        let dir = try TestFolder()
        try dir.write("math_test.bbs", """
            test("adds", () => { expect.eq(1 + 1, 2) })
            test("nested diff", () => {
              expect.eq({name: "api", tags: [1, 2, {x: "a"}]}, {name: "api", tags: [1, 2, {x: "b"}]})
            })
            test("after a failure the file goes on", () => { expect.ok(true) })
            """)
        let r = try runBBS(["test", "--junit", "report.xml"], cwd: dir.url)
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("ok    math_test.bbs: adds (") }, "\(r.stdout)")
        #expect(lines.contains("FAIL  math_test.bbs: nested diff"), "\(r.stdout)")
        #expect(r.stdout.contains("expect.eq: values differ at .tags[2].x: expected \"b\" (string), got \"a\" (string)"), "\(r.stdout)")
        #expect(r.stdout.contains("math_test.bbs:3:10: error:"), "the failure is placed at the failing call: \(r.stdout)")
        #expect(lines.last == "2 passed, 1 failed")
        let xml = try dir.read("report.xml")
        #expect(xml.contains("<testsuites name=\"bbs test\" tests=\"3\" failures=\"1\" errors=\"0\""), "\(xml)")
        #expect(xml.contains("<testcase name=\"nested diff\""), "\(xml)")
        #expect(xml.contains("<failure message=\"math_test.bbs:3:10: error: expect.eq: values differ at .tags[2].x"), "\(xml)")
        if let verdict = try JUnitSchema.validate(dir.url.appendingPathComponent("report.xml").path) {
            #expect(verdict.ok, "\(verdict.output)\n\(xml)")
        }
    }

    @Test func theSchemaRejectsAReportItShould() throws {
        // The validation must be able to fail: a testsuite without its required counts.
        let dir = try TestFolder()
        let bad = try dir.write("bad.xml", "<testsuites><testsuite name=\"x\"><testcase name=\"t\"/></testsuite></testsuites>\n")
        if let verdict = try JUnitSchema.validate(bad) {
            #expect(!verdict.ok)
            #expect(verdict.output.contains("tests"), "\(verdict.output)")
        }
    }

    @Test func expectMessagesSayWhatDiffers() throws {
        let dir = try TestFolder()
        try dir.write("msgs_test.bbs", """
            test("short list", () => { expect.eq([1, 2], [1, 2, 3]) })
            test("long list", () => { expect.eq([1, 2, 3], [1, 2]) })
            test("missing key", () => { expect.eq({a: 1}, {a: 1, b: 2}) })
            test("type", () => { expect.eq("1", 1, "the id") })
            test("ne", () => { expect.ne(3, 3) })
            test("ok", () => { expect.ok(nil) })
            test("contains", () => { expect.contains([1, 2], 5) })
            test("fails none", () => { expect.fails(() => 1) })
            test("fails kind", () => { expect.fails(() => [][0], "key") })
            test("plain error", () => { let x = {}.nope.deeper })
            """)
        let r = try runBBS(["test", "msgs_test.bbs"], cwd: dir.url)
        #expect(r.status == 1)
        for wanted in [
            "values differ at [2]: missing 3 (expected 3 items, got 2)",
            "values differ at [2]: unexpected 3 (expected 2 items, got 3)",
            "values differ at .b: missing (expected 2)",
            "expect.eq: the id: values differ: expected 1 (int), got \"1\" (string)",
            "expect.ne: expected a value other than 3",
            "expect.ok: expected a true value, got nil (nil)",
            "expect.contains: [1, 2] does not contain 5",
            "expect.fails: expected an error, but none was raised",
            "expect.fails: expected an error of kind 'key', got 'index'",
        ] {
            #expect(r.stdout.contains(wanted), "missing \(wanted) in\n\(r.stdout)")
        }
        #expect(r.stdout.hasSuffix("0 passed, 10 failed\n"), "\(r.stdout)")
    }

    @Test func filterRunsOnlyMatchingTests() throws {
        let dir = try TestFolder()
        try dir.write("f_test.bbs", """
            test("csv output", () => { expect.eq(1, 1) })
            test("json output", () => { expect.eq(1, 2) })
            """)
        let r = try runBBS(["test", "--filter", "csv"], cwd: dir.url)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("json output"))
        #expect(r.stdout.hasSuffix("1 passed, 0 failed\n"), "\(r.stdout)")
    }

    @Test func jobsRunFilesInParallelAndPrintInFileOrder() throws {
        let dir = try TestFolder()
        for name in ["a", "b", "c", "d"] {
            // Each file changes its own mock; with one shared mock the counts would clash.
            try dir.write("sub/\(name)_test.bbs", """
                test("\(name) own mock", () => {
                  api.post("/repositories/acme/api/refs/tags", {name: "t-\(name)", target: {hash: "main"}})
                  let tags = api.paginate("/repositories/acme/api/refs/tags").list().map(t => t.name)
                  expect.ok(!tags.contains("t-a") || "\(name)" == "a", tags)
                  expect.contains(tags, "t-\(name)")
                })
                """)
        }
        let r = try runBBS(["test", "--jobs", "3", "sub"], cwd: dir.url)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let order = r.stdout.split(separator: "\n").filter { $0.hasPrefix("ok") }.map { String($0.split(separator: " ")[1...].joined(separator: " ")) }
        #expect(order.map { $0.prefix(15) } == ["sub/a_test.bbs:", "sub/b_test.bbs:", "sub/c_test.bbs:", "sub/d_test.bbs:"].map { $0.prefix(15) }, "\(r.stdout)")
        #expect(r.stdout.hasSuffix("4 passed, 0 failed\n"))
    }

    @Test func aFixtureAndTheRequestLog() throws {
        let dir = try TestFolder()
        try dir.write("data/small.json", """
            {"workspaces": [{"slug": "tiny", "repositories": [{"slug": "only", "commits": [{"message": "Start", "author": "Ann <ann@example.com>", "files": {"a.txt": "a"}}]}]}]}
            """)
        try dir.write("fix_test.bbs", """
            # fixture: data/small.json
            test("the fixture is served", () => {
              let slugs = api.paginate("/repositories/tiny").list().map(r => r.slug)
              expect.eq(slugs, ["only"])
            })
            test("the request log shows what was sent", () => {
              mock.clear_requests()
              api.post("/repositories/tiny/only/refs/tags", {name: "v1", target: {hash: "main"}})
              let sent = mock.requests()
              expect.eq(sent.map(q => [q.method, q.path]), [["POST", "/2.0/repositories/tiny/only/refs/tags"]])
              expect.eq(sent[0].json.name, "v1")
            })
            """)
        let r = try runBBS(["test", "fix_test.bbs"], cwd: dir.url)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasSuffix("2 passed, 0 failed\n"), "\(r.stdout)")
    }

    @Test func fileLevelProblemsCountAsFailures() throws {
        let dir = try TestFolder()
        try dir.write("syntax_test.bbs", "test(\"x\", () => { let = })\n")
        try dir.write("outside_test.bbs", "test(\"fine\", () => {})\nlet boom = [][3]\n")
        try dir.write("fixture_test.bbs", "# fixture: nowhere.json\ntest(\"x\", () => {})\n")
        try dir.write("print_test.bbs", "print(\"debug output\")\ntest(\"x\", () => { expect.eq(1, 2) })\n")
        let r = try runBBS(["test", "--junit", "out.xml", "."], cwd: dir.url)
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL  syntax_test.bbs\n") && r.stdout.contains("syntax_test.bbs:1:23: error:"), "\(r.stdout)")
        #expect(r.stdout.contains("outside any test: outside_test.bbs:2:"), "\(r.stdout)")
        #expect(r.stdout.contains("ok    outside_test.bbs: fine"), "\(r.stdout)")
        #expect(r.stdout.contains("named by `# fixture:` does not exist"), "\(r.stdout)")
        #expect(r.stdout.contains("--- stdout of print_test.bbs:\n      debug output"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("1 passed, 4 failed\n"), "\(r.stdout)")
        let xml = try dir.read("out.xml")
        #expect(xml.contains("<error message="), "\(xml)")
        if let verdict = try JUnitSchema.validate(dir.url.appendingPathComponent("out.xml").path) {
            #expect(verdict.ok, "\(verdict.output)\n\(xml)")
        }
    }

    @Test func misusedBuiltinsAndTheJUnitFolder() throws {
        let dir = try TestFolder()
        try dir.write("misuse_test.bbs", """
            test("contains on a number", () => { expect.contains(3, 1) })
            test("a key must be a string", () => { expect.contains({a: 1}, 1) })
            test("a fault is a map", () => { mock.fault("429") })
            test("a bad fault is the mock's 400", () => { mock.fault({route: "GET /x", fault: "nonsense"}) })
            test("mock.bbs env", () => { mock.bbs(["-e", "print(1)"], {env: "X=1"}) })
            test("mock.bbs passes the mock on", () => {
              let r = mock.bbs(["-e", "print(env('BBS_API_URL'), api.get('/repositories/acme/api').slug)"])
              expect.eq(r.stdout, "${mock.url}/2.0 api\\n", r.stderr)
            })
            """)
        let r = try runBBS(["test", "--junit", "deep/er/report.xml"], cwd: dir.url)
        #expect(r.status == 1)
        for wanted in [
            "expect.contains: argument 1 must be a string, list or map, not int",
            "expect.contains: a map's keys are strings, not int",
            "mock.fault: the fault must be a map, not string",
            "mock.fault: bbs-mock answered 400",
            "mock.bbs: option 'env' must be a map",
        ] {
            #expect(r.stdout.contains(wanted), "missing \(wanted) in\n\(r.stdout)")
        }
        #expect(r.stdout.contains("ok    misuse_test.bbs: mock.bbs passes the mock on"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("1 passed, 5 failed\n"), "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("deep/er/report.xml").path))
    }

    @Test func usageErrors() throws {
        let dir = try TestFolder()
        let none = try runBBS(["test"], cwd: dir.url)
        #expect(none.status == 2)
        #expect(none.stderr == "bbs test: no *_test.bbs files in .\n")
        let missing = try runBBS(["test", "nope"], cwd: dir.url)
        #expect(missing.status == 2)
        #expect(missing.stderr == "bbs test: no such file or folder: nope\n")
        try dir.write("x_test.bbs", "test(\"x\", () => {})\n")
        let jobs = try runBBS(["test", "--jobs", "0"], cwd: dir.url)
        #expect(jobs.status == 2)
        #expect(jobs.stderr.contains("--jobs must be at least 1, not 0"), "\(jobs.stderr)")
    }

    @Test func aMissingMockIsAClearError() throws {
        let dir = try TestFolder()
        let copy = dir.url.appendingPathComponent("bin/bbs").path
        try FileManager.default.createDirectory(atPath: dir.url.appendingPathComponent("bin").path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Golden.binary(), toPath: copy)
        try dir.write("x_test.bbs", "test(\"x\", () => {})\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: copy)
        process.arguments = ["test"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        process.currentDirectoryURL = dir.url
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readAllAndClose(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("bbs test: cannot find bbs-mock next to \(copy) or on PATH"), "\(stderr)")
    }

    /// The two example specs ported from examples/tests/*.expect.
    @Test func theExamplesTestsPassAndTheirReportIsValid() throws {
        let dir = try TestFolder()
        let report = dir.url.appendingPathComponent("examples.xml").path
        let r = try runBBS(["test", "--jobs", "2", "--junit", report, Examples.specs.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("hello_test.bbs: greets the name it is given ("), "\(r.stdout)")
        #expect(r.stdout.contains("list-repos_test.bbs: a bad --format is a usage error ("), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("7 passed, 0 failed\n"), "\(r.stdout)")
        if let verdict = try JUnitSchema.validate(report) {
            #expect(verdict.ok, "\(verdict.output)")
        }
    }

    /// docs/testing.md's ```bbs blocks that start with `# file: NAME` are test files: all pass.
    @Test func theDocsExamplesPass() throws {
        let doc = Golden.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/testing.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let dir = try TestFolder()
        var names: [String] = []
        for block in text.components(separatedBy: "```bbs\n").dropFirst() {
            let code = block.components(separatedBy: "```")[0]
            guard code.hasPrefix("# file: ") else { continue }
            let name = String(code.dropFirst("# file: ".count).prefix { $0 != "\n" })
            try dir.write(name, code)
            names.append(name)
        }
        #expect(names.count >= 2, "docs/testing.md should show at least two test files")
        let r = try runBBS(["test"] + names, cwd: dir.url)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(" 0 failed\n"), "\(r.stdout)")
    }
}

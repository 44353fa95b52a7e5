// Every script in examples/ runs in CI against a fresh bbs-mock and its output is checked.
// The checks live beside the examples, in examples/tests/NAME.expect (NAME.bbs's spec), so the
// examples themselves stay clean user-facing scripts. A spec is a list of runs:
//
//   run: ARGS            starts a run of the example with these arguments (split at spaces)
//   mock: ARGS           extra bbs-mock arguments for this run (`--fixture FILE`, relative to
//                        examples/tests); without it the mock serves its default data
//   env: NAME=VALUE      set for the run (repeatable)
//   setup: CODE          `bbs -e CODE` against the run's mock before the example (must exit 0),
//                        in the same fresh working directory the example then runs in
//   stdout: TEXT         a line of standard output contains TEXT, after the previous match
//   not stdout: TEXT     no line of standard output contains TEXT
//   stderr: TEXT         standard error contains TEXT
//   exit: N              the exit status (default 0)
//   no-usage: REASON     (before the first run) the example takes no required arguments, so
//                        it has no usage-error run
//
// Lines starting with `#` and blank lines are ignored. Every example must have a spec, and the
// spec must exercise the bad-arguments path (exit 2 with a `usage:` line) unless waived.

import Foundation
import Testing

struct ExampleRun: CustomTestStringConvertible, Sendable {
    let example: String
    let index: Int
    var args: [String] = []
    var mock: [String] = []
    var env: [String: String] = [:]
    var setup: [String] = []
    var stdout: [String] = []
    var notStdout: [String] = []
    var stderr: [String] = []
    var exit: Int32 = 0
    var testDescription: String { "\(example) run \(index + 1): \(args.joined(separator: " "))" }
}

struct ExampleSpec {
    var runs: [ExampleRun] = []
    var usageWaived = false
    var problems: [String] = []
}

enum Examples {
    static let dir = Golden.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")
    static let specs = dir.appendingPathComponent("tests")

    /// The example scripts, by file name.
    static func scripts() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".bbs") }.sorted()
    }

    static func testFileURL(_ script: String) -> URL {
        specs.appendingPathComponent(String(script.dropLast(4)) + "_test.bbs")
    }

    static func specURL(_ script: String) -> URL {
        specs.appendingPathComponent(String(script.dropLast(4)) + ".expect")
    }

    static func parse(_ script: String) -> ExampleSpec? {
        guard let text = try? String(contentsOf: specURL(script), encoding: .utf8) else { return nil }
        var spec = ExampleSpec()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                spec.problems.append("line \(number + 1): no directive in '\(line)'")
                continue
            }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "run" {
                var run = ExampleRun(example: script, index: spec.runs.count)
                run.args = value.split(separator: " ").map(String.init)
                spec.runs.append(run)
                continue
            }
            if key == "no-usage" {
                spec.usageWaived = true
                continue
            }
            guard !spec.runs.isEmpty else {
                spec.problems.append("line \(number + 1): '\(key):' before the first 'run:'")
                continue
            }
            let last = spec.runs.count - 1
            switch key {
            case "mock": spec.runs[last].mock += value.split(separator: " ").map(String.init)
            case "env":
                guard let eq = value.firstIndex(of: "=") else {
                    spec.problems.append("line \(number + 1): env needs NAME=VALUE")
                    continue
                }
                spec.runs[last].env[String(value[..<eq])] = String(value[value.index(after: eq)...])
            case "setup": spec.runs[last].setup.append(value)
            case "stdout": spec.runs[last].stdout.append(value)
            case "not stdout": spec.runs[last].notStdout.append(value)
            case "stderr": spec.runs[last].stderr.append(value)
            case "exit":
                guard let code = Int32(value) else {
                    spec.problems.append("line \(number + 1): exit needs a number")
                    continue
                }
                spec.runs[last].exit = code
            default: spec.problems.append("line \(number + 1): unknown directive '\(key):'")
            }
        }
        return spec
    }

    static func runs() -> [ExampleRun] {
        scripts().flatMap { parse($0)?.runs ?? [] }
    }
}

@Suite("examples against bbs-mock")
struct ExampleTests {
    @Test func thereAreEnoughExamples() {
        #expect(Examples.scripts().count >= 9, "examples/ should hold hello.bbs and at least 8 real scripts")
    }

    /// New examples cannot be forgotten: each needs a spec with runs, a usage check, a shebang,
    /// the run bit and a header that says how to call it and what token it needs.
    @Test(arguments: Examples.scripts())
    func exampleIsTestedAndWellFormed(_ script: String) throws {
        // A spec ported to `bbs test` (NAME_test.bbs) is run by BBSTestCommandTests instead.
        if let tests = try? String(contentsOf: Examples.testFileURL(script), encoding: .utf8) {
            #expect(tests.contains("test(\""), "examples/tests/\(script.dropLast(4))_test.bbs has no test(...)")
            if !tests.contains("# no-usage:") {
                #expect(tests.contains("expect.eq(r.status, 2)") && tests.contains("\"usage: "),
                        "the tests of \(script) have no bad-arguments test (status 2 and a usage: line)")
            }
        } else {
            let spec = try #require(Examples.parse(script), "examples/\(script) has no examples/tests/\(script.dropLast(4)).expect or _test.bbs")
            #expect(spec.problems == [], "problems in the spec of \(script)")
            #expect(!spec.runs.isEmpty, "the spec of \(script) has no 'run:'")
            if !spec.usageWaived {
                #expect(spec.runs.contains { $0.exit == 2 && $0.stderr.contains { $0.hasPrefix("usage:") } },
                        "the spec of \(script) has no bad-arguments run (exit: 2, stderr: usage: ...)")
            }
        }
        let path = Examples.dir.appendingPathComponent(script).path
        let source = try String(contentsOfFile: path, encoding: .utf8)
        #expect(source.hasPrefix("#!/usr/bin/env bbs\n"), "\(script) must start with #!/usr/bin/env bbs")
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(script) must be executable (chmod +x)")
        let header = source.split(separator: "\n").prefix { $0.hasPrefix("#") }.joined(separator: "\n")
        #expect(header.contains("Usage:"), "the header comment of \(script) must show its usage")
        #expect(header.lowercased().contains("scopes:"), "the header comment of \(script) must name its token scopes")
    }

    @Test(arguments: Examples.runs())
    func run(_ run: ExampleRun) throws {
        let mock = try MockServer(arguments: run.mock, cwd: Examples.specs)
        defer { mock.stop() }
        let env = mock.environment(token: "mock-token").merging(run.env) { _, own in own }
        // Each run, with its setup, works in a fresh directory: examples that write files
        // (clones) must not see another run's.
        let cwd = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cwd) }
        for code in run.setup {
            let setup = try runBBS(["-e", code], env: env, cwd: cwd)
            #expect(setup.status == 0, "setup of \(run.testDescription) failed: \(code)\n\(setup.stderr)")
        }
        let script = Examples.dir.appendingPathComponent(run.example).path
        let result = try runBBS([script] + run.args, env: env, cwd: cwd)
        let context = "\(run.testDescription)\n--- stdout:\n\(result.stdout)--- stderr:\n\(result.stderr)"
        #expect(result.status == run.exit, "exit status of \(context)")
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        for wanted in run.stdout {
            guard let at = lines.firstIndex(where: { $0.contains(wanted) }) else {
                Issue.record("no stdout line (in order) contains \"\(wanted)\" in \(context)")
                break
            }
            lines = lines[(at + 1)...]
        }
        for unwanted in run.notStdout {
            #expect(!result.stdout.contains(unwanted), "stdout contains \"\(unwanted)\" in \(context)")
        }
        for wanted in run.stderr {
            #expect(result.stderr.contains(wanted), "stderr lacks \"\(wanted)\" in \(context)")
        }
    }
}

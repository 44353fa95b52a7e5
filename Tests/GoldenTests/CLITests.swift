// The `bbs` command line itself: the parts a golden script cannot see from inside
// (how the script is given, `check`, `--help`, `--version`, usage errors, shebang use).
// Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 syntax or resolve error.

import BBSTestSupport
import Foundation
import Testing

/// A fresh temporary folder, removed when the test's scope ends.
private final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let path = url.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return path
    }
}

@Suite("bbs command line")
struct CLITests {
    // MARK: Where the script comes from

    @Test func runsCodeGivenWithE() throws {
        let r = try runBBS(["-e", "print(1 + 2)\nprint(\"two\", [1])"])
        #expect(r.status == 0)
        #expect(r.stdout == "3\ntwo [1]\n")
        #expect(r.stderr == "")
    }

    @Test func eCodeSyntaxErrorExits3WithPosition() throws {
        let r = try runBBS(["-e", "let x = )"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("-e:1:9: error: expected an expression, found ')'"))
        #expect(r.stderr.contains(" 1 | let x = )"))
    }

    @Test func eCodeRuntimeErrorExits1() throws {
        let r = try runBBS(["-e", "print(\"before\")\nlet x = [][0]"])
        #expect(r.status == 1)
        #expect(r.stdout == "before\n")
        #expect(r.stderr.contains("-e:2:11: error: index 0 out of range"))
    }

    @Test func eCodeGetsArguments() throws {
        let r = try runBBS(["-e", "print(args)", "a", "--flag"])
        #expect(r.status == 0)
        #expect(r.stdout == "[\"a\", \"--flag\"]\n")
    }

    @Test func dashReadsTheScriptFromStdin() throws {
        let r = try runBBS(["-"], stdin: "let who = \"stdin\"\nprint(\"from ${who}\")\n")
        #expect(r.status == 0)
        #expect(r.stdout == "from stdin\n")
    }

    @Test func dashPassesArgumentsAfterIt() throws {
        let r = try runBBS(["-", "x", "--dry-run"], stdin: "print(args)\n")
        #expect(r.stdout == "[\"x\", \"--dry-run\"]\n")
    }

    @Test func stdinScriptErrorsNameStdin() throws {
        let r = try runBBS(["-"], stdin: "print(1)\nthrow \"bad\"\n")
        #expect(r.status == 1)
        #expect(r.stdout == "1\n")
        #expect(r.stderr.contains("<stdin>:2:1: error: bad"))
    }

    @Test func pipedStdinWithoutArgumentsRunsIt() throws {
        let r = try runBBS([], stdin: "print(6 * 7)\n")
        #expect(r.status == 0)
        #expect(r.stdout == "42\n")
    }

    @Test func runsAFileWithItsArgumentsIncludingFlags() throws {
        let dir = try TempDir()
        let path = try dir.write("args.bbs", "print(len(args), args)\n")
        let r = try runBBS([path, "v1.2", "--dry-run", "-e", "--help", "check", "--version"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout == "6 [\"v1.2\", \"--dry-run\", \"-e\", \"--help\", \"check\", \"--version\"]\n")
    }

    @Test func fileDiagnosticsUseThePathAsGiven() throws {
        let dir = try TempDir()
        try dir.write("bad.bbs", "print(1)\nlet = 2\n")
        let r = try runBBS(["bad.bbs"], cwd: dir.url)
        #expect(r.status == 3)
        #expect(r.stdout == "", "nothing runs when the file does not parse")
        #expect(r.stderr.hasPrefix("bad.bbs:2:5: error: expected a name after 'let', found '='"))
    }

    @Test func scriptExitCodes() throws {
        #expect(try runBBS(["-e", "exit(5)"]).status == 5)
        #expect(try runBBS(["-e", "exit(0)\nthrow \"never\""]).status == 0)
        #expect(try runBBS(["-e", "fn f() { exit(9) }\ntry { f() } catch e { print(e) }"]).status == 9)
        #expect(try runBBS(["-e", "throw \"x\""]).status == 1)
        #expect(try runBBS(["-e", "print(nope)"]).status == 3)
        #expect(try runBBS(["-e", "1"]).status == 0)
    }

    @Test func uncaughtErrorOutputShape() throws {
        let r = try runBBS(["-e", "let m = {}\nprint(m.a.b)"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count >= 3)
        #expect(lines[0] == "-e:2:11: error: cannot read 'b' of nil (use '?.' to allow nil)")
        #expect(lines[1] == " 2 | print(m.a.b)")
        #expect(lines[2] == "   |           ^")
    }

    // MARK: check

    @Test func checkAcceptsAGoodFileWithoutRunningIt() throws {
        let dir = try TempDir()
        let path = try dir.write("good.bbs", "print(\"must not run\")\nfn f(x) { return x * 2 }\n")
        let r = try runBBS(["check", path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stdout.contains("must not run"))
        #expect(r.stdout.contains("ok"))
        #expect(r.stderr == "")
    }

    @Test func checkReportsSyntaxErrorsWithExit3() throws {
        let dir = try TempDir()
        let path = try dir.write("bad.bbs", "print(\"must not run\")\nlet y = )\nlet = 1\n")
        let r = try runBBS(["check", path])
        #expect(r.status == 3)
        #expect(!r.stdout.contains("must not run"))
        #expect(r.stderr.contains("\(path):2:9: error: expected an expression, found ')'"))
        #expect(r.stderr.contains("\(path):3:5: error: expected a name after 'let'"))
    }

    @Test func checkReportsResolveErrorsWithExit3() throws {
        let dir = try TempDir()
        let path = try dir.write("resolve.bbs", "let x = 1\nx = 2\nbreak\n")
        let r = try runBBS(["check", path])
        #expect(r.status == 3)
        #expect(r.stderr.contains("\(path):2:1: error: cannot assign to 'x'"))
        #expect(r.stderr.contains("\(path):3:1: error: 'break' outside a loop"))
    }

    @Test func checkSeveralFiles() throws {
        let dir = try TempDir()
        let good = try dir.write("a.bbs", "let a = 1\n")
        let bad = try dir.write("b.bbs", "print(undeclared_thing)\n")
        let r = try runBBS(["check", good, bad])
        #expect(r.status == 3)
        #expect(r.stdout.contains(good))
        #expect(r.stderr.contains("undeclared variable 'undeclared_thing'"))
        let both = try runBBS(["check", good, good])
        #expect(both.status == 0)
    }

    @Test func checkMissingFileIsAUsageError() throws {
        let r = try runBBS(["check", "/nonexistent/dir/missing.bbs"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("missing.bbs"))
    }

    // MARK: Options and usage errors

    @Test func version() throws {
        let r = try runBBS(["--version"])
        #expect(r.status == 0)
        let text = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!text.isEmpty)
        #expect(text.contains("."))
        #expect(text.first?.isNumber == true || text.hasPrefix("bbs"))
    }

    @Test func helpMentionsUsageOptionsAndExitCodes() throws {
        let r = try runBBS(["--help"])
        #expect(r.status == 0)
        let help = r.stdout + r.stderr
        #expect(help.contains("USAGE") || help.contains("Usage"))
        #expect(help.contains("-e"))
        #expect(help.contains("check"))
        #expect(help.contains("Exit codes"))
        for code in ["0", "1", "2", "3"] { #expect(help.contains(code)) }
        // The run options must be listed too, not only the subcommands.
        #expect(help.contains("--api-url"), "help should list the options of running a script")
        #expect(help.contains("FILE"), "help should show the `bbs FILE [ARGS...]` form")
    }

    @Test func unknownOptionExits2() throws {
        let r = try runBBS(["--no-such-option"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--no-such-option"))
        #expect(r.stdout == "")
    }

    @Test func missingFileExits2WithMessage() throws {
        let r = try runBBS(["/nonexistent/dir/script.bbs"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/dir/script.bbs"))
        #expect(r.stderr.contains("no such file"))
    }

    @Test func eWithoutCodeIsAUsageError() throws {
        let r = try runBBS(["-e"])
        #expect(r.status == 2)
        #expect(!r.stderr.isEmpty)
    }

    // MARK: Shebang

    @Test func executableShebangScriptRuns() throws {
        let dir = try TempDir()
        let path = try dir.write("tool", "#!/usr/bin/env bbs\nprint(\"shebang ok\", args)\nexit(len(args))\n", executable: true)
        let binDir = URL(fileURLWithPath: Golden.binary()).deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["one", "--flag"]
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readAllAndClose()
        process.waitUntilExit()
        #expect(String(decoding: data, as: UTF8.self) == "shebang ok [\"one\", \"--flag\"]\n")
        #expect(process.terminationStatus == 2)
    }

    // MARK: Robustness: bad input is a diagnostic, never a crash

    @Test func deeplyNestedInputDoesNotCrash() throws {
        let depth = 3000
        let code = "print(" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ")\n"
        let r = try runBBS(["-"], stdin: code)
        #expect(r.status == 0 || r.status == 3, "exit \(r.status); stderr starts: \(r.stderr.prefix(300))")
        #expect(!r.stderr.contains("crashed"))
    }

    @Test func longFlatExpressionDoesNotCrash() throws {
        let code = "let x = " + Array(repeating: "1", count: 20000).joined(separator: " + ") + "\nprint(x)\n"
        let r = try runBBS(["-"], stdin: code)
        #expect(r.status == 0 || r.status == 3, "exit \(r.status); stderr starts: \(r.stderr.prefix(300))")
        #expect(!r.stderr.contains("crashed"))
    }
}

// The `bbs` command: run a script file, `-e CODE`, or stdin; `check` files without
// running them. Exit codes: 0 ok, 1 runtime error, 2 usage, 3 syntax/resolve error,
// 4 auth/permission, 5 network/rate limit, 130 interrupted.

import ArgumentParser
import BBSErrorKinds
import BBSLanguage
import BBSREPL
import BBSRuntime
import Foundation

struct BBS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bbs",
        abstract: "Run bbs scripts that automate Bitbucket Cloud.",
        usage: """
        bbs [options] FILE [ARGS...]     run a script
          bbs [options] -e CODE [ARGS...]  run code
          bbs [options] -                  run the script on standard input
          bbs check FILE...                parse and resolve only
          bbs test [PATHS...]              run *_test.bbs files against bbs-mock
          bbs fmt [--check] FILES...       lay scripts out the canonical way
          bbs [repl]                       the interactive REPL (on a terminal)
        """,
        discussion: """
        Examples:
          bbs deploy.bbs v1.2          run a script with arguments (available as `args`)
          bbs -e 'print(1 + 2)'        run code given on the command line
          echo 'print("hi")' | bbs -   read the script from standard input
          bbs check scripts/*.bbs      parse and resolve without running

        Scripts can start with `#!/usr/bin/env bbs` and be run directly after `chmod +x`.
        Everything after the script path is passed to the script, flags included.

        Options for running a script go before its path, e.g. `bbs --trace deploy.bbs v1.2`: --api-url URL, --git-url URL, --trace, --dry-run, --ca-file FILE (details: `bbs help run`).

        Environment: BITBUCKET_TOKEN (the default access token, sent as Bearer), BBS_API_URL, BBS_GIT_URL, BBS_TRACE=1, BBS_DRY_RUN=1, BBS_CA_FILE, BBS_TIMEOUT (seconds), HTTPS_PROXY, HTTP_PROXY, NO_PROXY.

        Exit codes: 0 success, 1 runtime error, 2 usage error, 3 syntax or resolve error, 4 authentication or permission failure, 5 network or rate-limit failure, 130 interrupted.
        """,
        version: BuildStamp.versionText(bbsVersion),
        subcommands: [Run.self, Check.self, Test.self, Fmt.self, Repl.self],
        defaultSubcommand: Run.self
    )
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a script (the default when no subcommand is given).",
        shouldDisplay: false
    )

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE instead of a file.", valueName: "CODE"))
    var code: String?

    @Option(name: .long, help: ArgumentHelp(
        "Bitbucket API base URL (env BBS_API_URL; default https://api.bitbucket.org/2.0). The credential is sent only to this host and the git host.",
        valueName: "URL"))
    var apiURL: String?

    @Option(name: .long, help: ArgumentHelp(
        "Bitbucket git base URL (env BBS_GIT_URL; default https://bitbucket.org).", valueName: "URL"))
    var gitURL: String?

    @Flag(name: .long, help: ArgumentHelp(
        "Print one line per HTTP request and response on stderr, secrets masked (env BBS_TRACE=1)."))
    var trace = false

    @Flag(name: .long, help: ArgumentHelp(
        "Show writes (POST, PUT, PATCH, DELETE) on stderr instead of sending them; they return {dry_run: true, method, path} (env BBS_DRY_RUN=1)."))
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp(
        "A PEM file of extra CA certificates to trust, e.g. a TLS-inspecting proxy's (env BBS_CA_FILE). Verification is never turned off.",
        valueName: "FILE"))
    var caFile: String?

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("The script file (`-` for stdin), then the script's own arguments.", valueName: "FILE [ARGS...]"))
    var arguments: [String] = []

    mutating func run() throws {
        let invocation = RunInvocation(code: code, apiURL: apiURL, gitURL: gitURL, trace: trace,
                                       dryRun: dryRun, caFile: caFile, arguments: arguments)
        throw ExitCode(try invocation.run())
    }
}

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the interactive REPL (also what `bbs` alone does on a terminal)."
    )

    mutating func run() throws {
        var options = RuntimeOptions()
        options.version = bbsVersion
        throw ExitCode(REPL.run(options: options))
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and resolve scripts without running them; exit 3 if any has an error."
    )

    @Argument(help: ArgumentHelp("Scripts to check.", valueName: "FILE"))
    var files: [String]

    @Option(help: ArgumentHelp("text (default), or json: an array of diagnostics on stdout.", valueName: "FORMAT"))
    var format: CheckFormat = .text

    mutating func run() throws {
        let scriptRuntime = Runtime(options: RuntimeOptions())
        // A test file (`*_test.bbs`) is checked with the built-ins `bbs test` gives it.
        var testHarness: TestHarness?
        var rejected: [CompileError] = []
        for path in files {
            guard let text = try readScript(path) else { throw ExitCode(ExitStatus.usage) }
            var runtime = scriptRuntime
            if path.hasSuffix("_test.bbs") {
                let harness = testHarness ?? TestHarness(runtime: Runtime(options: RuntimeOptions()),
                                                         setup: TestSetup(mockURL: "", token: "", bbsPath: "", filter: nil))
                testHarness = harness
                runtime = harness.runtime
            }
            switch runtime.prepare(SourceFile(path: path, text: text)) {
            case .ready: if format == .text { print("\(path): ok") }
            case .rejected(let error):
                rejected.append(error)
                if format == .text { writeError(runtime.render(error, color: useColor())) }
            }
        }
        if format == .json { print(CheckFormat.json(rejected)) }
        if !rejected.isEmpty { throw ExitCode(Runtime.exitStatusForRejected) }
    }
}

func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// The script's text; nil (after a message) when it cannot be read. A file that is not
/// UTF-8 is a syntax error (exit 3) at its first bad byte.
func readScript(_ path: String) throws -> String? {
    guard let data = FileManager.default.contents(atPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "cannot read it" : "no such file"
        FileHandle.standardError.write(Data("bbs: cannot run '\(path)': \(reason)\n".utf8))
        return nil
    }
    guard let text = String(data: data, encoding: .utf8) else {
        let bytes = [UInt8](data)
        let bad = SourceFile.firstInvalidUTF8(bytes)
        // The line is shown with U+FFFD where the bad bytes are, the caret under the first.
        let shown = SourceFile(path: path, text: String(decoding: bytes, as: UTF8.self))
        let message = "not UTF-8 text: byte 0x\(String(bad.byte, radix: 16, uppercase: true)) does not belong here"
        FileHandle.standardError.write(Data(Diagnostics.render(file: shown, at: bad.location, severity: "error", message: message, color: useColor()).utf8))
        throw ExitCode(ExitStatus.syntax)
    }
    return text
}

func readStandardInput() -> String {
    String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
}

func useColor() -> Bool {
    isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}

// argument-parser exits 64 on a usage error; bbs promises 2.
do {
    // The everyday `bbs [options] FILE|-e CODE [ARGS...]` skips argument-parser's start-up cost
    // (RunInvocation.swift); everything else goes through it.
    if let invocation = RunInvocation.plain(Array(CommandLine.arguments.dropFirst())) {
        throw ExitCode(try invocation.run())
    }
    var command = try BBS.parseAsRoot()
    try command.run()
    exit(0)
} catch let exitCode as ExitCode {
    // What argument-parser would do with an ExitCode (print nothing, exit with it), without
    // building its message machinery.
    exit(exitCode.rawValue)
} catch {
    let code = BBS.exitCode(for: error)
    if code == .success {
        BBS.exit(withError: error)
    }
    let message = BBS.fullMessage(for: error)
    if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
}

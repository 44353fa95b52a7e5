// What `bbs [options] (FILE | -e CODE | -) [ARGS...]` asks for, and running it.
//
// Why a second reader of the command line: swift-argument-parser builds its whole command tree,
// reflects over every option and resolves generic types at run time before it looks at an
// argument; in the static release build that was over half of `bbs -e 1`'s own CPU time
// (bench/README.md, "Start-up"). `plain` reads only the everyday form of running a script and
// answers nil for anything else (a subcommand, help, --version, an unknown, repeated or
// `--opt=value` option, a value that starts with `-`), which argument-parser then reads, so its
// help, errors and exit codes stay the only ones. Tests/RuntimeIntegrationTests/
// RunInvocationTests.swift checks that both readers agree wherever `plain` answers.

import BBSErrorKinds
import BBSLanguage
import BBSREPL
import BBSRuntime
import Foundation

struct RunInvocation: Equatable {
    var code: String?
    var apiURL: String?
    var gitURL: String?
    var trace = false
    var dryRun = false
    var caFile: String?
    /// The script path (or `-`) and the script's own arguments; with `code`, only the latter.
    var arguments: [String] = []

    /// The names argument-parser reads as a subcommand when one comes first. (An array: a Set's
    /// first use costs more than these six comparisons.)
    static let subcommandNames = ["run", "check", "test", "fmt", "repl", "help"]

    /// The invocation when `args` (without the program name) is the plain form of running a
    /// script; nil when argument-parser must read them.
    static func plain(_ args: [String]) -> RunInvocation? {
        var invocation = RunInvocation()
        var index = 0
        while index < args.count, args[index].hasPrefix("-"), args[index] != "-" {
            let name = args[index]
            switch name {
            case "--trace", "--dry-run":
                if name == "--trace" {
                    if invocation.trace { return nil }
                    invocation.trace = true
                } else {
                    if invocation.dryRun { return nil }
                    invocation.dryRun = true
                }
                index += 1
            case "-e", "--api-url", "--git-url", "--ca-file":
                guard index + 1 < args.count, !args[index + 1].hasPrefix("-") else { return nil }
                let value = args[index + 1]
                switch name {
                case "-e": if invocation.code != nil { return nil }; invocation.code = value
                case "--api-url": if invocation.apiURL != nil { return nil }; invocation.apiURL = value
                case "--git-url": if invocation.gitURL != nil { return nil }; invocation.gitURL = value
                default: if invocation.caFile != nil { return nil }; invocation.caFile = value
                }
                index += 2
            default:
                return nil
            }
        }
        let rest = args[index...]
        // Only a first argument is read as a subcommand (`bbs -e CODE check` passes `check`).
        if let first = args.first, subcommandNames.contains(first) { return nil }
        // argument-parser answers this flag wherever it stands, script arguments included.
        if rest.contains(where: { $0.hasPrefix("--generate-completion-script") }) { return nil }
        invocation.arguments = Array(rest)
        return invocation
    }

    /// Runs the script (or the REPL when there is none and stdin is a terminal); the exit status.
    /// Throws `ExitCode` for a script that cannot be read.
    func run() throws -> Int32 {
        let source: SourceFile
        var interactive = false
        var scriptArgs = arguments
        if let code {
            source = SourceFile(path: "-e", text: code)
        } else if let first = scriptArgs.first {
            scriptArgs.removeFirst()
            if first == "-" {
                source = SourceFile(path: "<stdin>", text: readStandardInput())
            } else {
                guard let text = try readScript(first) else { return ExitStatus.usage }
                source = SourceFile(path: first, text: text)
            }
        } else if isatty(STDIN_FILENO) == 0 {
            source = SourceFile(path: "<stdin>", text: readStandardInput())
        } else {
            // No script and a terminal on stdin: the interactive REPL, with the same options.
            source = SourceFile(path: "<repl>", text: "")
            interactive = true
        }
        var options = RuntimeOptions()
        options.scriptArguments = scriptArgs
        options.version = bbsVersion
        if let apiURL { options.apiURL = apiURL }
        if let gitURL { options.gitURL = gitURL }
        if trace { options.network.trace = true }
        if dryRun { options.network.dryRun = true }
        if let caFile { options.network.caFile = caFile }
        if interactive { return REPL.run(options: options) }
        return ScriptRunner.run(source, options: options)
    }
}

// The runtime joins the language to the outside world: it builds an interpreter with
// the core library plus the Bitbucket built-ins (token, auth, api, repo, git, parallel), and
// configures where modules come from. The script runner and the REPL share it.
//
// Secrets: one `Redactor` per runtime (shared with the transport core) knows every secret
// the script holds (BITBUCKET_TOKEN, token.env/file/prompt, auth.* credentials). The
// interpreter's stdout and stderr buffers pass all text through it, and so do uncaught-error
// reports and traces, so a token's text never reaches the terminal or a CI log, even when a
// server echoes it back in a response the script prints. Where a secret value may go as data
// is SecretRules.swift's business; the runtime's `RuntimeHost` gives its interpreters their
// secrets and script lock.

import BBSLanguage
import BBSTransport
import Foundation

public struct RuntimeOptions {
    public var scriptArguments: [String] = []
    public var network: NetworkOptions
    public var environment: [String: String]
    public var executablePath: String
    /// The bbs version, for `User-Agent: bbs/<version>`.
    public var version: String = "dev"

    public var apiURL: String {
        get { network.apiURL }
        set { network.apiURL = newValue }
    }
    public var gitURL: String {
        get { network.gitURL }
        set { network.gitURL = newValue }
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                executablePath: String = CommandLine.arguments.first ?? "bbs") {
        self.environment = environment
        self.executablePath = executablePath
        network = NetworkOptions(environment: environment)
    }
}

public final class Runtime {
    public let interpreter: Interpreter
    public let options: RuntimeOptions
    /// Masks every secret bbs knows of; everything bbs writes goes through it.
    public let redactor: Redactor
    let client: APIClient

    public init(options: RuntimeOptions) {
        ProcessHardening.apply()
        self.options = options
        let redactor = Redactor()
        self.redactor = redactor
        let host = RuntimeHost(redactor: redactor)
        client = APIClient(options: options.network, environment: options.environment,
                           redactor: redactor, version: options.version, scriptLock: host.lock)
        interpreter = Interpreter()
        interpreter.host = host
        interpreter.out.filter = { redactor.redact($0) }
        interpreter.err.filter = { redactor.redact($0) }
        if let token = options.environment["BITBUCKET_TOKEN"], token.trimmingWhitespaceAndNewlines().isEmpty {
            interpreter.err.write("warning: BITBUCKET_TOKEN is set but empty, so requests are sent without a token\n")
        }
        CoreLibrary.install(into: interpreter)
        interpreter.defineBuiltin("args", .list(ListRef(options.scriptArguments.map { .string($0) })))
        TokenBuiltins.install(into: interpreter, environment: options.environment) { redactor.register($0) }
        AuthBuiltins.install(into: interpreter, client: client)
        APIBuiltins.install(into: interpreter, client: client)
        RepoBuiltins.install(into: interpreter, gitBase: options.network.gitBase, client: client, environment: options.environment)
        ParallelBuiltin.install(into: interpreter)
        ProgressBuiltins.install(into: interpreter)
        ProgressLine.enabled = isatty(STDERR_FILENO) != 0 && options.environment["NO_PROGRESS"] == nil
        ProgressLine.redact = { redactor.redact($0) }
        GitModule.install(into: interpreter, client: client, options: options)
        Runtime.installSleep(into: interpreter)
        interpreter.moduleLoader.setSearchPaths { Runtime.modulePath(options) }
    }

    /// HTTP and git tracing (`--trace`), switchable while the runtime lives.
    public var isTracing: Bool {
        get { client.isTracing }
        set { client.isTracing = newValue }
    }

    /// `text` with every known secret masked.
    public func redact(_ text: String) -> String { redactor.redact(text) }

    /// The one-line text of an uncaught error: for HTTP errors the message plus the detail
    /// (e.g. a scope error's required/granted scopes), the status and the request.
    public static func describe(_ error: ErrorValue) -> String { APIErrors.describe(error) }

    /// `sleep` that lets `parallel` workers run while it waits (see ScriptLock.swift).
    static func installSleep(into interpreter: Interpreter) {
        interpreter.defineBuiltin("sleep", arity: 1...1) { args, interp throws(ScriptError) in
            let seconds = try args.number(0, "seconds")
            try Interpreter.checkSleepSeconds(seconds)
            interp.out.flush()
            let interrupted = interp.scriptLock.blocking { () -> Bool in
                let deadline = Date().addingTimeInterval(seconds)
                while true {
                    if Interpreter.interruptFlag.isSet { return true }
                    let left = deadline.timeIntervalSinceNow
                    if left <= 0 { return false }
                    var ts = timespec(tv_sec: 0, tv_nsec: Int(min(left, 0.02) * 1e9))
                    nanosleep(&ts, nil)
                }
            }
            if interrupted { throw ScriptError.interrupted }
            return .null
        }
    }

    /// BBS_PATH entries first (colon-separated), then the stdlib installed with bbs.
    static func modulePath(_ options: RuntimeOptions) -> [String] {
        let user = (options.environment["BBS_PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        return user + ModuleLoader.defaultStdlibPaths(executablePath: Runtime.executablePath(options.executablePath))
    }

    /// The real path of the running binary: argv[0] may be a bare name found on PATH.
    static func executablePath(_ argv0: String) -> String {
        if let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return real }
        return argv0
    }
}

// The runtime joins the language to the outside world: it builds an interpreter with
// the core library plus the Bitbucket built-ins (token, repo, ...), and configures
// where modules come from. The script runner and the REPL share it.

import BBSLanguage
import Foundation

public struct RuntimeOptions {
    public var scriptArguments: [String] = []
    public var apiURL: String
    public var gitURL: String
    public var environment: [String: String]
    public var executablePath: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                executablePath: String = CommandLine.arguments.first ?? "bbs") {
        self.environment = environment
        self.executablePath = executablePath
        apiURL = environment["BBS_API_URL"] ?? "https://api.bitbucket.org/2.0"
        gitURL = environment["BBS_GIT_URL"] ?? "https://bitbucket.org"
    }
}

public final class Runtime {
    public let interpreter: Interpreter
    public let options: RuntimeOptions

    public init(options: RuntimeOptions) {
        self.options = options
        interpreter = Interpreter()
        CoreLibrary.install(into: interpreter)
        interpreter.defineBuiltin("args", .list(ListRef(options.scriptArguments.map { .string($0) })))
        TokenBuiltins.install(into: interpreter, environment: options.environment)
        RepoBuiltins.install(into: interpreter, gitURL: options.gitURL)
        interpreter.moduleLoader.searchPaths = Runtime.modulePath(options)
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

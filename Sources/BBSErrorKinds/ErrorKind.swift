// The kinds of error bbs raises, and the process exit status of each, defined once.
//
// The language raises some kinds (`type`, `index`, `io`, ...), the transport others (`auth`,
// `not_found`, `network`, ...), git failures a few more; the runtime turns an uncaught error
// into an exit status. All three read this one table, so a kind cannot exit 4 in one place
// and 1 in another. It is a target of its own because it is the one thing the language and the
// transport share while knowing nothing of each other. docs/builtins.md ("Error kinds") lists
// the same table, and a test holds the two together.

/// The process exit statuses bbs promises (README, `bbs --help`).
public enum ExitStatus {
    public static let success: Int32 = 0
    /// An uncaught runtime error of any kind not listed below.
    public static let failure: Int32 = 1
    /// A bad command line, or a script file that cannot be read.
    public static let usage: Int32 = 2
    /// A syntax or resolve error: nothing ran.
    public static let syntax: Int32 = 3
    /// Authentication or permission failure.
    public static let auth: Int32 = 4
    /// Network, timeout or rate-limit failure, or server errors that outlasted the retries.
    public static let network: Int32 = 5
    /// Ctrl-C.
    public static let interrupted: Int32 = 130
}

/// The `kind` of an error value. A script may also throw kinds of its own; those are plain
/// strings with no case here, and exit with `ExitStatus.failure`.
public enum ErrorKind: String, Sendable, CaseIterable {
    // The language and its core built-ins.
    case error                      // `error(message)` and `throw "text"`
    case type
    case value
    case index
    case key
    case zeroDivision = "zero_division"
    case overflow
    case stackOverflow = "stack_overflow"
    case io
    case json
    case process
    case `import`
    case assert
    case syntax                     // a module that does not parse
    // HTTP and the transport.
    case auth                       // 401; no or wrong credentials
    case permission                 // 403
    case notFound = "not_found"     // 404
    case rateLimited = "rate_limited" // 429 after the retries
    case conflict                   // 409; a rejected push or merge conflict
    case invalid                    // 400, 422 and every other 4xx
    case server                     // 5xx (Bitbucket also uses 555 for its own timeouts)
    case network                    // connection, TLS, proxy, redirect failures
    case timeout                    // connect or read timeout
    case pagination                 // a `next` link that cycles or leaves the API origin
    case configuration              // bad URL, CA file, proxy setting; refusing to leak a credential
    case secret                     // a secret refused where it may not go (another origin, argv, a file)
    // git.
    case git                        // a git failure of no more telling kind

    /// The exit status when an error of this kind is not caught. A server error exits like a
    /// network failure only once the retries gave up on it (`retries_exhausted`).
    public func exitStatus(retriesExhausted: Bool = false) -> Int32 {
        switch self {
        case .auth, .permission: return ExitStatus.auth
        case .network, .timeout, .rateLimited: return ExitStatus.network
        case .server: return retriesExhausted ? ExitStatus.network : ExitStatus.failure
        case .syntax: return ExitStatus.syntax
        default: return ExitStatus.failure
        }
    }
}

import Foundation

/// Everything a `Transport` is set up with. The CLI fills it from options and the environment
/// (`--api-url`/`BBS_API_URL`, `--ca-file`/`BBS_CA_FILE`, proxies via `ProxySettings(environment:)`).
public struct TransportConfig: Sendable {
    public static let defaultAPIBaseURL = URL(string: "https://api.bitbucket.org/2.0")!
    public static let defaultGitBaseURL = URL(string: "https://bitbucket.org")!

    /// Relative request paths are appended to this; credentials are bound to its origin.
    public var apiBaseURL: URL
    /// The git host; credentials are bound to its origin too (git smart HTTP, OAuth endpoints).
    public var gitBaseURL: URL
    /// A PEM file of extra CA certificates trusted in addition to the system roots. Verification
    /// is never turned off.
    public var caFile: String?
    public var proxy: ProxySettings
    public var connectTimeout: TimeInterval
    /// Longest silence while waiting for response bytes.
    public var readTimeout: TimeInterval
    public var retry: RetryPolicy
    public var userAgent: String
    /// Responses larger than this fail rather than exhaust memory.
    public var maxResponseBytes: Int
    public var maxRedirects: Int
    /// One line per request and per response to `traceSink`.
    public var trace: Bool
    /// Receives trace lines and dry-run lines, already redacted, without trailing newline. Called
    /// from any thread.
    public var traceSink: @Sendable (String) -> Void
    /// Writes (POST, PUT, PATCH, DELETE) are shown on `traceSink`, not sent.
    public var dryRun: Bool

    public init(
        apiBaseURL: URL = TransportConfig.defaultAPIBaseURL,
        gitBaseURL: URL = TransportConfig.defaultGitBaseURL,
        caFile: String? = nil,
        proxy: ProxySettings = .none,
        connectTimeout: TimeInterval = 10,
        readTimeout: TimeInterval = 60,
        retry: RetryPolicy = RetryPolicy(),
        version: String = "dev",
        maxResponseBytes: Int = 256 << 20,
        maxRedirects: Int = 5,
        trace: Bool = false,
        traceSink: @escaping @Sendable (String) -> Void = { TransportConfig.standardErrorSink($0) },
        dryRun: Bool = false
    ) {
        self.apiBaseURL = apiBaseURL
        self.gitBaseURL = gitBaseURL
        self.caFile = caFile
        self.proxy = proxy
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
        self.userAgent = "bbs/\(version)"
        self.maxResponseBytes = maxResponseBytes
        self.maxRedirects = maxRedirects
        self.trace = trace
        self.traceSink = traceSink
        self.dryRun = dryRun
    }

    public static func standardErrorSink(_ line: String) {
        // One write per line keeps lines from parallel workers whole.
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

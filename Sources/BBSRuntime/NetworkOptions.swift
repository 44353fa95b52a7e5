// How bbs reaches Bitbucket: filled from the environment, then overridden by command-line
// options (`--api-url`, `--git-url`, `--trace`, `--dry-run`, `--ca-file`), and turned into
// the transport core's configuration. The base URLs are normalised and validated here once:
// the transport, `repo`, `git` and the secret rules all take their origins from these.

import BBSTransport
import Foundation

public struct NetworkOptions {
    public var apiURL: String
    public var gitURL: String
    /// `--trace` / `BBS_TRACE=1`: one stderr line per request and response, secrets masked.
    public var trace: Bool
    /// `--dry-run` / `BBS_DRY_RUN=1`: writes are shown, not sent.
    public var dryRun: Bool
    /// `--ca-file` / `BBS_CA_FILE`: extra trusted CA certificates (PEM).
    public var caFile: String?
    /// `BBS_TIMEOUT` (seconds): the read timeout, and the connect timeout when shorter than 10 s.
    public var timeout: Double?

    public init(environment: [String: String]) {
        apiURL = Self.nonEmpty(environment["BBS_API_URL"]) ?? TransportConfig.defaultAPIBaseURL.absoluteString
        gitURL = Self.nonEmpty(environment["BBS_GIT_URL"]) ?? TransportConfig.defaultGitBaseURL.absoluteString
        trace = Self.flag(environment["BBS_TRACE"])
        dryRun = Self.flag(environment["BBS_DRY_RUN"])
        caFile = Self.nonEmpty(environment["BBS_CA_FILE"])
        timeout = Self.nonEmpty(environment["BBS_TIMEOUT"]).flatMap(Double.init).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }

    /// The git base URL as clone URLs start: trimmed, without a trailing `/`.
    public var gitBase: String { Self.base(gitURL) }

    /// The API and git origins, checked: each must be an http(s) URL with a host.
    public func validatedOrigins() throws(TransportError) -> (api: Origin, git: Origin) {
        guard let api = Origin(Self.base(apiURL)) else {
            throw TransportError(kind: .configuration, message: "the API base URL '\(apiURL)' is not an http(s) URL (--api-url / BBS_API_URL)")
        }
        return (api, try validatedGitOrigin())
    }

    public func validatedGitOrigin() throws(TransportError) -> Origin {
        guard let git = Origin(gitBase) else {
            throw TransportError(kind: .configuration, message: "the git base URL '\(gitURL)' is not an http(s) URL (--git-url / BBS_GIT_URL)")
        }
        return git
    }

    /// The origins a secret may always go to: those of the two base URLs that are valid.
    public var boundOrigins: [Origin] {
        [Origin(Self.base(apiURL)), Origin(gitBase)].compactMap { $0 }
    }

    private static func base(_ url: String) -> String {
        var base = url.trimmingWhitespace()
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.trimmingWhitespace().isEmpty else { return nil }
        return s
    }

    /// `1`, `true`, `yes`, `on` (any case) switch a flag on.
    static func flag(_ s: String?) -> Bool {
        guard let s else { return false }
        return ["1", "true", "yes", "on"].contains(s.trimmingWhitespace().lowercased())
    }

    /// The transport configuration; fails on a bad URL or proxy variable.
    func transportConfig(environment: [String: String], version: String) throws(TransportError) -> TransportConfig {
        _ = try validatedOrigins()
        // Validated just above; the API base keeps its path (`/2.0`).
        let api = URL(string: apiURL.trimmingWhitespace())!
        let git = URL(string: gitBase)!
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw TransportError(kind: .configuration, message: "cannot read the CA file '\(caFile)' (--ca-file / BBS_CA_FILE)")
        }
        let proxy = try ProxySettings(environment: environment)
        var config = TransportConfig(
            apiBaseURL: api, gitBaseURL: git, caFile: caFile,
            proxy: proxy,
            version: version, trace: trace, dryRun: dryRun)
        if let timeout {
            config.readTimeout = timeout
            config.connectTimeout = min(config.connectTimeout, timeout)
        }
        return config
    }
}

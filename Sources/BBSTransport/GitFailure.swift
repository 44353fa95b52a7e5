import BBSErrorKinds
import Foundation

/// What a failed git run means, read from git's (English, see `GitEnvironment`) stderr, so a script
/// can catch a rejected push apart from a bad token, and an uncaught one exits 4 or 5 like an API error.
public struct GitFailure: Sendable {
    /// git failures are auth (no or wrong credentials, HTTP 401), permission (a missing scope,
    /// HTTP 403), not_found, network, conflict (rejected push, merge conflict, non-fast-forward
    /// pull) or git (anything else).
    public typealias Kind = ErrorKind

    public var kind: Kind
    /// The lines of stderr that explain the failure (`fatal:`, `error:`, `remote:`, rejected refs).
    public var summary: String

    /// Ordered: the first pattern found decides. 401/403 before "unable to access", which wraps both.
    private static let patterns: [(Kind, [String])] = [
        (.auth, ["Authentication failed", "told us to quit", "terminal prompts disabled", "could not read Username",
                 "could not read Password", "returned error: 401", "Invalid username or password"]),
        (.permission, ["returned error: 403", "lack one or more required privilege scopes"]),
        (.notFound, ["Repository not found", "' not found", "' does not exist", "returned error: 404", "does not appear to be a git repository",
                     "not found in upstream", "couldn't find remote ref", "not a git repository"]),
        (.conflict, ["[rejected]", "non-fast-forward", "failed to push some refs", "CONFLICT",
                     "Not possible to fast-forward", "would be overwritten", "fetch first", "stale info",
                     "Automatic merge failed"]),
        (.network, ["Could not resolve host", "Failed to connect", "Connection refused", "Connection timed out",
                    "Operation timed out", "SSL", "Connection reset", "Empty reply from server",
                    "transfer closed", "RPC failed", "early EOF", "unable to access", "returned error: 5"]),
    ]

    public init(stderr: String) {
        kind = Self.patterns.first { _, needles in needles.contains { stderr.contains($0) } }?.0 ?? .git
        summary = Self.summarize(stderr)
    }

    static func summarize(_ stderr: String) -> String {
        // The broker refused: the host is not the one the credential is bound to. git's own text
        // would only quote the helper's command line.
        if stderr.contains("told us to quit") {
            return "no credential for this host: bbs gives the token only to the git base URL (--git-url / BBS_GIT_URL)"
        }
        let lines = stderr.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }
        let telling = lines.filter { line in
            ["fatal:", "error:", "remote:", "! [", "CONFLICT", "hint: Updates were rejected"].contains { line.hasPrefix($0) }
        }
        let chosen = telling.isEmpty ? Array(lines.suffix(3)) : Array(telling.prefix(6))
        return chosen.joined(separator: "\n")
    }
}

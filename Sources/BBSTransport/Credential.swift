import Foundation

/// What bbs authenticates with. The secret text leaves this value only as an HTTP header the
/// transport builds for a bound origin, or through `gitPassword` for the git credential channel.
public enum Credential: Sendable, Equatable {
    /// A repository, project or workspace access token (or an OAuth access token).
    case bearer(token: String)
    /// An Atlassian API token or app password with its username (the account email for API tokens).
    case basic(username: String, password: String)

    /// The username git must present over smart HTTP with this credential.
    public var gitUsername: String {
        switch self {
        case .bearer:
            // Access tokens clone with the literal username `x-token-auth` (docs/internals.md "The secret flow").
            return "x-token-auth"
        case .basic(let username, _):
            // API tokens authenticate REST with the account email, but git rejects the email;
            // Atlassian documents a static username for that case (docs/internals.md "The secret flow").
            return username.contains("@") ? "x-bitbucket-api-token-auth" : username
        }
    }

    /// The secret git must present as its password.
    public var gitPassword: String { secret }

    /// The secret part, for registering with a `Redactor`.
    public var secret: String {
        switch self {
        case .bearer(let token): return token
        case .basic(_, let password): return password
        }
    }

    /// The usernames this secret may be paired with in a Basic header (REST or git), so their
    /// base64 forms can be redacted too.
    var pairedUsernames: [String] {
        switch self {
        case .bearer: return ["x-token-auth"]
        case .basic(let username, _): return [username, gitUsername]
        }
    }

    var authorizationHeaderValue: String {
        switch self {
        case .bearer(let token):
            return "Bearer \(token)"
        case .basic(let username, let password):
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
    }

    /// A short, secret-free label for traces.
    var schemeName: String {
        switch self {
        case .bearer: return "Bearer"
        case .basic: return "Basic"
        }
    }
}

// Printing or dumping a credential (in a test failure, a debugger, a crash log) must not show it.
extension Credential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        switch self {
        case .bearer: return "bearer(***)"
        case .basic(let username, _): return "basic(\(username), ***)"
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["credential": description]) }
}

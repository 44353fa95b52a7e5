import Foundation

/// What a route needs, in both vocabularies Bitbucket uses: the OAuth 2 scope from the operation's
/// `security` entry (what access tokens and app passwords carry) and the API-token scopes from its
/// `x-atlassian-oauth2-scopes`.
public struct ScopeRequirement: Sendable, Equatable {
    public var legacy: String
    public var granular: [String]

    public static let account = ScopeRequirement(legacy: "account", granular: ["read:user:bitbucket"])
    public static let workspaces = ScopeRequirement(
        legacy: "account", granular: ["read:user:bitbucket", "read:workspace:bitbucket"])
    public static let workspaceAccess = ScopeRequirement(legacy: "account", granular: ["read:workspace:bitbucket"])
    public static let repository = ScopeRequirement(legacy: "repository", granular: ["read:repository:bitbucket"])
    public static let repositoryWrite = ScopeRequirement(
        legacy: "repository:write", granular: ["write:repository:bitbucket"])
    public static let repositoryWriteRead = ScopeRequirement(
        legacy: "repository:write", granular: ["write:repository:bitbucket", "read:repository:bitbucket"])
    public static let repositoryAdmin = ScopeRequirement(
        legacy: "repository:admin", granular: ["admin:repository:bitbucket"])
    public static let repositoryDelete = ScopeRequirement(
        legacy: "repository:delete", granular: ["delete:repository:bitbucket"])
    public static let pullRequest = ScopeRequirement(legacy: "pullrequest", granular: ["read:pullrequest:bitbucket"])
    public static let pullRequestWrite = ScopeRequirement(
        legacy: "pullrequest:write", granular: ["read:pullrequest:bitbucket", "write:pullrequest:bitbucket"])
    public static let pullRequestWriteOnly = ScopeRequirement(
        legacy: "pullrequest:write", granular: ["write:pullrequest:bitbucket"])
    public static let pipeline = ScopeRequirement(legacy: "pipeline", granular: ["read:pipeline:bitbucket"])
    public static let pipelineWrite = ScopeRequirement(
        legacy: "pipeline:write", granular: ["read:pipeline:bitbucket", "write:pipeline:bitbucket"])
    public static let pipelineStop = ScopeRequirement(legacy: "pipeline:write", granular: ["write:pipeline:bitbucket"])
    /// The document asks only `pipeline` (read) to create an environment, and `admin:pipeline` of API tokens.
    public static let pipelineAdmin = ScopeRequirement(legacy: "pipeline", granular: ["admin:pipeline:bitbucket"])
    public static let pipelineVariable = ScopeRequirement(legacy: "pipeline:variable", granular: ["admin:pipeline:bitbucket"])
    public static let webhook = ScopeRequirement(legacy: "webhook", granular: ["read:webhook:bitbucket"])
    public static let webhookWrite = ScopeRequirement(
        legacy: "webhook", granular: ["read:webhook:bitbucket", "write:webhook:bitbucket"])
    public static let webhookDelete = ScopeRequirement(legacy: "webhook", granular: ["delete:webhook:bitbucket"])
    public static let workspaceMembers = ScopeRequirement(legacy: "account", granular: ["read:workspace:bitbucket"])
    public static let workspaceRepositoryPermissions = ScopeRequirement(
        legacy: "account", granular: ["read:repository:bitbucket"])
    public static let project = ScopeRequirement(legacy: "project", granular: ["read:project:bitbucket"])
    public static let projectAdmin = ScopeRequirement(legacy: "project:admin", granular: ["admin:project:bitbucket"])
    public static let repositoryAdminRead = ScopeRequirement(legacy: "repository:admin", granular: ["read:repository:bitbucket"])
    public static let repositoryWriteOnly = ScopeRequirement(legacy: "repository:write", granular: ["write:repository:bitbucket"])
    /// No OAuth scope (the document names none, e.g. `GET /users/{selected_user}`); API tokens still need theirs.
    public static let user = ScopeRequirement(legacy: "", granular: ["read:user:bitbucket"])
    public static let unscoped = ScopeRequirement(legacy: "", granular: [])
    public static let snippet = ScopeRequirement(legacy: "snippet", granular: ["read:snippet:bitbucket"])
}

public enum Scopes {
    /// The OAuth 2 scopes of the OpenAPI document's `oauth2` security scheme.
    public static let allLegacy = [
        "repository", "repository:write", "repository:admin", "repository:delete", "project", "project:admin",
        "email", "account", "account:write", "team", "team:write", "pipeline", "pipeline:write",
        "pipeline:variable", "runner", "runner:write", "test", "test:write", "issue", "issue:write",
        "pullrequest", "pullrequest:write", "snippet", "snippet:write", "webhook", "wiki",
    ]

    /// Implications stated in the API's authentication narrative. `repository:admin`, `repository:delete`
    /// and `pipeline:write` imply nothing there, so they imply nothing here.
    static let implied: [String: [String]] = [
        "repository:write": ["repository"],
        "pullrequest": ["repository"],
        "pullrequest:write": ["pullrequest", "repository:write"],
        "project": ["repository"],
        "issue:write": ["issue"],
        "snippet:write": ["snippet"],
    ]

    static func isKnown(_ scope: String) -> Bool {
        allLegacy.contains(scope) || isGranular(scope)
    }

    /// API-token scopes look like `read:repository:bitbucket` and, unlike OAuth 2 scopes, imply nothing.
    static func isGranular(_ scope: String) -> Bool { scope.hasSuffix(":bitbucket") }

    static func closure(of scopes: [String]) -> Set<String> {
        var result: Set<String> = []
        var pending = scopes
        while let scope = pending.popLast() {
            guard result.insert(scope).inserted else { continue }
            pending.append(contentsOf: implied[scope] ?? [])
        }
        return result
    }

    /// The scopes still missing, in the vocabulary of the credential: nil when the credential suffices.
    static func missing(_ requirement: ScopeRequirement, for credential: MockCredential) -> [String]? {
        guard let scopes = credential.scopes else { return nil }
        if scopes.contains(where: isGranular) {
            if requirement.granular.isEmpty { return nil }
            let granted = Set(scopes)
            return requirement.granular.allSatisfy(granted.contains) ? nil : requirement.granular
        }
        if requirement.legacy.isEmpty { return nil }
        return closure(of: scopes).contains(requirement.legacy) ? nil : [requirement.legacy]
    }
}

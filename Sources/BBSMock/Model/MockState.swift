import Foundation

/// Everything the fake Bitbucket knows. Only touched with the service lock held.
public final class MockState: @unchecked Sendable {
    public var workspaces: [MockWorkspace] = []
    public var accounts: [MockAccount] = []
    public var repositories: [MockRepository] = []
    /// Workspace webhooks and pipelines variables, by workspace slug.
    public var workspaceHooks: [String: [MockWebhook]] = [:]
    public var workspaceVariables: [String: [MockVariable]] = [:]
    /// Whether pushes and merges obey branch restrictions (`--enforce-branch-restrictions` or the fixture's
    /// `enforce_branch_restrictions`). Off by default: suites written against rules that were only stored
    /// keep working, and audit tests switch it on.
    public var enforceBranchRestrictions = false
    /// A counter for the ids of things created at run time, so they differ and stay deterministic.
    var createdCount = 0
    /// Makes content for repositories created at run time (REST POST, seeding).
    public let contentFactory: @Sendable () -> any RepositoryContentSource

    public init(contentFactory: @escaping @Sendable () -> any RepositoryContentSource = { InMemoryContentSource() }) {
        self.contentFactory = contentFactory
    }

    public func workspace(_ slugOrUUID: String) -> MockWorkspace? {
        workspaces.first { $0.slug == slugOrUUID || $0.uuid == slugOrUUID }
    }

    public func repository(_ workspace: String, _ slugOrUUID: String) -> MockRepository? {
        let workspaceSlug = self.workspace(workspace)?.slug ?? workspace
        return repositories.first {
            $0.workspace == workspaceSlug && ($0.slug == slugOrUUID || $0.uuid == slugOrUUID)
        }
    }

    public func account(uuid: String) -> MockAccount? { accounts.first { $0.uuid == uuid } }

    /// A user named the ways Bitbucket accepts in a path: UUID (with or without braces), account id or nickname.
    public func account(selector: String) -> MockAccount? {
        let braced = selector.hasPrefix("{") ? selector : "{\(selector)}"
        return accounts.first { $0.uuid == braced || $0.accountID == selector || $0.nickname == selector }
    }

    /// A fresh stable id for something created through the API.
    func newUUID(_ kind: String) -> String {
        createdCount += 1
        return StableID.uuid("\(kind):created:\(createdCount)")
    }
    public func account(email: String) -> MockAccount? { accounts.first { $0.email == email } }
    public func account(nickname: String) -> MockAccount? { accounts.first { $0.nickname == nickname } }

    public func addAccount(_ account: MockAccount) {
        if let index = accounts.firstIndex(where: { $0.uuid == account.uuid }) {
            accounts[index] = account
        } else {
            accounts.append(account)
        }
    }

    /// Creates the workspace on first use so seeding and fixtures can name workspaces freely.
    @discardableResult
    public func ensureWorkspace(_ slug: String, name: String? = nil, createdOn: Date) -> MockWorkspace {
        if let existing = workspace(slug) { return existing }
        let workspace = MockWorkspace(
            uuid: StableID.uuid("workspace:" + slug), slug: slug, name: name ?? slug.capitalized,
            isPrivate: true, createdOn: createdOn, projects: [])
        workspaces.append(workspace)
        return workspace
    }

    @discardableResult
    public func ensureProject(_ key: String, in workspaceSlug: String, name: String? = nil, createdOn: Date)
        -> MockProject
    {
        let workspace = ensureWorkspace(workspaceSlug, createdOn: createdOn)
        if let existing = workspace.project(key: key) { return existing }
        let project = MockProject(
            uuid: StableID.uuid("project:\(workspaceSlug)/\(key)"), key: key, name: name ?? key.capitalized,
            description: "", isPrivate: true, createdOn: createdOn)
        if let index = workspaces.firstIndex(where: { $0.slug == workspace.slug }) {
            workspaces[index].projects.append(project)
        }
        return project
    }
}

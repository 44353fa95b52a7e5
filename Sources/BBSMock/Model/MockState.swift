import Foundation

/// Everything the fake Bitbucket knows. Only touched with the service lock held.
public final class MockState: @unchecked Sendable {
    public var workspaces: [MockWorkspace] = []
    public var accounts: [MockAccount] = []
    public var repositories: [MockRepository] = []
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

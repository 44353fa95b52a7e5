import Foundation

/// A repository's metadata and the things Bitbucket keeps beside git: pull requests and pipelines.
/// Refs, commits and files live in `content`.
public final class MockRepository: @unchecked Sendable {
    public var uuid: String
    public var workspace: String
    public var slug: String
    public var name: String
    public var description: String
    public var isPrivate: Bool
    public var projectKey: String?
    public var language: String
    public var mainBranch: String
    public var forkPolicy: String
    public var hasIssues: Bool
    public var hasWiki: Bool
    /// Kept as metadata rather than measured, so listing many repositories never walks their histories.
    public var size: Int
    public var createdOn: Date
    public var updatedOn: Date
    public var content: any RepositoryContentSource
    public var pullRequests: [MockPullRequest] = []
    public var pipelines: [MockPipeline] = []
    public var branchRestrictions: [MockBranchRestriction] = []
    /// Build statuses of every commit, oldest first; one per commit and key.
    public var commitStatuses: [MockCommitStatus] = []
    public var defaultReviewerUUIDs: [String] = []
    public var hooks: [MockWebhook] = []
    public var variables: [MockVariable] = []
    public var environments: [MockEnvironment] = []
    public var deployments: [MockDeployment] = []
    public var reports: [MockReport] = []
    public var downloads: [MockDownload] = []
    /// Comments on commits (not pull requests), with the commit each belongs to.
    public var commitComments: [(commitHash: String, comment: MockComment)] = []
    /// The repository this one was forked from (`workspace/slug`).
    public var parentFullName: String?
    /// How pipelines triggered through the API end: SUCCESSFUL unless a fixture says otherwise.
    public var triggeredPipelineResult = "SUCCESSFUL"

    public var fullName: String { "\(workspace)/\(slug)" }

    public init(
        workspace: String, slug: String, name: String? = nil, description: String = "", isPrivate: Bool = true,
        projectKey: String? = nil, language: String = "", mainBranch: String = "main", createdOn: Date,
        content: any RepositoryContentSource
    ) {
        self.uuid = StableID.uuid("repository:\(workspace)/\(slug)")
        self.workspace = workspace
        self.slug = slug
        self.name = name ?? slug
        self.description = description
        self.isPrivate = isPrivate
        self.projectKey = projectKey
        self.language = language
        self.mainBranch = mainBranch
        self.forkPolicy = isPrivate ? "no_public_forks" : "allow_forks"
        self.hasIssues = false
        self.hasWiki = false
        self.size = 40_960 + Int(SHA1.digest(Data(slug.utf8))[0]) * 1_024
        self.createdOn = createdOn
        self.updatedOn = createdOn
        self.content = content
        // Bitbucket gives every repository these three deployment environments.
        self.environments = [("Test", 0), ("Staging", 1), ("Production", 2)].map { name, rank in
            MockEnvironment(uuid: StableID.uuid("environment:\(workspace)/\(slug)/\(name)"), name: name, type: name, rank: rank)
        }
    }

    var nextPullRequestID: Int { (pullRequests.map(\.id).max() ?? 0) + 1 }
    var nextBuildNumber: Int { (pipelines.map(\.buildNumber).max() ?? 0) + 1 }

    var nextBranchRestrictionID: Int { (branchRestrictions.map(\.id).max() ?? 0) + 1 }

    func statuses(of hash: String) -> [MockCommitStatus] { commitStatuses.filter { $0.commitHash == hash } }

    /// Adds the status, or overwrites the one with the same commit and key (keeping its creation date).
    @discardableResult
    func putStatus(_ status: MockCommitStatus) -> MockCommitStatus {
        if let index = commitStatuses.firstIndex(where: { $0.commitHash == status.commitHash && $0.key == status.key }) {
            var updated = status
            updated.createdOn = commitStatuses[index].createdOn
            commitStatuses[index] = updated
            return updated
        }
        commitStatuses.append(status)
        return status
    }

    func pullRequestIndex(_ id: Int) -> Int? { pullRequests.firstIndex { $0.id == id } }
}

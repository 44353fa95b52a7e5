import Foundation

/// A branch restriction rule (`branchrestriction` in the API): who may push, merge or delete which
/// branches, and the merge checks. The mock stores and serves the rules; it does not enforce them on
/// pushes or merges.
public struct MockBranchRestriction: Equatable, Sendable {
    /// The `kind` values of the OpenAPI document.
    public static let kinds = [
        "push", "delete", "force", "restrict_merges", "require_tasks_to_be_completed", "require_approvals_to_merge",
        "require_review_group_approvals_to_merge", "require_default_reviewer_approvals_to_merge",
        "require_no_changes_requested", "require_passing_builds_to_merge", "require_commits_behind",
        "reset_pullrequest_approvals_on_change", "smart_reset_pullrequest_approvals",
        "reset_pullrequest_changes_requested_on_change", "require_all_dependencies_merged", "enforce_merge_checks",
        "allow_auto_merge_when_builds_pass", "require_all_comments_resolved",
    ]
    public static let matchKinds = ["glob", "branching_model"]
    public static let branchTypes = ["feature", "bugfix", "release", "hotfix", "development", "production"]
    /// Only these kinds carry exempt users and groups.
    public static let kindsWithExemptions = ["push", "restrict_merges"]

    public var id: Int
    public var kind: String
    public var branchMatchKind: String
    /// Set when `branchMatchKind` is `branching_model`.
    public var branchType: String?
    /// Empty when `branchMatchKind` is `branching_model`.
    public var pattern: String
    public var value: Int?
    public var userUUIDs: [String]
    /// Group slugs of the repository's workspace.
    public var groups: [String]

    public init(
        id: Int, kind: String, branchMatchKind: String = "glob", branchType: String? = nil, pattern: String = "",
        value: Int? = nil, userUUIDs: [String] = [], groups: [String] = []
    ) {
        self.id = id
        self.kind = kind
        self.branchMatchKind = branchMatchKind
        self.branchType = branchType
        self.pattern = pattern
        self.value = value
        self.userUUIDs = userUUIDs
        self.groups = groups
    }

    /// Two rules clash when they have the same kind and the same matcher.
    func clashes(with other: MockBranchRestriction) -> Bool {
        id != other.id && kind == other.kind && branchMatchKind == other.branchMatchKind
            && (branchMatchKind == "glob" ? pattern == other.pattern : branchType == other.branchType)
    }
}

/// A build status reported against a commit (`commitstatus`, type `build`), unique per commit and key.
public struct MockCommitStatus: Equatable, Sendable {
    public static let states = ["SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED"]

    public var commitHash: String
    public var key: String
    public var state: String
    public var name: String
    public var url: String
    public var description: String
    public var refname: String?
    public var createdOn: Date
    public var updatedOn: Date

    public init(
        commitHash: String, key: String, state: String, name: String? = nil, url: String = "", description: String = "",
        refname: String? = nil, createdOn: Date, updatedOn: Date? = nil
    ) {
        self.commitHash = commitHash
        self.key = key
        self.state = state
        self.name = name ?? key
        self.url = url
        self.description = description
        self.refname = refname
        self.createdOn = createdOn
        self.updatedOn = updatedOn ?? createdOn
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The branch restrictions Bitbucket enforces, applied where the mock changes branches: `push` and
/// `delete` on git pushes and REST writes (`POST /src`, branch deletion), `force` on git pushes (see
/// `ForcePushGuard`; REST writes never rewrite history), and the merge checks
/// `require_approvals_to_merge`, `require_passing_builds_to_merge` and `restrict_merges`.
///
/// Exempt users are honoured; exempt groups are not (the mock has no group membership), so a rule that
/// names only groups still refuses everyone.
enum RestrictionEnforcement {
    static func matches(_ rule: MockBranchRestriction, branch: String, in repository: MockRepository) -> Bool {
        if rule.branchMatchKind == "glob" { return fnmatch(rule.pattern, branch, 0) == 0 }
        switch rule.branchType {
        case "development", "production": return branch == repository.mainBranch
        case let type?: return branch.hasPrefix(type + "/")
        case nil: return false
        }
    }

    static func rules(_ kind: String, branch: String, in repository: MockRepository) -> [MockBranchRestriction] {
        repository.branchRestrictions.filter { $0.kind == kind && matches($0, branch: branch, in: repository) }
    }

    enum Update {
        case create, move, delete
    }

    /// Why `actor` may not make this change to `branch`, in Bitbucket's words; nil when allowed.
    static func pushDenial(branch: String, update: Update, actor: String?, in repository: MockRepository) -> String? {
        if update == .delete, !rules("delete", branch: branch, in: repository).isEmpty {
            return "You can't delete the branch \(branch) because it is protected by a branch restriction."
        }
        if rules("push", branch: branch, in: repository).contains(where: { !isExempt(actor, from: $0) }) {
            return "You don't have permission to push to the branch \(branch): it is restricted by a branch restriction."
        }
        return nil
    }

    /// The failing merge checks of an open pull request, in Bitbucket's words; nil when it may merge.
    static func isExempt(_ actor: String?, from rule: MockBranchRestriction) -> Bool {
        actor.map(rule.userUUIDs.contains) ?? false
    }

    static func mergeDenial(_ pullRequest: MockPullRequest, actor: String, in repository: MockRepository) -> String? {
        let branch = pullRequest.destinationBranch
        var problems: [String] = []
        for rule in rules("require_approvals_to_merge", branch: branch, in: repository) {
            let needed = rule.value ?? 1
            let approvals = pullRequest.participants.filter(\.approved).count
            if approvals < needed {
                problems.append("requires \(needed) approval\(needed == 1 ? "" : "s") (has \(approvals))")
            }
        }
        if !rules("require_passing_builds_to_merge", branch: branch, in: repository).isEmpty {
            let statuses = CommitStatusRoutes.sourceCommit(of: pullRequest, in: repository).map(repository.statuses(of:)) ?? []
            let failing = statuses.filter { $0.state != "SUCCESSFUL" }.count
            if statuses.isEmpty {
                problems.append("requires a passing build (has none)")
            } else if failing > 0 {
                problems.append("requires passing builds (\(failing) not successful)")
            }
        }
        if rules("restrict_merges", branch: branch, in: repository).contains(where: { !isExempt(actor, from: $0) }) {
            problems.append("merges into \(branch) are restricted")
        }
        guard !problems.isEmpty else { return nil }
        return "Merge checks failed for \(branch): " + problems.joined(separator: "; ") + "."
    }
}

import Foundation

extension Renderer {
    func branchRestriction(_ rule: MockBranchRestriction, in repository: MockRepository) -> JSON {
        var object = JSONObject([
            ("type", "branchrestriction"),
            ("id", .int(rule.id)),
            ("kind", .string(rule.kind)),
            ("branch_match_kind", .string(rule.branchMatchKind)),
        ])
        if let branchType = rule.branchType, rule.branchMatchKind == "branching_model" {
            object["branch_type"] = .string(branchType)
        }
        object["pattern"] = .string(rule.branchMatchKind == "glob" ? rule.pattern : "")
        // Bitbucket sends `value: null` for kinds without a number.
        object["value"] = rule.value.map { .int($0) } ?? .null
        object["users"] = .array(rule.userUUIDs.map { account(uuid: $0) })
        object["groups"] = .array(rule.groups.map { group($0, workspace: repository.workspace) })
        object["links"] = ["self": link("\(repositoryAPI(repository))/branch-restrictions/\(rule.id)")]
        return .object(object)
    }

    /// Groups are only named in the mock; their members are not modelled.
    func group(_ slug: String, workspace: String) -> JSON {
        [
            "type": "group",
            "name": .string(slug.capitalized),
            "slug": .string(slug),
            "full_slug": .string("\(workspace):\(slug)"),
        ]
    }

    func commitStatus(_ status: MockCommitStatus, in repository: MockRepository) -> JSON {
        let commitAPI = "\(repositoryAPI(repository))/commit/\(status.commitHash)"
        var object = JSONObject([
            ("type", "build"),
            ("key", .string(status.key)),
            ("state", .string(status.state)),
            ("name", .string(status.name)),
            ("url", .string(status.url)),
            ("description", .string(status.description)),
        ])
        if let refname = status.refname { object["refname"] = .string(refname) }
        object["created_on"] = .string(Timestamps.objectStyle(status.createdOn))
        object["updated_on"] = .string(Timestamps.objectStyle(status.updatedOn))
        object["repository"] = condensedRepository(repository)
        object["commit"] = commitReference(status.commitHash, in: repository)
        object["links"] = [
            "self": link("\(commitAPI)/statuses/build/\(Renderer.pathEscaped(status.key))"),
            "commit": link(commitAPI),
        ]
        return .object(object)
    }
}

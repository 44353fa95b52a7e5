import Foundation

enum PullRequestFixture {
    static func build(
        _ json: JSON, at path: String, id defaultID: Int, repository: MockRepository, state: MockState,
        resolve: (JSON?, String) throws -> String, defaultDate: Date
    ) throws -> MockPullRequest {
        let createdOn = try FixtureLoader.date(json["created_on"], default: defaultDate, at: path + ".created_on")
        let stateText = (json["state"]?.stringValue ?? "OPEN").uppercased()
        guard let prState = MockPullRequest.State(rawValue: stateText) else {
            throw FixtureError(path + ".state", "expected OPEN, MERGED, DECLINED or SUPERSEDED")
        }
        var pullRequest = MockPullRequest(
            id: json["id"]?.intValue ?? defaultID, title: try FixtureLoader.string(json["title"], at: path + ".title"),
            description: json["description"]?.stringValue ?? "", state: prState,
            authorUUID: try FixtureLoader.accountUUID(json["author"], state: state, at: path + ".author"),
            sourceBranch: try FixtureLoader.string(json["source"], at: path + ".source"),
            destinationBranch: json["destination"]?.stringValue ?? repository.mainBranch, createdOn: createdOn)
        pullRequest.updatedOn = try FixtureLoader.date(json["updated_on"], default: createdOn, at: path + ".updated_on")
        pullRequest.closeSourceBranch = json["close_source_branch"]?.boolValue ?? false
        pullRequest.draft = json["draft"]?.boolValue ?? false
        pullRequest.reason = json["reason"]?.stringValue ?? ""
        if prState != .open {
            // A closed pull request remembers the commits it ended at, since its branches may be gone.
            pullRequest.sourceCommit = try json["source_commit"].map { try resolve($0, path + ".source_commit") }
                ?? (try? repository.content.resolve(pullRequest.sourceBranch)) ?? nil
            pullRequest.destinationCommit = try json["destination_commit"].map { try resolve($0, path + ".destination_commit") }
                ?? (try? repository.content.resolve(pullRequest.destinationBranch)) ?? nil
            pullRequest.mergeCommit = try json["merge_commit"].map { try resolve($0, path + ".merge_commit") }
            pullRequest.closedByUUID = try json["closed_by"].map { try FixtureLoader.accountUUID($0, state: state, at: path + ".closed_by") }
        }
        for (index, reviewer) in (json["reviewers"]?.arrayValue ?? []).enumerated() {
            let uuid = try FixtureLoader.accountUUID(reviewer, state: state, at: "\(path).reviewers[\(index)]")
            pullRequest.reviewerUUIDs.append(uuid)
            pullRequest.participants.append(MockParticipant(accountUUID: uuid, role: "REVIEWER", approved: false, participatedOn: nil))
        }
        for (index, approver) in (json["approvals"]?.arrayValue ?? []).enumerated() {
            let uuid = try FixtureLoader.accountUUID(approver, state: state, at: "\(path).approvals[\(index)]")
            if let existing = pullRequest.participants.firstIndex(where: { $0.accountUUID == uuid }) {
                pullRequest.participants[existing].approved = true
                pullRequest.participants[existing].participatedOn = pullRequest.updatedOn
            } else {
                pullRequest.participants.append(
                    MockParticipant(accountUUID: uuid, role: "PARTICIPANT", approved: true, participatedOn: pullRequest.updatedOn))
            }
        }
        var nextCommentID = repository.pullRequests.flatMap(\.comments).map(\.id).max() ?? 100_000
        for (index, comment) in (json["comments"]?.arrayValue ?? []).enumerated() {
            let at = "\(path).comments[\(index)]"
            nextCommentID += 1
            let date = try FixtureLoader.date(
                comment["created_on"], default: createdOn.addingTimeInterval(Double(index + 1) * 1800), at: at + ".created_on")
            pullRequest.comments.append(MockComment(
                id: comment["id"]?.intValue ?? nextCommentID,
                authorUUID: try FixtureLoader.accountUUID(comment["author"], state: state, at: at + ".author"),
                raw: try FixtureLoader.string(comment["text"], at: at + ".text"), createdOn: date, updatedOn: date,
                parentID: comment["parent"]?.intValue))
        }
        return pullRequest
    }
}

enum PipelineFixture {
    static func build(
        _ json: JSON, at path: String, buildNumber defaultNumber: Int, repository: MockRepository, state: MockState,
        resolve: (JSON?, String) throws -> String, defaultDate: Date
    ) throws -> MockPipeline {
        let buildNumber = json["build_number"]?.intValue ?? defaultNumber
        let refName = json["ref"]?.stringValue ?? repository.mainBranch
        let refType = json["ref_type"]?.stringValue ?? "branch"
        let commit = try resolve(json["commit"] ?? .string(refName), path + ".commit")
        let createdOn = try FixtureLoader.date(json["created_on"], default: defaultDate, at: path + ".created_on")
        let duration = json["duration"]?.intValue ?? 60
        let status: MockPipeline.Status
        switch (json["state"]?.stringValue ?? "COMPLETED").uppercased() {
        case "PENDING": status = .pending
        case "IN_PROGRESS": status = .inProgress
        case "COMPLETED": status = .completed(result: (json["result"]?.stringValue ?? "SUCCESSFUL").uppercased())
        default: throw FixtureError(path + ".state", "expected PENDING, IN_PROGRESS or COMPLETED")
        }
        let completed: Bool
        if case .completed = status { completed = true } else { completed = false }
        return MockPipeline(
            uuid: json["uuid"]?.stringValue ?? StableID.uuid("pipeline:\(repository.fullName)#\(buildNumber)"),
            buildNumber: buildNumber,
            creatorUUID: try FixtureLoader.accountUUID(json["creator"], state: state, at: path + ".creator"),
            refType: refType, refName: refName, commitHash: commit,
            trigger: MockPipeline.Trigger(rawValue: (json["trigger"]?.stringValue ?? "PUSH").uppercased()) ?? .push,
            status: status, createdOn: createdOn, completedOn: completed ? createdOn.addingTimeInterval(Double(duration)) : nil,
            buildSecondsUsed: completed ? duration : 0, readsUntilDone: nil)
    }
}

/// A build status in a fixture: `key` and `state` (SUCCESSFUL|FAILED|INPROGRESS|STOPPED), optional `name`,
/// `url`, `description`, `refname`, `created_on`, `updated_on`.
enum StatusFixture {
    static func build(_ json: JSON, at path: String, commit: String, refname: String?, defaultDate: Date) throws
        -> MockCommitStatus
    {
        let key = try FixtureLoader.string(json["key"], at: path + ".key")
        let state = (json["state"]?.stringValue ?? "").uppercased()
        guard MockCommitStatus.states.contains(state) else {
            throw FixtureError(path + ".state", "expected \(MockCommitStatus.states.joined(separator: ", "))")
        }
        let createdOn = try FixtureLoader.date(json["created_on"], default: defaultDate.addingTimeInterval(300), at: path + ".created_on")
        return MockCommitStatus(
            commitHash: commit, key: key, state: state, name: json["name"]?.stringValue,
            url: json["url"]?.stringValue ?? "", description: json["description"]?.stringValue ?? "",
            refname: json["refname"]?.stringValue ?? refname, createdOn: createdOn,
            updatedOn: try FixtureLoader.date(json["updated_on"], default: createdOn, at: path + ".updated_on"))
    }
}

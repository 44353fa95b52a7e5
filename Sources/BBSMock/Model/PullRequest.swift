import Foundation

public struct MockParticipant: Equatable, Sendable {
    public var accountUUID: String
    public var role: String
    public var approved: Bool
    public var participatedOn: Date?
    /// `state: changes_requested`; Bitbucket keeps it apart from `approved`.
    public var changesRequested = false
}

/// Where an inline comment sits: a file and a line on the old (`from`) or new (`to`) side.
public struct MockInline: Equatable, Sendable {
    public var path: String
    public var from: Int?
    public var to: Int?
}

public struct MockTask: Equatable, Sendable {
    public var id: Int
    public var creatorUUID: String
    public var raw: String
    public var createdOn: Date
    public var updatedOn: Date
    public var resolvedByUUID: String?
    public var resolvedOn: Date?
    public var commentID: Int?
    public var pending = false
}

public struct MockComment: Equatable, Sendable {
    public var id: Int
    public var authorUUID: String
    public var raw: String
    public var createdOn: Date
    public var updatedOn: Date
    public var parentID: Int?
    public var inline: MockInline?
    /// Bitbucket keeps a deleted comment (so replies still hang together) with `deleted: true`.
    public var deleted = false
}

public struct MockPullRequest: Equatable, Sendable {
    public enum State: String, CaseIterable, Sendable {
        case open = "OPEN"
        case merged = "MERGED"
        case declined = "DECLINED"
        case superseded = "SUPERSEDED"
    }

    public var id: Int
    public var title: String
    public var description: String
    public var state: State
    public var authorUUID: String
    public var sourceBranch: String
    public var destinationBranch: String
    /// Frozen when the pull request closes; while open the source follows its branch head.
    public var sourceCommit: String?
    public var destinationCommit: String?
    public var mergeCommit: String?
    public var closedByUUID: String?
    public var reason: String
    public var closeSourceBranch: Bool
    public var draft: Bool
    public var createdOn: Date
    public var updatedOn: Date
    public var reviewerUUIDs: [String]
    public var participants: [MockParticipant]
    public var comments: [MockComment]
    public var tasks: [MockTask] = []

    public init(
        id: Int, title: String, description: String = "", state: State = .open, authorUUID: String,
        sourceBranch: String, destinationBranch: String, createdOn: Date
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.state = state
        self.authorUUID = authorUUID
        self.sourceBranch = sourceBranch
        self.destinationBranch = destinationBranch
        self.reason = ""
        self.closeSourceBranch = false
        self.draft = false
        self.createdOn = createdOn
        self.updatedOn = createdOn
        self.reviewerUUIDs = []
        self.participants = []
        self.comments = []
    }
}

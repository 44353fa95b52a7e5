import Foundation

/// A webhook on a repository or a workspace. The secret is kept but never rendered (`secret_set` only).
public struct MockWebhook: Equatable, Sendable {
    public var uuid: String
    public var url: String
    public var description: String
    public var active: Bool
    public var events: [String]
    public var createdAt: Date
    public var secret: String?
    public var skipCertVerification: Bool
}

/// A pipelines variable (repository, workspace or deployment environment); a secured one's value is
/// write-only, as on Bitbucket.
public struct MockVariable: Equatable, Sendable {
    public var uuid: String
    public var key: String
    public var value: String
    public var secured: Bool
}

public struct MockEnvironment: Equatable, Sendable {
    public var uuid: String
    public var name: String
    /// Test, Staging or Production.
    public var type: String
    public var rank: Int
    public var variables: [MockVariable] = []
}

public struct MockDeployment: Equatable, Sendable {
    public var uuid: String
    public var environmentUUID: String
    public var pipelineUUID: String
    public var commitHash: String
    public var state: String
    public var createdOn: Date
}

/// A Code Insights report on a commit, with its annotations.
public struct MockReport: Equatable, Sendable {
    public var commitHash: String
    public var externalID: String
    public var uuid: String
    public var fields: JSONObject
    public var createdOn: Date
    public var updatedOn: Date
    public var annotations: [MockAnnotation] = []
}

public struct MockAnnotation: Equatable, Sendable {
    public var externalID: String
    public var uuid: String
    public var fields: JSONObject
    public var createdOn: Date
    public var updatedOn: Date
}

public struct MockDownload: Equatable, Sendable {
    public var name: String
    public var data: Data
    public var uploaderUUID: String
    public var createdOn: Date
}

import Foundation

public struct MockPipeline: Equatable, Sendable {
    public enum Trigger: String, Sendable {
        case push = "PUSH"
        case manual = "MANUAL"
        case scheduled = "SCHEDULED"
    }

    /// Pipeline progress. A triggered pipeline moves one step each time it is read, so scripts that poll
    /// for completion finish quickly and deterministically.
    public enum Status: Equatable, Sendable {
        case pending
        case inProgress
        case completed(result: String)

        public var name: String {
            switch self {
            case .pending: return "PENDING"
            case .inProgress: return "IN_PROGRESS"
            case .completed: return "COMPLETED"
            }
        }
    }

    public var uuid: String
    public var buildNumber: Int
    public var creatorUUID: String
    public var refType: String
    public var refName: String
    public var commitHash: String
    public var trigger: Trigger
    public var status: Status
    public var createdOn: Date
    public var completedOn: Date?
    public var buildSecondsUsed: Int
    /// How many more reads until the pipeline completes; nil for pipelines that never advance.
    public var readsUntilDone: Int?
    /// The result a running pipeline ends with (a fixture's `triggered_pipeline_result` or a fault decides).
    public var finalResult = "SUCCESSFUL"
    /// When the pipeline left PENDING.
    public var startedOn: Date?
    /// Who stopped the pipeline through `stopPipeline`.
    public var terminatorUUID: String?
}

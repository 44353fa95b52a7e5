import Foundation

public struct MockAccount: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case user
        /// The bot user behind an access token; Bitbucket shows such authors as `app_user`.
        case appUser = "app_user"
        case team
    }

    public var uuid: String
    public var accountID: String
    public var nickname: String
    public var displayName: String
    public var email: String
    public var kind: Kind
    public var createdOn: Date

    public init(
        uuid: String, accountID: String, nickname: String, displayName: String, email: String,
        kind: Kind = .user, createdOn: Date
    ) {
        self.uuid = uuid
        self.accountID = accountID
        self.nickname = nickname
        self.displayName = displayName
        self.email = email
        self.kind = kind
        self.createdOn = createdOn
    }
}

public struct MockProject: Equatable, Sendable {
    public var uuid: String
    public var key: String
    public var name: String
    public var description: String
    public var isPrivate: Bool
    public var createdOn: Date
}

public struct MockWorkspace: Equatable, Sendable {
    public var uuid: String
    public var slug: String
    public var name: String
    public var isPrivate: Bool
    public var createdOn: Date
    public var projects: [MockProject]

    public func project(key: String) -> MockProject? { projects.first { $0.key == key } }
}

/// Stable brace-wrapped UUIDs derived from a name, so fixtures and default data keep the same ids across
/// runs and tests can hard-code them.
enum StableID {
    static func uuid(_ seed: String) -> String {
        let hex = Array(SHA1.hex("uuid:" + seed))
        func part(_ range: Range<Int>) -> String { String(hex[range]) }
        return "{\(part(0..<8))-\(part(8..<12))-4\(part(13..<16))-a\(part(17..<20))-\(part(20..<32))}"
    }

    static func accountID(_ seed: String) -> String {
        "557058:" + uuid("account:" + seed).trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
    }
}

import Foundation

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    init(_ where_: String, _ problem: String) { description = "fixture \(where_): \(problem)" }
}

/// Builds state from the fixture format documented in Sources/BBSMock/README.md. The default data set is
/// itself a fixture, so the documented format is the one that is exercised on every start.
public enum FixtureLoader {
    public static func load(contentsOf url: URL, into state: MockState) throws {
        let data = try Data(contentsOf: url)
        let json: JSON
        do { json = try JSON.parse(data) } catch { throw FixtureError(url.path, "\(error)") }
        try load(json, into: state)
    }

    public static func load(_ json: JSON, into state: MockState) throws {
        guard json.objectValue != nil else { throw FixtureError("root", "expected an object") }
        let baseTime = try date(json["base_time"], default: defaultBaseTime, at: "base_time")
        if let enforce = json["enforce_branch_restrictions"]?.boolValue { state.enforceBranchRestrictions = enforce }
        for (index, user) in (json["users"]?.arrayValue ?? []).enumerated() {
            state.addAccount(try account(user, at: "users[\(index)]", createdOn: baseTime))
        }
        for (index, workspace) in (json["workspaces"]?.arrayValue ?? []).enumerated() {
            try loadWorkspace(workspace, at: "workspaces[\(index)]", baseTime: baseTime, into: state)
        }
    }

    static let defaultBaseTime = Date(timeIntervalSince1970: 1_705_309_200)  // 2024-01-15T09:00:00Z

    static func date(_ value: JSON?, default fallback: Date, at path: String) throws -> Date {
        guard let value, !value.isNull else { return fallback }
        guard let text = value.stringValue, let date = Timestamps.parse(text) else {
            throw FixtureError(path, "expected an ISO-8601 date-time")
        }
        return date
    }

    static func string(_ value: JSON?, at path: String) throws -> String {
        guard let text = value?.stringValue, !text.isEmpty else { throw FixtureError(path, "expected a non-empty string") }
        return text
    }

    static func account(_ json: JSON, at path: String, createdOn: Date) throws -> MockAccount {
        let nickname = try string(json["nickname"], at: path + ".nickname")
        return MockAccount(
            uuid: json["uuid"]?.stringValue ?? StableID.uuid("user:" + nickname),
            accountID: json["account_id"]?.stringValue ?? StableID.accountID("user:" + nickname), nickname: nickname,
            displayName: json["display_name"]?.stringValue ?? nickname.capitalized,
            email: json["email"]?.stringValue ?? "\(nickname)@example.com", kind: .user, createdOn: createdOn)
    }

    static func loadWorkspace(_ json: JSON, at path: String, baseTime: Date, into state: MockState) throws {
        let slug = try string(json["slug"], at: path + ".slug")
        let createdOn = try date(json["created_on"], default: baseTime, at: path + ".created_on")
        state.ensureWorkspace(slug, name: json["name"]?.stringValue, createdOn: createdOn)
        if let isPrivate = json["is_private"]?.boolValue, let index = state.workspaces.firstIndex(where: { $0.slug == slug }) {
            state.workspaces[index].isPrivate = isPrivate
        }
        for (index, project) in (json["projects"]?.arrayValue ?? []).enumerated() {
            let key = try string(project["key"], at: "\(path).projects[\(index)].key")
            state.ensureProject(key, in: slug, name: project["name"]?.stringValue, createdOn: createdOn)
        }
        for (index, repository) in (json["repositories"]?.arrayValue ?? []).enumerated() {
            let repositoryPath = "\(path).repositories[\(index)]"
            let loaded = try RepositoryFixture(
                json: repository, workspace: slug, path: repositoryPath, baseTime: baseTime, state: state
            ).build()
            state.repositories.removeAll { $0.workspace == slug && $0.slug == loaded.slug }
            state.repositories.append(loaded)
        }
    }

    /// Resolves an author given as a known nickname or as `Name <email>`.
    static func signature(_ value: JSON?, date: Date, state: MockState, at path: String) throws -> GitSignature {
        let text = value?.stringValue ?? state.accounts.first?.nickname ?? "mock"
        if let account = state.account(nickname: text) {
            return GitSignature(name: account.displayName, email: account.email, date: date)
        }
        if let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let name = text[..<open].trimmingCharacters(in: .whitespaces)
            return GitSignature(name: name, email: String(text[text.index(after: open)..<close]), date: date)
        }
        throw FixtureError(path, "'\(text)' is neither a user nickname nor 'Name <email>'")
    }

    static func accountUUID(_ value: JSON?, state: MockState, at path: String) throws -> String {
        let nickname = value?.stringValue ?? state.accounts.first?.nickname ?? ""
        guard let account = state.account(nickname: nickname) else {
            throw FixtureError(path, "unknown user '\(nickname)' (declare it under \"users\")")
        }
        return account.uuid
    }
}

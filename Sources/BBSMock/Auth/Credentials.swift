import Foundation

/// One way in: an access token (Bearer, or Basic with user `x-token-auth`) or a Basic user/secret pair
/// (API token or app password style).
public struct MockCredential: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case accessToken(String)
        case basic(user: String, secret: String)
    }

    public var method: Method
    /// Scopes as configured; nil grants every scope.
    public var scopes: [String]?
    public var account: MockAccount

    public init(method: Method, scopes: [String]?, account: MockAccount) {
        self.method = method
        self.scopes = scopes
        self.account = account
    }

    public var isAccessToken: Bool {
        if case .accessToken = method { return true }
        return false
    }

    /// The scopes as they are reported back in a 403's `granted` list.
    public var grantedScopes: [String] { scopes ?? Scopes.allLegacy }

    /// Parses `VALUE[:scope,scope...]`; the token value itself may not contain a colon.
    public static func token(spec: String, index: Int, createdOn: Date) throws -> MockCredential {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let value = parts.first, !value.isEmpty else { throw CredentialSpecError("empty token in '\(spec)'") }
        let name = index == 0 ? "acme-bot" : "acme-bot-\(index + 1)"
        let account = MockAccount(
            uuid: StableID.uuid("bot:" + value), accountID: StableID.accountID("bot:" + value), nickname: name,
            displayName: name, email: "\(SHA1.hex("bot:" + value).prefix(24))@bots.bitbucket.org", kind: .appUser,
            createdOn: createdOn)
        return MockCredential(
            method: .accessToken(value), scopes: parts.count > 1 ? try parseScopes(parts[1]) : nil, account: account)
    }

    /// Parses `USER:SECRET[:scope,scope...]`.
    public static func basic(spec: String, createdOn: Date) throws -> MockCredential {
        let parts = spec.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw CredentialSpecError("--basic wants USER:SECRET[:scopes], got '\(spec)'")
        }
        let user = parts[0]
        let nickname = user.split(separator: "@").first.map(String.init) ?? user
        let account = MockAccount(
            uuid: StableID.uuid("user:" + user), accountID: StableID.accountID("user:" + user), nickname: nickname,
            displayName: nickname.capitalized, email: user.contains("@") ? user : "\(user)@example.com",
            kind: .user, createdOn: createdOn)
        return MockCredential(
            method: .basic(user: user, secret: parts[1]), scopes: parts.count > 2 ? try parseScopes(parts[2]) : nil,
            account: account)
    }

    static func parseScopes(_ text: String) throws -> [String] {
        let scopes = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for scope in scopes where !Scopes.isKnown(scope) {
            throw CredentialSpecError("unknown scope '\(scope)' (known: \(Scopes.allLegacy.joined(separator: ", ")), "
                + "or API-token scopes such as read:repository:bitbucket)")
        }
        return scopes
    }
}

public struct CredentialSpecError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

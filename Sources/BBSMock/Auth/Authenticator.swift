import Foundation

public enum AuthResult: Equatable, Sendable {
    case anonymous
    case authenticated(MockCredential)
    case rejected(APIErrorKind)

    public enum APIErrorKind: Equatable, Sendable {
        case badToken
        case badBasic
        case unsupportedScheme
    }
}

/// Turns an `Authorization` header into a credential. Shared with git smart HTTP, which authenticates the
/// same tokens with Basic `x-token-auth:<token>`.
public struct Authenticator: Sendable {
    public var credentials: [MockCredential]

    public init(credentials: [MockCredential]) { self.credentials = credentials }

    public func authenticate(authorization: String?) -> AuthResult {
        guard let authorization, !authorization.isEmpty else { return .anonymous }
        let parts = authorization.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .rejected(.unsupportedScheme) }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "bearer":
            return token(value).map { .authenticated($0) } ?? .rejected(.badToken)
        case "basic":
            guard let decoded = Data(base64Encoded: value).flatMap({ String(data: $0, encoding: .utf8) }),
                let colon = decoded.firstIndex(of: ":")
            else { return .rejected(.badBasic) }
            let user = String(decoded[..<colon])
            let secret = String(decoded[decoded.index(after: colon)...])
            return basic(user: user, secret: secret).map { .authenticated($0) } ?? .rejected(.badBasic)
        default:
            return .rejected(.unsupportedScheme)
        }
    }

    func token(_ value: String) -> MockCredential? {
        credentials.first { $0.method == .accessToken(value) }
    }

    func basic(user: String, secret: String) -> MockCredential? {
        switch user {
        case "x-token-auth":
            // The documented git form for access tokens; the API accepts it too.
            return token(secret)
        case "x-bitbucket-api-token-auth":
            // The static git username for API tokens: any configured Basic secret matches.
            return credentials.first {
                if case .basic(_, let configured) = $0.method { return configured == secret }
                return false
            }
        default:
            return credentials.first { $0.method == .basic(user: user, secret: secret) }
        }
    }

    /// The 401 Bitbucket sends, with the message it uses for each failure.
    public static func unauthorized(_ kind: AuthResult.APIErrorKind?) -> APIError {
        var error: APIError
        switch kind {
        case .badToken?:
            error = APIError(401, "Token is invalid, expired, or not supported for this endpoint.")
        case .badBasic?, .unsupportedScheme?:
            error = APIError(401, "Login failed due to incorrect login credentials or method.")
        case nil:
            error = APIError(401, "Authentication required.", detail: "Supply an access token as a Bearer token, or Basic credentials.")
        }
        error.extraHeaders = [("WWW-Authenticate", "Basic realm=\"Bitbucket.org HTTP\"")]
        return error
    }

    public static func insufficientScope(required: [String], granted: [String]) -> APIError {
        APIError(
            403, "Your credentials lack one or more required privilege scopes.",
            detail: ["required": .array(required.map { .string($0) }), "granted": .array(granted.map { .string($0) })])
    }
}

import Foundation

/// One REST operation: method, path pattern, the scope it needs and its handler.
///
/// Patterns use `{name}` for one path segment and `{name*}` for the rest of the path (zero or more
/// segments), which is how branch names with slashes and `src` file paths arrive.
struct Route {
    /// A path template: `{name}` is one segment, `{name*}` the rest of the path (zero or more segments).
    struct Pattern {
        enum Segment: Equatable {
            case literal(String)
            case parameter(String)
            case rest(String)
        }

        let text: String
        let segments: [Segment]
        /// `{name*}` matches zero segments too (`/src/{commit}/` lists the root); the OpenAPI document's
        /// parameters always name something.
        let restMayBeEmpty: Bool

        /// `restParameters` names parameters that take the rest of the path (one or more segments) when
        /// they end the pattern, for templates written without `*` (the OpenAPI document's).
        init(_ text: String, restParameters: Set<String> = []) {
            self.text = text
            self.restMayBeEmpty = restParameters.isEmpty
            let parts = text.split(separator: "/")
            self.segments = parts.enumerated().map { index, part in
                if part.hasPrefix("{") && part.hasSuffix("*}") { return .rest(String(part.dropFirst().dropLast(2))) }
                if part.hasPrefix("{") && part.hasSuffix("}") {
                    let name = String(part.dropFirst().dropLast())
                    return index == parts.count - 1 && restParameters.contains(name) ? .rest(name) : .parameter(name)
                }
                return .literal(String(part))
            }
        }

        /// Parameters when the path fits.
        func match(_ path: [String]) -> [String: String]? {
            var parameters: [String: String] = [:]
            var index = 0
            for segment in segments {
                switch segment {
                case .literal(let text):
                    guard index < path.count, path[index] == text else { return nil }
                    index += 1
                case .parameter(let name):
                    guard index < path.count else { return nil }
                    parameters[name] = path[index]
                    index += 1
                case .rest(let name):
                    guard restMayBeEmpty || index < path.count else { return nil }
                    parameters[name] = path[index...].joined(separator: "/")
                    index = path.count
                }
            }
            return index == path.count ? parameters : nil
        }
    }

    let method: String
    let template: Pattern
    let scope: ScopeRequirement
    /// GETs on a public repository's resources work without credentials, as on Bitbucket.
    let publicRepositoryRead: Bool
    /// Works without credentials whatever the path names; the handler shows only what is public.
    let anonymous: Bool
    let handler: (RouteContext) throws -> MockResponse

    var pattern: String { template.text }

    init(
        _ method: String, _ pattern: String, scope: ScopeRequirement, publicRepositoryRead: Bool = false,
        anonymous: Bool = false, _ handler: @escaping (RouteContext) throws -> MockResponse
    ) {
        self.method = method
        self.template = Pattern(pattern)
        self.scope = scope
        self.publicRepositoryRead = publicRepositoryRead
        self.anonymous = anonymous
        self.handler = handler
    }

    /// Parameters when the path fits this pattern, whatever the method.
    func match(_ path: [String]) -> [String: String]? { template.match(path) }
}

/// Everything a handler needs for one request.
struct RouteContext {
    let request: MockRequest
    let parameters: [String: String]
    let credential: MockCredential?
    let state: MockState
    let renderer: Renderer
    let now: Date
    /// A fault that shapes what the handler does (a triggered pipeline's result), not just the response.
    var fault: Fault.Kind? = nil

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    func repository() throws -> MockRepository {
        guard let repository = state.repository(parameter("workspace"), parameter("repo_slug")) else {
            throw APIError.repositoryNotFound
        }
        return repository
    }

    /// The account acting: the credential's own (an access token's bot, or the Basic user).
    func actor() throws -> MockAccount {
        guard let credential else { throw Authenticator.unauthorized(nil) }
        return credential.account
    }

    /// The request body as JSON; an empty body reads as `{}` because Bitbucket treats it so for POSTs
    /// such as approve and merge.
    func jsonBody() throws -> JSON {
        if request.body.isEmpty { return .object(JSONObject()) }
        if request.header("content-type")?.contains("application/x-www-form-urlencoded") == true {
            let text = String(decoding: request.body, as: UTF8.self)
            return .object(JSONObject(MockRequest.parseQuery(Substring(text)).map { ($0.name, JSON.string($0.value)) }))
        }
        do {
            return try JSON.parse(request.body)
        } catch {
            throw APIError(400, "Bad request", detail: .string("The request body is not valid JSON: \(error)"))
        }
    }

    func json(_ value: JSON, status: Int = 200) -> MockResponse { .json(value, status: status) }
}

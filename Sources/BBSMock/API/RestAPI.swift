import Foundation

/// Routes a REST request to its handler, after authentication and the scope check, and turns every
/// failure into Bitbucket's error envelope.
struct RestAPI {
    static let routes: [Route] = AccountRoutes.routes + RepositoryRoutes.routes + RefRoutes.routes
        + CommitRoutes.routes + SourceRoutes.routes + PullRequestRoutes.routes + PipelineRoutes.routes
        + BranchRestrictionRoutes.routes + CommitStatusRoutes.routes + PullRequestReview.routes + DiffRoutes.routes
        + HookRoutes.routes + WorkspaceRoutes.routes + RepositorySettingsRoutes.routes + PipelineDetailRoutes.routes
        + InsightRoutes.routes + CommitCommentRoutes.routes

    /// `method path` and scope for every route, for `--help`-style listings and documentation tests.
    static var catalogue: [(operation: String, scope: ScopeRequirement)] {
        routes.map { ("\($0.method) \($0.pattern)", $0.scope) }
    }

    let authenticator: Authenticator

    func handle(_ request: MockRequest, state: MockState, now: Date, fault: Fault.Kind? = nil) -> MockResponse {
        let path = request.pathSegments
        let candidates = Self.routes.compactMap { route in route.match(path).map { (route, $0) } }
        let method = request.method == "HEAD" ? "GET" : request.method
        guard let (route, parameters) = candidates.first(where: { $0.0.method == method }) else {
            return Self.unserved(method: method, path: path, served: candidates.map(\.0.method))
        }
        do {
            let credential = try authorize(route, parameters: parameters, request: request, state: state)
            let context = RouteContext(
                request: request, parameters: parameters, credential: credential, state: state,
                renderer: Renderer(origin: request.origin, state: state), now: now, fault: fault)
            var response = try route.handler(context)
            if let fields = request.queryValue("fields"), response.status < 300,
                response.header("Content-Type") == "application/json", let body = try? JSON.parse(response.body)
            {
                response.body = PartialResponse.apply(fields, to: body).data()
            }
            addAuthHeaders(&response, route: route, credential: credential, path: path)
            return request.method == "HEAD" ? MockResponse(status: response.status, headers: response.headers) : response
        } catch let error as APIError {
            return error.response
        } catch let error as ContentError {
            return Self.apiError(for: error).response
        } catch {
            return APIError(500, "Something went wrong", detail: .string(String(describing: error))).response
        }
    }

    /// 401 before 403 before 404, as Bitbucket orders them; anonymous reads of public repositories pass.
    private func authorize(_ route: Route, parameters: [String: String], request: MockRequest, state: MockState) throws
        -> MockCredential?
    {
        switch authenticator.authenticate(authorization: request.header("authorization")) {
        case .rejected(let kind):
            throw Authenticator.unauthorized(kind)
        case .anonymous:
            if route.anonymous { return nil }
            if route.publicRepositoryRead {
                // Bitbucket does not say whether a private repository exists: without credentials it
                // reads as missing.
                guard let repository = state.repository(parameters["workspace"] ?? "", parameters["repo_slug"] ?? ""),
                    !repository.isPrivate
                else {
                    throw APIError.repositoryNotFound
                }
                return nil
            }
            throw Authenticator.unauthorized(nil)
        case .authenticated(let credential):
            if let missing = Scopes.missing(route.scope, for: credential) {
                var error = Authenticator.insufficientScope(required: missing, granted: credential.grantedScopes)
                error.extraHeaders = [
                    ("X-Accepted-OAuth-Scopes", route.scope.legacy),
                    ("X-OAuth-Scopes", credential.grantedScopes.joined(separator: ", ")),
                ]
                throw error
            }
            return credential
        }
    }

    /// The headers Bitbucket adds for token requests: scopes, and the scaled rate limit that only access
    /// tokens see on `/repositories/*`.
    private func addAuthHeaders(_ response: inout MockResponse, route: Route, credential: MockCredential?, path: [String]) {
        guard let credential else { return }
        response.setHeader("X-Accepted-OAuth-Scopes", route.scope.legacy)
        response.setHeader("X-OAuth-Scopes", credential.grantedScopes.joined(separator: ", "))
        if credential.isAccessToken, path.count > 1, path[1] == "repositories" {
            response.setHeader("X-RateLimit-Limit", "1000")
            response.setHeader("X-RateLimit-Resource", "api")
        }
    }

    /// Header naming the Bitbucket operation a 501 stands for; the request log shows it.
    static let notImplementedHeader = "X-BBS-Mock-Not-Implemented"

    /// A request no served route takes. A real Bitbucket operation is `501` (so a user can tell "the mock
    /// lacks this" from "my script is wrong"); a path Bitbucket serves with other methods is `405`; any
    /// other path gets Bitbucket's own answer for a URL it has no API at.
    static func unserved(method: String, path: [String], served: [String]) -> MockResponse {
        let real = BitbucketCatalogue.matches(path)
        if let operation = real.first(where: { $0.method == method }) {
            let name = "\(operation.method) \(operation.pattern)"
            var error = APIError(
                501, "bbs-mock does not implement \(name)",
                detail: "This is a Bitbucket Cloud API route that bbs-mock does not serve; "
                    + "`bbs-mock --list-routes` lists the routes it does.")
            error.extraHeaders = [(notImplementedHeader, name)]
            return error.response
        }
        let allowed = Set(served + real.map(\.method))
        if !allowed.isEmpty {
            var error = APIError(405, "Method not allowed")
            error.extraHeaders = [("Allow", allowed.sorted().joined(separator: ", "))]
            return error.response
        }
        return APIError(404, "Resource not found", detail: "There is no API hosted at this URL").response
    }

    static func apiError(for error: ContentError) -> APIError {
        switch error {
        case .unknownRevision(let revision): return APIError.notFound("Commit \"\(revision)\" not found")
        case .alreadyExists(let name): return APIError.badRequest("\"\(name)\" already exists.")
        case .invalid(let reason): return APIError.badRequest(reason)
        case .conflict(let reason): return APIError(409, "Conflict", detail: .string(reason))
        }
    }
}

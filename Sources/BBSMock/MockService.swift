import Foundation

/// The fake Bitbucket, independent of any HTTP server: feed it `MockRequest`s, act on the `MockOutcome`.
///
/// State is guarded by one lock, so handlers are plain synchronous code. Faults and the request log have
/// their own locks and are consulted outside it, so a delayed request never blocks the others.
public final class MockService: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var credentials: [MockCredential]
        /// Builds the initial state; called again by `POST /_mock/reset`.
        public var makeState: @Sendable () throws -> MockState
        public var clock: @Sendable () -> Date

        public init(
            credentials: [MockCredential], makeState: @escaping @Sendable () throws -> MockState,
            clock: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.credentials = credentials
            self.makeState = makeState
            self.clock = clock
        }

        /// The default data set; repositories in memory unless `contentFactory` says otherwise (bbs-mock
        /// passes `GitRepositoryStore.makeContent` so that they can be served over git).
        public static func defaultState(
            contentFactory: @escaping @Sendable () -> any RepositoryContentSource = { InMemoryContentSource() }
        ) throws -> MockState {
            let state = MockState(contentFactory: contentFactory)
            try DefaultFixture.load(into: state)
            return state
        }

        /// A fixture file instead of the default data set.
        public static func fixtureState(
            _ url: URL, contentFactory: @escaping @Sendable () -> any RepositoryContentSource = { InMemoryContentSource() }
        ) throws -> MockState {
            let state = MockState(contentFactory: contentFactory)
            try FixtureLoader.load(contentsOf: url, into: state)
            return state
        }
    }

    public let configuration: Configuration
    let faults = FaultRegistry()
    let requestLog = RequestLog()
    private let lock = NSLock()
    private var state: MockState
    private let api: RestAPI

    public init(configuration: Configuration) throws {
        self.configuration = configuration
        self.state = try configuration.makeState()
        self.api = RestAPI(authenticator: Authenticator(credentials: configuration.credentials))
        registerCredentialAccounts(in: state)
    }

    public var authenticator: Authenticator { api.authenticator }

    /// Runs `body` with exclusive access to the state: for extensions such as git serving, and for tests.
    public func withState<Result>(_ body: (MockState) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(state) }
    }

    public func handle(_ request: MockRequest) -> MockOutcome {
        if request.pathSegments.first == "_mock" {
            return .respond(ControlAPI(service: self).handle(request))
        }
        let now = configuration.clock()
        let sequence = requestLog.record(request, now: now)
        let fault = faults.take(method: request.method, path: request.rawPath)
        if let fault {
            switch fault.kind {
            case .drop:
                requestLog.complete(sequence, status: nil, fault: fault.kind.name)
                return .dropConnection
            case .status(let status):
                let response = Self.faultResponse(status: status, retryAfter: fault.retryAfterSeconds)
                requestLog.complete(sequence, status: status, fault: fault.kind.name)
                return .respond(response)
            default:
                break
            }
        }
        var response = lock.withLock { api.handle(request, state: state, now: now, fault: fault?.kind) }
        if let fault { FaultShaping.apply(fault, to: &response, request: request) }
        requestLog.complete(
            sequence, status: response.status, fault: fault?.kind.name,
            notImplemented: response.header(RestAPI.notImplementedHeader))
        if let fault, fault.kind == .delay {
            return .respondAfter(milliseconds: fault.delayMilliseconds, response)
        }
        return .respond(response)
    }

    /// 429 as Bitbucket sends it: plain text, not the JSON envelope. Other statuses use the envelope.
    static func faultResponse(status: Int, retryAfter: Int?) -> MockResponse {
        var response: MockResponse
        if status == 429 {
            response = .text("Rate limit for this resource has been exceeded", status: 429)
        } else {
            let message = status >= 500 ? "Something went wrong" : "Injected fault"
            response = APIError(status, message, detail: .string("Injected by bbs-mock for testing.")).response
        }
        if let retryAfter { response.setHeader("Retry-After", String(retryAfter)) }
        return response
    }

    func reset() throws {
        let fresh = try configuration.makeState()
        registerCredentialAccounts(in: fresh)
        lock.withLock { state = fresh }
        faults.clear()
        requestLog.clear()
    }

    func seed(_ json: JSON) throws -> JSON {
        let actor = configuration.credentials.first?.account
        return try lock.withLock { try Seeder.seed(json, state: state, actor: actor, now: configuration.clock()) }
    }

    /// Token bots and Basic users must be known accounts so they render as authors of what they create.
    private func registerCredentialAccounts(in state: MockState) {
        for credential in configuration.credentials { state.addAccount(credential.account) }
    }
}

/// Faults that bend an otherwise normal response.
enum FaultShaping {
    static func apply(_ fault: Fault, to response: inout MockResponse, request: MockRequest) {
        switch fault.kind {
        case .nearLimit:
            response.setHeader("X-RateLimit-NearLimit", "true")
        case .bogusNext, .cycleNext:
            guard response.status == 200, case .object(var body)? = try? JSON.parse(response.body),
                body["values"] != nil
            else { return }
            let selfURL = request.origin + request.rawPath + (request.query.isEmpty ? "" : "?" + request.rawQueryString)
            if fault.kind == .cycleNext {
                body["next"] = .string(selfURL)
            } else {
                body["values"] = .array([])
                if body["next"] == nil {
                    body["next"] = .string(Pagination(request).url(replacing: ["page": String((Int(request.queryValue("page") ?? "") ?? 1) + 1)]))
                }
            }
            response.body = JSON.object(body).data()
        default:
            break
        }
    }
}

extension MockService {
    /// Every REST operation with the scopes it requires.
    public static var routeCatalogue: [(operation: String, legacyScope: String, granularScopes: [String])] {
        RestAPI.catalogue.map { ($0.operation, $0.scope.legacy, $0.scope.granular) }
    }
}

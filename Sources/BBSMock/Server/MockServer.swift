import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's basics plus the connection, which the `drop` fault closes.
public struct MockRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Git pushes can be large; REST bodies are small, but the limit is shared.
    public var maxUploadSize: Int { 512 * 1024 * 1024 }
}

/// Serves paths the REST core does not own (for example git smart HTTP at `/{workspace}/{slug}.git/...`).
/// Consulted before the core; returning nil passes the request on. Lets such a service stream bodies and
/// use the shared `Authenticator` and state without the core knowing about HTTP.
public protocol MockServerExtension: Sendable {
    func respond(to request: Request, context: MockRequestContext, service: MockService) async throws -> Response?
}

/// Hummingbird at the edge: converts requests to `MockRequest`, runs the core off the cooperative thread
/// pool (handlers are synchronous and may call out to `git`), and carries out delays and dropped
/// connections.
public struct MockServer: Sendable {
    public var host: String
    public var port: Int
    /// Overrides the origin used in links (default: the Host header the client sent).
    public var publicURL: String?
    public var extensions: [any MockServerExtension]
    public let service: MockService
    public var logLevel: Logger.Level

    public init(
        service: MockService, host: String = "127.0.0.1", port: Int = 0, publicURL: String? = nil,
        extensions: [any MockServerExtension] = [], logLevel: Logger.Level = .warning
    ) {
        self.service = service
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.extensions = extensions
        self.logLevel = logLevel
    }

    /// Serves until the process receives SIGTERM or SIGINT; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "bbs-mock")
        logger.logLevel = logLevel
        let responder = MockResponder(
            service: service, extensions: extensions, publicURL: publicURL, fallbackHost: host)
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "bbs-mock"),
            onServerRunning: { channel in
                onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
        try await app.runService()
    }

    public static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}

struct MockResponder: HTTPResponder {
    typealias Context = MockRequestContext

    let service: MockService
    let extensions: [any MockServerExtension]
    let publicURL: String?
    let fallbackHost: String

    func respond(to request: Request, context: MockRequestContext) async throws -> Response {
        for serverExtension in extensions {
            if let response = try await serverExtension.respond(to: request, context: context, service: service) {
                return response
            }
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let mockRequest = Self.mockRequest(request, body: Data(buffer: body), origin: origin(request, context: context))
        let service = self.service
        let outcome = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: service.handle(mockRequest)) }
        }
        return try await Self.response(for: outcome, context: context)
    }

    /// Carries out what the core decided: respond, respond late, or close the connection unanswered.
    static func response(for outcome: MockOutcome, context: MockRequestContext) async throws -> Response {
        switch outcome {
        case .respond(let response):
            return hummingbirdResponse(response)
        case .respondAfter(let milliseconds, let response):
            try await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
            return hummingbirdResponse(response)
        case .dropConnection:
            try? await context.channel.close()
            throw CancellationError()
        }
    }

    static func mockRequest(_ request: Request, body: Data, origin: String) -> MockRequest {
        let target = request.head.path ?? "/"
        let pathEnd = target.firstIndex(of: "?") ?? target.endIndex
        let query = pathEnd < target.endIndex ? target[target.index(after: pathEnd)...] : nil
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        return MockRequest(
            method: request.method.rawValue, rawPath: String(target[..<pathEnd]), query: MockRequest.parseQuery(query),
            headers: headers, body: body, origin: origin)
    }

    /// Links follow the host the client used, so a client that reached the mock as `localhost` stays on
    /// `localhost` when it follows `next`.
    private func origin(_ request: Request, context: MockRequestContext) -> String {
        if let publicURL { return publicURL }
        if let authority = request.head.authority, !authority.isEmpty {
            return "http://\(authority)"
        }
        let port = context.channel.localAddress?.port ?? 0
        return "http://\(MockServer.urlHost(fallbackHost)):\(port)"
    }

    static func hummingbirdResponse(_ response: MockResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            // HTTPField itself is not re-exported by Hummingbird; reach it through HTTPFields.
            if let fieldName = HTTPFields.Element.Name(name) { fields.append(HTTPFields.Element(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

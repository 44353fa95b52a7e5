import Foundation
import Hummingbird
import NIOCore

/// Puts `GitSmartHTTP` in front of the REST core: takes `/{workspace}/{slug}.git/...` requests, collects
/// the whole body (http-backend wants it complete, with its length), and runs the backend off the
/// cooperative thread pool because it blocks on a child process.
public struct GitSmartHTTPExtension: MockServerExtension {
    public let git: GitSmartHTTP

    public init(git: GitSmartHTTP) { self.git = git }

    public func respond(to request: Request, context: MockRequestContext, service: MockService) async throws -> Response? {
        let target = request.head.path ?? "/"
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        guard GitSmartHTTP.isGitPath(path) else { return nil }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let mockRequest = MockResponder.mockRequest(request, body: Data(buffer: body), origin: "")
        let remoteAddress = context.channel.remoteAddress?.ipAddress ?? "127.0.0.1"
        let git = self.git
        let outcome = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: git.handle(mockRequest, remoteAddress: remoteAddress, service: service))
            }
        }
        return try await MockResponder.response(for: outcome, context: context)
    }
}

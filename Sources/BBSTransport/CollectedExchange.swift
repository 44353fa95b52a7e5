import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A response whose whole body was gathered on the event loop.
struct CollectedResponse {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer?
}

extension HTTPClient {
    /// Sends one request and waits for the complete response.
    ///
    /// Why not `execute(_: HTTPClientRequest)` and `body.collect`: that streams the body to the
    /// awaiting task, one executor hop per chunk the socket delivered (several per 27 KB page),
    /// and arms a deadline timer per request. Here `ResponseAccumulator` gathers the body on the
    /// event loop and the task resumes once. Measured on 1,000 loopback pages (bench/README.md
    /// "Requests"), the hops were most of bbs's CPU per request that was not JSON.
    func executeCollected(url: String, method: String, headers: HTTPHeaders, body: [UInt8]?,
                          maxBodyBytes: Int) async throws -> CollectedResponse {
        let request = try HTTPClient.Request(
            url: url, method: HTTPMethod(rawValue: method), headers: headers, body: body.map { .bytes($0) })
        let task = execute(request: request, delegate: ResponseAccumulator(request: request, maxBodySize: maxBodyBytes),
                           deadline: nil)
        let response = try await withTaskCancellationHandler {
            try await task.futureResult.get()
        } onCancel: {
            task.cancel()
        }
        return CollectedResponse(status: response.status, headers: response.headers, body: response.body)
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

// BBSTransport: the one core through which everything in bbs talks HTTP to Bitbucket.
// It knows nothing of the language; BBSRuntime turns its values into script values.
//
// Design
// - One `Transport` per runtime, created on the first request and shared by the interpreter
//   thread and `parallel` workers. They reach it through `start` (a `PendingResponse`, which
//   the runtime waits on with the script lock released, and which prefetches the next page) or
//   `sendBlocking`; async code calls `send`. It is safe to use from any thread: mutable state
//   sits behind locks, everything else is immutable.
// - HTTP is AsyncHTTPClient (`HTTPClientSet`): keep-alive pools, HTTP/2 when offered, the extra CA
//   added to the system roots, proxies chosen per request from the environment (`ProxySettings`).
// - Credential binding: the `Authorization` header is added only when the URL's origin (scheme,
//   host, port) is the API base's or the git base's. Redirects are followed here, not by
//   AsyncHTTPClient, and a hop keeps the credential only while it stays on the origin the request
//   started on; a cross-origin hop also loses any Authorization, Cookie or Proxy-Authorization the
//   script set itself (the rule AsyncHTTPClient applies), and every header the runtime marked as
//   holding a script's secret (`APIRequest.secretHeaders`); a request with a secret in its body is
//   not redirected to another origin at all. Credentials never travel over plain http except to
//   loopback (the local mock), nor through a proxy off this machine when the target is plain http.
// - Retries: `RetryPolicy` alone decides (see its comment for the rule that keeps a POST from
//   being sent twice); `RateLimitPacer` spaces requests while Bitbucket says the limit is near.
// - Errors: every failure is a `TransportError` with an `ErrorKind` (which also fixes its exit
//   status) and the Bitbucket error envelope's fields; its text has been through the `Redactor`.
// - Output: trace and dry-run lines go to `config.traceSink`, always through the `Redactor`.
// - Dry run: writes (POST/PUT/PATCH/DELETE) are written to the sink as one line and answered with a
//   synthetic response (`isDryRun`, status 0); reads are still sent.
// - Pagination rules live in `PageCursor`; parsing the JSON pages is the runtime's job.
// The rules in prose, with the Bitbucket behaviour behind them: docs/internals.md "The transport".

/// Sends API requests with the configured credential, retries, tracing and redaction.
// Unchecked: its one mutable field, `storedCredential`, is touched only under `credentialLock`.
public final class Transport: @unchecked Sendable {
    public let config: TransportConfig
    public let redactor: Redactor

    private let clients: HTTPClientSet
    private let tracer: Tracer
    private let pacer = RateLimitPacer()
    private let boundOrigins: Set<Origin>
    private let credentialLock = NSLock()
    private var storedCredential: Credential?

    public init(config: TransportConfig, redactor: Redactor = Redactor(), credential: Credential? = nil) throws(TransportError) {
        guard let apiOrigin = Origin(config.apiBaseURL) else {
            throw TransportError(kind: .configuration, message: "the API base URL '\(config.apiBaseURL)' is not an http(s) URL")
        }
        guard let gitOrigin = Origin(config.gitBaseURL) else {
            throw TransportError(kind: .configuration, message: "the git base URL '\(config.gitBaseURL)' is not an http(s) URL")
        }
        self.config = config
        self.redactor = redactor
        self.boundOrigins = [apiOrigin, gitOrigin]
        self.tracer = Tracer(state: TraceSwitch(config.trace), sink: config.traceSink, redactor: redactor)
        self.clients = try HTTPClientSet(config: config)
        for proxy in [config.proxy.httpsProxy, config.proxy.httpProxy].compactMap({ $0 }) {
            if let password = proxy.password { redactor.register(password, usernames: proxy.username.map { [$0] } ?? []) }
        }
        self.credential = credential
    }

    deinit {
        clients.shutdownInBackground()
    }

    /// Turns `--trace` output on or off for every later request and response.
    public var isTracing: Bool {
        get { tracer.state.isOn }
        set { tracer.state.isOn = newValue }
    }

    /// The credential sent to the bound origins; setting it also registers its secret for redaction.
    public var credential: Credential? {
        get { credentialLock.withLock { storedCredential } }
        set {
            if let newValue { redactor.register(newValue) }
            credentialLock.withLock { storedCredential = newValue }
        }
    }

    /// The absolute URL a request goes to first (before redirects), e.g. to seed a `PageCursor`.
    /// Throws, before anything is sent, for a path that would reach another resource than the
    /// one it names (see `RequestTarget`).
    public func url(for request: APIRequest) throws(TransportError) -> String {
        do throws(TransportError) {
            return try URLResolution.absoluteURL(for: request, apiBase: config.apiBaseURL)
        } catch {
            var redacted = error
            redacted.message = redactor.redact(error.message)
            redacted.method = request.method
            redacted.url = redactor.redact(request.target)
            throw redacted
        }
    }

    /// Whether the credential may be sent to `url`: its origin is the API base's or the git base's.
    /// The git credential channel asks the same question before answering git.
    public func credentialApplies(to url: String) -> Bool {
        guard let origin = Origin(url) else { return false }
        return boundOrigins.contains(origin)
    }

    /// Sends `request`, retrying per `config.retry`. Throws for network failures and, unless
    /// `request.throwsOnHTTPError` is false, for HTTP statuses of 400 and above.
    public func send(_ request: APIRequest) async throws(TransportError) -> APIResponse {
        let url = try self.url(for: request)
        if config.dryRun, request.isWrite {
            tracer.dryRun(method: request.method, url: url, headers: request.headers, body: request.body)
            return APIResponse(status: 0, headers: [:], body: [], url: url, attempts: 0, isDryRun: true)
        }
        let policy = config.retry
        var attempt = 0
        var waited: TimeInterval = 0
        while true {
            if Task.isCancelled {
                throw TransportError(kind: .network, message: "request cancelled", method: request.method,
                                     url: redactor.redact(url), retries: max(0, attempt - 1))
            }
            attempt += 1
            let paceDelay = pacer.reserveSlot(now: policy.now())
            if paceDelay > 0 {
                tracer.pacing(method: request.method, url: url, delay: paceDelay)
                await policy.sleep(paceDelay)
            }
            let outcome = await exchange(request, startURL: url, attempt: attempt)
            switch outcome {
            case .success(let exchanged):
                pacer.update(spacing: policy.nearLimitSpacing(headers: exchanged.headers), now: policy.now())
                guard exchanged.status >= 400 else { return exchanged.response(attempts: attempt) }
                let decision = policy.decide(
                    method: request.method,
                    outcome: .status(exchanged.status, retryAfter: exchanged.headers["retry-after"]),
                    attempt: attempt, waited: waited)
                switch decision {
                case .retry(let delay):
                    tracer.retry(method: request.method, url: url, after: delay, nextAttempt: attempt + 1,
                                 of: policy.maxAttempts, reason: "HTTP \(exchanged.status)")
                    await policy.sleep(delay)
                    waited += delay
                    continue
                case .stop(let exhausted):
                    guard request.throwsOnHTTPError else { return exchanged.response(attempts: attempt) }
                    throw TransportError.fromResponse(
                        status: exchanged.status, headers: exchanged.headers, body: exchanged.body,
                        method: exchanged.method, url: exchanged.url, retries: attempt - 1,
                        retriesExhausted: exhausted, redactor: redactor)
                }
            case .failure(let failure):
                let decision = policy.decide(method: request.method, outcome: .failure(failure.phase),
                                             attempt: attempt, waited: waited)
                switch decision {
                case .retry(let delay):
                    tracer.retry(method: request.method, url: url, after: delay, nextAttempt: attempt + 1,
                                 of: policy.maxAttempts, reason: failure.message)
                    await policy.sleep(delay)
                    waited += delay
                    continue
                case .stop(let exhausted):
                    throw TransportError(kind: failure.kind, message: redactor.redact(failure.message),
                                         method: request.method, url: redactor.redact(url),
                                         retries: attempt - 1, retriesExhausted: exhausted)
                }
            }
        }
    }

    /// `send` for callers on an ordinary thread (the interpreter thread, `parallel` workers): blocks
    /// the calling thread until the request finishes. Never call it from async code: it would park
    /// a cooperative-pool thread, and enough of those deadlock Swift concurrency.
    @available(*, noasync, message: "use send(_:) from async code")
    public func sendBlocking(_ request: APIRequest) throws(TransportError) -> APIResponse {
        // Without a stop condition the wait only ends with a result.
        try start(request).wait()!.get()
    }

    /// Closes every pooled connection. Later requests fail with a `.configuration` error.
    public func shutdown() async {
        await clients.shutdown()
    }

    @available(*, noasync, message: "use shutdown() from async code")
    public func shutdownBlocking() {
        let done = DispatchSemaphore(value: 0)
        Task.detached { [clients] in
            await clients.shutdown()
            done.signal()
        }
        done.wait()
    }
}

/// The outcome of one attempt after following redirects.
struct Exchanged {
    var status: Int
    var headers: APIHeaders
    var body: [UInt8]
    var url: String
    var method: String

    func response(attempts: Int) -> APIResponse {
        APIResponse(status: status, headers: headers, body: body, url: url, attempts: attempts)
    }
}

extension Transport {
    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// One attempt: sends the request and follows redirects, deciding per hop which headers go.
    private func exchange(_ request: APIRequest, startURL: String, attempt: Int) async -> Result<Exchanged, ClassifiedFailure> {
        let startOrigin = Origin(startURL)
        var url = startURL
        var method = request.method
        var body = request.body
        var scriptHeaders = request.headers
        var hops = 0
        while true {
            guard let origin = Origin(url) else {
                return .failure(ClassifiedFailure(kind: .configuration, phase: .permanent, message: "not an http(s) URL: \(url)"))
            }
            if hops > 0, origin != startOrigin {
                for name in Tracer.sensitiveHeaders.union(request.secretHeaders) { scriptHeaders.remove(name) }
                if request.carriesSecret, body != nil {
                    return .failure(ClassifiedFailure(
                        kind: .configuration, phase: .permanent,
                        message: "refusing to follow a redirect to another origin (\(origin)) with a secret in the request"))
                }
            }
            var headers = scriptHeaders
            if let credential = self.credential, origin == startOrigin, boundOrigins.contains(origin), !headers.contains("authorization") {
                guard origin.scheme == "https" || IPAddress.isLoopback(origin.host) else {
                    return .failure(ClassifiedFailure(
                        kind: .configuration, phase: .permanent,
                        message: "refusing to send the credential over plain http to \(origin); use https"))
                }
                headers.add("Authorization", credential.authorizationHeaderValue)
            }
            if !headers.contains("user-agent") { headers.add("User-Agent", config.userAgent) }
            if body != nil, !headers.contains("content-type") { headers.add("Content-Type", "application/json") }

            let proxy = config.proxy.proxy(scheme: origin.scheme, host: origin.host, port: origin.port)
            // A plain-http request reaches any proxy as it is (an http proxy parses it, a SOCKS one
            // relays its bytes): a proxy off this machine would read the secret.
            if origin.scheme == "http", let proxy, !IPAddress.isLoopback(proxy.host),
               headers.contains("authorization") || request.carriesSecret || !request.secretHeaders.isEmpty {
                return .failure(ClassifiedFailure(
                    kind: .configuration, phase: .permanent,
                    message: "refusing to send a secret in clear text through the proxy \(proxy.host):\(proxy.port) to \(origin); use https"))
            }
            let requestHeaders = HTTPHeaders(headers.fields.map { ($0.name, $0.value) })
            // Bitbucket answers 411 to a bodiless PUT without Content-Length (docs/internals.md "The transport").
            let requestBody = body ?? (["POST", "PUT", "PATCH"].contains(method) ? [] : nil)

            tracer.request(method: method, url: url, attempt: attempt, headers: headers)
            let started = DispatchTime.now().uptimeNanoseconds
            func elapsed() -> TimeInterval { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
            do {
                let client = try clients.client(for: proxy)
                let response = try await client.executeCollected(
                    url: url, method: method, headers: requestHeaders, body: requestBody, maxBodyBytes: config.maxResponseBytes)
                let status = Int(response.status.code)
                let responseHeaders = APIHeaders(response.headers.map { ($0.name, $0.value) })
                if Self.redirectStatuses.contains(status), let location = responseHeaders["location"] {
                    tracer.response(status: status, method: method, url: url, elapsed: elapsed(), headers: responseHeaders)
                    hops += 1
                    guard hops <= config.maxRedirects else {
                        return .failure(ClassifiedFailure(kind: .network, phase: .permanent,
                                                          message: "more than \(config.maxRedirects) redirects, starting at \(startURL)"))
                    }
                    guard let next = URLResolution.resolve(location, against: url) else {
                        return .failure(ClassifiedFailure(kind: .network, phase: .permanent,
                                                          message: "redirect from \(url) to an unusable location '\(location)'"))
                    }
                    // Browsers' rule, which servers expect: 303 always, and 301/302 after a POST, become a bodiless GET.
                    if status == 303 || ((status == 301 || status == 302) && method == "POST") {
                        if method != "HEAD" { method = "GET" }
                        body = nil
                        scriptHeaders.remove("content-type")
                        scriptHeaders.remove("content-length")
                    }
                    url = next
                    continue
                }
                tracer.response(status: status, method: method, url: url, elapsed: elapsed(), headers: responseHeaders)
                return .success(Exchanged(status: status, headers: responseHeaders,
                                          body: response.body.map { Array($0.readableBytesView) } ?? [], url: url, method: method))
            } catch {
                var failure = FailureClassifier.classify(error, host: origin.host, port: origin.port, proxy: proxy)
                // After a redirect the original request has already been answered, so even a
                // connect failure on a later hop must not make a POST eligible for re-sending.
                if hops > 0, failure.phase == .beforeSending { failure.phase = .mayHaveBeenSent }
                tracer.failure(method: method, url: url, elapsed: elapsed(), message: failure.message)
                return .failure(failure)
            }
        }
    }
}

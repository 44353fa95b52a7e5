// The runtime's handle on the transport core: one `Transport` per process, created on first
// use (a script that never calls the API starts no HTTP client and is not affected by a bad
// `BBS_API_URL`), the current credential, and the `Redactor` every output goes through.
// Requests release the interpreter lock while they wait (see ScriptLock.swift).

import BBSLanguage
import BBSTransport
import Foundation

// Unchecked: the mutable fields are touched only under `lock`.
final class APIClient: @unchecked Sendable {
    let redactor: Redactor
    let options: NetworkOptions
    /// The writes a `--dry-run` held back, for the summary at the end.
    let dryRunPlan = DryRunPlan()
    /// The runtime's script lock, released while a request waits.
    let scriptLock: ScriptLock
    /// Where the script's secrets may go; built on first use (it parses both base URLs, work a
    /// script that sends no secret need not do while bbs starts).
    var secretPolicy: SecretPolicy {
        lock.withLock {
            if let secretPolicyInstance { return secretPolicyInstance }
            let policy = SecretPolicy(network: options)
            secretPolicyInstance = policy
            return policy
        }
    }
    private let environment: [String: String]
    private let version: String
    private let lock = NSLock()
    private var transportInstance: Transport?
    private var secretPolicyInstance: SecretPolicy?
    private var credential: Credential?
    private var tracingBeforeStart: Bool

    init(options: NetworkOptions, environment: [String: String], redactor: Redactor, version: String, scriptLock: ScriptLock) {
        self.options = options
        self.scriptLock = scriptLock
        self.environment = environment
        self.redactor = redactor
        self.version = version
        tracingBeforeStart = options.trace
        // With no auth.* call, the token comes from BITBUCKET_TOKEN (an access token: Bearer).
        if let token = environment["BITBUCKET_TOKEN"]?.trimmingWhitespaceAndNewlines(), !token.isEmpty {
            setCredential(.bearer(token: token))
        }
    }

    var isDryRun: Bool { options.dryRun }

    /// `--trace`, switchable at run time (the REPL's `:trace on|off`); also read by git calls.
    var isTracing: Bool {
        get { lock.withLock { transportInstance?.isTracing ?? tracingBeforeStart } }
        set {
            lock.withLock {
                tracingBeforeStart = newValue
                transportInstance?.isTracing = newValue
            }
        }
    }

    /// The credential in force now (git operations take it at their start).
    var currentCredential: Credential? { lock.withLock { credential } }

    /// Uses `credential` for every later request; its secret is masked from now on.
    func setCredential(_ credential: Credential) {
        redactor.register(credential)
        lock.withLock {
            self.credential = credential
            transportInstance?.credential = credential
        }
    }

    /// The process's transport, built on first use.
    func transport() throws(ScriptError) -> Transport {
        lock.lock()
        defer { lock.unlock() }
        if let transportInstance { return transportInstance }
        do throws(TransportError) {
            var config = try options.transportConfig(environment: environment, version: version)
            config.trace = tracingBeforeStart
            let t = try Transport(config: config, redactor: redactor, credential: credential)
            transportInstance = t
            return t
        } catch {
            throw APIErrors.scriptError(error)
        }
    }

    /// Sends `request`, waiting with the interpreter lock released; transport errors become
    /// script errors (`kind`, `status`, `detail`, ...). Ctrl-C ends the wait at once (the
    /// request is cancelled), even during a long retry backoff.
    func send(_ request: APIRequest) throws(ScriptError) -> APIResponse {
        try start(request).response()
    }

    /// Sends a request that may carry the script's secrets: refused (before anything is sent)
    /// unless every one of them may go to the request's origin; see SecretRules.swift.
    func send(_ request: APIRequest, carrying secrets: SecretCarriage, callee: String) throws(ScriptError) -> APIResponse {
        try start(request, carrying: secrets, callee: callee).response()
    }

    func start(_ request: APIRequest, carrying secrets: SecretCarriage, callee: String) throws(ScriptError) -> PendingAPIResponse {
        guard !secrets.isEmpty else { return try start(request) }
        let url: String
        let t = try transport()
        do throws(TransportError) { url = try t.url(for: request) } catch { throw APIErrors.scriptError(error) }
        try secretPolicy.check(secrets, url: url, callee: callee)
        // A derived secret (`t.lower()`) is not registered yet; the trace must mask it too.
        for text in secrets.texts where text.count >= 4 { redactor.register(text) }
        var marked = request
        marked.secretHeaders = secrets.headerNames
        marked.carriesSecret = secrets.inPayload
        return try start(marked)
    }

    /// Starts `request` in the background (also used for pagination prefetch); `response()` on
    /// the result blocks with the interpreter lock released.
    func start(_ request: APIRequest) throws(ScriptError) -> PendingAPIResponse {
        PendingAPIResponse(pending: try transport().start(request), scriptLock: scriptLock,
                           withoutCredential: currentCredential == nil)
    }

    func shutdown() {
        let t = lock.withLock { transportInstance }
        t?.shutdownBlocking()
    }
}

/// A request on its way, as the runtime waits for it: with the interpreter lock released, ending
/// at once on Ctrl-C, and a 401 sent without any token saying how to set one.
struct PendingAPIResponse {
    let pending: PendingResponse
    let scriptLock: ScriptLock
    /// No credential was set when the request started.
    let withoutCredential: Bool

    func response() throws(ScriptError) -> APIResponse {
        let result = scriptLock.blocking {
            pending.wait(stoppingWhen: { Interpreter.interruptFlag.isSet })
        }
        switch result {
        case nil: throw ScriptError.interrupted
        case .success(let r)?: return r
        case .failure(var e)?:
            if e.status == 401, withoutCredential {
                e.message += " (no token is set: export BITBUCKET_TOKEN, or call auth.token(token.env(\"NAME\")) in the script)"
            }
            throw APIErrors.scriptError(e)
        }
    }
}

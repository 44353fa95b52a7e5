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
    private let environment: [String: String]
    private let version: String
    private let lock = NSLock()
    private var transportInstance: Transport?
    private var credential: Credential?
    private var tracingBeforeStart: Bool

    init(options: NetworkOptions, environment: [String: String], redactor: Redactor, version: String) {
        self.options = options
        self.environment = environment
        self.redactor = redactor
        self.version = version
        tracingBeforeStart = options.trace
        // With no auth.* call, the token comes from BITBUCKET_TOKEN (an access token: Bearer).
        if let token = environment["BITBUCKET_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
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

    /// Starts `request` in the background (also used for pagination prefetch); `response()` on
    /// the result blocks with the interpreter lock released.
    func start(_ request: APIRequest) throws(ScriptError) -> PendingResponse {
        try transport().start(request)
    }

    func shutdown() {
        let t = lock.withLock { transportInstance }
        t?.shutdownBlocking()
    }
}

extension PendingResponse {
    /// Waits for the response with the interpreter lock released; throws `interrupted` on Ctrl-C.
    func response() throws(ScriptError) -> APIResponse {
        let result = ScriptLock.shared.blocking {
            wait(stoppingWhen: { Interpreter.interruptFlag.isSet })
        }
        switch result {
        case nil: throw ScriptError.interrupted
        case .success(let r)?: return r
        case .failure(let e)?: throw APIErrors.scriptError(e)
        }
    }
}

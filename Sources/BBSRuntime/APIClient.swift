// The runtime's handle on the transport core: one `Transport` per process, created on first
// use (a script that never calls the API starts no HTTP client and is not affected by a bad
// `BBS_API_URL`), the current credential, and the `Redactor` every output goes through.
// Requests release the interpreter lock while they wait (see ScriptLock.swift).

import BBSLanguage
import BBSTransport
import Foundation

final class APIClient: @unchecked Sendable {
    let redactor: Redactor
    let options: NetworkOptions
    /// The writes a `--dry-run` held back, for the summary at the end.
    let dryRunPlan = DryRunPlan()
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
        try start(request).wait()
    }

    /// Starts `request` in the background (also used for pagination prefetch); `wait()` on the
    /// result blocks with the interpreter lock released.
    func start(_ request: APIRequest) throws(ScriptError) -> PendingResponse {
        let t = try transport()
        let pending = PendingResponse()
        pending.task = Task.detached {
            do throws(TransportError) {
                pending.finish(.success(try await t.send(request)))
            } catch {
                pending.finish(.failure(error))
            }
        }
        return pending
    }

    func shutdown() {
        let t = lock.withLock { transportInstance }
        t?.shutdownBlocking()
    }
}

/// A response still on its way.
final class PendingResponse: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<APIResponse, TransportError>?
    var task: Task<Void, Never>?

    func finish(_ r: Result<APIResponse, TransportError>) {
        lock.withLock { result = r }
        done.signal()
    }

    /// Waits for the response (interpreter lock released); throws `interrupted` on Ctrl-C.
    func wait() throws(ScriptError) -> APIResponse {
        let interrupted = ScriptLock.shared.blocking { () -> Bool in
            while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                if Interpreter.interruptFlag.isSet { return true }
            }
            done.signal() // a second wait() returns at once
            return false
        }
        if interrupted {
            task?.cancel()
            throw ScriptError.interrupted
        }
        switch lock.withLock({ result! }) {
        case .success(let r): return r
        case .failure(let e): throw APIErrors.scriptError(e)
        }
    }
}

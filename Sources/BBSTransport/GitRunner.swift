import Foundation

/// One run of the real `git` binary.
public struct GitInvocation: Sendable {
    /// Arguments after `git`; never contains a secret (the credential goes through the broker).
    public var arguments: [String]
    /// Where git runs (`git -C` semantics without the flag); nil for the current directory.
    public var directory: String?
    /// Whether git may talk to a remote, and so needs the credential channel.
    public var usesRemote: Bool
    /// Forward git's stderr (progress bars) live, after redaction, instead of only collecting it.
    public var liveProgress: Bool

    public init(arguments: [String], directory: String? = nil, usesRemote: Bool = false, liveProgress: Bool = false) {
        self.arguments = arguments
        self.directory = directory
        self.usesRemote = usesRemote
        self.liveProgress = liveProgress
    }
}

public struct GitResult: Sendable {
    public var status: Int32
    /// Both outputs have been through the `Redactor`.
    public var stdout: String
    public var stderr: String
    public var elapsed: TimeInterval

    public init(status: Int32, stdout: String, stderr: String, elapsed: TimeInterval) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
    }
}

/// Runs git with the shared core's credential, bound to the git origin.
///
/// Every run gets the same hardened environment (`GitEnvironment`): no terminal prompt, no askpass,
/// the user's credential helpers reset, and — when a credential is set and git talks to a remote —
/// a `GitCredentialBroker` as the only helper, living exactly as long as the git process.
public struct GitRunner: Sendable {
    public var gitBaseURL: URL
    public var credential: Credential?
    public var redactor: Redactor
    public var baseEnvironment: [String: String]
    /// Trace lines (already secret-free): the command line and each credential request.
    public var trace: (@Sendable (String) -> Void)?
    /// Where live progress goes (the terminal's stderr).
    public var progressSink: @Sendable (String) -> Void = { text in FileHandle.standardError.write(Data(text.utf8)) }

    public init(gitBaseURL: URL, credential: Credential?, redactor: Redactor, baseEnvironment: [String: String]) {
        self.gitBaseURL = gitBaseURL
        self.credential = credential
        self.redactor = redactor
        self.baseEnvironment = baseEnvironment
    }

    /// Runs git to completion. `isCancelled` is polled while git runs; when it turns true git is
    /// terminated and `GitRunError.cancelled` thrown. A non-zero exit is a result, not an error.
    public func run(_ invocation: GitInvocation, isCancelled: @escaping () -> Bool = { false }) throws(GitRunError) -> GitResult {
        guard let git = GitEnvironment.findExecutable("git", path: baseEnvironment["PATH"]) else {
            throw .cannotStart("git is not installed or not on PATH")
        }
        if let directory = invocation.directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .cannotStart("'\(directory)' is not a directory")
            }
        }
        var broker: GitCredentialBroker?
        if invocation.usesRemote, let credential {
            do throws(TransportError) {
                broker = try GitCredentialBroker(credential: credential, gitBaseURL: gitBaseURL, onRequest: trace)
            } catch {
                throw .cannotStart(error.message)
            }
        }
        defer { broker?.close() }
        // bbs itself may hold the token in its environment (BITBUCKET_TOKEN, a variable read by
        // token.env); git and everything it starts must not inherit it.
        let inherited = baseEnvironment.filter { !redactor.containsSecret($0.value) }
        let environment = GitEnvironment.make(base: inherited, helper: broker?.helperConfig(gitPath: git))
        trace?("→ git " + GitEnvironment.displayCommand(invocation.arguments) + (invocation.directory.map { " (in \($0))" } ?? ""))

        // `-C` rather than a working directory of the child: one spawn path, and the same effect.
        let arguments = (invocation.directory.map { ["-C", $0] } ?? []) + invocation.arguments
        let started = Date()
        let child = try ChildProcess(executable: git, arguments: arguments, environment: environment)
        let drained = DispatchGroup()
        let out = OutputCollector(), err = OutputCollector()
        out.drain(child.stdout, drained, live: nil)
        var forward: (@Sendable (String) -> Void)? = nil
        if invocation.liveProgress {
            let masker: Redactor = redactor
            let sink: @Sendable (String) -> Void = progressSink
            forward = { (chunk: String) -> Void in sink(masker.redact(chunk)) }
        }
        err.drain(child.stderr, drained, live: forward)

        var cancelled = false
        while !child.wait(timeout: .milliseconds(50)) {
            if !cancelled && isCancelled() {
                cancelled = true
                child.terminateGroup()
            }
        }
        drained.wait()
        if cancelled { throw .cancelled }
        let status = child.status
        let elapsed = Date().timeIntervalSince(started)
        trace?("← git \(invocation.arguments.first ?? "") exit \(status) \(Int(elapsed * 1000)) ms")
        return GitResult(status: status, stdout: redactor.redact(out.text), stderr: redactor.redact(err.text), elapsed: elapsed)
    }
}

public enum GitRunError: Error, Sendable {
    case cannotStart(String)
    case cancelled
}

/// Bytes from one pipe, read on a background thread; optionally passed on as they arrive.
// Unchecked: `data` is written only by the draining thread, and read only after the caller's
// `group.wait()`, which that thread's `leave()` precedes.
private final class OutputCollector: @unchecked Sendable {
    private var data = Data()
    var text: String { String(decoding: data, as: UTF8.self) }

    /// Reads `fd` to its end, then closes it.
    func drain(_ fd: Int32, _ group: DispatchGroup, live: (@Sendable (String) -> Void)?) {
        group.enter()
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            // Live text is passed on only up to the last line or progress-bar end (`\n`, `\r`),
            // so a secret split across two reads is still whole when it is redacted.
            var pending: [UInt8] = []
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let chunk = buffer[0..<n]
                self.data.append(contentsOf: chunk)
                guard let live else { continue }
                pending.append(contentsOf: chunk)
                if let end = pending.lastIndex(where: { $0 == 10 || $0 == 13 }) {
                    live(String(decoding: pending[...end], as: UTF8.self))
                    pending.removeSubrange(...end)
                }
            }
            if let live, !pending.isEmpty { live(String(decoding: pending, as: UTF8.self)) }
            close(fd)
            group.leave()
        }
        thread.start()
    }
}

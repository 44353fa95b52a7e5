import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Hands git the credential for one git operation without the secret ever being in an argument
/// list, a URL, `.git/config` or an environment variable (docs/internals.md "The secret flow" says
/// where the usual methods leak it).
///
/// How: before git starts, the broker listens on a Unix socket in a fresh 0700 directory, and git
/// is given `git credential-cache --socket PATH` as its only credential helper (through `GIT_CONFIG_*` variables,
/// see `GitEnvironment`). That is git's own `git credential-cache` client, which relays git's
/// request (`action=get`, `protocol`, `host`, ...) to the socket and hands the answer back to git
/// over git's own pipe; the broker speaks the cache daemon's side of that exchange. So the secret
/// travels bbs memory → socket → git, and is never written anywhere. (A helper that is a small C
/// program of git's costs ~2 ms; starting bbs itself as the helper cost ~20 ms per clone.)
///
/// Only processes of the same user can reach the socket (0700 directory, and the peer's uid is
/// checked). The broker answers only for the origin the credential is bound to (the configured git
/// base URL), and never over plain http except to loopback; anything else gets `quit=1`, so git
/// fails instead of prompting. The socket is removed when the operation ends.
public final class GitCredentialBroker: Sendable {
    private let credential: Credential
    private let boundOrigin: Origin
    private let directory: String
    let socketPath: String
    private let listener: Int32
    /// Written to by `close()` so the serving thread wakes at once instead of at its next poll
    /// timeout (a git command must not wait on us when it is done).
    private let wake: [Int32]
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Called with a secret-free line each time git asks (for `--trace`).
    private let onRequest: (@Sendable (String) -> Void)?

    /// Starts listening. `gitBaseURL` is the origin the credential may be given to.
    public init(credential: Credential, gitBaseURL: URL, onRequest: (@Sendable (String) -> Void)? = nil) throws(TransportError) {
        guard let origin = Origin(gitBaseURL) else {
            throw TransportError(kind: .configuration, message: "the git base URL '\(gitBaseURL)' is not an http(s) URL")
        }
        self.credential = credential
        self.boundOrigin = origin
        self.onRequest = onRequest
        var template = Array((NSTemporaryDirectory() + "bbs-git-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TransportError(kind: .configuration, message: "cannot create a private directory for the git credential channel: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        chmod(directory, 0o700)
        socketPath = directory + "/credential.sock"
        do {
            listener = try Self.listen(on: socketPath)
        } catch {
            rmdir(directory)
            throw error
        }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            Glibc.close(listener)
            unlink(socketPath)
            rmdir(directory)
            throw Self.systemError("pipe")
        }
        wake = pipeEnds
        for fd in wake { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let thread = Thread { [self] in serve() }
        thread.name = "bbs-git-credentials"
        thread.start()
    }

    /// The `credential.helper` value that points git's cache client (`git` at `gitPath`) at this
    /// broker. Only `get` reaches it: git also sends `store` after every successful login, and
    /// answering that in the shell saves starting git once more per clone.
    func helperConfig(gitPath: String) -> String {
        "!f() { test \"$1\" = get || exit 0; exec " + GitEnvironment.shellQuote(gitPath)
            + " credential-cache --socket " + GitEnvironment.shellQuote(socketPath) + " get; }; f"
    }

    /// Stops answering and removes the socket; safe to call twice.
    public func close() {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
        finished.wait()
        Glibc.close(listener)
        Glibc.close(wake[0])
        Glibc.close(wake[1])
        unlink(socketPath)
        rmdir(directory)
    }

    deinit { close() }

    private var isStopped: Bool { stopped.withLock { $0 } }

    private func serve() {
        defer { finished.signal() }
        while !isStopped {
            var pollers = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            let ready = poll(&pollers, 2, 1000)
            if ready <= 0 || pollers[0].revents & Int16(POLLIN) == 0 { continue }
            let connection = accept(listener, nil, nil)
            if connection < 0 { continue }
            answer(connection)
            Glibc.close(connection)
        }
    }

    /// One request of git's credential-cache client: `action=get|store|erase`, `timeout=N`, then
    /// git's own fields. Only `get` is answered; there is nothing to store or forget.
    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Self.peerIsSameUser(connection), let request = Self.readRequest(connection) else { return }
        let fields = GitCredentialMessage.parse(request)
        guard fields["action"] == "get" else { return }
        let protocolName = (fields["protocol"] ?? "").lowercased()
        let host = fields["host"] ?? ""
        let asked = "\(protocolName)://\(host)"
        let reply: String
        if let origin = Origin(asked), origin == boundOrigin, Self.mayCarryCredential(origin) {
            reply = GitCredentialMessage.format(["username": credential.gitUsername, "password": credential.gitPassword])
            onRequest?("git credential for \(asked): \(credential.gitUsername) (\(credential.schemeName == "Bearer" ? "access token" : "password"))")
        } else {
            reply = GitCredentialMessage.format(["quit": "1"])
            onRequest?("git credential for \(asked): refused (credentials are bound to \(boundOrigin))")
        }
        Self.writeAll(connection, Array(reply.utf8))
    }

    /// Plain http leaks the secret on the wire, except on loopback (where the tests run).
    static func mayCarryCredential(_ origin: Origin) -> Bool {
        origin.scheme == "https" || ["127.0.0.1", "localhost", "::1"].contains(origin.host)
    }

    // MARK: - Sockets

    private static func socketAddress(_ path: String) throws(TransportError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw TransportError(kind: .configuration, message: "the temporary directory path is too long for a Unix socket (set TMPDIR to a shorter path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    private static func listen(on path: String) throws(TransportError) -> Int32 {
        var address = try socketAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw systemError("socket") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let error = systemError("bind")
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    private static func systemError(_ call: String) -> TransportError {
        TransportError(kind: .configuration, message: "git credential channel: \(call) failed: \(String(cString: strerror(errno)))")
    }

    /// The directory is 0700 already; this also refuses a process of another user that got in.
    private static func peerIsSameUser(_ fd: Int32) -> Bool {
        var peer = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 else { return false }
        return peer.uid == getuid()
    }

    /// Reads up to the blank line that ends a credential message (or EOF), at most 16 KiB.
    private static func readRequest(_ fd: Int32) -> String? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while data.count < 16_384 {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.count >= 2 && data[data.count - 1] == 10 && data[data.count - 2] == 10 { break }
        }
        return data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Linux's `struct ucred`, which Glibc only exports with _GNU_SOURCE.
private struct PeerCredentials {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// git's credential helper format: `key=value` lines ended by a blank line (gitcredentials(7)).
enum GitCredentialMessage {
    static func parsePairs(_ text: String) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            guard let equals = line.firstIndex(of: "=") else { continue }
            pairs.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return pairs
    }

    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for (key, value) in parsePairs(text) where fields[key] == nil { fields[key] = value }
        return fields
    }

    /// Values with a newline or NUL would let one field forge another, so they are dropped.
    static func format(_ fields: KeyValuePairs<String, String>) -> String {
        var text = ""
        for (key, value) in fields where !value.contains("\n") && !value.contains("\0") {
            text += "\(key)=\(value)\n"
        }
        return text + "\n"
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child started with `posix_spawn`, for git.
///
/// Foundation's `Process` is not enough here: git starts children of its own (remote helpers,
/// the credential helper, hook and alias shells), and cancelling must stop all of them, or their
/// open pipes keep us waiting. So the child leads a new process group and cancelling signals the
/// group. Spawning also resets the signal mask and dispositions, since threads of Swift
/// concurrency block SIGINT/SIGTERM and a child would inherit that.
// Unchecked: `rawStatus` is written by the waiting thread before it signals `exited`, and read only
// after `exited` was waited for; the semaphore orders the two, which the compiler cannot see.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    let stdout: Int32
    let stderr: Int32
    private let exited = DispatchSemaphore(value: 0)
    private var rawStatus: Int32 = 0

    init(executable: String, arguments: [String], environment: [String: String]) throws(GitRunError) {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard Self.makePipe(&outPipe) else { throw .cannotStart("pipe: \(String(cString: strerror(errno)))") }
        guard Self.makePipe(&errPipe) else {
            Glibc.close(outPipe[0]); Glibc.close(outPipe[1])
            throw .cannotStart("pipe: \(String(cString: strerror(errno)))")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        Glibc.close(outPipe[1])
        Glibc.close(errPipe[1])
        guard result == 0 else {
            Glibc.close(outPipe[0]); Glibc.close(errPipe[0])
            throw .cannotStart("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        stdout = outPipe[0]
        stderr = errPipe[0]
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            rawStatus = status
            exited.signal()
        }
        thread.name = "bbs-git-wait"
        thread.start()
    }

    /// A pipe whose ends other children do not inherit (glibc's pipe2 needs _GNU_SOURCE).
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Waits up to `timeout`; true when the child has exited.
    func wait(timeout: DispatchTimeInterval) -> Bool {
        guard exited.wait(timeout: .now() + timeout) == .success else { return false }
        exited.signal()
        return true
    }

    /// The exit status, or 128 + N for death by signal N (as a shell reports it).
    var status: Int32 {
        let signal = rawStatus & 0x7f
        return signal == 0 ? (rawStatus >> 8) & 0xff : 128 + signal
    }

    /// SIGTERM to the whole group, then SIGKILL for whatever is left after a grace period.
    func terminateGroup() {
        kill(-pid, SIGTERM)
        if !wait(timeout: .seconds(2)) { kill(-pid, SIGKILL) }
        // Children of git that outlived it still hold the pipes open.
        kill(-pid, SIGKILL)
    }
}

import Foundation

/// What a finished child process left behind.
struct ProcessResult {
    var status: Int32
    var stdout: Data
    var stderr: Data

    var stderrText: String { String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
}

struct GitCommandError: Error, CustomStringConvertible {
    let arguments: [String]
    let result: ProcessResult
    var description: String { "git \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderrText)" }
}

/// Runs the real `git` with an environment of its own: no system, global or user configuration, a fixed
/// identity and an empty HOME, so neither the machine's git setup nor the caller's environment (GIT_DIR,
/// GIT_INDEX_FILE, ...) can change what the mock's repositories contain.
public struct MockGit: Sendable {
    public let executable: String
    /// An empty directory used as HOME.
    public let home: String

    public init(executable: String, home: String) {
        self.executable = executable
        self.home = home
    }

    /// `git` from PATH, with a fresh empty HOME under `scratch`; nil when git is not installed.
    public static func locate(scratch: URL) -> MockGit? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/git"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                let home = scratch.appendingPathComponent(".home")
                try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
                return MockGit(executable: candidate, home: home.path)
            }
        }
        return nil
    }

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "TZ": "UTC",
            "GIT_AUTHOR_NAME": "bbs-mock",
            "GIT_AUTHOR_EMAIL": "bbs-mock@example.invalid",
            "GIT_COMMITTER_NAME": "bbs-mock",
            "GIT_COMMITTER_EMAIL": "bbs-mock@example.invalid",
        ]
        for (name, value) in extra { environment[name] = value }
        return environment
    }

    /// Runs `git ARGS` on the repository at `gitDirectory` (or without one), feeding `input` to stdin.
    func run(
        _ arguments: [String], gitDirectory: String? = nil, input: Data? = nil, environment extra: [String: String] = [:]
    ) throws -> ProcessResult {
        var extra = extra
        if let gitDirectory { extra["GIT_DIR"] = gitDirectory }
        return try ChildProcess.run(
            executable: executable, arguments: arguments, environment: environment(extra),
            directory: gitDirectory ?? home, input: input)
    }

    /// Like `run`, but a non-zero exit is an error; returns stdout.
    @discardableResult
    func checked(_ arguments: [String], gitDirectory: String? = nil, input: Data? = nil) throws -> Data {
        let result = try run(arguments, gitDirectory: gitDirectory, input: input)
        guard result.status == 0 else { throw GitCommandError(arguments: arguments, result: result) }
        return result.stdout
    }
}

/// A child process with all three pipes served on threads of their own, so a child that writes a lot
/// while still reading its input can never deadlock against us.
enum ChildProcess {
    static func run(
        executable: String, arguments: [String], environment: [String: String], directory: String, input: Data?
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        let done = DispatchGroup()
        let errors = Collected()
        errors.drain(stderr.fileHandleForReading, done)
        if let input { feed(input, to: stdin.fileHandleForWriting, done) }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()
        return ProcessResult(status: process.terminationStatus, stdout: output, stderr: errors.data)
    }

    /// Writes stdin with SIGPIPE blocked on this thread: a child that exits without reading everything
    /// must give EPIPE here, not kill the server.
    private static func feed(_ data: Data, to handle: FileHandle, _ group: DispatchGroup) {
        group.enter()
        let thread = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            let fd = handle.fileDescriptor
            data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
            }
            try? handle.close()
            group.leave()
        }
        thread.start()
    }

    private final class Collected: @unchecked Sendable {
        var data = Data()

        func drain(_ handle: FileHandle, _ group: DispatchGroup) {
            group.enter()
            let thread = Thread {
                self.data = handle.readDataToEndOfFile()
                group.leave()
            }
            thread.start()
        }
    }
}

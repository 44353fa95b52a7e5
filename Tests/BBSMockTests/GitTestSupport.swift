import Foundation
@testable import BBSMock
import XCTest

struct CommandResult {
    let status: Int32
    let stdoutData: Data
    let stderr: String

    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

    var output: String { stdout + stderr }
}

/// Runs a program to completion, through the mock's own child-process runner (all pipes drained on
/// threads of their own).
func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String], directory: URL, input: Data? = nil
) throws -> CommandResult {
    let result = try ChildProcess.run(
        executable: executable, arguments: arguments, environment: environment, directory: directory.path, input: input)
    return CommandResult(status: result.status, stdoutData: result.stdout, stderr: String(decoding: result.stderr, as: UTF8.self))
}

/// The real git client, isolated from the machine: no system or global config, HOME in a temporary
/// directory, no terminal prompts. A secret reaches git only through an inline credential helper that
/// reads it from the environment, never through argv or a URL.
struct GitClient {
    let git: String
    let scratch: URL

    init() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let git = path.split(separator: ":").map({ "\($0)/git" }).first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("git is not installed") }
        self.git = git
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-mock-git-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("home"), withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: scratch) }

    static let helper = #"!f() { test "$1" = get || exit 0; echo "username=${BBS_TEST_GIT_USER}"; echo "password=${BBS_TEST_GIT_SECRET}"; }; f"#

    /// `git ARGS` in `directory` (default: the scratch directory); `secret` enables the credential helper.
    @discardableResult
    func run(_ arguments: [String], in directory: URL? = nil, secret: String? = nil, user: String = "x-token-auth")
        throws -> CommandResult
    {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": scratch.appendingPathComponent("home").path,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            "LC_ALL": "C",
            "GIT_AUTHOR_NAME": "Test Pusher",
            "GIT_AUTHOR_EMAIL": "pusher@example.com",
            "GIT_COMMITTER_NAME": "Test Pusher",
            "GIT_COMMITTER_EMAIL": "pusher@example.com",
        ]
        var prefix = ["-c", "credential.helper="]
        if let secret {
            environment["BBS_TEST_GIT_SECRET"] = secret
            environment["BBS_TEST_GIT_USER"] = user
            prefix += ["-c", "credential.helper=" + Self.helper]
        }
        return try runCommand(git, prefix + arguments, environment: environment, directory: directory ?? scratch)
    }

    /// Like `run`, failing the test on a non-zero exit; returns trimmed stdout.
    @discardableResult
    func ok(
        _ arguments: [String], in directory: URL? = nil, secret: String? = nil, user: String = "x-token-auth",
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let result = try run(arguments, in: directory, secret: secret, user: user)
        XCTAssertEqual(result.status, 0, "git \(arguments.joined(separator: " ")): \(result.output)", file: file, line: line)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func directory(_ name: String) -> URL { scratch.appendingPathComponent(name) }
}

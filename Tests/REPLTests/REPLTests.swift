// Drives the real `bbs` REPL in a pseudo-terminal through pty_driver.py (python3's `pty`),
// sending keys and asserting on what the screen shows.

import BBSTestSupport
import Foundation
import XCTest

final class REPLTests: XCTestCase {
    static func binary() -> String {
        BuiltProducts.path(of: "bbs", override: "BBS_BIN") ?? BuiltProducts.candidates(for: "bbs")[0]
    }

    static let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("pty_driver.py").path

    func drive(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw XCTSkip("python3 is needed to drive a pseudo-terminal")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [REPLTests.driver, REPLTests.binary(), scenario]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readAllAndClose()
        process.waitUntilExit()
        let transcript = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "REPL scenario '\(scenario)' failed:\n\(transcript)",
                       file: file, line: line)
    }

    /// Multi-line definition and call, echoed results (pretty JSON), an error with a caret,
    /// completion of `api.ge`, a map key and an API path, Ctrl-C on a line, in a loop, in
    /// `sleep` and in a request that never gets an answer, `:load`,
    /// `args` empty, `:type`, Ctrl-D exits 0.
    func testInteractiveSession() throws {
        try drive("session")
    }

    /// History across two runs (a multi-line entry recalled whole); a line with a secret's
    /// text (from token.env) is never written to the history file.
    func testHistoryAcrossRunsWithoutSecrets() throws {
        try drive("history")
    }

    /// On a terminal, git.clone passes git's progress through (masked) instead of printing the
    /// one-line summary used without a terminal.
    func testGitProgressOnATerminal() throws {
        try drive("git_progress")
    }

    /// A list of maps and a stream's first page echo as tables fitted to the terminal, with
    /// "… N more" for the rest of a stream; `:json` and `:table` switch the echo.
    func testTablesInTheREPL() throws {
        try drive("tables")
    }

    /// `progress()`, `parallel` and `api.paginate(...).list()` (against bbs-mock, pages delayed)
    /// draw one updating line on a terminal's stderr (done/total, rate, ETA), erased when done;
    /// `NO_PROGRESS` turns it off.
    func testProgressLineOnATerminal() throws {
        try drive("progress")
    }

    /// Tab inside an API path completes real repository names of the typed workspace, fetched
    /// from bbs-mock once per session.
    func testCompletionOfRealNames() throws {
        try drive("completion")
    }
}

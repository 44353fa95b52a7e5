// The parent side of `bbs test`: for each file, start a bbs-mock on a free loopback port
// (`--port 0`; it prints the port it got), run the file in a child bbs, stop the mock, read
// the child's report. Files run up to `jobs` at a time; their lines print in file order.

import BBSErrorKinds
import Foundation

/// One test file's outcome.
struct FileResult {
    struct Case {
        let name: String
        let failure: String?
        let seconds: Double
        /// A failure of the file itself (syntax, an error outside any test, no mock), not of a test.
        var isFileError = false
    }

    let path: String
    var cases: [Case] = []
    var seconds: Double = 0
    var stdout = ""
    var stderr = ""
    var started = Date()

    var passedCount: Int { cases.filter { $0.failure == nil }.count }
    var failedCount: Int { cases.filter { $0.failure != nil }.count }
}

final class TestSuiteRunner: @unchecked Sendable {
    // @unchecked: `lock` guards `results`, `nextToRun` and `nextToPrint`; the rest is immutable.
    let files: [String]
    let mockPath: String
    let filter: String?
    let jobs: Int
    private let lock = NSLock()
    private var results: [FileResult?]
    private var nextToPrint = 0
    private var nextToRun = 0

    init(files: [String], mockPath: String, filter: String?, jobs: Int) {
        self.files = files
        self.mockPath = mockPath
        self.filter = filter
        self.jobs = jobs
        results = Array(repeating: nil, count: files.count)
    }

    func run() -> [FileResult] {
        let workers = DispatchGroup()
        for _ in 0..<min(jobs, files.count) {
            workers.enter()
            Thread.detachNewThread { [self] in
                while true {
                    let index: Int? = lock.withLock {
                        guard nextToRun < files.count else { return nil }
                        defer { nextToRun += 1 }
                        return nextToRun
                    }
                    guard let index else { break }
                    let result = runFile(files[index])
                    lock.withLock {
                        results[index] = result
                        while nextToPrint < files.count, let ready = results[nextToPrint] {
                            printLines(ready)
                            nextToPrint += 1
                        }
                    }
                }
                workers.leave()
            }
        }
        workers.wait()
        return results.compactMap { $0 }
    }

    private func printLines(_ result: FileResult) {
        var text = ""
        for test in result.cases {
            let milliseconds = Int((test.seconds * 1000).rounded())
            let label = test.isFileError ? "\(result.path)" : "\(result.path): \(test.name)"
            if let failure = test.failure {
                text += "FAIL  \(label)\n"
                text += failure.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "      \($0)" }.joined(separator: "\n")
                if !text.hasSuffix("\n") { text += "\n" }
            } else {
                text += "ok    \(label) (\(milliseconds) ms)\n"
            }
        }
        if result.failedCount > 0 {
            for (name, output) in [("stdout", result.stdout), ("stderr", result.stderr)] where !output.isEmpty {
                text += "      --- \(name) of \(result.path):\n"
                text += output.split(separator: "\n").map { "      \($0)\n" }.joined()
            }
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func fileError(_ path: String, _ message: String, _ started: Date) -> FileResult {
        var result = FileResult(path: path)
        result.cases = [FileResult.Case(name: "(file)", failure: message, seconds: 0, isFileError: true)]
        result.started = started
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    func runFile(_ path: String) -> FileResult {
        let started = Date()
        guard let text = (try? readScript(path)) ?? nil else { return fileError(path, "cannot read the file", started) }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let fixture = TestDiscovery.fixture(of: absolute, text: text)
        if let fixture, !FileManager.default.fileExists(atPath: fixture) {
            return fileError(path, "the fixture '\(fixture)' named by `# fixture:` does not exist", started)
        }
        let mock: MockProcess
        do {
            mock = try MockProcess.start(mockPath, fixture: fixture)
        } catch {
            return fileError(path, "cannot start bbs-mock: \(error.message)", started)
        }
        defer { mock.stop() }

        let report = NSTemporaryDirectory() + "bbs-test-\(getpid())-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: TestDiscovery.selfPath())
        child.arguments = ["test", "--report", report] + (filter.map { ["--filter", $0] } ?? []) + ["--", absolute]
        child.currentDirectoryURL = URL(fileURLWithPath: (absolute as NSString).deletingLastPathComponent)
        var environment = ProcessInfo.processInfo.environment
        environment["BBS_API_URL"] = mock.url + "/2.0"
        environment["BBS_GIT_URL"] = mock.url
        environment["BBS_MOCK_URL"] = mock.url
        environment["BITBUCKET_TOKEN"] = MockProcess.token
        environment["NO_COLOR"] = "1"
        child.environment = environment
        child.standardInput = FileHandle.nullDevice
        let output = Captured(), errors = Captured()
        child.standardOutput = output.pipe
        child.standardError = errors.pipe
        do {
            try child.run()
        } catch {
            return fileError(path, "cannot start \(TestDiscovery.selfPath()): \(error.localizedDescription)", started)
        }
        child.waitUntilExit()
        var result = FileResult(path: path)
        result.started = started
        result.stdout = output.text()
        result.stderr = errors.text()
        result.seconds = Date().timeIntervalSince(started)
        guard let data = FileManager.default.contents(atPath: report),
              let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            result.cases = [FileResult.Case(name: "(file)", failure: "the test process ended (status \(child.terminationStatus)) without a report", seconds: 0, isFileError: true)]
            return result
        }
        for test in document["tests"] as? [[String: Any]] ?? [] {
            result.cases.append(FileResult.Case(name: test["name"] as? String ?? "?", failure: test["failure"] as? String,
                                                seconds: test["seconds"] as? Double ?? 0))
        }
        if let error = document["error"] as? String {
            result.cases.append(FileResult.Case(name: "(file)", failure: error, seconds: 0, isFileError: true))
        }
        return result
    }
}

/// Collects everything a child writes to one of its pipes, on a thread of its own, so a
/// chatty child never blocks on a full pipe.
final class Captured: @unchecked Sendable {
    // @unchecked: `data` is written by the reading thread only until `done` is signalled.
    let pipe = Pipe()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init() {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            // Foundation never closes a Pipe's read end, not even when the Pipe is freed:
            // a suite of many files would run out of descriptors.
            try? handle.close()
            done.signal()
        }
    }

    func text() -> String {
        // Foundation's Process closes our copy of the write end once the child started.
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A bbs-mock of one test file's own.
final class MockProcess {
    /// The token the mock accepts, with every scope.
    static let token = "mock-token"
    struct Failure: Error { let message: String }

    let process: Process
    let url: String
    private let errors: Captured

    private init(process: Process, url: String, errors: Captured) {
        self.process = process
        self.url = url
        self.errors = errors
    }

    static func start(_ path: String, fixture: String?) throws(Failure) -> MockProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0", "--token", token] + (fixture.map { ["--fixture", $0] } ?? [])
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let errors = Captured()
        process.standardOutput = out
        process.standardError = errors.pipe
        do { try process.run() } catch { throw Failure(message: error.localizedDescription) }
        // The first line of its stdout is `listening on URL`.
        var line = Data()
        let reader = out.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let first = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard first.hasPrefix("listening on ") else {
            process.waitUntilExit()
            let why = errors.text().trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(message: why.isEmpty ? "it printed '\(first)'" : why)
        }
        // Whatever else it prints is not ours to read, but must not fill the pipe.
        Thread.detachNewThread { _ = reader.readDataToEndOfFile(); try? reader.close() }
        return MockProcess(process: process, url: String(first.dropFirst("listening on ".count)), errors: errors)
    }

    /// SIGTERM lets it delete its temporary git repositories.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

// `bbs test`: runs `*_test.bbs` files, each in a child `bbs` process against a bbs-mock of
// its own, and reports one line per test, a summary and optionally JUnit XML. A child process
// per file keeps files apart (globals, the mock's state, a crash) and lets `--jobs` run them
// side by side; the child is this binary again, with the hidden `--report` option.

import ArgumentParser
import BBSErrorKinds
import BBSLanguage
import BBSRuntime
import Foundation

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run *_test.bbs files, each against a fresh bbs-mock; exit 1 if a test fails.",
        discussion: """
        PATHS are test files or folders searched for *_test.bbs (default: the current folder).
        A test file may start with `# fixture: FILE.json` (relative to it) for the mock's data.
        Inside: test(name, fn), expect.eq/ne/ok/contains/fails, mock.requests(), mock.bbs(args).
        The last line reads `N passed, M failed`. Details: docs/testing.md.
        """
    )

    @Argument(help: ArgumentHelp("Test files or folders (default: .).", valueName: "PATHS"))
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report to FILE.", valueName: "FILE"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Run only tests whose name contains PATTERN.", valueName: "PATTERN"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Run up to N test files at once.", valueName: "N"))
    var jobs: Int = 1

    @Option(name: .long, help: .hidden)
    var report: String?

    mutating func run() throws {
        if let report {
            guard paths.count == 1 else { throw ValidationError("--report takes exactly one test file") }
            throw ExitCode(TestFileRunner.runInThisProcess(paths[0], report: report, filter: filter))
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
        let files: [String]
        do {
            files = try TestDiscovery.files(in: paths.isEmpty ? ["."] : paths)
        } catch let error as TestDiscovery.Failure {
            writeError("bbs test: \(error.message)\n")
            throw ExitCode(ExitStatus.usage)
        }
        guard let mock = TestDiscovery.mockBinary() else {
            writeError("bbs test: cannot find bbs-mock next to \(TestDiscovery.selfPath()) or on PATH; build it (`swift build` puts it beside bbs) or install it on PATH\n")
            throw ExitCode(ExitStatus.usage)
        }
        let suite = TestSuiteRunner(files: files, mockPath: mock, filter: filter, jobs: jobs)
        let results = suite.run()
        let passed = results.reduce(0) { $0 + $1.passedCount }
        let failed = results.reduce(0) { $0 + $1.failedCount }
        print("\(passed) passed, \(failed) failed")
        if let junit {
            do {
                // Like `test-results/bbs.xml` in a fresh CI checkout: the folder is made.
                let folder = (junit as NSString).deletingLastPathComponent
                if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                try JUnitReport.xml(results).write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                writeError("bbs test: cannot write '\(junit)': \(error.localizedDescription)\n")
                throw ExitCode(ExitStatus.failure)
            }
        }
        if failed > 0 { throw ExitCode(ExitStatus.failure) }
    }
}

enum TestDiscovery {
    struct Failure: Error { let message: String }

    /// The given files, and every `*_test.bbs` under the given folders, each once, in order.
    static func files(in paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Failure(message: "no such file or folder: \(path)")
            }
            if !isDirectory.boolValue {
                found.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let walker = FileManager.default.enumerator(atPath: path)
            var inFolder: [String] = []
            while let relative = walker?.nextObject() as? String {
                if relative.hasSuffix("_test.bbs") && !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                    inFolder.append(base == "." ? relative : base + "/" + relative)
                }
            }
            found += inFolder.sorted()
        }
        var seen = Set<String>()
        let unique = found.filter { seen.insert($0).inserted }
        if unique.isEmpty { throw Failure(message: "no *_test.bbs files in \(paths.joined(separator: " "))") }
        return unique
    }

    static func selfPath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// bbs-mock beside this binary (how `swift build` and an install lay them out), else on PATH.
    static func mockBinary() -> String? {
        let beside = ((selfPath() as NSString).deletingLastPathComponent as NSString).appendingPathComponent("bbs-mock")
        if access(beside, X_OK) == 0 { return beside }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/bbs-mock"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// `# fixture: FILE` among the comment lines a test file starts with, resolved next to it.
    static func fixture(of file: String, text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("#") else { break }
            let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            guard body.hasPrefix("fixture:") else { continue }
            let name = body.dropFirst("fixture:".count).trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("/") { return name }
            return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
        }
        return nil
    }
}

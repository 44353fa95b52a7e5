// Golden script tests, in the style of Crafting Interpreters' suite: every `*.bbs`
// under Tests/golden runs through the real `bbs` binary, and its comments say what must
// happen:
//   # expect: TEXT         the next line of standard output (in order, all of them)
//   # expect error: TEXT   TEXT appears in standard error
//   # expect exit: N       the exit status (default 0, or 1 when an error is expected)
//   # args: A B C          arguments passed to the script
//   # env: NAME=VALUE      set for the run (repeatable)
//   # stdin: TEXT          a line fed to standard input (repeatable)
//   # mock:                run against a fresh bbs-mock (127.0.0.1, port 0) started for this
//                          case and stopped after it; BBS_API_URL, BBS_GIT_URL, BITBUCKET_TOKEN
//                          and BBS_MOCK_URL (for /_mock/ control requests) point the script at it
//   # mock: ARGS           the same, with extra bbs-mock arguments (`--fixture FILE`, relative
//                          to the script's folder)
//   # mock-token: SPEC     start the mock with `--token SPEC` (e.g. `ro:repository`) instead of
//                          the all-scopes `mock-token`; BITBUCKET_TOKEN is the part before `:`
//   # not under sanitizers: WHY   skipped, with a message, when BBS_SANITIZER is set (by
//                          scripts/sanitize): e.g. a thread count, which ThreadSanitizer's own
//                          background thread changes

import BBSTestSupport
import Foundation
import Testing

struct GoldenCase: CustomTestStringConvertible, Sendable {
    let path: String
    var testDescription: String { path }
}

enum Golden {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("golden")

    static func cases() -> [GoldenCase] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [GoldenCase] = []
        for case let url as URL in walker where url.pathExtension == "bbs" {
            found.append(GoldenCase(path: String(url.path.dropFirst(root.path.count + 1))))
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The `bbs` binary built beside this test bundle (or BBS_BIN).
    static func binary() -> String {
        BuiltProducts.path(of: "bbs", override: "BBS_BIN") ?? BuiltProducts.candidates(for: "bbs")[0]
    }
}

struct Expectations {
    var stdout: [String] = []
    var errors: [String] = []
    var exit: Int32?
    var args: [String] = []
    var env: [String: String] = [:]
    var stdin: [String] = []
    /// nil: no mock; otherwise the extra bbs-mock arguments.
    var mock: [String]?
    var mockToken: String?
    /// Why the case cannot run under a sanitizer, if it cannot.
    var notUnderSanitizers: String?

    init(source: String) {
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let hash = line.range(of: "# ") else { continue }
            let comment = line[hash.upperBound...]
            if let rest = comment.dropPrefix("expect: ") { stdout.append(String(rest)) }
            else if comment == "expect:" { stdout.append("") }
            else if let rest = comment.dropPrefix("expect error: ") { errors.append(String(rest)) }
            else if let rest = comment.dropPrefix("expect exit: ") { exit = Int32(rest.trimmingCharacters(in: .whitespaces)) }
            else if let rest = comment.dropPrefix("args: ") { args = rest.split(separator: " ").map(String.init) }
            else if let rest = comment.dropPrefix("env: "), let eq = rest.firstIndex(of: "=") {
                env[String(rest[..<eq])] = String(rest[rest.index(after: eq)...])
            }
            else if let rest = comment.dropPrefix("stdin: ") { stdin.append(String(rest)) }
            else if let rest = comment.dropPrefix("not under sanitizers: ") { notUnderSanitizers = String(rest) }
            else if comment == "mock:" { mock = mock ?? [] }
            else if let rest = comment.dropPrefix("mock: ") { mock = (mock ?? []) + rest.split(separator: " ").map(String.init) }
            else if let rest = comment.dropPrefix("mock-token: ") {
                mockToken = rest.trimmingCharacters(in: .whitespaces)
                mock = mock ?? []
            }
        }
    }
}

extension Substring {
    func dropPrefix(_ p: String) -> Substring? { hasPrefix(p) ? dropFirst(p.count) : nil }
}

struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

func runBBS(_ arguments: [String], env: [String: String] = [:], stdin: String = "", cwd: URL? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Golden.binary())
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    for (k, v) in env { environment[k] = v }
    process.environment = environment
    if let cwd { process.currentDirectoryURL = cwd }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try? input.fileHandleForWriting.close()
    // Drain both pipes before waiting, so a chatty script cannot fill a pipe and stall.
    final class Drained: @unchecked Sendable { var data = Data() }
    let outData = Drained(), errData = Drained()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { outData.data = out.fileHandleForReading.readAllAndClose() }
    DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readAllAndClose() }
    group.wait()
    done.wait()
    return RunResult(status: process.terminationStatus,
                     stdout: String(decoding: outData.data, as: UTF8.self),
                     stderr: String(decoding: errData.data, as: UTF8.self))
}

@Suite("golden scripts")
struct GoldenTests {
    @Test(arguments: Golden.cases())
    func script(_ golden: GoldenCase) throws {
        let url = Golden.root.appendingPathComponent(golden.path)
        let source = try String(contentsOf: url, encoding: .utf8)
        let expect = Expectations(source: source)
        if let why = expect.notUnderSanitizers, let sanitizer = ProcessInfo.processInfo.environment["BBS_SANITIZER"] {
            print("golden \(golden.path): skipped under the \(sanitizer) sanitizer: \(why)")
            return
        }
        var env = expect.env
        var server: MockServer?
        if let mockArgs = expect.mock {
            let tokenArgs = expect.mockToken.map { ["--token", $0] } ?? []
            let mock = try MockServer(arguments: mockArgs + tokenArgs, cwd: url.deletingLastPathComponent())
            server = mock
            let token = expect.mockToken.map { String($0.prefix { $0 != ":" }) } ?? "mock-token"
            // The script's own `# env:` lines win, so a case can unset or replace the token.
            env = mock.environment(token: token).merging(expect.env) { _, own in own }
        }
        defer { server?.stop() }
        let result = try runBBS([url.path] + expect.args, env: env,
                                stdin: expect.stdin.map { $0 + "\n" }.joined(),
                                cwd: url.deletingLastPathComponent())
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        #expect(lines == expect.stdout, "stdout of \(golden.path); stderr was:\n\(result.stderr)")
        for text in expect.errors {
            #expect(result.stderr.contains(text), "stderr of \(golden.path) lacks \"\(text)\"; it was:\n\(result.stderr)")
        }
        let status = expect.exit ?? (expect.errors.isEmpty ? 0 : 1)
        #expect(result.status == status, "exit status of \(golden.path); stderr was:\n\(result.stderr)")
    }

    @Test func thereAreEnoughGoldenScripts() {
        #expect(Golden.cases().count >= 150)
    }

    /// The stdlib modules are tested against bbs-mock: every module has golden scripts that use it.
    @Test func everyStdlibModuleHasMockBackedGoldens() throws {
        let stdlib = Golden.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("stdlib")
        let modules = try FileManager.default.contentsOfDirectory(atPath: stdlib.path)
            .filter { $0.hasSuffix(".bbs") }.map { String($0.dropLast(4)) }
        #expect(modules.count >= 5)
        let stdlibCases = Golden.cases().filter { $0.path.hasPrefix("stdlib/") }
        for module in modules {
            let users = try stdlibCases.filter { golden in
                let source = try String(contentsOf: Golden.root.appendingPathComponent(golden.path), encoding: .utf8)
                return source.contains("import \"\(module)\"")
            }
            #expect(!users.isEmpty, "stdlib/\(module).bbs has no golden script under Tests/golden/stdlib")
        }
    }
}

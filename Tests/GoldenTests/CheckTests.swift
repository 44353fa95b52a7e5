// `bbs check` as editors and CI use it: typos caught with hints before anything runs, the
// JSON diagnostics of `--format json`, and no false alarms on the project's own scripts.

import Foundation
import Testing

@Suite("bbs check")
struct CheckTests {
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func scratch(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func jsonFormatListsEveryDiagnosticWithItsPlace() throws {
        let path = try scratch("typos.bbs", "print(\"must not run\")\napi.gett(\"/user\")\npirnt(1)\n")
        let r = try runBBS(["check", "--format", "json", path])
        #expect(r.status == 3, "stderr: \(r.stderr)")
        #expect(r.stderr == "")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[0]["file"] as? String == path)
        #expect(entries[0]["line"] as? Int == 2)
        #expect(entries[0]["column"] as? Int == 5)
        #expect(entries[0]["severity"] as? String == "error")
        #expect(entries[0]["message"] as? String == "module 'api' has no member 'gett' (did you mean 'get'?)")
        #expect(entries[1]["line"] as? Int == 3)
        #expect(entries[1]["message"] as? String == "undeclared variable 'pirnt' (did you mean 'print'?)")
    }

    @Test func jsonFormatOfCleanFilesIsAnEmptyArray() throws {
        let path = try scratch("clean.bbs", "let x = 1\nprint(x)\n")
        let r = try runBBS(["check", "--format", "json", path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func unknownFormatIsAUsageError() throws {
        let path = try scratch("clean.bbs", "let x = 1\n")
        let r = try runBBS(["check", "--format", "xml", path])
        #expect(r.status == 2)
    }

    /// Every stdlib module, example and benchmark script (bench/programs, bench/workloads), and
    /// every golden that is meant to get past resolving, passes check: the typo checks must raise
    /// no false alarm on valid code, and a benchmark script left behind by a language change fails here.
    @Test func projectScriptsPassCheck() throws {
        var files: [String] = []
        for folder in ["stdlib", "examples", "bench", "Tests/golden"] {
            let root = Self.packageRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where url.pathExtension == "bbs" {
                let text = try String(contentsOf: url, encoding: .utf8)
                // Goldens that expect a syntax or resolve error (exit 3) are meant to fail check,
                // and a module path set for the run is not set here.
                if text.contains("# expect exit: 3") || text.contains("BBS_PATH") || url.path.contains("/lib/broken") { continue }
                files.append(url.path)
            }
        }
        #expect(files.count > 100)
        let r = try runBBS(["check"] + files)
        #expect(r.status == 0, "stderr: \(r.stderr)")
    }
}

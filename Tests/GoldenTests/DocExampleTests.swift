// Every fenced `bbs` block in the docs below runs through the real `bbs` binary, so a doc that
// goes stale fails the suite. A block is run as `example.bbs` in a fresh directory; when a
// ```text block follows it (blank lines and annotations between them allowed), that block must be
// exactly what the run wrote: standard output, then standard error.
//
// Annotations are HTML comments in the markdown, before the block (or, for `exit`, before its
// output block), so the docs read cleanly and the test has no special cases:
//   <!-- args: A B C -->              arguments for the script
//   <!-- env: NAME=VALUE -->          set for the run (repeatable)
//   <!-- file: PATH=TEXT -->          a file written first (TEXT with \n escapes; repeatable)
//   <!-- mock: -->                    run against a fresh bbs-mock (its default data);
//   <!-- mock: ARGS -->               the same, with bbs-mock arguments
//   <!-- exit: N -->                  the exit status (default 0)
//   <!-- dry-run -->                  run with `bbs --dry-run`
// Blocks that are not complete scripts are written with another fence (```, ```text).

import Foundation
import Testing

struct DocExample: CustomTestStringConvertible, Sendable {
    let doc: String
    let line: Int
    var code = ""
    var args: [String] = []
    var env: [String: String] = [:]
    var files: [(String, String)] = []
    var mock: [String]?
    var dryRun = false
    var exit: Int32 = 0
    var output: String?
    var testDescription: String { "\(doc):\(line)" }
}

enum DocExamples {
    static let documents = ["language.md", "cookbook.md", "stdlib.md", "ci.md"]
    static let docsDir = Golden.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")

    static func all() -> [DocExample] {
        documents.flatMap { parse($0) }
    }

    static func parse(_ doc: String) -> [DocExample] {
        guard let text = try? String(contentsOf: docsDir.appendingPathComponent(doc), encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var examples: [DocExample] = []
        var pending: [String] = []  // annotations seen since the last block
        var index = 0
        // The example whose output block may still follow.
        var awaitingOutput: Int?
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!--"), trimmed.hasSuffix("-->") {
                pending.append(String(trimmed.dropFirst(4).dropLast(3)).trimmingCharacters(in: .whitespaces))
                index += 1
                continue
            }
            if trimmed.hasPrefix("```") {
                let language = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
                var body: [String] = []
                index += 1
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                    body.append(lines[index])
                    index += 1
                }
                index += 1
                if language == "bbs" {
                    var example = DocExample(doc: doc, line: index - body.count - 1)
                    example.code = body.joined(separator: "\n") + "\n"
                    apply(pending, to: &example)
                    examples.append(example)
                    awaitingOutput = examples.count - 1
                } else if language == "text", let at = awaitingOutput {
                    for note in pending { if let n = value(note, "exit"), let code = Int32(n) { examples[at].exit = code } }
                    examples[at].output = body.joined(separator: "\n") + "\n"
                    awaitingOutput = nil
                } else {
                    awaitingOutput = nil
                }
                pending = []
                continue
            }
            if !trimmed.isEmpty {
                // Prose between a block and its output: the next text block is not its output.
                awaitingOutput = nil
                pending = []
            }
            index += 1
        }
        return examples
    }

    private static func value(_ note: String, _ key: String) -> String? {
        if note == key + ":" { return "" }
        guard note.hasPrefix(key + ": ") else { return nil }
        return String(note.dropFirst(key.count + 2))
    }

    private static func apply(_ notes: [String], to example: inout DocExample) {
        for note in notes {
            if let v = value(note, "args") { example.args = v.split(separator: " ").map(String.init) }
            else if let v = value(note, "env"), let eq = v.firstIndex(of: "=") {
                example.env[String(v[..<eq])] = String(v[v.index(after: eq)...])
            }
            else if let v = value(note, "file"), let eq = v.firstIndex(of: "=") {
                example.files.append((String(v[..<eq]), String(v[v.index(after: eq)...]).replacingOccurrences(of: "\\n", with: "\n")))
            }
            else if let v = value(note, "mock") { example.mock = (example.mock ?? []) + v.split(separator: " ").map(String.init) }
            else if let v = value(note, "exit"), let code = Int32(v) { example.exit = code }
            else if note == "dry-run" { example.dryRun = true }
        }
    }
}

@Suite("docs examples")
struct DocExampleTests {
    @Test func everyDocumentHasExamples() {
        for doc in DocExamples.documents where doc != "ci.md" {
            #expect(DocExamples.parse(doc).count >= 5, "docs/\(doc) should have runnable bbs examples")
        }
    }

    @Test(arguments: DocExamples.all())
    func example(_ example: DocExample) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try example.code.write(to: dir.appendingPathComponent("example.bbs"), atomically: true, encoding: .utf8)
        for (path, text) in example.files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        var env = example.env
        var server: MockServer?
        if let mockArgs = example.mock {
            let mock = try MockServer(arguments: mockArgs, cwd: DocExamples.docsDir)
            server = mock
            env = mock.environment(token: "mock-token").merging(example.env) { _, own in own }
        } else {
            // Without a mock, nothing may reach a real server.
            env["BBS_API_URL"] = env["BBS_API_URL"] ?? "http://127.0.0.1:9/2.0"
            env["BBS_GIT_URL"] = env["BBS_GIT_URL"] ?? "http://127.0.0.1:9"
        }
        defer { server?.stop() }
        let options = example.dryRun ? ["--dry-run"] : []
        let result = try runBBS(options + ["example.bbs"] + example.args, env: env, cwd: dir)
        let context = "\(example.testDescription)\n--- stdout:\n\(result.stdout)--- stderr:\n\(result.stderr)"
        #expect(result.status == example.exit, "exit status of \(context)")
        if let output = example.output {
            #expect(result.stdout + result.stderr == output, "output of \(context)")
        }
    }
}

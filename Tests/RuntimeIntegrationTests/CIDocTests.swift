// docs/ci.md's Bitbucket Pipelines examples: the bitbucket-pipelines.yml blocks validate against
// the structure Atlassian documents (Tests/pipelines/check_pipelines_yaml.py), and the
// sharded audit script really splits a workspace across parallel steps (against bbs-mock).

import Foundation
import XCTest

final class CIDocTests: RuntimeTestCase {
    private var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    private func checkYAML(_ paths: [String]) throws -> Outcome {
        guard Shell.run("/usr/bin/python3", ["-c", "import yaml"]).status == 0 else {
            throw XCTSkip("python3 with PyYAML is needed (scripts/setup with BBS_SETUP_TEST=1 installs python3-yaml)")
        }
        return Shell.run("/usr/bin/python3", [packageRoot + "/Tests/pipelines/check_pipelines_yaml.py"] + paths)
    }

    func testThePipelinesYAMLInCIDocValidates() throws {
        let out = try checkYAML([packageRoot + "/docs/ci.md"])
        XCTAssertEqual(out.status, 0, out.all)
        XCTAssertTrue(out.stdout.contains("bitbucket-pipelines.yml ok"), out.all)
    }

    func testTheCheckerRejectsWhatPipelinesRejects() throws {
        let cases: [(yaml: String, problem: String)] = [
            ("pipelines:\n  default:\n    - step:\n        name: no script\n", "step: 'script' is required"),
            ("pipelines:\n  default:\n    - step:\n        scripts:\n          - make\n        script:\n          - make\n",
             "unknown key 'scripts'"),
            // An unquoted command with ": " in it is a YAML mapping, not a command line.
            ("pipelines:\n  default:\n    - step:\n        script:\n          - bbs -e 'print({a: 1})'\n",
             "script[0]: must be a string or a pipe"),
            ("pipelines:\n  default:\n    - parallel:\n        - script: [make]\n        - script: [test]\n", "parallel[0]: must be a step"),
            ("image: debian:12\n", "'pipelines' is required"),
            ("pipelines:\n  nightly:\n    - step:\n        script: [make]\n", "unknown key 'nightly'"),
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-yaml-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (i, c) in cases.enumerated() {
            let path = "\(dir)/case\(i).yml"
            try c.yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let out = try checkYAML([path])
            XCTAssertEqual(out.status, 1, "case \(i) passed:\n\(c.yaml)")
            XCTAssertTrue(out.stdout.contains(c.problem), "case \(i): expected '\(c.problem)' in:\n\(out.all)")
        }
    }

    /// The ```bbs block of docs/ci.md that is scripts/audit.bbs.
    private func auditScript() throws -> String {
        let doc = try String(contentsOfFile: packageRoot + "/docs/ci.md", encoding: .utf8)
        let blocks = doc.components(separatedBy: "```bbs\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
        guard let script = blocks.first(where: { $0.contains("# audit.bbs WORKSPACE") }) else {
            XCTFail("docs/ci.md has no audit.bbs block")
            throw XCTSkip("no audit script")
        }
        return script
    }

    func testTheAuditScriptSplitsTheWorkspaceAcrossParallelSteps() throws {
        let script = try auditScript()
        let all = try bbs(script, args: ["acme"])
        XCTAssertEqual(all.status, 0, all.all)
        let everything = try findings(all.stdout)
        XCTAssertFalse(everything.isEmpty, "the mock's workspace has findings (a public repository): \(all.all)")

        var union: [String] = []
        var repositories = 0
        for step in 0..<4 {
            let out = try bbs(script, args: ["acme"], env: ["BITBUCKET_PARALLEL_STEP": "\(step)",
                                                          "BITBUCKET_PARALLEL_STEP_COUNT": "4"])
            XCTAssertEqual(out.status, 0, out.all)
            union += try findings(out.stdout)
            let counted = out.stderr.split(separator: " ").dropFirst(2).first.flatMap { Int($0) }
            XCTAssertNotNil(counted, out.stderr)
            repositories += counted ?? 0
        }
        XCTAssertEqual(union.sorted(), everything.sorted(), "the shards' findings are not the whole workspace's")
        let total = all.stderr.split(separator: " ").dropFirst(2).first.flatMap { Int($0) }
        XCTAssertEqual(repositories, total, "every repository in exactly one share")
    }

    private func findings(_ json: String) throws -> [String] {
        let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return list.map { "\($0["repo"] ?? "")|\($0["problem"] ?? "")" }
    }
}

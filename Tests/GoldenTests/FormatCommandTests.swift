// `bbs fmt` through the real binary: rewriting in place, `--check` listing and exit status,
// folders, a file the lexer rejects, and the repository's scripts already being formatted.

import Foundation
import Testing

@Suite("bbs fmt")
struct FormatCommandTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-fmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("sub"), withIntermediateDirectories: true)
        return url
    }

    @Test func checkListsFilesThatWouldChangeThenFmtRewritesThem() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let messy = "# keep me\nif true {\nprint(1)   \n}\n\n\n\nprint(2)\n"
        let tidy = "# keep me\nif true {\n  print(1)\n}\n\nprint(2)\n"
        try messy.write(to: dir.appendingPathComponent("sub/a.bbs"), atomically: true, encoding: .utf8)
        try tidy.write(to: dir.appendingPathComponent("b.bbs"), atomically: true, encoding: .utf8)

        let check = try runBBS(["fmt", "--check", "."], cwd: dir)
        #expect(check.status == 1)
        #expect(check.stdout == "./sub/a.bbs\n", "\(check.stdout)")
        #expect(try String(contentsOf: dir.appendingPathComponent("sub/a.bbs"), encoding: .utf8) == messy, "--check must not write")

        let fmt = try runBBS(["fmt", "sub/a.bbs", "b.bbs"], cwd: dir)
        #expect(fmt.status == 0, "\(fmt.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("sub/a.bbs"), encoding: .utf8) == tidy)

        let again = try runBBS(["fmt", "--check", "."], cwd: dir)
        #expect(again.status == 0)
        #expect(again.stdout == "")
    }

    @Test func aFileTheLexerRejectsIsReportedAndLeftAlone() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = "if true {\nprint(\"open)\n}\n"
        try broken.write(to: dir.appendingPathComponent("bad.bbs"), atomically: true, encoding: .utf8)
        let r = try runBBS(["fmt", "bad.bbs"], cwd: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("bad.bbs:2:7: error: unterminated string"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("bad.bbs"), encoding: .utf8) == broken)
        let missing = try runBBS(["fmt", "nope.bbs"], cwd: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr == "bbs fmt: no such file or folder: nope.bbs\n")
    }

    @Test func theRepositoryScriptsAreFormatted() throws {
        let root = Golden.root.deletingLastPathComponent().deletingLastPathComponent()
        let r = try runBBS(["fmt", "--check", "stdlib", "examples", "bench"], cwd: root)
        #expect(r.status == 0, "run `bbs fmt stdlib examples bench`: \(r.stdout)\(r.stderr)")
    }
}

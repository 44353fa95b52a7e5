import BBSLanguage
import BBSRuntime
import Foundation
import XCTest

/// `bbs fmt`'s layout (Format/Formatter.swift): the rules one by one, then every golden script
/// as a fuzz corpus (formatting twice changes nothing more, and never changes what `check`
/// says), then the repository's own scripts and docs examples, which must already be formatted.
final class FormatterTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testIndentsByBracketsAndKeepsComments() {
        let source = """
            # header comment


            fn f(x) {
                  # inside
            if x {   
            return [
            1,
                2,
            ]
              } else {
            return nil   # trailing comment
                }
            }
            let xs = [1, 2]
                .map(n => n * 2)



            print(f(1))  \n\n
            """
        let expected = """
            # header comment

            fn f(x) {
              # inside
              if x {
                return [
                  1,
                  2,
                ]
              } else {
                return nil   # trailing comment
              }
            }
            let xs = [1, 2]
              .map(n => n * 2)

            print(f(1))

            """
        XCTAssertEqual(Formatter.format(source), expected)
        XCTAssertEqual(Formatter.format(expected), expected)
    }

    func testStringsAreTextNotLayout() {
        let source = "fn f() {\nlet s = \"\"\"\n   keep   \n      this \n   \"\"\"\nlet t = \"a ${ {x: 1}.x } # not a comment {\"\nlet r = '{ ( ['\nreturn s\n}\n"
        let formatted = Formatter.format(source)
        XCTAssertEqual(formatted, "fn f() {\n  let s = \"\"\"\n   keep   \n      this \n   \"\"\"\n  let t = \"a ${ {x: 1}.x } # not a comment {\"\n  let r = '{ ( ['\n  return s\n}\n")
    }

    func testEmptyAndBlankSourceBecomeEmpty() {
        XCTAssertEqual(Formatter.format(""), "")
        XCTAssertEqual(Formatter.format("\n\n  \n"), "")
    }

    /// The fuzz corpus: every golden script that parses.
    func testGoldensAreStableAndCheckSaysTheSame() throws {
        let golden = Self.root.appendingPathComponent("Tests/golden")
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: golden.path))
        var count = 0
        for case let relative as String in walker where relative.hasSuffix(".bbs") {
            let path = golden.appendingPathComponent(relative).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), Lexer.tokenize(text).diagnostics.isEmpty else { continue }
            count += 1
            let once = Formatter.format(text)
            XCTAssertEqual(Formatter.format(once), once, "fmt is not idempotent on \(relative)")
            XCTAssertEqual(checkMessages(path, text), checkMessages(path, once), "fmt changed what check says about \(relative)")
        }
        XCTAssertGreaterThan(count, 100, "the golden corpus went missing")
    }

    /// What `check` reports, without line and column (blank lines may go).
    private func checkMessages(_ path: String, _ text: String) -> [String] {
        let runtime = Runtime(options: RuntimeOptions(environment: [:]))
        switch runtime.prepare(SourceFile(path: path, text: text)) {
        case .ready: return ["ok"]
        case .rejected(let error): return error.diagnostics.map(\.message)
        }
    }

    /// stdlib/, examples/ and the docs' bbs examples are kept formatted (CI runs `bbs fmt --check`
    /// on the files; the docs' blocks are checked here).
    func testTheRepositoryIsFormatted() throws {
        var unformatted: [String] = []
        for folder in ["stdlib", "examples"] {
            let dir = Self.root.appendingPathComponent(folder)
            for case let relative as String in FileManager.default.enumerator(atPath: dir.path)! where relative.hasSuffix(".bbs") {
                let text = try String(contentsOfFile: dir.appendingPathComponent(relative).path, encoding: .utf8)
                if Formatter.format(text) != text { unformatted.append("\(folder)/\(relative)") }
            }
        }
        let docs = Self.root.appendingPathComponent("docs")
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path) where name.hasSuffix(".md") {
            let text = try String(contentsOfFile: docs.appendingPathComponent(name).path, encoding: .utf8)
            for (index, block) in text.components(separatedBy: "```bbs\n").dropFirst().enumerated() {
                let code = block.components(separatedBy: "```")[0]
                guard Lexer.tokenize(code).diagnostics.isEmpty else { continue }
                if Formatter.format(code) != code { unformatted.append("docs/\(name) bbs block \(index + 1)") }
            }
        }
        XCTAssertEqual(unformatted, [], "run `bbs fmt` on these (docs blocks by hand)")
    }
}

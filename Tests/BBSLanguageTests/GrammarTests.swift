import XCTest
@testable import BBSLanguage

/// grammar/bbs.ebnf is normative; its keyword list must be exactly the lexer's.
final class GrammarTests: XCTestCase {
    func testGrammarKeywordsMatchLexer() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("grammar/bbs.ebnf")
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let start = text.range(of: "keyword        ="),
              let end = text.range(of: ";", range: start.upperBound..<text.endIndex) else {
            return XCTFail("grammar/bbs.ebnf has no `keyword` rule")
        }
        let rule = text[start.upperBound..<end.lowerBound]
        var grammarKeywords = Set<String>()
        var rest = Substring(rule)
        while let open = rest.firstIndex(of: "\"") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "\"") else { break }
            grammarKeywords.insert(String(rest[after..<close]))
            rest = rest[rest.index(after: close)...]
        }
        XCTAssertEqual(grammarKeywords, Set(Lexer.keywords.keys))
        // The header comment lists them too, for readers.
        for keyword in Lexer.keywords.keys {
            XCTAssertTrue(text.contains(" \(keyword) ") || text.contains(" \(keyword)\n"), "header lacks \(keyword)")
        }
    }
}

import Foundation
import XCTest
@testable import BBSLanguage

/// grammar/bbs.tmLanguage.json is the editor grammar: it must be valid JSON of the TextMate
/// shape, every regex in it must compile, every `#include` must exist, and its keyword rules
/// must name exactly the lexer's keywords.
///
/// TextMate editors use Oniguruma; these tests compile with NSRegularExpression (ICU), so the
/// grammar keeps to what both accept (no `\h`, `\G`, possessive quantifiers, variable-length
/// lookbehind or backreferences from `end` into `begin`). Nothing is skipped.
final class TextMateGrammarTests: XCTestCase {
    private static let grammarURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("grammar/bbs.tmLanguage.json")

    /// Keys whose string values are regular expressions.
    private static let regexKeys: Set<String> = ["match", "begin", "end", "while", "firstLineMatch"]

    private func loadGrammar() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.grammarURL)
        let object = try JSONSerialization.jsonObject(with: data)
        guard let grammar = object as? [String: Any] else {
            XCTFail("grammar/bbs.tmLanguage.json is not a JSON object")
            throw CocoaError(.fileReadCorruptFile)
        }
        return grammar
    }

    func testShape() throws {
        let grammar = try loadGrammar()
        XCTAssertEqual(grammar["scopeName"] as? String, "source.bbs")
        XCTAssertEqual(grammar["fileTypes"] as? [String], ["bbs"])
        let patterns = try XCTUnwrap(grammar["patterns"] as? [Any], "no top-level patterns array")
        XCTAssertFalse(patterns.isEmpty)
        let repository = try XCTUnwrap(grammar["repository"] as? [String: Any], "no repository object")
        XCTAssertFalse(repository.isEmpty)
    }

    func testEveryRegexCompiles() throws {
        let grammar = try loadGrammar()
        var regexes: [(path: String, pattern: String)] = []
        collectRegexes(grammar, path: "", into: &regexes)
        XCTAssertGreaterThan(regexes.count, 20, "expected the grammar's regexes to be found")
        for (path, pattern) in regexes {
            XCTAssertNoThrow(try NSRegularExpression(pattern: pattern), "\(path): \(pattern)")
        }
    }

    func testIncludesResolve() throws {
        let grammar = try loadGrammar()
        let repository = try XCTUnwrap(grammar["repository"] as? [String: Any])
        var includes: [String] = []
        collectIncludes(grammar, into: &includes)
        XCTAssertFalse(includes.isEmpty)
        for include in includes where include != "$self" && include != "$base" {
            XCTAssertTrue(include.hasPrefix("#"), "only local includes are used: \(include)")
            XCTAssertNotNil(repository[String(include.dropFirst())], "no repository rule for \(include)")
        }
    }

    /// `repository.keywords.patterns` holds one `match` per group of keywords, each written as
    /// `\b(?:word|word|...)\b`; together they must be exactly `Lexer.keywords`.
    func testKeywordsMatchLexer() throws {
        let grammar = try loadGrammar()
        let repository = try XCTUnwrap(grammar["repository"] as? [String: Any])
        let keywords = try XCTUnwrap(repository["keywords"] as? [String: Any], "no `keywords` rule")
        let patterns = try XCTUnwrap(keywords["patterns"] as? [[String: Any]], "`keywords` has no patterns")
        var words: [String] = []
        for pattern in patterns {
            let match = try XCTUnwrap(pattern["match"] as? String, "a keyword pattern without `match`")
            let prefix = "\\b(?:", suffix = ")\\b"
            XCTAssertTrue(match.hasPrefix(prefix) && match.hasSuffix(suffix), "unexpected keyword regex \(match)")
            guard match.hasPrefix(prefix), match.hasSuffix(suffix) else { continue }
            let body = match.dropFirst(prefix.count).dropLast(suffix.count)
            words += body.split(separator: "|").map(String.init)
        }
        XCTAssertEqual(words.count, Set(words).count, "a keyword is listed twice: \(words.sorted())")
        XCTAssertEqual(Set(words).sorted(), Lexer.keywords.keys.sorted(), "the grammar's keywords differ from the lexer's")
    }

    private func collectRegexes(_ node: Any, path: String, into out: inout [(path: String, pattern: String)]) {
        if let dict = node as? [String: Any] {
            for (key, value) in dict {
                if Self.regexKeys.contains(key), let pattern = value as? String {
                    out.append((path + "/" + key, pattern))
                } else {
                    collectRegexes(value, path: path + "/" + key, into: &out)
                }
            }
        } else if let array = node as? [Any] {
            for (i, value) in array.enumerated() {
                collectRegexes(value, path: "\(path)[\(i)]", into: &out)
            }
        }
    }

    private func collectIncludes(_ node: Any, into out: inout [String]) {
        if let dict = node as? [String: Any] {
            for (key, value) in dict {
                if key == "include", let name = value as? String {
                    out.append(name)
                } else {
                    collectIncludes(value, into: &out)
                }
            }
        } else if let array = node as? [Any] {
            for value in array { collectIncludes(value, into: &out) }
        }
    }
}

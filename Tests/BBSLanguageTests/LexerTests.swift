import XCTest
@testable import BBSLanguage

// The lexer on its own: token kinds, positions, literals, strings and the newline rules.

private func lex(_ text: String) -> [Token] { Lexer.tokenize(text).tokens }
private func kinds(_ text: String) -> [TokenKind] { lex(text).map(\.kind) }
private func diagnostics(_ text: String) -> [Diagnostic] { Lexer.tokenize(text).diagnostics }
private func loc(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(line: line, column: column) }

/// Kinds without the trailing newline/eof pair every input ends with.
private func body(_ text: String) -> [TokenKind] {
    var k = kinds(text)
    if k.last == .eof { k.removeLast() }
    if k.last == .newline { k.removeLast() }
    return k
}

final class LexerTests: XCTestCase {
    // MARK: Token kinds and positions

    func testEveryOperatorAndPunctuator() {
        let text = "( ) { } [ ] , . ?. : ; => + - * / % ! = += -= *= /= %= ??= == != < <= > >= && || ??"
        let expected: [TokenKind] = [
            .lparen, .rparen, .lbrace, .rbrace, .lbracket, .rbracket, .comma, .dot, .questionDot, .colon,
            .semicolon, .arrow, .plus, .minus, .star, .slash, .percent, .bang, .equal, .plusEqual,
            .minusEqual, .starEqual, .slashEqual, .percentEqual, .questionQuestionEqual, .equalEqual,
            .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .ampAmp, .pipePipe, .questionQuestion,
        ]
        XCTAssertEqual(body(text), expected)
        XCTAssertTrue(diagnostics(text).isEmpty)
        // Each token starts where its text starts: columns advance by the text plus one space.
        var column = 1
        for (token, word) in zip(lex(text), text.split(separator: " ")) {
            XCTAssertEqual(token.location, loc(1, column), "token \(word)")
            XCTAssertEqual(token.text, String(word))
            column += word.count + 1
        }
    }

    func testOperatorsWithoutSpaces() {
        XCTAssertEqual(body("a+=1"), [.identifier, .plusEqual, .int])
        XCTAssertEqual(body("a??=b"), [.identifier, .questionQuestionEqual, .identifier])
        XCTAssertEqual(body("a??b"), [.identifier, .questionQuestion, .identifier])
        XCTAssertEqual(body("a?.b"), [.identifier, .questionDot, .identifier])
        XCTAssertEqual(body("x=>x"), [.identifier, .arrow, .identifier])
        XCTAssertEqual(body("a==b!=c<=d>=e"), [.identifier, .equalEqual, .identifier, .bangEqual, .identifier,
                                                 .lessEqual, .identifier, .greaterEqual, .identifier])
        XCTAssertEqual(body("!a&&b||c"), [.bang, .identifier, .ampAmp, .identifier, .pipePipe, .identifier])
    }

    func testKeywords() {
        let all: [(String, TokenKind)] = [
            ("let", .kwLet), ("var", .kwVar), ("fn", .kwFn), ("return", .kwReturn), ("if", .kwIf),
            ("else", .kwElse), ("while", .kwWhile), ("for", .kwFor), ("in", .kwIn), ("break", .kwBreak),
            ("continue", .kwContinue), ("true", .kwTrue), ("false", .kwFalse), ("nil", .kwNil),
            ("try", .kwTry), ("catch", .kwCatch), ("throw", .kwThrow), ("import", .kwImport), ("as", .kwAs),
        ]
        XCTAssertEqual(Lexer.keywords.count, all.count)
        for (word, kind) in all {
            XCTAssertEqual(Lexer.keywords[word], kind)
            XCTAssertEqual(body(word), [kind], word)
        }
        // Keywords are whole words only.
        XCTAssertEqual(body("letter iffy nil_value _in"), [.identifier, .identifier, .identifier, .identifier])
    }

    func testIdentifiers() {
        let tokens = lex("foo _bar baz_2 CamelCase")
        XCTAssertEqual(tokens.prefix(4).map(\.kind), [.identifier, .identifier, .identifier, .identifier])
        XCTAssertEqual(tokens.prefix(4).map(\.text), ["foo", "_bar", "baz_2", "CamelCase"])
        XCTAssertEqual(tokens.prefix(4).map(\.location), [loc(1, 1), loc(1, 5), loc(1, 10), loc(1, 16)])
    }

    func testLineAndColumnAcrossLines() {
        let tokens = lex("let x = 10\n  print(x)\n")
        let expected: [(TokenKind, SourceLocation)] = [
            (.kwLet, loc(1, 1)), (.identifier, loc(1, 5)), (.equal, loc(1, 7)), (.int, loc(1, 9)),
            (.newline, loc(1, 11)), (.identifier, loc(2, 3)), (.lparen, loc(2, 8)), (.identifier, loc(2, 9)),
            (.rparen, loc(2, 10)), (.newline, loc(2, 11)), (.eof, loc(3, 1)),
        ]
        XCTAssertEqual(tokens.count, expected.count)
        for (t, (k, l)) in zip(tokens, expected) {
            XCTAssertEqual(t.kind, k)
            XCTAssertEqual(t.location, l, "\(t.kind)")
        }
    }

    func testColumnsCountCharactersNotBytes() {
        let tokens = lex("\"é😀\" + x")
        XCTAssertEqual(tokens[0].kind, .string)
        XCTAssertEqual(tokens[1].location, loc(1, 6))
        XCTAssertEqual(tokens[2].location, loc(1, 8))
    }

    func testTabsAndCarriageReturnsAreSpace() {
        XCTAssertEqual(body("a\t=\t1\r\nb"), [.identifier, .equal, .int, .newline, .identifier])
        XCTAssertEqual(lex("\tx")[0].location, loc(1, 2))
    }

    func testAtLineStart() {
        let tokens = lex("a b\nc")
        XCTAssertTrue(tokens[0].atLineStart)
        XCTAssertFalse(tokens[1].atLineStart)
        XCTAssertEqual(tokens[3].text, "c")
        XCTAssertTrue(tokens[3].atLineStart)
    }

    func testUnexpectedCharacter() {
        let d = diagnostics("let x = 1 @ 2")
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].message, "unexpected character '@'")
        XCTAssertEqual(d[0].location, loc(1, 11))
        XCTAssertFalse(d[0].isIncomplete)
        XCTAssertEqual(diagnostics("a ? b").first?.location, loc(1, 3))
        XCTAssertEqual(diagnostics("x = é").first?.message, "unexpected character 'é'")
    }

    func testDescribedTokens() {
        let tokens = lex("foo 12 \"s\"\n")
        XCTAssertEqual(tokens[0].described, "'foo'")
        XCTAssertEqual(tokens[1].described, "number 12")
        XCTAssertEqual(tokens[2].described, "a string")
        XCTAssertEqual(tokens[3].described, "end of line")
        XCTAssertEqual(tokens.last?.described, "end of input")
    }

    // MARK: Numbers

    func testIntegers() {
        let tokens = lex("0 42 1_000_000 0x1F 0XFF 0xdead_beef 9223372036854775807")
        let values = tokens.filter { $0.kind == .int }.map(\.intValue)
        XCTAssertEqual(values, [0, 42, 1_000_000, 31, 255, 0xdead_beef, Int.max])
        XCTAssertEqual(tokens[2].text, "1_000_000", "the text keeps the source spelling")
        XCTAssertEqual(tokens[3].text, "0x1F")
        XCTAssertTrue(diagnostics("0 42 1_000_000 0x1F").isEmpty)
    }

    func testFloats() {
        let tokens = lex("1.5 0.25 1e3 2.5E-2 1e+2 1_000.5 3.0")
        XCTAssertEqual(tokens.prefix(7).map(\.kind), Array(repeating: .float, count: 7))
        XCTAssertEqual(tokens.prefix(7).map(\.floatValue), [1.5, 0.25, 1000, 0.025, 100, 1000.5, 3.0])
    }

    func testNumberFollowedByDotIsNotAFloat() {
        // `1.x` is a member access on 1, and `xs[1:2]` slices: no float there.
        XCTAssertEqual(body("1.x"), [.int, .dot, .identifier])
        XCTAssertEqual(body("a[1:2]"), [.identifier, .lbracket, .int, .colon, .int, .rbracket])
    }

    func testBadNumbers() {
        let noDigits = diagnostics("0x")
        XCTAssertEqual(noDigits.first?.message, "hex literal '0x' has no digits")
        let tooBig = diagnostics("x = 99999999999999999999")
        XCTAssertEqual(tooBig.count, 1)
        XCTAssertEqual(tooBig[0].location, loc(1, 5))
        XCTAssertTrue(tooBig[0].message.contains("too large"))
        XCTAssertTrue(diagnostics("0x1_0000_0000_0000_0000")[0].message.contains("too large"))
        XCTAssertTrue(diagnostics("12abc")[0].message.contains("invalid number literal"))
    }

    // MARK: Strings

    func testStringEscapes() {
        let tokens = lex(#""a\nb\tc\rd\\e\"f\$g\u{1F600}h\u{E9}""#)
        XCTAssertEqual(tokens[0].kind, .string)
        XCTAssertEqual(tokens[0].text, "a\nb\tc\rd\\e\"f$g\u{1F600}h\u{E9}")
        XCTAssertTrue(diagnostics(#""\n\t\r\\\"\$""#).isEmpty)
    }

    func testEscapedDollarIsNotInterpolation() {
        let tokens = lex(#""\${x}""#)
        XCTAssertEqual(tokens[0].kind, .string)
        XCTAssertEqual(tokens[0].text, "${x}")
        // A lone `$` is plain text.
        XCTAssertEqual(lex(#""$5 and $x""#)[0].text, "$5 and $x")
    }

    func testUnknownEscape() {
        let d = diagnostics(#"x = "ab\qc""#)
        XCTAssertEqual(d.count, 1)
        XCTAssertTrue(d[0].message.hasPrefix("unknown escape '\\q'"))
        XCTAssertEqual(d[0].location, loc(1, 8))
        XCTAssertFalse(d[0].isIncomplete)
    }

    func testBadUnicodeEscape() {
        XCTAssertTrue(diagnostics(#""\u{110000}""#)[0].message.contains("invalid unicode escape"))
        XCTAssertTrue(diagnostics(#""\u41""#)[0].message.contains("expected '{' after \\u"))
    }

    func testInterpolationTokens() {
        let tokens = lex(#"print("a ${x + 1} b")"#)
        XCTAssertEqual(tokens.map(\.kind), [.identifier, .lparen, .template, .rparen, .newline, .eof])
        let template = tokens[2]
        XCTAssertEqual(template.location, loc(1, 7))
        XCTAssertEqual(template.parts.count, 3)
        guard case .text(let before) = template.parts[0],
              case .code(let code, let at) = template.parts[1],
              case .text(let after) = template.parts[2] else {
            return XCTFail("expected text, code, text")
        }
        XCTAssertEqual(before, "a ")
        XCTAssertEqual(after, " b")
        XCTAssertEqual(at, loc(1, 10))
        XCTAssertEqual(code.map(\.kind), [.identifier, .plus, .int, .eof])
        XCTAssertEqual(code[0].location, loc(1, 12), "code inside ${} keeps its real position")
        XCTAssertEqual(code[2].location, loc(1, 16))
    }

    func testInterpolationOfAnyExpression() {
        // Nested strings, braces of map literals and lambdas inside ${...}.
        let tokens = lex(#""${ {a: "}"}.a } ${"in ${x}"} ${f(() => { return 1 })}""#)
        XCTAssertTrue(diagnostics(#""${ {a: "}"}.a } ${"in ${x}"}""#).isEmpty)
        XCTAssertEqual(tokens[0].kind, .template)
        let codes = tokens[0].parts.compactMap { part -> [Token]? in
            if case .code(let c, _) = part { return c }
            return nil
        }
        XCTAssertEqual(codes.count, 3)
        XCTAssertEqual(codes[0].map(\.kind), [.lbrace, .identifier, .colon, .string, .rbrace, .dot, .identifier, .eof])
        XCTAssertEqual(codes[1].map(\.kind), [.template, .eof], "a nested interpolated string")
        XCTAssertEqual(codes[2].first?.kind, .identifier)
        XCTAssertTrue(codes[2].contains { $0.kind == .kwReturn })
        XCTAssertFalse(codes[2].contains { $0.kind == .newline })
    }

    func testEmptyInterpolation() {
        XCTAssertEqual(diagnostics(#""${}""#).first?.message, "empty '${}' in string")
    }

    func testRawStrings() {
        let tokens = lex(#"'a\n ${b} "c"'"#)
        XCTAssertEqual(tokens[0].kind, .string)
        XCTAssertEqual(tokens[0].text, #"a\n ${b} "c""#)
        XCTAssertTrue(diagnostics(#"'project.key="CORE"'"#).isEmpty)
        XCTAssertEqual(lex("''")[0].text, "")
    }

    func testMultilineStringDedent() {
        let text = "let s = \"\"\"\n    first\n      second\n    \"\"\"\n"
        let tokens = lex(text)
        XCTAssertEqual(tokens[3].kind, .string)
        XCTAssertEqual(tokens[3].text, "first\n  second")
        XCTAssertEqual(tokens[4].kind, .newline)
        XCTAssertEqual(tokens[5].location.line, 5, "lines inside the string still count")
    }

    func testMultilineStringKeepsQuotesAndEscapes() {
        XCTAssertEqual(lex(#""""a "b" ""c"""""#)[0].text, #"a "b" ""c"#)
        XCTAssertEqual(lex("\"\"\"\n  x\\ty\n  \"\"\"")[0].text, "x\ty")
        let template = lex("\"\"\"\n  v=${v}\n  \"\"\"")[0]
        XCTAssertEqual(template.kind, .template)
        guard case .text(let first) = template.parts.first else { return XCTFail("text first") }
        XCTAssertEqual(first, "v=")
    }

    func testMultilineStringWithoutClosingIndentIsKept() {
        XCTAssertEqual(lex("\"\"\"\n  a\n\"\"\"")[0].text, "  a")
    }

    func testUnterminatedStringAtEndOfInputIsIncomplete() {
        for text in ["\"abc", "\"\"\"abc\nmore", "\"a ${x", "'abc"] {
            let d = diagnostics(text)
            XCTAssertFalse(d.isEmpty, text)
            XCTAssertTrue(d.contains { $0.isIncomplete }, "\(text) should be incomplete")
            XCTAssertTrue(d.contains { $0.message.hasPrefix("unterminated") }, text)
        }
        XCTAssertEqual(diagnostics("x = \"abc")[0].location, loc(1, 5))
    }

    func testStringEndingAtNewlineIsAnErrorNotIncomplete() {
        for text in ["\"abc\nx = 1", "'abc\nx = 1"] {
            let d = diagnostics(text)
            XCTAssertEqual(d.count, 1, text)
            XCTAssertTrue(d[0].message.hasPrefix("unterminated string"), text)
            XCTAssertFalse(d[0].isIncomplete, text)
            XCTAssertEqual(d[0].location, loc(1, 1))
        }
    }

    // MARK: Comments and newlines

    func testCommentsAndShebang() {
        let tokens = lex("#!/usr/bin/env bbs\n# comment\nprint(1) # trailing\n")
        XCTAssertEqual(tokens.first?.kind, .identifier)
        XCTAssertEqual(tokens.first?.location, loc(3, 1))
        XCTAssertEqual(tokens.map(\.kind), [.identifier, .lparen, .int, .rparen, .newline, .eof])
        XCTAssertEqual(kinds("# only a comment"), [.eof])
        XCTAssertEqual(kinds(""), [.eof])
    }

    func testNewlineEndsStatements() {
        XCTAssertEqual(body("a\nb"), [.identifier, .newline, .identifier])
        XCTAssertEqual(body("a\n\n\nb"), [.identifier, .newline, .identifier], "blank lines give one newline")
        XCTAssertEqual(body("a\n-b"), [.identifier, .newline, .minus, .identifier])
        XCTAssertEqual(body("a;b"), [.identifier, .semicolon, .identifier])
    }

    func testNewlineSuppressedInsideParensAndBrackets() {
        XCTAssertEqual(body("f(1\n,\n2\n)"), [.identifier, .lparen, .int, .comma, .int, .rparen])
        XCTAssertEqual(body("[1\n2\n]"), [.lbracket, .int, .int, .rbracket])
        XCTAssertEqual(body("(a\n)\nb"), [.lparen, .identifier, .rparen, .newline, .identifier])
    }

    func testNewlineSuppressedAfterOperatorsAndCommas() {
        for op in ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "??", "=", "+=", "??=", "=>", ",", "in"] {
            let k = body("a \(op)\nb")
            XCTAssertFalse(k.contains(.newline), "newline after '\(op)' should not end the statement")
        }
        XCTAssertEqual(body("a.\nb"), [.identifier, .dot, .identifier])
    }

    func testNewlineSuppressedBeforeMethodChainLines() {
        XCTAssertEqual(body("xs\n  .map(f)\n  .sort()"),
                       [.identifier, .dot, .identifier, .lparen, .identifier, .rparen, .dot, .identifier, .lparen, .rparen])
        XCTAssertEqual(body("a\n  ?.b"), [.identifier, .questionDot, .identifier])
        XCTAssertEqual(body("a\n# comment\n\n  .b"), [.identifier, .dot, .identifier], "comments and blank lines in between")
        // A line starting with a number like `.5` or with `..` is not a method chain.
        XCTAssertTrue(body("a\n.5").contains(.newline))
    }

    func testNewlinesCountInsideBraces() {
        XCTAssertEqual(body("{\na\nb\n}"), [.lbrace, .identifier, .newline, .identifier, .newline, .rbrace])
        // A block inside parentheses (a lambda argument) still separates its statements.
        XCTAssertEqual(body("f(() => {\na\nb\n})"),
                       [.identifier, .lparen, .lparen, .rparen, .arrow, .lbrace, .identifier, .newline,
                        .identifier, .newline, .rbrace, .rparen])
        // ...and parentheses inside the braces suppress newlines again.
        XCTAssertEqual(body("{\nf(1,\n2)\n}"), [.lbrace, .identifier, .lparen, .int, .comma, .int, .rparen, .newline, .rbrace])
    }

    func testBackslashContinuesALine() {
        XCTAssertEqual(body("a \\\n + b"), [.identifier, .plus, .identifier])
    }

    func testEndOfInputAddsATerminator() {
        XCTAssertEqual(kinds("a"), [.identifier, .newline, .eof])
        XCTAssertEqual(kinds("a\n"), [.identifier, .newline, .eof])
    }
}

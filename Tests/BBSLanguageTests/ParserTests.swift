import XCTest
@testable import BBSLanguage

// The parser: precedence, every statement form, error recovery with positions, and
// telling incomplete input (for the REPL) apart from errors. Trees are compared as
// S-expressions so a failure shows the whole shape.

private func parse(_ text: String) -> Result<Program, CompileError> {
    Parser.parse(SourceFile(path: "test.bbs", text: text))
}

private func program(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [Stmt] {
    switch parse(text) {
    case .success(let p): return p.main.body
    case .failure(let e):
        XCTFail("unexpected syntax error: \(e.render())", file: file, line: line)
        return []
    }
}

/// The S-expression of each statement, joined by "; ".
private func tree(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    program(text, file: file, line: line).map(SExpr.stmt).joined(separator: "; ")
}

/// The diagnostics of a file that must not parse.
private func errors(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
    switch parse(text) {
    case .success:
        XCTFail("expected a syntax error in: \(text)", file: file, line: line)
        return []
    case .failure(let e): return e.diagnostics
    }
}

private func incomplete(_ text: String) -> Bool? {
    if case .failure(let e) = parse(text) { return e.isIncomplete }
    return nil
}

enum SExpr {
    static func stmts(_ body: [Stmt]) -> String { "{" + body.map(stmt).joined(separator: " ") + "}" }

    static func stmt(_ s: Stmt) -> String {
        switch s {
        case .expression(let e): return expr(e)
        case .declare(let d, let v):
            return "(\(d.isConstant ? "let" : "var") \(d.name)\(v.map { " " + expr($0) } ?? ""))"
        case .function(let d, let f): return "(fn \(d.name) \(params(f)) \(stmts(f.body)))"
        case .block(let b): return stmts(b)
        case .ifElse(let c, let t, let e): return "(if \(expr(c)) \(stmts(t))\(e.map { " else " + stmts($0) } ?? ""))"
        case .whileLoop(let c, let b): return "(while \(expr(c)) \(stmts(b)))"
        case .forIn(let a, let b, let it, let body, _):
            return "(for \(a.name)\(b.map { "," + $0.name } ?? "") \(expr(it)) \(stmts(body)))"
        case .breakLoop: return "break"
        case .continueLoop: return "continue"
        case .returnValue(let e, _): return e.map { "(return \(expr($0)))" } ?? "(return)"
        case .throwError(let e, _): return "(throw \(expr(e)))"
        case .tryCatch(let b, let binding, let h, _):
            return "(try \(stmts(b)) catch\(binding.map { " " + $0.name } ?? "") \(stmts(h)))"
        case .importModule(let path, let d, _): return "(import \"\(path)\" \(d.name))"
        }
    }

    static func params(_ f: FunctionNode) -> String {
        "(" + f.parameters.map { p in
            p.declaration.name + (p.defaultValue.map { "=" + expr($0) } ?? "")
        }.joined(separator: " ") + ")"
    }

    static func literal(_ v: Value) -> String {
        switch v {
        case .string(let s): return "\"\(s)\""
        default: return Printer.display(v)
        }
    }

    static func expr(_ e: Expr) -> String {
        switch e {
        case .literal(let v, _): return literal(v)
        case .template(let pieces, _):
            return "(str" + pieces.map { piece -> String in
                switch piece {
                case .text(let t): return " \"\(t)\""
                case .expr(let x): return " " + expr(x)
                }
            }.joined() + ")"
        case .variable(let v): return v.name
        case .list(let items, _): return "[" + items.map(expr).joined(separator: " ") + "]"
        case .map(let entries, _):
            return "{" + entries.map { "\(expr($0.key)): \(expr($0.value))" }.joined(separator: ", ") + "}"
        case .unary(let op, let x, _): return "(\(op.rawValue) \(expr(x)))"
        case .binary(let op, let a, let b, _): return "(\(op.rawValue) \(expr(a)) \(expr(b)))"
        case .and(let a, let b, _): return "(&& \(expr(a)) \(expr(b)))"
        case .or(let a, let b, _): return "(|| \(expr(a)) \(expr(b)))"
        case .coalesce(let a, let b, _): return "(?? \(expr(a)) \(expr(b)))"
        case .assign(let target, let op, let value, _):
            let o: String
            switch op {
            case .plain: o = "="
            case .arithmetic(let b): o = b.rawValue + "="
            case .coalesce: o = "??="
            }
            let t: String
            switch target {
            case .variable(let v): t = v.name
            case .member(let obj, let name, _): t = "(. \(expr(obj)) \(name))"
            case .index(let obj, let key, _): t = "([] \(expr(obj)) \(expr(key)))"
            }
            return "(\(o) \(t) \(expr(value)))"
        case .call(let callee, let args, _):
            return "(call \(expr(callee))" + args.map { " " + expr($0) }.joined() + ")"
        case .member(let obj, let name, let optional, _):
            return "(\(optional ? "?." : ".") \(expr(obj)) \(name))"
        case .methodCall(let obj, let name, let args, let optional, _):
            return "(\(optional ? "?." : ".")\(name) \(expr(obj))" + args.map { " " + expr($0) }.joined() + ")"
        case .index(let obj, let key, let optional, _):
            return "(\(optional ? "?[]" : "[]") \(expr(obj)) \(expr(key)))"
        case .slice(let obj, let lo, let hi, _):
            return "([:] \(expr(obj)) \(lo.map(expr) ?? "_") \(hi.map(expr) ?? "_"))"
        case .function(let f): return "(fn \(params(f)) \(stmts(f.body)))"
        case .optionalChain(let x): return "(chain \(expr(x)))"
        }
    }
}

final class ParserTests: XCTestCase {
    // MARK: Precedence (the table in Parser.swift's header)

    func testArithmeticPrecedence() {
        XCTAssertEqual(tree("1 + 2 * 3"), "(+ 1 (* 2 3))")
        XCTAssertEqual(tree("(1 + 2) * 3"), "(* (+ 1 2) 3)")
        XCTAssertEqual(tree("1 - 2 - 3"), "(- (- 1 2) 3)")
        XCTAssertEqual(tree("a / b % c * d"), "(* (% (/ a b) c) d)")
    }

    func testComparisonAndLogicPrecedence() {
        XCTAssertEqual(tree("a || b && c"), "(|| a (&& b c))")
        XCTAssertEqual(tree("a && b || c"), "(|| (&& a b) c)")
        XCTAssertEqual(tree("a + 1 < b * 2"), "(< (+ a 1) (* b 2))")
        XCTAssertEqual(tree("a == b && c != d"), "(&& (== a b) (!= c d))")
        XCTAssertEqual(tree("a < b == c"), "(== (< a b) c)", "comparisons share one level, left to right")
        XCTAssertEqual(tree("x in xs && y"), "(&& (in x xs) y)")
        XCTAssertEqual(tree("a + b in c"), "(in (+ a b) c)")
    }

    func testCoalescePrecedence() {
        XCTAssertEqual(tree("a ?? b + 1"), "(?? a (+ b 1))")
        XCTAssertEqual(tree("a ?? b ?? c"), "(?? a (?? b c))", "?? groups to the right")
        XCTAssertEqual(tree("a ?? b == c"), "(== (?? a b) c)")
        XCTAssertEqual(tree("a ?? b || c"), "(|| (?? a b) c)")
    }

    func testUnaryPrecedence() {
        XCTAssertEqual(tree("!a == b"), "(== (! a) b)")
        XCTAssertEqual(tree("-x.y"), "(- (. x y))")
        XCTAssertEqual(tree("-a * b"), "(* (- a) b)")
        XCTAssertEqual(tree("!!a"), "(! (! a))")
        XCTAssertEqual(tree("- -a"), "(- (- a))")
        XCTAssertEqual(tree("-f(x)[0]"), "(- ([] (call f x) 0))")
        XCTAssertEqual(tree("-5"), "-5", "a negative literal is folded")
        XCTAssertEqual(tree("-2.5"), "-2.5")
    }

    func testPostfixChains() {
        XCTAssertEqual(tree("a.b(c)[d]"), "([] (.b a c) d)")
        XCTAssertEqual(tree("f(1)(2)"), "(call (call f 1) 2)")
        XCTAssertEqual(tree("a.b.c"), "(. (. a b) c)")
        XCTAssertEqual(tree("m[\"k\"].x"), "(. ([] m \"k\") x)")
        XCTAssertEqual(tree("xs[1:2]"), "([:] xs 1 2)")
        XCTAssertEqual(tree("xs[:2]"), "([:] xs _ 2)")
        XCTAssertEqual(tree("xs[1:]"), "([:] xs 1 _)")
        XCTAssertEqual(tree("xs[:]"), "([:] xs _ _)")
        XCTAssertEqual(tree("e.catch"), "(. e catch)", "keywords are fine as member names")
    }

    func testOptionalChaining() {
        XCTAssertEqual(tree("a?.b"), "(chain (?. a b))")
        XCTAssertEqual(tree("a?.b.c"), "(chain (. (?. a b) c))")
        XCTAssertEqual(tree("a?.[0]"), "(chain (?[] a 0))")
        XCTAssertEqual(tree("a?.f(1)"), "(chain (?.f a 1))")
        XCTAssertEqual(tree("a?.b ?? 1"), "(?? (chain (?. a b)) 1)")
        XCTAssertEqual(tree("a.b"), "(. a b)", "no chain node without ?.")
    }

    func testLiterals() {
        XCTAssertEqual(tree("[1, 2.5, \"s\", 's', true, false, nil]"), "[1 2.5 \"s\" \"s\" true false nil]")
        XCTAssertEqual(tree("[1, 2,]"), "[1 2]")
        XCTAssertEqual(tree("[\n1,\n2,\n]"), "[1 2]")
        XCTAssertEqual(tree("[]"), "[]")
        XCTAssertEqual(tree("\"a${x}b\""), "(str \"a\" x \"b\")")
        XCTAssertEqual(tree("\"${\"${x}\"}\""), "(str (str x))")
    }

    func testMapLiterals() {
        XCTAssertEqual(tree("let m = {a: 1, \"b c\": 2, [k]: 3, if: 4, 5: 6,}"),
                       "(let m {\"a\": 1, \"b c\": 2, k: 3, \"if\": 4, \"5\": 6})")
        XCTAssertEqual(tree("let m = {\n  a: 1,\n  b: [\n    2,\n  ],\n}"), "(let m {\"a\": 1, \"b\": [2]})")
        XCTAssertEqual(tree("let e = {}"), "(let e {})")
        XCTAssertEqual(tree("f({a: 1})"), "(call f {\"a\": 1})")
    }

    func testMapVersusBlock() {
        // At the start of a statement `{` opens a block; where an expression is expected it is a map.
        XCTAssertEqual(tree("{ a }"), "{a}")
        XCTAssertEqual(tree("{}"), "{}")
        XCTAssertEqual(tree("{\n  let x = 1\n  x\n}"), "{(let x 1) x}")
        XCTAssertEqual(tree("x = {}"), "(= x {})")
        XCTAssertEqual(tree("return_map = () => { return {a: 1} }"), "(= return_map (fn () {(return {\"a\": 1})}))")
    }

    func testLambdas() {
        XCTAssertEqual(tree("x => x * 2"), "(fn (x) {(return (* x 2))})")
        XCTAssertEqual(tree("(a, b) => a + b"), "(fn (a b) {(return (+ a b))})")
        XCTAssertEqual(tree("() => { return 1 }"), "(fn () {(return 1)})")
        XCTAssertEqual(tree("(a, b = 2) => { a }"), "(fn (a b=2) {a})")
        XCTAssertEqual(tree("(a) => a"), "(fn (a) {(return a)})")
        XCTAssertEqual(tree("(a)"), "a", "parentheses alone are grouping")
        XCTAssertEqual(tree("xs.map(x => x + 1)"), "(.map xs (fn (x) {(return (+ x 1))}))")
        XCTAssertEqual(tree("f((a, b) => a, 2)"), "(call f (fn (a b) {(return a)}) 2)")
        XCTAssertEqual(tree("x => y => x + y"), "(fn (x) {(return (fn (y) {(return (+ x y))}))})")
        XCTAssertEqual(tree("v => total = v"), "(fn (v) {(return (= total v))})", "a lambda body may assign")
        XCTAssertEqual(tree("fn(x) { return x }"), "(fn (x) {(return x)})")
    }

    // MARK: Statements

    func testDeclarations() {
        XCTAssertEqual(tree("let x = 1"), "(let x 1)")
        XCTAssertEqual(tree("var y"), "(var y)")
        XCTAssertEqual(tree("var z = [1]"), "(var z [1])")
    }

    func testAssignments() {
        XCTAssertEqual(tree("x = 1"), "(= x 1)")
        XCTAssertEqual(tree("x += 1; x -= 2; x *= 3; x /= 4; x %= 5; x ??= 6"),
                       "(+= x 1); (-= x 2); (*= x 3); (/= x 4); (%= x 5); (??= x 6)")
        XCTAssertEqual(tree("m.k = 1"), "(= (. m k) 1)")
        XCTAssertEqual(tree("m[\"k\"] += 1"), "(+= ([] m \"k\") 1)")
        XCTAssertEqual(tree("a.b[0].c = 2"), "(= (. ([] (. a b) 0) c) 2)")
        XCTAssertEqual(tree("a = b = 1"), "(= a (= b 1))", "assignment groups to the right")
    }

    func testFunctions() {
        XCTAssertEqual(tree("fn f() {}"), "(fn f () {})")
        XCTAssertEqual(tree("fn f(a, b = 1, c = \"x\") { return a }"), "(fn f (a b=1 c=\"x\") {(return a)})")
        XCTAssertEqual(tree("fn f(\n  a,\n  b,\n) {\n  return\n}"), "(fn f (a b) {(return)})")
        XCTAssertEqual(tree("fn f() { return }"), "(fn f () {(return)})")
        XCTAssertEqual(tree("fn f() { return; }"), "(fn f () {(return)})")
    }

    func testIfElse() {
        XCTAssertEqual(tree("if a { b }"), "(if a {b})")
        XCTAssertEqual(tree("if a { b } else { c }"), "(if a {b} else {c})")
        XCTAssertEqual(tree("if a { b } else if c { d } else { e }"), "(if a {b} else {(if c {d} else {e})})")
        XCTAssertEqual(tree("if a {\n  b\n}\nelse {\n  c\n}"), "(if a {b} else {c})", "else on the next line")
        XCTAssertEqual(tree("if a {\n}\n\nelse if b {\n}"), "(if a {} else {(if b {})})")
        XCTAssertEqual(tree("if a { b }\nc"), "(if a {b}); c")
    }

    func testLoops() {
        XCTAssertEqual(tree("while a < 3 { a += 1 }"), "(while (< a 3) {(+= a 1)})")
        XCTAssertEqual(tree("for x in xs { print(x) }"), "(for x xs {(call print x)})")
        XCTAssertEqual(tree("for k, v in m { }"), "(for k,v m {})")
        XCTAssertEqual(tree("for i in range(3) { if i { break } else { continue } }"),
                       "(for i (call range 3) {(if i {break} else {continue})})")
    }

    func testErrorsStatements() {
        XCTAssertEqual(tree("throw \"x\""), "(throw \"x\")")
        XCTAssertEqual(tree("throw {code: 1}"), "(throw {\"code\": 1})")
        XCTAssertEqual(tree("try { a() } catch e { b(e) }"), "(try {(call a)} catch e {(call b e)})")
        XCTAssertEqual(tree("try { a() } catch { b() }"), "(try {(call a)} catch {(call b)})")
        XCTAssertEqual(tree("try {\n  a()\n}\ncatch e {\n}"), "(try {(call a)} catch e {})", "catch on the next line")
    }

    func testImports() {
        XCTAssertEqual(tree("import \"branches\""), "(import \"branches\" branches)")
        XCTAssertEqual(tree("import \"./lib/util.bbs\""), "(import \"./lib/util.bbs\" util)")
        XCTAssertEqual(tree("import \"./x.bbs\" as helpers"), "(import \"./x.bbs\" helpers)")
        XCTAssertEqual(tree("import \"./my-mod.bbs\" as m"), "(import \"./my-mod.bbs\" m)")
    }

    func testSeparatorsAndContinuation() {
        XCTAssertEqual(tree("a; b;; c;"), "a; b; c")
        XCTAssertEqual(tree("a +\n  b"), "(+ a b)")
        XCTAssertEqual(tree("f(\n  1,\n  2\n)"), "(call f 1 2)")
        XCTAssertEqual(tree("xs\n  .map(f)\n  .join(\",\")"), "(.join (.map xs f) \",\")")
        XCTAssertEqual(tree("a\n  ?.b"), "(chain (?. a b))")
        XCTAssertEqual(tree("a\n-b"), "a; (- b)")
    }

    func testProgramStructure() {
        let body = program("#!/usr/bin/env bbs\nlet x = 1\n\nfn f() {\n  return x\n}\nprint(f())\n")
        XCTAssertEqual(body.count, 3)
    }

    // MARK: Errors

    func testErrorMessageAndPosition() {
        let d = errors("let x = 1\nlet y = x * / 2")
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].message, "expected an expression, found '/'")
        XCTAssertEqual(d[0].location, SourceLocation(line: 2, column: 13))
        XCTAssertFalse(d[0].isIncomplete)
    }

    func testAllErrorsAreReported() {
        let d = errors("let a = )\nlet b = 2\nlet = 3\nfn ok() { return 1 }\nprint(1 +)\n")
        XCTAssertEqual(d.map(\.location.line), [1, 3, 5])
        XCTAssertEqual(d[0].message, "expected an expression, found ')'")
        XCTAssertEqual(d[1].message, "expected a name after 'let', found '='")
        XCTAssertEqual(d[1].location.column, 5)
        XCTAssertTrue(d[2].message.hasPrefix("expected an expression"))
    }

    func testErrorsInsideBlocksRecover() {
        let d = errors("fn f() {\n  let x = * 2\n  return x\n}\nif true {\n  print(1 2)\n}\nlet ok = 1\n")
        XCTAssertEqual(d.map(\.location.line), [2, 6])
        XCTAssertEqual(d[1].message, "expected ',' or ')' to close the call, found number 2")
    }

    func testLexerAndParserErrorsTogetherSorted() {
        let d = errors("let a = )\nlet s = \"\\q\"\n")
        XCTAssertEqual(d.map(\.location.line), [1, 2])
        XCTAssertTrue(d[1].message.hasPrefix("unknown escape"))
    }

    func testSpecificErrors() {
        XCTAssertEqual(errors("let x")[0].message,
                       "'let x' needs a value: 'let x = ...' (use 'var' for a variable set later)")
        XCTAssertEqual(errors("fn f(a = 1, b) {}")[0].message,
                       "parameter 'b' needs a default value because an earlier one has one")
        XCTAssertTrue(errors("1 + 2 = 3")[0].message.hasPrefix("cannot assign to this expression"))
        XCTAssertTrue(errors("f() = 3")[0].message.hasPrefix("cannot assign to this expression"))
        XCTAssertTrue(errors("a?.b = 3")[0].message.hasPrefix("cannot assign to this expression"))
        XCTAssertEqual(errors("try { a }\nb")[0].message, "expected 'catch' after the 'try' block")
        XCTAssertEqual(errors("if a b")[0].message, "expected '{', found 'b'")
        XCTAssertEqual(errors("let if = 1")[0].message, "expected a name after 'let', found keyword 'if'")
        XCTAssertEqual(errors("}")[0].message, "unexpected '}' with no block to close")
        XCTAssertTrue(errors("import foo")[0].message.hasPrefix("expected a module name in quotes"))
        XCTAssertEqual(errors("import \"./my-mod.bbs\"")[0].message,
                       "module \"./my-mod.bbs\" has no usable name; add 'as NAME'")
        XCTAssertEqual(errors("a b")[0].message, "expected end of statement (a new line or ';'), found 'b'")
        XCTAssertEqual(errors("for in xs {}")[0].message, "expected a loop variable after 'for', found keyword 'in'")
        XCTAssertEqual(errors("for x xs {}")[0].message, "expected 'in' after the loop variable, found 'xs'")
        XCTAssertEqual(errors("x.1")[0].message, "expected a member name after '.', found number 1")
        XCTAssertEqual(errors("xs[]")[0].message, "expected an expression, found ']'")
        XCTAssertEqual(errors("print(\"${x +}\")")[0].message, "expected an expression after '+'")
    }

    // MARK: Incomplete input (the REPL asks for another line)

    func testIncompleteInput() {
        for text in ["fn f() {", "let x = (1 +", "\"abc", "let x = [1, 2", "let m = {a: 1",
                     "if a {\n  b", "f(", "let x = 1 +", "let s = \"\"\"\nabc", "let s = \"abc", "xs.map(x =>",
                     "try {\n} catch e {", "print(\"${x", "x."] {
            XCTAssertEqual(incomplete(text), true, "\(text.debugDescription) should be incomplete")
        }
    }

    func testErrorsAreNotIncomplete() {
        for text in ["let = 5", "let x = )", "\"abc\nx", "fn f() {\n  let = 1", "}", "if a b", "let x = 1 @ 2"] {
            XCTAssertEqual(incomplete(text), false, "\(text.debugDescription) is an error, not incomplete")
        }
    }

    func testIncompleteFlagNeedsEveryDiagnosticIncomplete() {
        // One real error makes the whole input an error, even if it is also unfinished.
        XCTAssertEqual(incomplete("let = 1\nfn f() {"), false)
    }

    func testRenderedDiagnostic() {
        guard case .failure(let e) = parse("let x = 1\nlet y = x * / 2") else { return XCTFail("should fail") }
        XCTAssertEqual(e.render(), """
            test.bbs:2:13: error: expected an expression, found '/'
             2 | let y = x * / 2
               |             ^

            """)
    }
}

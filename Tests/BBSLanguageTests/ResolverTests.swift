import XCTest
@testable import BBSLanguage

// The resolver: where each variable lives (frame slot, box, upvalue, global, built-in),
// and the errors it reports before anything runs.

/// Every variable reference, declaration and function node of a program, in source order.
private final class Collector {
    var refs: [VarRef] = []
    var decls: [Declaration] = []
    var functions: [FunctionNode] = []

    func stmts(_ body: [Stmt]) { body.forEach(stmt) }

    func function(_ f: FunctionNode) {
        functions.append(f)
        for p in f.parameters {
            if let d = p.defaultValue { expr(d) }
            decls.append(p.declaration)
        }
        stmts(f.body)
    }

    func stmt(_ s: Stmt) {
        switch s {
        case .expression(let e): expr(e)
        case .declare(let d, let v):
            if let v { expr(v) }
            decls.append(d)
        case .function(let d, let f):
            decls.append(d)
            function(f)
        case .block(let b): stmts(b)
        case .ifElse(let c, let t, let e):
            expr(c)
            stmts(t)
            if let e { stmts(e) }
        case .whileLoop(let c, let b):
            expr(c)
            stmts(b)
        case .forIn(let a, let b, let it, let body, _):
            expr(it)
            decls.append(a)
            if let b { decls.append(b) }
            stmts(body)
        case .breakLoop, .continueLoop: break
        case .returnValue(let e, _): if let e { expr(e) }
        case .throwError(let e, _): expr(e)
        case .tryCatch(let b, let binding, let h, _):
            stmts(b)
            if let binding { decls.append(binding) }
            stmts(h)
        case .importModule(_, let d, _): decls.append(d)
        }
    }

    func expr(_ e: Expr) {
        switch e {
        case .literal: break
        case .template(let pieces, _):
            for case .expr(let x) in pieces { expr(x) }
        case .variable(let v): refs.append(v)
        case .list(let items, _): items.forEach(expr)
        case .map(let entries, _):
            for entry in entries {
                expr(entry.key)
                expr(entry.value)
            }
        case .unary(_, let x, _): expr(x)
        case .binary(_, let a, let b, _), .and(let a, let b, _), .or(let a, let b, _), .coalesce(let a, let b, _):
            expr(a)
            expr(b)
        case .assign(let target, _, let value, _):
            switch target {
            case .variable(let v): refs.append(v)
            case .member(let obj, _, _): expr(obj)
            case .index(let obj, let key, _):
                expr(obj)
                expr(key)
            }
            expr(value)
        case .call(let callee, let args, _):
            expr(callee)
            args.forEach(expr)
        case .member(let obj, _, _, _): expr(obj)
        case .methodCall(let obj, _, let args, _, _):
            expr(obj)
            args.forEach(expr)
        case .index(let obj, let key, _, _):
            expr(obj)
            expr(key)
        case .slice(let obj, let lo, let hi, _):
            expr(obj)
            if let lo { expr(lo) }
            if let hi { expr(hi) }
        case .function(let f): function(f)
        case .optionalChain(let x): expr(x)
        }
    }
}

private func describe(_ s: Storage) -> String {
    switch s {
    case .local(let i): return "local \(i)"
    case .boxed(let i): return "boxed \(i)"
    case .global(_, let i): return "global \(i)"
    }
}

private func describe(_ b: Binding) -> String {
    switch b {
    case .unresolved: return "unresolved"
    case .local(let i): return "local \(i)"
    case .boxed(let i): return "boxed \(i)"
    case .upvalue(let i): return "upvalue \(i)"
    case .global(_, let i): return "global \(i)"
    case .builtin: return "builtin"
    }
}

private func describe(_ c: Capture) -> String {
    switch c {
    case .local(let i): return "local \(i)"
    case .upvalue(let i): return "upvalue \(i)"
    }
}

private struct Resolved {
    let program: Program
    let diagnostics: [Diagnostic]
    let all: Collector

    /// Where each declaration named `name` lives, in source order.
    func storage(_ name: String) -> [String] {
        all.decls.filter { $0.name == name }.map { describe($0.storage) }
    }

    /// How each reference to `name` is bound, in source order.
    func bindings(_ name: String) -> [String] {
        all.refs.filter { $0.name == name }.map { describe($0.binding) }
    }

    /// The function or lambda declared at `line` (not the implicit top-level function).
    func function(atLine line: Int) -> FunctionNode? {
        all.functions.first { $0 !== program.main && $0.location.line == line }
    }
}

private let testBuiltins: [String: Value] = ["print": .null, "range": .null, "len": .null]

private func resolve(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Resolved {
    guard case .success(let program) = Parser.parse(SourceFile(path: "test.bbs", text: text)) else {
        XCTFail("syntax error in test input", file: file, line: line)
        fatalError()
    }
    var resolver = Resolver(builtins: testBuiltins, globals: GlobalStore())
    let diagnostics = resolver.resolve(program)
    let all = Collector()
    all.function(program.main)
    return Resolved(program: program, diagnostics: diagnostics, all: all)
}

private func clean(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Resolved {
    let r = resolve(text, file: file, line: line)
    XCTAssertEqual(r.diagnostics.map(\.message), [], file: file, line: line)
    return r
}

/// The one diagnostic `text` must produce: its message and "line:column".
private func problem(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> (String, String) {
    let d = resolve(text, file: file, line: line).diagnostics
    XCTAssertEqual(d.count, 1, "diagnostics: \(d.map(\.message))", file: file, line: line)
    guard let first = d.first else { return ("", "") }
    return (first.message, "\(first.location.line):\(first.location.column)")
}

private final class Captured {
    var text = ""
}

final class ResolverTests: XCTestCase {
    // MARK: Slots

    func testParametersAndLocalsGetSlotsInOrder() {
        let r = clean("fn f(a, b) {\n  let c = a + b\n  var d = c\n  return d\n}")
        XCTAssertEqual(r.storage("a"), ["local 0"])
        XCTAssertEqual(r.storage("b"), ["local 1"])
        XCTAssertEqual(r.storage("c"), ["local 2"])
        XCTAssertEqual(r.storage("d"), ["local 3"])
        XCTAssertEqual(r.bindings("a"), ["local 0"])
        XCTAssertEqual(r.bindings("c"), ["local 2"])
        XCTAssertEqual(r.bindings("d"), ["local 3"])
        XCTAssertEqual(r.function(atLine: 1)?.frameSize, 4)
        XCTAssertEqual(r.function(atLine: 1)?.captures.count, 0)
    }

    func testSlotsOfFinishedBlocksAreReused() {
        let r = clean("fn f() {\n  { let a = 1 }\n  { let b = 2 }\n  let c = 3\n}")
        XCTAssertEqual(r.storage("a"), ["local 0"])
        XCTAssertEqual(r.storage("b"), ["local 0"])
        XCTAssertEqual(r.storage("c"), ["local 0"])
        XCTAssertEqual(r.function(atLine: 1)?.frameSize, 1)
    }

    func testShadowingGetsItsOwnSlot() {
        let r = clean("fn f(x) {\n  {\n    let x = x + 1\n    print(x)\n  }\n  return x\n}")
        XCTAssertEqual(r.storage("x"), ["local 0", "local 1"])
        // The initializer still sees the parameter; later uses see the new variable.
        XCTAssertEqual(r.bindings("x"), ["local 0", "local 1", "local 0"])
    }

    func testTopLevelDeclarationsAreGlobals() {
        let r = clean("let x = 1\nvar y = 2\nfn f() { return x + y }\nprint(f())")
        XCTAssertEqual(r.storage("x"), ["global 0"])
        XCTAssertEqual(r.storage("y"), ["global 1"])
        XCTAssertEqual(r.storage("f"), ["global 2"])
        XCTAssertEqual(r.bindings("x"), ["global 0"])
        XCTAssertEqual(r.bindings("f"), ["global 2"])
        XCTAssertEqual(r.bindings("print"), ["builtin"])
        XCTAssertEqual(r.function(atLine: 3)?.captures.count, 0, "globals are not captured")
    }

    func testTopLevelBlocksAndLoopVariablesAreFrameLocals() {
        let r = clean("for i in range(3) {\n  let sq = i * i\n  print(sq)\n}\nif true { let t = 1 }")
        XCTAssertEqual(r.storage("i"), ["local 0"])
        XCTAssertEqual(r.storage("sq"), ["local 1"])
        XCTAssertEqual(r.storage("t"), ["local 0"])
        XCTAssertEqual(r.bindings("i"), ["local 0", "local 0"])
    }

    func testForWithTwoVariablesAndCatchBinding() {
        let r = clean("fn f(m) {\n  for k, v in m { print(k, v) }\n  try { } catch e { print(e) }\n}")
        XCTAssertEqual(r.storage("k"), ["local 1"])
        XCTAssertEqual(r.storage("v"), ["local 2"])
        XCTAssertEqual(r.storage("e"), ["local 1"])
    }

    // MARK: Captures

    func testCapturedVariablesAreBoxed() {
        let r = clean("fn f() {\n  var n = 0\n  n = 1\n  let g = () => n\n  n += 1\n  return g\n}")
        XCTAssertEqual(r.storage("n"), ["boxed 0"])
        XCTAssertEqual(r.storage("g"), ["local 1"])
        // Every use in f, also the ones before the lambda, goes through the box; the lambda
        // reads its first capture. (`n += 1` refers to n once as target.)
        XCTAssertEqual(r.bindings("n"), ["boxed 0", "upvalue 0", "boxed 0"])
        let lambda = r.function(atLine: 4)
        XCTAssertEqual(lambda?.captures.map(describe), ["local 0"])
    }

    func testUncapturedNeighboursStayPlainSlots() {
        let r = clean("fn f() {\n  var a = 1\n  var b = 2\n  return () => b\n}")
        XCTAssertEqual(r.storage("a"), ["local 0"])
        XCTAssertEqual(r.storage("b"), ["boxed 1"])
        XCTAssertEqual(r.function(atLine: 4)?.captures.map(describe), ["local 1"])
    }

    func testCapturedParameter() {
        let r = clean("fn adder(a) {\n  return b => a + b\n}")
        XCTAssertEqual(r.storage("a"), ["boxed 0"])
        XCTAssertEqual(r.storage("b"), ["local 0"])
        XCTAssertEqual(r.bindings("a"), ["upvalue 0"])
        XCTAssertEqual(r.bindings("b"), ["local 0"])
    }

    func testNestedCapturesGoThroughUpvalues() {
        let r = clean("fn f() {\n  var x = 1\n  return () =>\n    () => x\n}")
        XCTAssertEqual(r.storage("x"), ["boxed 0"])
        XCTAssertEqual(r.function(atLine: 3)?.captures.map(describe), ["local 0"])
        XCTAssertEqual(r.function(atLine: 4)?.captures.map(describe), ["upvalue 0"])
        XCTAssertEqual(r.bindings("x"), ["upvalue 0"])
    }

    func testOneCapturePerNameAndFunction() {
        let r = clean("fn f() {\n  var x = 1\n  var y = 2\n  return () => x + y + x\n}")
        XCTAssertEqual(r.function(atLine: 4)?.captures.map(describe), ["local 0", "local 1"])
        XCTAssertEqual(r.bindings("x"), ["upvalue 0", "upvalue 0"])
        XCTAssertEqual(r.bindings("y"), ["upvalue 1"])
    }

    func testLocalRecursiveFunctionCapturesItself() {
        let r = clean("fn outer() {\n  fn fact(n) {\n    if n < 2 { return 1 }\n    return n * fact(n - 1)\n  }\n  return fact(5)\n}")
        XCTAssertEqual(r.storage("fact"), ["boxed 0"])
        XCTAssertEqual(r.bindings("fact"), ["upvalue 0", "boxed 0"])
    }

    func testLoopVariableCapturedPerIteration() {
        let r = clean("var fs = []\nfor i in [1, 2] {\n  fs.push(() => i)\n}")
        XCTAssertEqual(r.storage("i"), ["boxed 0"])
        XCTAssertEqual(r.function(atLine: 3)?.captures.map(describe), ["local 0"])
    }

    // MARK: Errors

    func testUndeclared() {
        let (message, at) = problem("print(y)")
        XCTAssertEqual(message, "undeclared variable 'y'")
        XCTAssertEqual(at, "1:7")
        XCTAssertEqual(problem("fn f() {\n  return missing\n}").1, "2:10")
        XCTAssertEqual(problem("total = 5").0, "undeclared variable 'total'")
        XCTAssertEqual(problem("total += 5").0, "undeclared variable 'total'")
    }

    func testBlockVariablesEndWithTheirBlock() {
        XCTAssertEqual(problem("if true {\n  let inner = 1\n}\nprint(inner)").1, "4:7")
        XCTAssertEqual(problem("fn f() { let a = 1 }\nfn g() { return a }").0, "undeclared variable 'a'")
    }

    func testUseBeforeDeclarationAtTopLevel() {
        let (message, at) = problem("print(later)\nlet later = 1")
        XCTAssertEqual(message, "'later' is used before its declaration")
        XCTAssertEqual(at, "1:7")
        // Inside a function body it is fine: the function runs later.
        _ = clean("fn f() { return later }\nlet later = 1\nprint(f())")
        _ = clean("fn a() { return b() }\nfn b() { return 1 }\nprint(a())")
    }

    func testAssignToLet() {
        let (message, at) = problem("let x = 1\nx = 2")
        XCTAssertTrue(message.hasPrefix("cannot assign to 'x': it is a constant"), message)
        XCTAssertEqual(at, "2:1")
        XCTAssertEqual(problem("fn f() {\n  let x = 1\n  x += 1\n}").0,
                       "cannot assign to 'x': it is a constant (declared with 'let' at line 2)")
        XCTAssertEqual(problem("fn f() {\n  let x = 1\n  return () => { x = 2 }\n}").1, "3:18")
        XCTAssertEqual(problem("let x = 1\nfn f() { x = 2 }").1, "2:10")
        XCTAssertTrue(problem("fn g() {}\ng = 1").0.hasPrefix("cannot assign to 'g'"))
        XCTAssertEqual(problem("var n = nil\nlet k = 1\nk ??= 2").1, "3:1")
        _ = clean("var x = 1\nx = 2\nfn f() { x += 1 }")
    }

    func testAssignToBuiltin() {
        XCTAssertEqual(problem("print = 1").0, "cannot assign to built-in 'print'; declare your own with 'var print = ...'")
        _ = clean("var print = 1\nprint = 2")
    }

    func testDuplicateDeclarations() {
        let (message, at) = problem("let a = 1\nvar a = 2")
        XCTAssertEqual(message, "'a' is already declared in this scope (at line 1)")
        XCTAssertEqual(at, "2:5")
        XCTAssertEqual(problem("fn f() {}\nfn f() {}").1, "2:4")
        XCTAssertEqual(problem("fn f() {\n  var a = 1\n  let a = 2\n}").0, "'a' is already declared in this scope (at line 2)")
        XCTAssertEqual(problem("fn f(a, a) {}").0, "duplicate parameter 'a'")
        XCTAssertEqual(problem("import \"./x.bbs\"\nlet x = 1").1, "2:5")
        // Inner blocks and functions may shadow.
        _ = clean("let a = 1\nfn f(a) { let b = a\n  { let b = 2 } }\n{ let a = 3 }")
    }

    func testBreakAndContinueOutsideLoops() {
        XCTAssertEqual(problem("break").0, "'break' outside a loop")
        XCTAssertEqual(problem("if true {\n  continue\n}").0, "'continue' outside a loop")
        XCTAssertEqual(problem("if true {\n  continue\n}").1, "2:3")
        // A function body is not inside the loop around it.
        XCTAssertEqual(problem("while true {\n  let f = () => {\n    break\n  }\n}").1, "3:5")
        _ = clean("while true { break }\nfor x in [] { if x { continue } }\nfn f() { while true { break } }")
    }

    func testReturnOutsideFunction() {
        XCTAssertEqual(problem("return 1").0, "'return' outside a function")
        XCTAssertEqual(problem("if true {\n  return\n}").1, "2:3")
        _ = clean("let f = () => { return 1 }\nfn g() { if true { return } }")
    }

    func testAllProblemsReportedWithPositions() {
        let d = resolve("print(a)\nbreak\nlet b = 1\nb = 2\nreturn\nlet b = 3").diagnostics
        let summary = d.map { "\($0.location.line):\($0.location.column)" }.sorted()
        XCTAssertEqual(summary, ["1:7", "2:1", "4:1", "5:1", "6:5"])
    }

    // MARK: Through the interpreter

    private func interpreter() -> (Interpreter, Captured) {
        let captured = Captured()
        let out = OutputBuffer(fd: 1)
        out.capture = { captured.text += $0 }
        let interp = Interpreter(out: out, err: out)
        CoreLibrary.install(into: interp)
        return (interp, captured)
    }

    func testPrepareReportsResolverErrorsWithoutRunning() {
        let (interp, captured) = interpreter()
        let file = SourceFile(path: "t.bbs", text: "print(\"ran\")\nlet x = 1\nx = 2\nprint(y)\n")
        guard case .failure(let e) = interp.prepare(file, globals: GlobalStore()) else { return XCTFail("must fail") }
        XCTAssertEqual(e.diagnostics.map(\.location.line), [3, 4], "sorted by position")
        XCTAssertTrue(e.render().hasPrefix("t.bbs:3:1: error: cannot assign to 'x'"))
        XCTAssertFalse(e.isIncomplete)
        XCTAssertEqual(captured.text, "")
    }

    func testPrepareReportsSyntaxErrors() {
        let (interp, _) = interpreter()
        guard case .failure(let e) = interp.prepare(SourceFile(path: "t.bbs", text: "fn f() {"), globals: GlobalStore())
        else { return XCTFail("must fail") }
        XCTAssertTrue(e.isIncomplete)
    }

    func testPreparedScriptRunsWithResolvedSlots() throws {
        let (interp, captured) = interpreter()
        let source = """
            fn counter() {
              var n = 0
              return () => { n += 1; return n }
            }
            let c = counter()
            c()
            var fs = []
            for i in [1, 2, 3] { fs.push(() => i) }
            print(c(), fs.map(f => f()))
            """
        guard case .success(let script) = interp.prepare(SourceFile(path: "t.bbs", text: source), globals: GlobalStore())
        else { return XCTFail("must compile") }
        let ok = Interpreter.runOnLargeStack { () -> Bool in
            do throws(ScriptError) {
                try interp.run(script)
                return true
            } catch {
                return false
            }
        }
        XCTAssertTrue(ok)
        interp.out.flush()
        XCTAssertEqual(captured.text, "2 [1, 2, 3]\n")
    }

    func testReplModeAllowsRedeclaringGlobals() {
        let (interp, _) = interpreter()
        let globals = GlobalStore()
        let first = interp.prepare(SourceFile(path: "<repl>", text: "let x = 1"), globals: globals, repl: true)
        XCTAssertNoThrow(try first.get())
        let again = interp.prepare(SourceFile(path: "<repl>", text: "let x = 2\nlet x = 3"), globals: globals, repl: true)
        XCTAssertNoThrow(try again.get())
        let strict = interp.prepare(SourceFile(path: "t.bbs", text: "let x = 2\nlet x = 3"), globals: GlobalStore())
        XCTAssertThrowsError(try strict.get())
    }

    /// A REPL entry that fails to resolve leaves no trace: its names are not declared after it.
    func testFailedReplEntryDeclaresNothing() throws {
        let (interp, captured) = interpreter()
        let globals = GlobalStore()
        let kept = interp.prepare(SourceFile(path: "<repl>", text: "var b = 1"), globals: globals, repl: true)
        try interp.run(kept.get())
        let failed = interp.prepare(SourceFile(path: "<repl>", text: "let a = nope\nlet b = 2"), globals: globals, repl: true)
        XCTAssertThrowsError(try failed.get())
        let useA = interp.prepare(SourceFile(path: "<repl>", text: "print(a)"), globals: globals, repl: true)
        XCTAssertThrowsError(try useA.get()) { error in
            XCTAssertEqual((error as? CompileError)?.diagnostics.first?.message, "undeclared variable 'a'")
        }
        // `b` is still the mutable variable it was, with its value.
        let useB = interp.prepare(SourceFile(path: "<repl>", text: "b += 1\nprint(b)"), globals: globals, repl: true)
        try interp.run(useB.get())
        interp.out.flush()
        XCTAssertEqual(captured.text, "2\n")
    }
}

// The parser: recursive descent for statements, precedence climbing for expressions.
//
// Precedence, lowest first (grammar/bbs.ebnf is the normative version):
//   1  = += -= *= /= %= ??=   (statement level and lambda bodies only; right)
//   2  =>                      lambdas
//   3  ||                      left
//   4  &&                      left
//   5  == != < <= > >= in      left
//   6  ??                      right   (so `n ?? 0 + 1` is `n ?? (0 + 1)`, as in Swift)
//   7  + -                     left
//   8  * / %                   left
//   9  - !                     prefix
//   10 () [] [:] . ?.          postfix
//
// It reports every syntax error in a file (recovering at the next statement), and marks
// errors caused only by input ending early as incomplete, for the REPL.

public struct Parser {
    private var tokens: [Token]
    private var pos = 0
    private var diagnostics: [Diagnostic] = []
    private let file: SourceFile
    /// Nesting of expressions and blocks being parsed. Everything after the parser walks
    /// the tree recursively, so the depth is bounded here, with a clear diagnostic.
    private var depth = 0
    static let maxDepth = Nesting.syntax
    /// Set when the nesting budget ran out: the parse stops at once rather than recovering
    /// into more of the same (100,000 nested maps would otherwise fail 100,000 times).
    private var abandoned = false

    public static func parse(_ file: SourceFile) -> Result<Program, CompileError> {
        let (tokens, lexErrors) = Lexer.tokenize(file.text)
        var parser = Parser(tokens: tokens, file: file)
        parser.diagnostics = lexErrors
        let body = parser.parseProgram()
        // After "input ended inside a string", what the parser says about the end is noise.
        // (The cut is where the string or `${` opened, so it can be well before the end.)
        if let cut = lexErrors.first(where: \.isIncomplete)?.location {
            let fromParser = parser.diagnostics[lexErrors.count...].filter {
                ($0.location.line, $0.location.column) < (cut.line, cut.column)
            }
            parser.diagnostics = lexErrors + fromParser
        }
        if !parser.diagnostics.isEmpty {
            let sorted = parser.diagnostics.sorted {
                ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
            }
            return .failure(CompileError(file: file, diagnostics: sorted))
        }
        return .success(Program(file: file, body: body))
    }

    private init(tokens: [Token], file: SourceFile) {
        self.tokens = tokens
        self.file = file
    }

    // MARK: - Token helpers

    private var current: Token { tokens[pos] }
    private var kind: TokenKind { tokens[pos].kind }

    private func peekKind(_ offset: Int) -> TokenKind {
        let i = pos + offset
        return i < tokens.count ? tokens[i].kind : .eof
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private mutating func match(_ k: TokenKind) -> Bool {
        if kind == k {
            advance()
            return true
        }
        return false
    }

    private mutating func skipNewlines() {
        while kind == .newline || kind == .semicolon { advance() }
    }

    struct ParseFailure: Error {}

    /// Checks the nesting budget after `depth` went up by one. Nesting counts every
    /// construct that makes the tree deeper: blocks, brackets, each link of an operator or
    /// member chain, each prefix operator, each `${}`.
    private mutating func checkNesting(_ what: String) throws(ParseFailure) {
        guard depth > Parser.maxDepth else { return }
        abandoned = true
        throw fail("\(what) (more than \(Parser.maxDepth) levels)")
    }

    private mutating func fail(_ message: String, at token: Token? = nil) -> ParseFailure {
        let t = token ?? current
        // The lexer ends input with a newline, so "ran out of input" can stop on it too.
        let atEnd = t.kind == .eof || (t.kind == .newline && tokens[min(pos + 1, tokens.count - 1)].kind == .eof && token == nil)
        diagnostics.append(Diagnostic(message, at: t.location, incomplete: atEnd))
        return ParseFailure()
    }

    @discardableResult
    private mutating func expect(_ k: TokenKind, _ what: String) throws(ParseFailure) -> Token {
        if kind == k { return advance() }
        throw fail("expected \(what), found \(current.described)")
    }

    private mutating func expectIdentifier(_ what: String) throws(ParseFailure) -> Token {
        if kind == .identifier { return advance() }
        if Lexer.keywords[current.text] != nil {
            throw fail("expected \(what), found keyword '\(current.text)'")
        }
        throw fail("expected \(what), found \(current.described)")
    }

    /// Skips to the start of the next statement after an error.
    private mutating func synchronize() {
        var depth = 0
        while kind != .eof {
            switch kind {
            case .lbrace: depth += 1
            case .rbrace:
                if depth == 0 { return }
                depth -= 1
            case .newline, .semicolon:
                if depth == 0 {
                    advance()
                    return
                }
            default: break
            }
            advance()
        }
    }

    // MARK: - Statements

    private mutating func parseProgram() -> [Stmt] {
        var body: [Stmt] = []
        skipNewlines()
        while kind != .eof && !abandoned {
            if kind == .rbrace {
                _ = fail("unexpected '}' with no block to close")
                advance()
            } else if let s = statementRecovering() {
                body.append(s)
            }
            skipNewlines()
        }
        return body
    }

    private mutating func statementRecovering() -> Stmt? {
        do {
            let s = try statement()
            try endOfStatement()
            return s
        } catch {
            if !abandoned { synchronize() }
            return nil
        }
    }

    private mutating func endOfStatement() throws(ParseFailure) {
        // A statement that ends with a block needs no separator: `if a { b } c` is fine.
        if pos > 0 && tokens[pos - 1].kind == .rbrace { return }
        switch kind {
        case .newline, .semicolon: advance()
        case .rbrace, .eof: break
        default: throw fail("expected end of statement (a new line or ';'), found \(current.described)")
        }
    }

    private mutating func block() throws(ParseFailure) -> [Stmt] {
        depth += 1
        defer { depth -= 1 }
        try checkNesting("blocks nested too deeply")
        let open = current
        guard kind == .lbrace else { throw fail("expected '{', found \(current.described)") }
        advance()
        var body: [Stmt] = []
        skipNewlines()
        while kind != .rbrace {
            if kind == .eof {
                diagnostics.append(Diagnostic("expected '}' to close the block opened at line \(open.location.line)",
                                              at: current.location, incomplete: true))
                throw ParseFailure()
            }
            if let s = statementRecovering() { body.append(s) }
            if abandoned { throw ParseFailure() }
            skipNewlines()
        }
        advance()
        return body
    }

    private mutating func statement() throws(ParseFailure) -> Stmt {
        let start = current
        switch kind {
        case .kwLet, .kwVar: return try declaration()
        case .kwFn where peekKind(1) == .identifier:
            advance()
            let name = advance()
            let decl = Declaration(name.text, name.location, constant: true)
            let fn = try functionRest(name: name.text, at: start.location)
            return .function(decl, fn)
        case .kwIf: return try ifStatement()
        case .kwWhile:
            advance()
            let cond = try expression()
            return .whileLoop(cond, try block())
        case .kwFor: return try forStatement()
        case .kwBreak: advance(); return .breakLoop(start.location)
        case .kwContinue: advance(); return .continueLoop(start.location)
        case .kwReturn:
            advance()
            if [.newline, .semicolon, .rbrace, .eof].contains(kind) { return .returnValue(nil, start.location) }
            return .returnValue(try expression(), start.location)
        case .kwThrow:
            advance()
            return .throwError(try expression(), start.location)
        case .kwTry: return try tryStatement()
        case .kwImport: return try importStatement()
        case .lbrace: return .block(try block())
        default:
            return .expression(try expressionOrAssignment())
        }
    }

    private mutating func declaration() throws(ParseFailure) -> Stmt {
        let keyword = advance()
        let constant = keyword.kind == .kwLet
        let name = try expectIdentifier("a name after '\(keyword.text)'")
        let decl = Declaration(name.text, name.location, constant: constant)
        if match(.equal) {
            return .declare(decl, try expression())
        }
        if constant {
            throw fail("'let \(name.text)' needs a value: 'let \(name.text) = ...' (use 'var' for a variable set later)")
        }
        return .declare(decl, nil)
    }

    private mutating func ifStatement() throws(ParseFailure) -> Stmt {
        advance()
        let cond = try expression()
        let then = try block()
        guard skipNewlinesBefore(.kwElse) else { return .ifElse(cond, then, nil) }
        advance()
        if kind == .kwIf {
            depth += 1
            defer { depth -= 1 }
            try checkNesting("'else if' chain too long")
            return .ifElse(cond, then, [try ifStatement()])
        }
        return .ifElse(cond, then, try block())
    }

    /// `else` and `catch` may start the line after a closing brace.
    private mutating func skipNewlinesBefore(_ k: TokenKind) -> Bool {
        var i = pos
        while tokens[i].kind == .newline { i += 1 }
        guard tokens[i].kind == k else { return false }
        pos = i
        return true
    }

    private mutating func forStatement() throws(ParseFailure) -> Stmt {
        let start = advance()
        let first = try expectIdentifier("a loop variable after 'for'")
        var second: Declaration?
        if match(.comma) {
            let t = try expectIdentifier("a second loop variable after ','")
            second = Declaration(t.text, t.location, constant: false)
        }
        try expect(.kwIn, "'in' after the loop variable")
        let iterable = try expression()
        let body = try block()
        return .forIn(Declaration(first.text, first.location, constant: false), second, iterable, body, start.location)
    }

    private mutating func tryStatement() throws(ParseFailure) -> Stmt {
        let start = advance()
        let body = try block()
        guard skipNewlinesBefore(.kwCatch) else {
            throw fail("expected 'catch' after the 'try' block")
        }
        advance()
        var binding: Declaration?
        if kind == .identifier {
            let t = advance()
            binding = Declaration(t.text, t.location, constant: false)
        }
        return .tryCatch(body, binding, try block(), start.location)
    }

    private mutating func importStatement() throws(ParseFailure) -> Stmt {
        let start = advance()
        guard kind == .string else { throw fail("expected a module name in quotes after 'import', as in import \"branches\"") }
        let path = advance()
        var alias: Token
        if match(.kwAs) {
            alias = try expectIdentifier("a name after 'as'")
        } else {
            let base = Parser.moduleBaseName(path.text)
            guard Parser.isIdentifier(base) else {
                throw fail("module \"\(path.text)\" has no usable name; add 'as NAME'", at: path)
            }
            alias = Token(.identifier, base, path.location)
        }
        return .importModule(path.text, Declaration(alias.text, alias.location, constant: true), start.location)
    }

    static func moduleBaseName(_ path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".bbs") { name.removeLast(4) }
        return name
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
            && Lexer.keywords[s] == nil
    }

    // MARK: - Functions

    private mutating func functionRest(name: String, at location: SourceLocation) throws(ParseFailure) -> FunctionNode {
        try expect(.lparen, "'(' to start the parameter list")
        let params = try parameterList()
        let body = try block()
        return FunctionNode(name: name, location: location, parameters: params, body: body)
    }

    /// Parameters up to and including the closing ')'.
    private mutating func parameterList() throws(ParseFailure) -> [Parameter] {
        var params: [Parameter] = []
        var sawDefault = false
        while kind != .rparen {
            let t = try expectIdentifier("a parameter name")
            var defaultValue: Expr?
            if match(.equal) {
                defaultValue = try expression()
                sawDefault = true
            } else if sawDefault {
                throw fail("parameter '\(t.text)' needs a default value because an earlier one has one", at: t)
            }
            params.append(Parameter(declaration: Declaration(t.text, t.location, constant: false), defaultValue: defaultValue))
            if !match(.comma) { break }
        }
        try expect(.rparen, "')' after the parameters")
        return params
    }

    /// After `=>`: a block, or one expression (which may be an assignment).
    private mutating func lambdaBody(params: [Parameter], at location: SourceLocation) throws(ParseFailure) -> Expr {
        let body: [Stmt]
        if kind == .lbrace {
            body = try block()
        } else {
            let e = try expressionOrAssignment()
            body = [.returnValue(e, e.location)]
        }
        return .function(FunctionNode(name: "<lambda>", location: location, parameters: params, body: body))
    }

    /// True when the `(` at the cursor opens a lambda's parameter list: `(a, b) =>`.
    private func parenthesisStartsLambda() -> Bool {
        var depth = 0
        var i = pos
        while i < tokens.count {
            switch tokens[i].kind {
            case .lparen, .lbracket, .lbrace:
                depth += 1
                // Nested past the budget the parse fails anyway; scanning on would make
                // 100,000 nested '(' quadratic.
                if depth > Parser.maxDepth { return false }
            case .rparen, .rbracket, .rbrace:
                depth -= 1
                if depth == 0 { return i + 1 < tokens.count && tokens[i + 1].kind == .arrow }
            case .eof: return false
            default: break
            }
            i += 1
        }
        return false
    }

    // MARK: - Expressions

    private mutating func expressionOrAssignment() throws(ParseFailure) -> Expr {
        let target = try expression()
        let op: AssignOperator
        switch kind {
        case .equal: op = .plain
        case .plusEqual: op = .arithmetic(.add)
        case .minusEqual: op = .arithmetic(.subtract)
        case .starEqual: op = .arithmetic(.multiply)
        case .slashEqual: op = .arithmetic(.divide)
        case .percentEqual: op = .arithmetic(.remainder)
        case .questionQuestionEqual: op = .coalesce
        default: return target
        }
        let opToken = advance()
        let assignTarget: AssignTarget
        switch target {
        case .variable(let v): assignTarget = .variable(v)
        case .member(let obj, let name, false, let l): assignTarget = .member(obj, name, l)
        case .index(let obj, let key, false, let l): assignTarget = .index(obj, key, l)
        default:
            throw fail("cannot assign to this expression; only to a variable, 'x.name' or 'x[key]'", at: opToken)
        }
        depth += 1
        defer { depth -= 1 }
        try checkNesting("chain of assignments too long")
        let value = try expressionOrAssignment()
        return .assign(assignTarget, op, value, opToken.location)
    }

    mutating func expression() throws(ParseFailure) -> Expr {
        depth += 1
        defer { depth -= 1 }
        try checkNesting("expression nested too deeply")
        if kind == .identifier && peekKind(1) == .arrow {
            let t = advance()
            advance()
            let p = Parameter(declaration: Declaration(t.text, t.location, constant: false), defaultValue: nil)
            return try lambdaBody(params: [p], at: t.location)
        }
        if kind == .lparen && parenthesisStartsLambda() {
            let start = advance()
            let params = try parameterList()
            try expect(.arrow, "'=>'")
            return try lambdaBody(params: params, at: start.location)
        }
        if kind == .kwFn && peekKind(1) == .lparen {
            let start = advance()
            return .function(try functionRest(name: "<fn>", at: start.location))
        }
        return try binary(minPrecedence: 3)
    }

    private static func precedence(_ k: TokenKind) -> Int? {
        switch k {
        case .pipePipe: return 3
        case .ampAmp: return 4
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .kwIn: return 5
        case .questionQuestion: return 6
        case .plus, .minus: return 7
        case .star, .slash, .percent: return 8
        default: return nil
        }
    }

    private mutating func binary(minPrecedence: Int) throws(ParseFailure) -> Expr {
        var left = try unary()
        // Each operator of a chain nests the tree one level deeper: `1+1+...` is as deep as it is long.
        var links = 0
        defer { depth -= links }
        while let prec = Parser.precedence(kind), prec >= minPrecedence {
            let op = advance()
            links += 1
            depth += 1
            try checkNesting("chain of operators too long, or nested too deeply")
            // `??` is right-associative; everything else groups to the left.
            let right = try binaryOperand(after: op, minPrecedence: op.kind == .questionQuestion ? prec : prec + 1)
            let l = op.location
            switch op.kind {
            case .pipePipe: left = .or(left, right, l)
            case .ampAmp: left = .and(left, right, l)
            case .questionQuestion: left = .coalesce(left, right, l)
            case .kwIn: left = .binary(.contains, left, right, l)
            default: left = .binary(BinaryOperator(rawValue: op.text)!, left, right, l)
            }
        }
        return left
    }

    private mutating func binaryOperand(after op: Token, minPrecedence: Int) throws(ParseFailure) -> Expr {
        if kind == .eof || kind == .newline {
            throw fail("expected an expression after '\(op.text)'")
        }
        return try binary(minPrecedence: minPrecedence)
    }

    private mutating func unary() throws(ParseFailure) -> Expr {
        if kind == .minus || kind == .bang {
            let op = advance()
            if op.kind == .minus && kind == .int && current.intValue == Int.min {
                let t = advance()
                return .literal(.int(Int.min), t.location)
            }
            depth += 1
            defer { depth -= 1 }
            try checkNesting("prefix operators nested too deeply")
            let operand = try unary()
            if op.kind == .minus, case .literal(.int(let n), _) = operand, n != Int.min { return .literal(.int(-n), op.location) }
            if op.kind == .minus, case .literal(.float(let d), _) = operand { return .literal(.float(-d), op.location) }
            return .unary(op.kind == .minus ? .negate : .not, operand, op.location)
        }
        return try postfix()
    }

    private mutating func postfix() throws(ParseFailure) -> Expr {
        var e = try primary()
        var sawOptional = false
        // Each call, index and member access wraps the tree once more: `a.a.a...` nests.
        var links = 0
        defer { depth -= links }
        while true {
            switch kind {
            case .lparen, .dot, .questionDot, .lbracket:
                links += 1
                depth += 1
                try checkNesting("chain of calls, indexes and member accesses too long, or nested too deeply")
            default: break
            }
            switch kind {
            case .lparen:
                let open = advance()
                let args = try arguments(closing: .rparen)
                if case .member(let recv, let name, let opt, let l) = e {
                    e = .methodCall(recv, name, args, optional: opt, l)
                } else {
                    e = .call(e, args, open.location)
                }
            case .dot, .questionDot:
                let dot = advance()
                let optional = dot.kind == .questionDot
                sawOptional = sawOptional || optional
                if optional && kind == .lbracket {
                    e = try indexOrSlice(e, optional: true)
                    continue
                }
                let name: Token
                if kind == .identifier || Lexer.keywords[current.text] == kind {
                    name = advance() // keywords are fine as member names: m.in, e.catch
                } else {
                    throw fail("expected a member name after '\(dot.text)', found \(current.described)")
                }
                e = .member(e, name.text, optional: optional, name.location)
            case .lbracket:
                // `xs\n[1]` would be surprising as an index; the lexer drops such newlines only
                // inside brackets, so a '[' here is on the same logical line.
                e = try indexOrSlice(e, optional: false)
            default:
                return sawOptional ? .optionalChain(e) : e
            }
        }
    }

    private mutating func indexOrSlice(_ target: Expr, optional: Bool) throws(ParseFailure) -> Expr {
        let open = try expect(.lbracket, "'['")
        var lower: Expr?
        if kind != .colon { lower = try expression() }
        if match(.colon) {
            var upper: Expr?
            if kind != .rbracket { upper = try expression() }
            try expect(.rbracket, "']' to close the slice")
            return .slice(target, lower, upper, open.location)
        }
        guard let key = lower else { throw fail("expected an index inside '[ ]'") }
        try expect(.rbracket, "']' after the index")
        return .index(target, key, optional: optional, open.location)
    }

    private mutating func arguments(closing: TokenKind) throws(ParseFailure) -> [Expr] {
        var args: [Expr] = []
        skipNewlines()
        while kind != closing {
            args.append(try expression())
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        let what = closing == .rparen ? "')' to close the call" : "']' to close the list"
        if kind != closing { throw fail("expected ',' or \(what), found \(current.described)") }
        advance()
        return args
    }

    private mutating func primary() throws(ParseFailure) -> Expr {
        let t = current
        switch t.kind {
        case .int:
            if t.intValue == Int.min {
                throw fail("integer literal '\(t.text)' is too large for a 64-bit int")
            }
            advance()
            return .literal(.int(t.intValue), t.location)
        case .float: advance(); return .literal(.float(t.floatValue), t.location)
        case .string: advance(); return .literal(.string(t.text), t.location)
        case .template: advance(); return try template(t)
        case .kwTrue: advance(); return .literal(.bool(true), t.location)
        case .kwFalse: advance(); return .literal(.bool(false), t.location)
        case .kwNil: advance(); return .literal(.null, t.location)
        case .identifier: advance(); return .variable(VarRef(t.text, t.location))
        case .lparen:
            advance()
            skipNewlines()
            let e = try expression()
            skipNewlines()
            try expect(.rparen, "')'")
            return e
        case .lbracket:
            advance()
            return .list(try arguments(closing: .rbracket), t.location)
        case .lbrace:
            return try mapLiteral()
        case .eof:
            throw fail("expected an expression, found end of input")
        default:
            if Lexer.keywords[t.text] != nil {
                throw fail("expected an expression, found keyword '\(t.text)'")
            }
            throw fail("expected an expression, found \(t.described)")
        }
    }

    private mutating func mapLiteral() throws(ParseFailure) -> Expr {
        let open = advance()
        var entries: [MapEntry] = []
        skipNewlines()
        while kind != .rbrace {
            let keyToken = current
            let key: Expr
            switch kind {
            case .identifier, .string:
                advance()
                key = .literal(.string(keyToken.text), keyToken.location)
            case .template:
                advance()
                key = try template(keyToken)
            case .int:
                advance()
                key = .literal(.string(keyToken.text), keyToken.location)
            case .lbracket:
                advance()
                key = try expression()
                try expect(.rbracket, "']' after a computed key")
            default:
                if Lexer.keywords[keyToken.text] != nil {
                    advance()
                    key = .literal(.string(keyToken.text), keyToken.location)
                } else if kind == .eof {
                    throw fail("expected '}' to close the map opened at line \(open.location.line)")
                } else {
                    throw fail("expected a map key (a name, a string or [expression]), found \(current.described)")
                }
            }
            try expect(.colon, "':' after the map key")
            skipNewlines()
            entries.append(MapEntry(key: key, value: try expression()))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        if kind != .rbrace {
            throw fail(kind == .eof ? "expected '}' to close the map opened at line \(open.location.line)"
                                    : "expected ',' or '}' in the map, found \(current.described)")
        }
        advance()
        return .map(entries, open.location)
    }

    private mutating func template(_ t: Token) throws(ParseFailure) -> Expr {
        var pieces: [TemplatePiece] = []
        for part in t.parts {
            switch part {
            case .text(let s): pieces.append(.text(s))
            case .code(let code, let loc):
                var inner = Parser(tokens: code, file: file)
                inner.depth = depth + 1
                do {
                    try inner.checkNesting("string interpolation nested too deeply")
                    let e = try inner.expression()
                    if inner.kind != .eof {
                        throw inner.fail("expected '}' to end the interpolation, found \(inner.current.described)")
                    }
                    pieces.append(.expr(e))
                } catch {
                    // The string itself was closed, so nothing inside it can be "incomplete".
                    diagnostics += inner.diagnostics.map { Diagnostic($0.message, at: $0.location) }
                    abandoned = abandoned || inner.abandoned
                    _ = loc
                    throw ParseFailure()
                }
            }
        }
        return .template(pieces, t.location)
    }
}

// The lexer: UTF-8 bytes in, tokens out, every token with its line and column.
//
// Newlines are statement terminators, except where an expression obviously goes on:
// after a binary operator, comma or open bracket, inside ( ) and [ ], and before a line
// that starts with `.` or `?.` (method chains). `${...}` inside strings is lexed
// recursively into a `template` token so the parser can parse each piece as an expression.

public struct Lexer {
    public static let keywords: [String: TokenKind] = [
        "let": .kwLet, "var": .kwVar, "fn": .kwFn, "return": .kwReturn, "if": .kwIf,
        "else": .kwElse, "while": .kwWhile, "for": .kwFor, "in": .kwIn, "break": .kwBreak,
        "continue": .kwContinue, "true": .kwTrue, "false": .kwFalse, "nil": .kwNil,
        "try": .kwTry, "catch": .kwCatch, "throw": .kwThrow, "import": .kwImport, "as": .kwAs,
    ]

    private let bytes: [UInt8]
    private var pos: Int
    private var line: Int
    private var column: Int
    /// Open brackets, innermost last; newlines are ignored while the innermost is ( or [.
    private var brackets: [UInt8] = []
    private var tokens: [Token] = []
    public private(set) var diagnostics: [Diagnostic] = []
    /// Where a `${` inside a string stops: the lexer for the inner code ends at its `}`.
    private let stopAtClosingBrace: Bool
    /// How many `${` this lexer is inside, and where the innermost one opened.
    private let interpolationDepth: Int
    private let interpolationStart: SourceLocation?
    /// Set when interpolations nest past the budget: lexing stops there, with one error.
    private var abandoned = false

    public init(_ text: String) {
        self.init(bytes: Array(text.utf8), start: 0, line: 1, column: 1, interpolation: nil, depth: 0)
    }

    private init(bytes: [UInt8], start: Int, line: Int, column: Int, interpolation: SourceLocation?, depth: Int) {
        self.bytes = bytes
        self.pos = start
        self.line = line
        self.column = column
        self.stopAtClosingBrace = interpolation != nil
        self.interpolationStart = interpolation
        self.interpolationDepth = depth
    }

    /// Lexes the whole input. The last token is always `.eof`.
    public static func tokenize(_ text: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(text)
        lexer.run()
        // Past the nesting budget nothing after the error is worth parsing.
        if lexer.abandoned { return ([Token(.eof, "", lexer.here)], lexer.diagnostics) }
        return (lexer.tokens, lexer.diagnostics)
    }

    private var here: SourceLocation { SourceLocation(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> UInt8 {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : 0
    }

    private mutating func advance() {
        let b = bytes[pos]
        pos += 1
        if b == 0x0A {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func add(_ kind: TokenKind, _ text: String, at loc: SourceLocation) {
        var t = Token(kind, text, loc)
        t.atLineStart = tokens.last.map { $0.kind == .newline } ?? true
        tokens.append(t)
    }

    private mutating func error(_ message: String, at loc: SourceLocation, incomplete: Bool = false) {
        diagnostics.append(Diagnostic(message, at: loc, incomplete: incomplete))
    }

    // MARK: - Main loop

    private mutating func run() {
        while true {
            skipSpaceAndComments()
            let start = here
            if abandoned { return }
            guard pos < bytes.count else {
                if stopAtClosingBrace {
                    error("unterminated '${' in string", at: interpolationStart ?? start, incomplete: true)
                }
                finishLine(at: start)
                add(.eof, "", at: start)
                return
            }
            let c = peek()
            if c == 0x0A {
                advance()
                newline(at: start)
                continue
            }
            if stopAtClosingBrace && c == UInt8(ascii: "}") && brackets.isEmpty {
                finishLine(at: start)
                add(.eof, "}", at: start)
                return
            }
            lexToken(c, start)
        }
    }

    private mutating func skipSpaceAndComments() {
        while pos < bytes.count {
            let c = peek()
            if c == 0x20 || c == 0x09 || c == 0x0D {
                advance()
            } else if c == UInt8(ascii: "#") {
                while pos < bytes.count && peek() != 0x0A { advance() }
            } else if c == UInt8(ascii: "\\") && (peek(1) == 0x0A || (peek(1) == 0x0D && peek(2) == 0x0A)) {
                // An explicit line continuation.
                advance()
                while peek() != 0x0A { advance() }
                advance()
            } else {
                return
            }
        }
    }

    /// Emits a newline token unless the statement obviously continues.
    private mutating func newline(at loc: SourceLocation) {
        if let top = brackets.last, top != UInt8(ascii: "{") { return }
        guard let last = tokens.last else { return }
        if Lexer.continuesAfter(last.kind) { return }
        if nextLineStartsWithDot() { return }
        add(.newline, "\n", at: loc)
    }

    /// At end of input, a pending statement still needs its terminator.
    private mutating func finishLine(at loc: SourceLocation) {
        if let last = tokens.last, last.kind != .newline {
            add(.newline, "\n", at: loc)
        }
    }

    private static func continuesAfter(_ kind: TokenKind) -> Bool {
        switch kind {
        case .newline, .comma, .lparen, .lbracket, .lbrace, .dot, .questionDot, .colon, .arrow,
             .plus, .minus, .star, .slash, .percent, .bang,
             .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual, .percentEqual, .questionQuestionEqual,
             .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
             .ampAmp, .pipePipe, .questionQuestion, .kwIn:
            return true
        default:
            return false
        }
    }

    private func nextLineStartsWithDot() -> Bool {
        var i = pos
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A {
                i += 1
            } else if c == UInt8(ascii: "#") {
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            } else {
                let next = i + 1 < bytes.count ? bytes[i + 1] : 0
                if c == UInt8(ascii: ".") { return next != UInt8(ascii: ".") && !isDigit(next) }
                return c == UInt8(ascii: "?") && next == UInt8(ascii: ".")
            }
        }
        return false
    }

    // MARK: - Tokens

    private mutating func lexToken(_ c: UInt8, _ start: SourceLocation) {
        if isIdentStart(c) { return identifier(start) }
        if isDigit(c) { return number(start) }
        if c == UInt8(ascii: "\"") {
            if peek(1) == c && peek(2) == c { return string(start, multiline: true) }
            return string(start, multiline: false)
        }
        if c == UInt8(ascii: "'") { return rawString(start) }
        advance()
        let n = peek()
        func two(_ kind: TokenKind, _ text: String) -> (TokenKind, String) {
            advance()
            return (kind, text)
        }
        let result: (TokenKind, String)
        switch c {
        case UInt8(ascii: "("): brackets.append(c); result = (.lparen, "(")
        case UInt8(ascii: "["): brackets.append(c); result = (.lbracket, "[")
        case UInt8(ascii: "{"): brackets.append(c); result = (.lbrace, "{")
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            if !brackets.isEmpty { brackets.removeLast() }
            result = c == UInt8(ascii: ")") ? (.rparen, ")") : c == UInt8(ascii: "]") ? (.rbracket, "]") : (.rbrace, "}")
        case UInt8(ascii: ","): result = (.comma, ",")
        case UInt8(ascii: ";"): result = (.semicolon, ";")
        case UInt8(ascii: ":"): result = (.colon, ":")
        case UInt8(ascii: "."): result = (.dot, ".")
        case UInt8(ascii: "+"): result = n == UInt8(ascii: "=") ? two(.plusEqual, "+=") : (.plus, "+")
        case UInt8(ascii: "-"): result = n == UInt8(ascii: "=") ? two(.minusEqual, "-=") : (.minus, "-")
        case UInt8(ascii: "*"): result = n == UInt8(ascii: "=") ? two(.starEqual, "*=") : (.star, "*")
        case UInt8(ascii: "/"): result = n == UInt8(ascii: "=") ? two(.slashEqual, "/=") : (.slash, "/")
        case UInt8(ascii: "%"): result = n == UInt8(ascii: "=") ? two(.percentEqual, "%=") : (.percent, "%")
        case UInt8(ascii: "!"): result = n == UInt8(ascii: "=") ? two(.bangEqual, "!=") : (.bang, "!")
        case UInt8(ascii: "<"): result = n == UInt8(ascii: "=") ? two(.lessEqual, "<=") : (.less, "<")
        case UInt8(ascii: ">"): result = n == UInt8(ascii: "=") ? two(.greaterEqual, ">=") : (.greater, ">")
        case UInt8(ascii: "="):
            if n == UInt8(ascii: "=") { result = two(.equalEqual, "==") }
            else if n == UInt8(ascii: ">") { result = two(.arrow, "=>") }
            else { result = (.equal, "=") }
        case UInt8(ascii: "&") where n == UInt8(ascii: "&"): result = two(.ampAmp, "&&")
        case UInt8(ascii: "|") where n == UInt8(ascii: "|"): result = two(.pipePipe, "||")
        case UInt8(ascii: "?"):
            if n == UInt8(ascii: ".") { result = two(.questionDot, "?.") }
            else if n == UInt8(ascii: "?") {
                advance()
                if peek() == UInt8(ascii: "=") { advance(); result = (.questionQuestionEqual, "??=") }
                else { result = (.questionQuestion, "??") }
            } else {
                error("unexpected character '?' (did you mean '?.' or '??'?)", at: start)
                return
            }
        default:
            // Report the whole (possibly multi-byte) character, then skip it.
            var end = pos
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            let ch = String(decoding: bytes[(pos - 1)..<end], as: UTF8.self)
            while pos < end { advance() }
            error("unexpected character '\(Lexer.visible(ch))'", at: start)
            return
        }
        add(result.0, result.1, at: start)
    }

    private mutating func identifier(_ start: SourceLocation) {
        let begin = pos
        while pos < bytes.count && isIdentPart(peek()) { advance() }
        let text = String(decoding: bytes[begin..<pos], as: UTF8.self)
        add(Lexer.keywords[text] ?? .identifier, text, at: start)
    }

    private mutating func number(_ start: SourceLocation) {
        let begin = pos
        if peek() == UInt8(ascii: "0") && (peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X")) {
            advance(); advance()
            var digits = ""
            while isHexDigit(peek()) || peek() == UInt8(ascii: "_") {
                if peek() != UInt8(ascii: "_") { digits.append(Character(Unicode.Scalar(peek()))) }
                advance()
            }
            let text = String(decoding: bytes[begin..<pos], as: UTF8.self)
            if Lexer.isSmallestIntMagnitude(digits) {
                // Only valid after a minus sign (the smallest int), as in decimal; the parser checks that.
                var t = Token(.int, text, start)
                t.intValue = Int.min
                append(t)
                return
            }
            guard !digits.isEmpty, let v = Int(digits, radix: 16) else {
                error(digits.isEmpty ? "hex literal '\(text)' has no digits" : "integer literal '\(text)' is too large", at: start)
                return
            }
            var t = Token(.int, text, start)
            t.intValue = v
            append(t)
            return
        }
        var isFloat = false
        consumeDigits()
        if peek() == UInt8(ascii: ".") && isDigit(peek(1)) {
            isFloat = true
            advance()
            consumeDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
            if isDigit(peek(sign ? 2 : 1)) {
                isFloat = true
                advance()
                if sign { advance() }
                consumeDigits()
            }
        }
        if isIdentStart(peek()) {
            // `12abc`: report the whole word once, and go on as if it were a number.
            while pos < bytes.count && isIdentPart(peek()) { advance() }
            error("invalid number literal '\(String(decoding: bytes[begin..<pos], as: UTF8.self))'", at: start)
            append(Token(.int, "0", start))
            return
        }
        let text = String(decoding: bytes[begin..<pos], as: UTF8.self)
        let clean = String(text.filter { $0 != "_" })
        if isFloat {
            var t = Token(.float, text, start)
            t.floatValue = Double(clean) ?? .nan
            append(t)
        } else if let v = Int(clean) {
            var t = Token(.int, text, start)
            t.intValue = v
            append(t)
        } else if clean == "9223372036854775808" {
            // Only valid after a minus sign (the smallest int); the parser checks that.
            var t = Token(.int, text, start)
            t.intValue = Int.min
            append(t)
        } else {
            error("integer literal '\(text)' is too large for a 64-bit int", at: start)
            append(Token(.int, "0", start)) // keep parsing: one error, not a follow-on one
        }
    }

    private mutating func consumeDigits() {
        while isDigit(peek()) || (peek() == UInt8(ascii: "_") && isDigit(peek(1))) { advance() }
    }

    private mutating func append(_ token: Token) {
        var t = token
        t.atLineStart = tokens.last.map { $0.kind == .newline } ?? true
        tokens.append(t)
    }

    // MARK: - Strings

    /// `'...'`: no escapes, no interpolation (handy for BBQL, which uses double quotes).
    private mutating func rawString(_ start: SourceLocation) {
        advance()
        let begin = pos
        while pos < bytes.count && peek() != UInt8(ascii: "'") && peek() != 0x0A { advance() }
        guard peek() == UInt8(ascii: "'") else {
            error("unterminated string: a ' string ends on the same line", at: start, incomplete: pos >= bytes.count)
            return
        }
        let text = String(decoding: bytes[begin..<pos], as: UTF8.self)
        advance()
        add(.string, text, at: start)
    }

    /// `"..."` and `"""..."""`, with escapes and `${expr}` interpolation.
    private mutating func string(_ start: SourceLocation, multiline: Bool) {
        advance()
        if multiline {
            advance(); advance()
            // A newline right after the opening quotes is not part of the text.
            if peek() == 0x0D && peek(1) == 0x0A { advance() }
            if peek() == 0x0A { advance() }
        }
        var parts: [TemplatePart] = []
        var buffer: [UInt8] = []
        func flush() {
            if !buffer.isEmpty {
                parts.append(.text(String(decoding: buffer, as: UTF8.self)))
                buffer.removeAll()
            }
        }
        while true {
            guard pos < bytes.count else {
                error(multiline ? "unterminated \"\"\" string" : "unterminated string", at: start, incomplete: true)
                return
            }
            let c = peek()
            if c == UInt8(ascii: "\"") {
                if !multiline { advance(); break }
                if peek(1) == c && peek(2) == c { advance(); advance(); advance(); break }
                buffer.append(c)
                advance()
            } else if c == 0x0A && !multiline {
                error("unterminated string (use \"\"\" for text over several lines)", at: start)
                return
            } else if c == UInt8(ascii: "\\") {
                escape(into: &buffer)
            } else if c == UInt8(ascii: "$") && peek(1) == UInt8(ascii: "{") {
                flush()
                let exprStart = here
                advance(); advance()
                if interpolationDepth >= Nesting.syntax {
                    error("string interpolation nested too deeply (more than \(Nesting.syntax) levels)", at: exprStart)
                    abandoned = true
                    return
                }
                var inner = Lexer(bytes: bytes, start: pos, line: line, column: column,
                                  interpolation: exprStart, depth: interpolationDepth + 1)
                inner.run()
                diagnostics += inner.diagnostics
                if inner.abandoned {
                    abandoned = true
                    return
                }
                pos = inner.pos
                line = inner.line
                column = inner.column
                if pos < bytes.count { advance() } // the closing }
                var code = inner.tokens
                if code.count <= 2 && code.first.map({ $0.kind == .newline || $0.kind == .eof }) == true {
                    error("empty '${}' in string", at: exprStart)
                }
                // Interpolated code is one expression: drop the newline the inner lexer added.
                code.removeAll { $0.kind == .newline }
                parts.append(.code(code, exprStart))
                if inner.diagnostics.contains(where: \.isIncomplete) { return }
            } else {
                buffer.append(c)
                advance()
            }
        }
        flush()
        if multiline { parts = Lexer.dedent(parts) }
        if parts.allSatisfy({ if case .text = $0 { return true } else { return false } }) {
            let text = parts.map { if case .text(let s) = $0 { return s } else { return "" } }.joined()
            add(.string, text, at: start)
        } else {
            var t = Token(.template, "", start)
            t.parts = parts
            append(t)
        }
    }

    private mutating func escape(into buffer: inout [UInt8]) {
        let loc = here
        advance()
        guard pos < bytes.count else { return }
        let e = peek()
        advance()
        switch e {
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "0"): buffer.append(0x00)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "$"): buffer.append(e)
        case 0x0A: break // backslash-newline inside a string joins lines
        case 0x0D where peek() == 0x0A: advance() // the same in a file with CRLF line ends
        case UInt8(ascii: "u"):
            guard peek() == UInt8(ascii: "{") else {
                error("expected '{' after \\u, as in \\u{1F600}", at: loc)
                return
            }
            advance()
            var hex = ""
            while isHexDigit(peek()) { hex.append(Character(Unicode.Scalar(peek()))); advance() }
            guard peek() == UInt8(ascii: "}"), let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                error("invalid unicode escape '\\u{\(hex)\(peek() == UInt8(ascii: "}") ? "}" : "")'", at: loc)
                while pos < bytes.count && peek() != UInt8(ascii: "}") && peek() != UInt8(ascii: "\"") { advance() }
                if peek() == UInt8(ascii: "}") { advance() }
                return
            }
            advance()
            buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            error("unknown escape '\\\(Character(Unicode.Scalar(e)))' (escapes: \\n \\t \\r \\0 \\\\ \\\" \\$ \\u{...})", at: loc)
        }
    }

    /// Multi-line strings lose the indentation of their closing `"""` line from every line,
    /// and the newline before it, so they can be indented with the code around them.
    private static func dedent(_ parts: [TemplatePart]) -> [TemplatePart] {
        guard case .text(let lastText)? = parts.last,
              let nl = lastText.lastIndex(of: "\n"),
              lastText[lastText.index(after: nl)...].allSatisfy({ $0 == " " || $0 == "\t" })
        else { return parts }
        let indent = String(lastText[lastText.index(after: nl)...])
        var out = parts
        out[out.count - 1] = .text(String(lastText[..<nl]))
        guard !indent.isEmpty else { return out }
        var atLineStart = true
        for i in out.indices {
            guard case .text(let s) = out[i] else { atLineStart = false; continue }
            var result = ""
            var rest = Substring(s)
            while !rest.isEmpty {
                if atLineStart && rest.hasPrefix(indent) { rest = rest.dropFirst(indent.count) }
                if let nl = rest.firstIndex(of: "\n") {
                    result += rest[...nl]
                    rest = rest[rest.index(after: nl)...]
                    atLineStart = true
                } else {
                    result += rest
                    rest = ""
                    atLineStart = false
                }
            }
            out[i] = .text(result)
        }
        return out
    }
}

extension Lexer {
    /// Text for a message quoting source: control characters as escapes (a NUL as `\0`),
    /// so the message shows what is there instead of an invisible or terminal-moving byte.
    public static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0: out += "\\0"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x01..<0x20, 0x7F: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `8000000000000000` in hex, with any leading zeros: 2^63, whose negation is Int.min.
    static func isSmallestIntMagnitude(_ hexDigits: String) -> Bool {
        hexDigits.drop { $0 == "0" } == "8000000000000000"
    }
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) private func isHexDigit(_ c: UInt8) -> Bool {
    isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
}
@inline(__always) private func isIdentStart(_ c: UInt8) -> Bool {
    (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
}
@inline(__always) private func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

// Tokens produced by `Lexer` and consumed by `Parser`.

public enum TokenKind: Equatable, Sendable {
    // Literals and names
    case identifier, int, float, string, template
    // Keywords (the set must match `Lexer.keywords` and grammar/bbs.ebnf)
    case kwLet, kwVar, kwFn, kwReturn, kwIf, kwElse, kwWhile, kwFor, kwIn
    case kwBreak, kwContinue, kwTrue, kwFalse, kwNil, kwTry, kwCatch, kwThrow, kwImport, kwAs
    // Brackets and separators
    case lparen, rparen, lbrace, rbrace, lbracket, rbracket
    case comma, dot, questionDot, colon, semicolon, newline, arrow
    // Operators
    case plus, minus, star, slash, percent, bang
    case equal, plusEqual, minusEqual, starEqual, slashEqual, percentEqual, questionQuestionEqual
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case ampAmp, pipePipe, questionQuestion
    case eof
}

/// A piece of an interpolated string: literal text, or the tokens of one `${...}`.
public enum TemplatePart: Sendable {
    case text(String)
    case code([Token], SourceLocation)
}

public struct Token: Sendable {
    public var kind: TokenKind
    /// The source text of names and operators; the decoded text of string literals.
    public var text: String
    public var location: SourceLocation
    public var intValue: Int = 0
    public var floatValue: Double = 0
    public var parts: [TemplatePart] = []
    /// True when a newline (or the start of input) came right before this token.
    public var atLineStart = false

    public init(_ kind: TokenKind, _ text: String, _ location: SourceLocation) {
        self.kind = kind
        self.text = text
        self.location = location
    }

    /// How a diagnostic names this token: `'foo'`, `end of line`, `end of input`.
    public var described: String {
        switch kind {
        case .newline: return "end of line"
        case .eof: return "end of input"
        case .string, .template: return "a string"
        case .int, .float: return "number \(text)"
        default: return "'\(text)'"
        }
    }
}

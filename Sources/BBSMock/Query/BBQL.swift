import Foundation

/// Bitbucket's filter language (`q=`), evaluated against the JSON an object is rendered as, so every
/// listing filters on exactly the fields it returns: `name = "api"`, `project.key = "CORE"`,
/// `is_private = true`, `name ~ "ap"`, `updated_on > 2024-01-01`, `state IN ("OPEN", "MERGED")`,
/// combined with AND / OR and parentheses.
public indirect enum BBQLExpression: Equatable, Sendable {
    case and(BBQLExpression, BBQLExpression)
    case or(BBQLExpression, BBQLExpression)
    case not(BBQLExpression)
    case comparison(field: String, op: BBQLOperator, value: BBQLLiteral)

    public static func parse(_ text: String) throws -> BBQLExpression {
        var parser = BBQLParser(tokens: try BBQLLexer.tokenize(text))
        let expression = try parser.parseOr()
        guard parser.atEnd else { throw BBQLError("unexpected '\(parser.peek?.text ?? "")'") }
        return expression
    }

    public func matches(_ value: JSON) -> Bool {
        switch self {
        case .and(let lhs, let rhs): return lhs.matches(value) && rhs.matches(value)
        case .or(let lhs, let rhs): return lhs.matches(value) || rhs.matches(value)
        case .not(let inner): return !inner.matches(value)
        case .comparison(let field, let op, let literal):
            return op.apply(value.value(atPath: field) ?? .null, literal)
        }
    }
}

public enum BBQLOperator: String, Sendable {
    case equal = "=", notEqual = "!=", contains = "~", notContains = "!~"
    case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
    case inList = "IN", notInList = "NOT IN"

    func apply(_ field: JSON, _ literal: BBQLLiteral) -> Bool {
        switch self {
        case .equal: return literal.equals(field)
        case .notEqual: return !literal.equals(field)
        case .contains, .notContains:
            guard case .string(let needle) = literal, let haystack = field.stringValue else { return self == .notContains }
            let found = haystack.range(of: needle, options: .caseInsensitive) != nil
            return self == .contains ? found : !found
        case .inList, .notInList:
            guard case .list(let items) = literal else { return false }
            let found = items.contains { $0.equals(field) }
            return self == .inList ? found : !found
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard let order = literal.compare(with: field) else { return false }
            switch self {
            case .greater: return order == .orderedDescending
            case .greaterOrEqual: return order != .orderedAscending
            case .less: return order == .orderedAscending
            default: return order != .orderedDescending
            }
        }
    }
}

public indirect enum BBQLLiteral: Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case date(Date)
    case list([BBQLLiteral])

    func equals(_ field: JSON) -> Bool {
        switch (self, field) {
        case (.null, .null): return true
        case (.string(let text), .string(let value)): return text == value
        case (.bool(let flag), .bool(let value)): return flag == value
        case (.number(let number), _): return JSONOrdering.number(field) == number
        case (.date, _): return compare(with: field) == .orderedSame
        default: return false
        }
    }

    /// How the field compares to this literal (`.orderedAscending` means field < literal).
    func compare(with field: JSON) -> ComparisonResult? {
        switch self {
        case .number(let number):
            guard let value = JSONOrdering.number(field) else { return nil }
            return value < number ? .orderedAscending : value > number ? .orderedDescending : .orderedSame
        case .date(let date):
            guard let text = field.stringValue, let value = Timestamps.parse(text) else { return nil }
            return value < date ? .orderedAscending : value > date ? .orderedDescending : .orderedSame
        case .string(let text):
            guard let value = field.stringValue else { return nil }
            return value < text ? .orderedAscending : value > text ? .orderedDescending : .orderedSame
        default:
            return nil
        }
    }
}

public struct BBQLError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

struct BBQLToken: Equatable {
    enum Kind { case word, string, symbol, open, close, comma }
    let kind: Kind
    let text: String
}

enum BBQLLexer {
    static func tokenize(_ text: String) throws -> [BBQLToken] {
        var tokens: [BBQLToken] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace { index += 1; continue }
            switch character {
            case "(": tokens.append(BBQLToken(kind: .open, text: "(")); index += 1
            case ")": tokens.append(BBQLToken(kind: .close, text: ")")); index += 1
            case ",": tokens.append(BBQLToken(kind: .comma, text: ",")); index += 1
            case "\"":
                index += 1
                var value = ""
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    value.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw BBQLError("unterminated string") }
                index += 1
                tokens.append(BBQLToken(kind: .string, text: value))
            case "=", "~", "!", ">", "<":
                var symbol = String(character)
                index += 1
                if index < characters.count, characters[index] == "=" || (character == "!" && characters[index] == "~") {
                    symbol.append(characters[index])
                    index += 1
                }
                guard symbol != "!" else { throw BBQLError("expected != or !~") }
                tokens.append(BBQLToken(kind: .symbol, text: symbol))
            default:
                var word = ""
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber || "_.:+-".contains(characters[index])
                {
                    word.append(characters[index])
                    index += 1
                }
                guard !word.isEmpty else { throw BBQLError("unexpected '\(character)'") }
                tokens.append(BBQLToken(kind: .word, text: word))
            }
        }
        return tokens
    }
}

struct BBQLParser {
    let tokens: [BBQLToken]
    var position = 0

    var atEnd: Bool { position >= tokens.count }
    var peek: BBQLToken? { atEnd ? nil : tokens[position] }

    mutating func next() throws -> BBQLToken {
        guard let token = peek else { throw BBQLError("unexpected end of query") }
        position += 1
        return token
    }

    func peekKeyword(_ keyword: String) -> Bool {
        peek?.kind == .word && peek?.text.uppercased() == keyword
    }

    mutating func parseOr() throws -> BBQLExpression {
        var expression = try parseAnd()
        while peekKeyword("OR") {
            position += 1
            expression = .or(expression, try parseAnd())
        }
        return expression
    }

    mutating func parseAnd() throws -> BBQLExpression {
        var expression = try parsePrimary()
        while peekKeyword("AND") {
            position += 1
            expression = .and(expression, try parsePrimary())
        }
        return expression
    }

    mutating func parsePrimary() throws -> BBQLExpression {
        if peek?.kind == .open {
            position += 1
            let inner = try parseOr()
            guard try next().kind == .close else { throw BBQLError("expected )") }
            return inner
        }
        let field = try next()
        guard field.kind == .word, field.text.first?.isLetter == true else {
            throw BBQLError("expected a field name, got '\(field.text)'")
        }
        let op = try parseOperator()
        return .comparison(field: field.text, op: op, value: try parseLiteral())
    }

    mutating func parseOperator() throws -> BBQLOperator {
        let token = try next()
        if token.kind == .symbol, let op = BBQLOperator(rawValue: token.text) { return op }
        if token.kind == .word, token.text.uppercased() == "IN" { return .inList }
        if token.kind == .word, token.text.uppercased() == "NOT", peekKeyword("IN") {
            position += 1
            return .notInList
        }
        throw BBQLError("expected an operator, got '\(token.text)'")
    }

    mutating func parseLiteral() throws -> BBQLLiteral {
        let token = try next()
        switch token.kind {
        case .string: return .string(token.text)
        case .open:
            var items: [BBQLLiteral] = []
            while peek?.kind != .close {
                items.append(try parseLiteral())
                if peek?.kind == .comma { position += 1 }
                guard !atEnd else { throw BBQLError("unterminated list") }
            }
            position += 1
            return .list(items)
        case .word:
            switch token.text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
            if let number = Double(token.text) { return .number(number) }
            if let date = Timestamps.parse(token.text) { return .date(date) }
            throw BBQLError("invalid value '\(token.text)' (strings need double quotes)")
        default:
            throw BBQLError("expected a value, got '\(token.text)'")
        }
    }
}

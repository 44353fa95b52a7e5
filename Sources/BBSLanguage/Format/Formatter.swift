// `bbs fmt`'s layout: two spaces of indentation per line that opened brackets, no trailing whitespace, at
// most one blank line in a row, none at the start or end, one final newline, and a chained
// `.method()` line one level deeper than its statement. Comments and blank-line groups stay
// where they are.
//
// It works on lines and brackets rather than on the syntax tree, so comments need no place in
// the AST and normal parsing pays nothing for them. It re-lays only what is insignificant to
// the lexer (indentation, trailing spaces, blank lines), so what `check` reports cannot change
// except in columns, and a second run changes nothing. A line that starts inside a string
// (a `"""` block, a `\`-joined line) is text, not layout, and is kept byte for byte.

public enum Formatter {
    public static let indentUnit = "  "

    /// The canonical layout of `source`. Source the lexer rejects is returned unchanged;
    /// callers check `Lexer.tokenize` first to report why.
    public static func format(_ source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        var scanner = BracketScanner()
        // First the facts of every line, then the layout: a comment's indentation depends on
        // the code line after it.
        var facts: [LineFacts] = []
        for line in lines {
            let start = scanner.state()
            scanner.scan(line)
            // Trailing spaces that end inside a string belong to it.
            let body = start.insideString ? String(line) : scanner.insideString ? dropLeadingSpace(line) : trimmed(line)
            facts.append(LineFacts(start: start, body: body, endsWithOperator: scanner.endsWithOperator))
        }
        var out: [String] = []
        var pendingBlank = false
        for (index, line) in facts.enumerated() {
            if line.start.insideString {
                flushBlank(&out, &pendingBlank)
                out.append(line.body)
                continue
            }
            if line.body.isEmpty {
                pendingBlank = !out.isEmpty
                continue
            }
            flushBlank(&out, &pendingBlank)
            // One level per line that left brackets open, not per bracket: `f(x => {` indents
            // its body once, and the `})` that closes both dedents once.
            let openers = line.start.openerLines
            let closing = min(leadingClosers(line.body), openers.count)
            var depth = Set(openers).count - Set(openers.suffix(closing)).count
            if continues(facts, index) { depth += 1 }
            out.append(String(repeating: indentUnit, count: max(0, depth)) + line.body)
        }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    private struct LineFacts {
        let start: BracketScanner.LineStart
        let body: String
        let endsWithOperator: Bool
        var isComment: Bool { body.hasPrefix("#") }
    }

    /// A line that continues the statement above, one level deeper: after a line ending in an
    /// operator or `\`, or starting with `.`, `?.` or a binary operator. A comment takes the
    /// level of the code line it precedes, so one between chained calls lines up with them.
    private static func continues(_ facts: [LineFacts], _ index: Int) -> Bool {
        var next = index
        while next < facts.count && (facts[next].isComment || facts[next].body.isEmpty) && !facts[next].start.insideString { next += 1 }
        let line = facts[index].isComment && next < facts.count ? facts[next] : facts[index]
        let leading = [".", "?.", "&&", "||", "??", "+ ", "* ", "/ ", "% "]
        if leading.contains(where: { line.body.hasPrefix($0) }) && !line.body.hasPrefix("..") { return true }
        var previous = (facts[index].isComment ? next : index) - 1
        while previous >= 0 && (facts[previous].isComment || facts[previous].body.isEmpty) && !facts[previous].start.insideString { previous -= 1 }
        return previous >= 0 && facts[previous].endsWithOperator
    }

    private static func flushBlank(_ out: inout [String], _ pending: inout Bool) {
        if pending { out.append("") }
        pending = false
    }

    private static func dropLeadingSpace(_ line: Substring) -> String {
        String(line.drop { $0 == " " || $0 == "\t" })
    }

    private static func trimmed(_ line: Substring) -> String {
        var s = line.drop { $0 == " " || $0 == "\t" }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }

    /// The closing brackets a line starts with: `}) else {` closes two levels before it begins.
    private static func leadingClosers(_ body: String) -> Int {
        var count = 0
        for c in body {
            if c == "}" || c == ")" || c == "]" { count += 1 } else if c != " " && c != "\t" { break }
        }
        return count
    }
}

/// Follows brackets, strings (with `${...}` inside them) and comments across lines, as the
/// lexer reads them, to know how deep each line starts and whether it starts inside a string.
struct BracketScanner {
    private enum Frame {
        /// Opened on this line (counting from 1).
        case bracket(line: Int)
        case interpolation
        case string(triple: Bool)
    }
    private var frames: [Frame] = []
    /// A `"..."` string continued onto the next line by a backslash.
    private var continuedString = false
    /// The line just scanned ends, outside strings and comments, in an operator or `\\`, so the
    /// statement goes on below.
    private(set) var endsWithOperator = false

    private var lineNumber = 0

    struct LineStart {
        /// The line each open bracket was opened on, outermost first.
        let openerLines: [Int]
        let insideString: Bool
    }

    func state() -> LineStart {
        LineStart(openerLines: frames.compactMap { if case .bracket(let line) = $0 { return line } else { return nil } },
                  insideString: insideString)
    }

    var insideString: Bool {
        frames.contains { if case .string = $0 { return true } else { return false } }
    }

    mutating func scan(_ line: Substring) {
        let chars = Array(line.unicodeScalars)
        var i = 0
        lineNumber += 1
        continuedString = false
        endsWithOperator = false
        var codeEnd = chars.count
        func at(_ k: Int) -> Unicode.Scalar? { k < chars.count ? chars[k] : nil }
        while i < chars.count {
            let c = chars[i]
            if case .string(let triple)? = frames.last {
                if c == "\\" {
                    if i + 1 >= chars.count && !triple { continuedString = true }
                    i += 2
                    continue
                }
                if c == "$" && at(i + 1) == "{" {
                    frames.append(.interpolation)
                    i += 2
                    continue
                }
                if c == "\"" {
                    if !triple {
                        frames.removeLast()
                        i += 1
                        continue
                    }
                    if at(i + 1) == "\"" && at(i + 2) == "\"" {
                        frames.removeLast()
                        i += 3
                        continue
                    }
                }
                i += 1
                continue
            }
            switch c {
            case "#":
                codeEnd = i // a comment runs to the end of the line
                i = chars.count
            case "'":
                // Raw string: no escapes, ends on the same line.
                i += 1
                while i < chars.count && chars[i] != "'" { i += 1 }
                i += 1
            case "\"":
                if at(i + 1) == "\"" && at(i + 2) == "\"" {
                    frames.append(.string(triple: true))
                    i += 3
                } else {
                    frames.append(.string(triple: false))
                    i += 1
                }
            case "(", "[", "{":
                frames.append(.bracket(line: lineNumber))
                i += 1
            case "}":
                if case .interpolation? = frames.last { frames.removeLast() } else if case .bracket? = frames.last { frames.removeLast() }
                i += 1
            case ")", "]":
                if case .bracket? = frames.last { frames.removeLast() }
                i += 1
            default:
                i += 1
            }
        }
        if !insideString {
            var code = String(String.UnicodeScalarView(chars[0..<codeEnd]))
            while let last = code.last, last == " " || last == "\t" { code.removeLast() }
            let operators = ["\\", "+", "-", "*", "/", "%", "&&", "||", "??", "=", "<", ">", "!="]
            endsWithOperator = operators.contains { code.hasSuffix($0) } && !code.hasSuffix("=>") && !code.hasSuffix("->")
        }
        // A one-line string that did not end on its line, and was not continued, is the
        // lexer's error; forget it so the following lines still lay out.
        if !continuedString, case .string(triple: false)? = frames.last {
            while let last = frames.last, case .string(triple: false) = last { frames.removeLast() }
        }
    }
}

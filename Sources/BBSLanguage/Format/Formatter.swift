// `bbs fmt`'s layout: two spaces of indentation per open bracket, no trailing whitespace, at
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
        var out: [String] = []
        var pendingBlank = false
        for line in lines {
            let start = scanner.state()
            scanner.scan(line)
            if start.insideString {
                flushBlank(&out, &pendingBlank)
                out.append(String(line))
                continue
            }
            // Trailing spaces that end inside a string belong to it.
            let body = scanner.insideString ? dropLeadingSpace(line) : trimmed(line)
            if body.isEmpty {
                pendingBlank = !out.isEmpty
                continue
            }
            flushBlank(&out, &pendingBlank)
            var depth = start.depth - leadingClosers(body)
            if body.hasPrefix(".") || body.hasPrefix("?.") { depth += 1 }
            out.append(String(repeating: indentUnit, count: max(0, depth)) + body)
        }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
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
        case bracket
        case interpolation
        case string(triple: Bool)
    }
    private var frames: [Frame] = []
    /// A `"..."` string continued onto the next line by a backslash.
    private var continuedString = false

    struct LineStart {
        let depth: Int
        let insideString: Bool
    }

    func state() -> LineStart {
        LineStart(depth: frames.reduce(0) { if case .bracket = $1 { return $0 + 1 } else { return $0 } },
                  insideString: insideString)
    }

    var insideString: Bool {
        frames.contains { if case .string = $0 { return true } else { return false } }
    }

    mutating func scan(_ line: Substring) {
        let chars = Array(line.unicodeScalars)
        var i = 0
        continuedString = false
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
                return // a comment runs to the end of the line
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
                frames.append(.bracket)
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
        // A one-line string that did not end on its line, and was not continued, is the
        // lexer's error; forget it so the following lines still lay out.
        if !continuedString, case .string(triple: false)? = frames.last {
            while let last = frames.last, case .string(triple: false) = last { frames.removeLast() }
        }
    }
}

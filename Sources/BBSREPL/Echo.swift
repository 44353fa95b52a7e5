// How the REPL shows a value: maps and lists as pretty JSON (2-space indent), anything
// else as `Printer.repr`. On a terminal, keys, strings, numbers and literals are coloured.

import BBSLanguage

enum Echo {
    /// A stream echoes at most this many items when its source is not paged.
    static let streamPreview = 20

    /// With `tables`, a list of maps that share plain-valued keys shows as a table fitted to
    /// `width` (Table.swift); `:json` turns that off.
    static func text(_ value: Value, color: Bool, tables: Bool = false, width: Int = 80) throws(ScriptError) -> String {
        if tables, case .list(let l) = value, let columns = Table.commonScalarColumns(l.items) {
            return Table.render(l.items, columns: columns, width: width)
        }
        return try text(value, color: color)
    }

    /// A stream's first page (or first items), as a table when it can be one, then a line
    /// saying how many more there are; the rest is never fetched.
    static func streamText(_ stream: HostObject, interpreter: Interpreter, color: Bool, tables: Bool,
                           width: Int) throws(ScriptError) -> String {
        guard var iterator = try stream.makeIterator(interpreter) else { return Printer.repr(.object(stream)) }
        var items: [Value] = []
        var total: Int?
        if let first = try iterator.next(interpreter) {
            items.append(first)
            let page = iterator.page
            total = page?.total
            let limit = page.map { $0.buffered } ?? streamPreview - 1
            for _ in 0..<limit {
                guard let item = try iterator.next(interpreter) else { break }
                items.append(item)
            }
        }
        var out = try text(.list(ListRef(items)), color: color, tables: tables, width: width)
        if let total {
            if total > items.count { out += "\n… \(total - items.count) more (`.list()` for all)" }
        } else if try iterator.next(interpreter) != nil {
            out += "\n… more (`.list()` for all)"
        }
        return out
    }

    /// Lists and maps that JSON cannot write (a function inside, a cycle) echo as `repr`;
    /// text too large for either is an error.
    static func text(_ value: Value, color: Bool) throws(ScriptError) -> String {
        switch value {
        case .map, .list:
            if let json = try? JSON.stringify(value, indent: 2) {
                return color ? colorJSON(json) : json
            }
            return try Printer.repr(value, for: "the REPL's echo")
        case .string, .int, .float, .bool, .null:
            let text = try Printer.repr(value, for: "the REPL's echo")
            return color ? colorJSON(text) : text
        default:
            return Printer.repr(value)
        }
    }

    static let key = "\u{1B}[34;1m", string = "\u{1B}[32m", number = "\u{1B}[33m", literal = "\u{1B}[35m"
    static let reset = "\u{1B}[0m"

    /// Colours JSON-like text token by token; a string followed by `:` is a key.
    static func colorJSON(_ text: String) -> String {
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        func append(_ s: String) { out.append(contentsOf: s.unicodeScalars) }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\"" {
                var j = i + 1
                while j < chars.count && chars[j] != "\"" {
                    if chars[j] == "\\" { j += 1 }
                    j += 1
                }
                j = min(j + 1, chars.count)
                var k = j
                while k < chars.count && chars[k] == " " { k += 1 }
                let isKey = k < chars.count && chars[k] == ":"
                append(isKey ? key : string)
                out.append(contentsOf: chars[i..<j])
                append(reset)
                i = j
            } else if c == "-" || (c.value >= 48 && c.value <= 57) {
                var j = i + 1
                while j < chars.count, "0123456789.eE+-".unicodeScalars.contains(chars[j]) { j += 1 }
                append(number)
                out.append(contentsOf: chars[i..<j])
                append(reset)
                i = j
            } else if c.properties.isAlphabetic {
                var j = i + 1
                while j < chars.count && chars[j].properties.isAlphabetic { j += 1 }
                append(literal)
                out.append(contentsOf: chars[i..<j])
                append(reset)
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }
}

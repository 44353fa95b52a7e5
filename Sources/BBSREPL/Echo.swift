// How the REPL shows a value: maps and lists as pretty JSON (2-space indent), anything
// else as `Printer.repr`. On a terminal, keys, strings, numbers and literals are coloured.

import BBSLanguage

enum Echo {
    static func text(_ value: Value, color: Bool) -> String {
        switch value {
        case .map, .list:
            if let json = try? JSON.stringify(value, indent: 2) {
                return color ? colorJSON(json) : json
            }
            return Printer.repr(value)
        case .string, .int, .float, .bool, .null:
            let text = Printer.repr(value)
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

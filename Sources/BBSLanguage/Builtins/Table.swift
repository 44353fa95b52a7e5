// `table(rows, columns?)` and the REPL's echo of a list of maps: one row per map, one column
// per key, fitted to a width, like Nushell's tables. docs/builtins.md "table".

import Foundation

public enum Table {
    /// Keys every row has with a scalar value (string, number, bool, nil), in the first row's
    /// order: what fits in a cell. Nil when `rows` are not all maps or share no such key.
    public static func commonScalarColumns(_ rows: [Value]) -> [String]? {
        guard case .map(let first)? = rows.first else { return nil }
        var columns = first.entries.keys
        for row in rows {
            guard case .map(let m) = row else { return nil }
            columns = columns.filter { key in m.entries[key].map(isScalar) ?? false }
        }
        return columns.isEmpty ? nil : columns
    }

    static func isScalar(_ v: Value) -> Bool {
        switch v {
        case .string, .int, .float, .bool, .null: return true
        default: return false
        }
    }

    /// The table's lines: a header, a rule, one line per row, each at most `width` characters.
    /// Wide columns are cut with "…" first; when even that does not fit, columns on the right
    /// are left out and the header says how many.
    public static func render(_ rows: [Value], columns: [String], width: Int) -> String {
        let headers = ["#"] + columns
        var cells: [[String]] = rows.enumerated().map { index, row in
            let m: MapRef? = { if case .map(let m) = row { return m }; return nil }()
            return [String(index)] + columns.map { key in cellText(m?.entries[key] ?? .null) }
        }
        var widths = headers.indices.map { c in max(headers[c].count, cells.map { $0[c].count }.max() ?? 0) }
        let minimum = 6, separator = 3 // " │ "
        func total() -> Int { widths.reduce(0, +) + separator * (widths.count - 1) }
        while total() > width, let widest = widths.indices.dropFirst().max(by: { widths[$0] < widths[$1] }),
              widths[widest] > minimum {
            widths[widest] -= 1
        }
        var dropped = 0
        while total() > width && widths.count > 2 {
            widths.removeLast()
            dropped += 1
        }
        let shown = widths.count
        var header = Array(headers.prefix(shown))
        if dropped > 0 { header[shown - 1] = fit(header[shown - 1] + " …+\(dropped)", widths[shown - 1]) }
        cells = cells.map { Array($0.prefix(shown)) }
        func line(_ texts: [String]) -> String {
            texts.indices.map { c in
                let text = fit(texts[c], widths[c])
                return c == texts.count - 1 ? text : text + String(repeating: " ", count: widths[c] - text.count)
            }.joined(separator: " │ ")
        }
        var out = [line(header), widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")]
        out += cells.map(line)
        return out.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }

    static func cellText(_ v: Value) -> String {
        let text: String
        switch v {
        case .string(let s): text = s
        case .null: text = ""
        default: text = Printer.display(v)
        }
        return text.replacingOccurrences(of: "\n", with: "⏎")
    }

    static func fit(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    /// The width to fit: `COLUMNS` when set, else the terminal's width when standard output is
    /// one, else unlimited (a table written to a file or pipe is never cut).
    public static func outputWidth(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return Int.max / 4
    }

    static func install(into interp: Interpreter) {
        interp.defineBuiltin("table", arity: 1...2) { args, interp throws(ScriptError) in
            var rows: [Value] = []
            switch args[0] {
            case .list(let l): rows = l.items
            case .object(let o):
                guard var it = try o.makeIterator(interp) else { throw args.argumentError(0, "argument 1", expected: "a list or stream of maps") }
                while let v = try it.next(interp) { rows.append(v) }
            default: throw args.argumentError(0, "argument 1", expected: "a list or stream of maps")
            }
            for (index, row) in rows.enumerated() {
                guard case .map = row else {
                    throw ScriptError.type("table: item \(index) must be a map, not \(row.typeName)")
                }
            }
            var columns: [String] = []
            if case .null = args[1] {
                if rows.isEmpty { return .null }
                guard let common = commonScalarColumns(rows) else {
                    throw ScriptError.value("table: the maps share no key with a plain value; name the columns, as in table(xs, [\"slug\"])")
                }
                columns = common
            } else {
                for (index, c) in try args.list(1, "the columns").items.enumerated() {
                    guard case .string(let s) = c else { throw ScriptError.type("table: column \(index) must be a string, not \(c.typeName)") }
                    columns.append(s)
                }
            }
            if rows.isEmpty { return .null }
            interp.out.write(render(rows, columns: columns, width: outputWidth()) + "\n")
            return .null
        }
    }
}

// Methods on strings. Positions, lengths and widths count Swift `Character`s (extended
// grapheme clusters), the same unit as `len(s)` and `s[a:b]`, so "é" or a flag emoji is
// one character whether or not it is one code point, and no method splits one apart.
// Every method returns a new string; strings are values and never change.

enum StringMethods {
    static func install(into interp: Interpreter) {
        var t = MethodTable<String>(typeName: "string", unwrap: { v in
            if case .string(let s) = v { return s }
            return nil
        }, methods: interp.stringMethods)

        t.define("split", 0...1) { s, args, _ throws(ScriptError) in
            if args.isAbsent(0) {
                // Like Python's split(): runs of whitespace separate, ends are ignored.
                return strings(s.split(whereSeparator: { $0.isWhitespace }))
            }
            let sep = try args.string(0, "separator")
            if sep.isEmpty { throw ScriptError.value("string.split: separator must not be empty (use chars() for characters)") }
            return strings(s.split(separator: sep, omittingEmptySubsequences: false))
        }
        t.define("lines", 0...0) { s, _, _ throws(ScriptError) in
            // `\r\n` is a single Character, and `isNewline` covers it, `\n` and `\r`.
            var parts = s.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
            if parts.last?.isEmpty == true { parts.removeLast() }
            return strings(parts)
        }
        t.define("chars", 0...0) { s, _, _ throws(ScriptError) in
            .list(ListRef(s.map { .string(String($0)) }))
        }

        t.define("trim", 0...1) { s, args, _ throws(ScriptError) in
            let strip = try trimSet(args)
            return .string(String(s.drop(while: strip).reversed().drop(while: strip).reversed()))
        }
        t.define("trim_start", 0...1) { s, args, _ throws(ScriptError) in
            .string(String(s.drop(while: try trimSet(args))))
        }
        t.define("trim_end", 0...1) { s, args, _ throws(ScriptError) in
            let strip = try trimSet(args)
            var end = s.endIndex
            while end > s.startIndex {
                let before = s.index(before: end)
                if !strip(s[before]) { break }
                end = before
            }
            return .string(String(s[..<end]))
        }

        t.define("starts_with", 1...1) { s, args, _ throws(ScriptError) in
            .bool(s.hasPrefix(try args.string(0, "prefix")))
        }
        t.define("ends_with", 1...1) { s, args, _ throws(ScriptError) in
            .bool(s.hasSuffix(try args.string(0, "suffix")))
        }
        t.define("strip_prefix", 1...1) { s, args, _ throws(ScriptError) in
            let p = try args.string(0, "prefix")
            return .string(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
        }
        t.define("strip_suffix", 1...1) { s, args, _ throws(ScriptError) in
            let p = try args.string(0, "suffix")
            return .string(s.hasSuffix(p) ? String(s.dropLast(p.count)) : s)
        }
        t.define("contains", 1...1) { s, args, _ throws(ScriptError) in
            let sub = try args.string(0, "text")
            return .bool(sub.isEmpty || s.firstRange(of: sub) != nil)
        }
        t.define("index_of", 1...1) { s, args, _ throws(ScriptError) in
            let sub = try args.string(0, "text")
            guard let r = s.firstRange(of: sub) else { return .int(-1) }
            return .int(s.distance(from: s.startIndex, to: r.lowerBound))
        }
        t.define("last_index_of", 1...1) { s, args, _ throws(ScriptError) in
            let sub = try args.string(0, "text")
            if sub.isEmpty { return .int(s.count) }
            guard let r = s.ranges(of: sub).last else { return .int(-1) }
            return .int(s.distance(from: s.startIndex, to: r.lowerBound))
        }
        t.define("count", 1...1) { s, args, _ throws(ScriptError) in
            let sub = try args.string(0, "text")
            if sub.isEmpty { throw ScriptError.value("string.count: text must not be empty") }
            return .int(occurrences(of: sub, in: s))
        }
        t.define("replace", 2...2) { s, args, _ throws(ScriptError) in
            let old = try args.string(0, "old")
            let new = try args.string(1, "new")
            if old.isEmpty { throw ScriptError.value("string.replace: the text to replace must not be empty") }
            let growth = new.utf8.count - old.utf8.count
            // Counted only when even the most matches could pass the limit, and only as far
            // as the limit.
            if growth > 0 && s.utf8.count + s.utf8.count / old.utf8.count * growth > maxBuiltBytes {
                let most = (maxBuiltBytes - s.utf8.count) / growth + 1
                try checkBuiltSize(growth, times: occurrences(of: old, in: s, upTo: most), plus: s.utf8.count, args.callee)
            }
            return .string(s.replacing(old, with: new))
        }

        t.define("lower", 0...0) { s, _, _ throws(ScriptError) in .string(s.lowercased()) }
        t.define("upper", 0...0) { s, _, _ throws(ScriptError) in .string(s.uppercased()) }
        t.define("is_empty", 0...0) { s, _, _ throws(ScriptError) in .bool(s.isEmpty) }
        t.define("reverse", 0...0) { s, _, _ throws(ScriptError) in .string(String(s.reversed())) }

        t.define("repeat", 1...1) { s, args, _ throws(ScriptError) in
            let n = try args.count(0, "count")
            if s.isEmpty || n == 0 { return .string("") }
            try checkBuiltSize(s.utf8.count, times: n, args.callee)
            return .string(repeated(s, times: n))
        }
        t.define("pad_start", 1...2) { s, args, _ throws(ScriptError) in
            let fill = try padding(for: s, args)
            return .string(fill + s)
        }
        t.define("pad_end", 1...2) { s, args, _ throws(ScriptError) in
            let fill = try padding(for: s, args)
            return .string(s + fill)
        }

        interp.stringMethods = t.methods
    }

    /// How often `sub` occurs in `s` without overlapping, counting no further than `limit`:
    /// one match at a time (`ranges(of:)` would build an array of every match, 32 bytes each).
    static func occurrences(of sub: String, in s: String, upTo limit: Int = .max) -> Int {
        var found = 0
        var rest = s[...]
        while found < limit, let r = rest.firstRange(of: sub) {
            found += 1
            rest = rest[r.upperBound...]
        }
        return found
    }

    /// Bigger strings than this are almost certainly a mistake (a huge repeat or pad count):
    /// the one limit on the text of a value.
    static let maxBuiltBytes = Printer.maxTextBytes

    /// Refuses, before allocating anything, a result of `unitBytes * times` bytes over the limit.
    static func checkBuiltSize(_ unitBytes: Int, times: Int, plus extra: Int = 0, _ callee: String) throws(ScriptError) {
        let (product, overflow) = unitBytes.multipliedReportingOverflow(by: times)
        let (total, overflow2) = product.addingReportingOverflow(extra)
        if overflow || overflow2 || total > maxBuiltBytes {
            throw ScriptError.value("\(callee): the result would be too large (over \(maxBuiltBytes >> 20) MiB)")
        }
    }

    /// `unit` `times` times, by doubling byte copies: a billion one-byte repeats is a few
    /// memcpy calls, not a billion appends.
    static func repeated(_ unit: String, times: Int) -> String {
        let pattern = Array(unit.utf8)
        let total = pattern.count * times
        guard total > 0 else { return "" }
        return String(unsafeUninitializedCapacity: total) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            pattern.withUnsafeBufferPointer { p in base.update(from: p.baseAddress!, count: p.count) }
            var filled = pattern.count
            while filled < total {
                let chunk = min(filled, total - filled)
                (base + filled).update(from: base, count: chunk)
                filled += chunk
            }
            return total
        }
    }

    private static func strings<S: StringProtocol>(_ parts: [S]) -> Value {
        .list(ListRef(parts.map { .string(String($0)) }))
    }

    /// What `trim` removes: the characters of the argument, or whitespace when absent.
    private static func trimSet(_ args: Arguments) throws(ScriptError) -> (Character) -> Bool {
        if args.isAbsent(0) { return { $0.isWhitespace } }
        let set = Set(try args.string(0, "characters"))
        return { set.contains($0) }
    }

    /// The text `pad_start`/`pad_end` add: `fill` (default a space) repeated and cut so
    /// the result is `width` characters; nothing when `s` is already that wide.
    private static func padding(for s: String, _ args: Arguments) throws(ScriptError) -> String {
        let width = try args.count(0, "width")
        let fill = try args.string(1, default: " ", "fill")
        if fill.isEmpty { throw ScriptError.value("\(args.callee): fill must not be empty") }
        // A width past the limit fails before `s.count` walks a long string for nothing.
        if width > maxBuiltBytes { try checkBuiltSize(1, times: width, args.callee) }
        let missing = width - s.count
        if missing <= 0 { return "" }
        let unit = Array(fill)
        let (whole, part) = missing.quotientAndRemainder(dividingBy: unit.count)
        let tail = String(unit[..<part])
        try checkBuiltSize(fill.utf8.count, times: whole, plus: s.utf8.count + tail.utf8.count, args.callee)
        return repeated(fill, times: whole) + tail
    }
}

// The general built-in functions: output, conversions, `range`, the script's
// environment, `exit`, `assert`, `sleep` and `error`.

import BBSErrorKinds
import Foundation

enum CoreBuiltins {
    static func install(into interp: Interpreter) {
        interp.defineBuiltin("print", arity: 0...Int.max) { args, interp throws(ScriptError) in
            interp.out.write(try line(args, "print"))
            return .null
        }
        interp.defineBuiltin("eprint", arity: 0...Int.max) { args, interp throws(ScriptError) in
            // stdout is buffered and stderr is not: flush first so the two interleave as written.
            interp.out.flush()
            interp.err.write(try line(args, "eprint"))
            return .null
        }
        interp.defineBuiltin("len", arity: 1...1) { args, _ throws(ScriptError) in
            switch args[0] {
            case .string(let s): return .int(TextLength.characters(s))
            case .list(let l): return .int(l.items.count)
            case .map(let m): return .int(m.entries.count)
            default: throw ScriptError.type("len: expected a string, list or map, not \(args[0].typeName)")
            }
        }
        interp.defineBuiltin("str", arity: 1...1) { args, _ throws(ScriptError) in
            // A secret's text is a secret still: `str` must not turn it into the plain "***".
            try Printer.displayKeepingSecrets(args[0], for: "str")
        }
        interp.defineBuiltin("type", arity: 1...1) { args, _ throws(ScriptError) in
            .string(args[0].typeName)
        }
        interp.defineBuiltin("int", arity: 1...2) { args, _ throws(ScriptError) in
            try toInt(args)
        }
        interp.defineBuiltin("float", arity: 1...1) { args, _ throws(ScriptError) in
            try toFloat(args)
        }
        interp.defineBuiltin("range", arity: 1...3) { args, _ throws(ScriptError) in
            try range(args)
        }
        interp.defineBuiltin("env", arity: 1...2) { args, interp throws(ScriptError) in
            let name = try args.string(0, "name")
            if let p = getenv(name) { return interp.host.value(ofText: String(cString: p), from: "env \(name)") }
            return args[1]
        }
        if case .function(let env as NativeFunction)? = interp.builtins["env"] {
            env.members["require"] = .function(NativeFunction("env.require", arity: 1...2) { args, interp throws(ScriptError) in
                try requireEnvironment(args, interp)
            })
        }
        interp.defineBuiltin("exit", arity: 0...1) { args, _ throws(ScriptError) in
            let code = try args.int(0, default: 0, "code")
            guard (0...255).contains(code) else {
                throw ScriptError.value("exit: code must be between 0 and 255, not \(code)")
            }
            throw ScriptError.exit(Int32(code))
        }
        interp.defineBuiltin("assert", arity: 1...2) { args, _ throws(ScriptError) in
            if args[0].isTruthy { return .null }
            let message = args.count > 1 ? "assertion failed: \(Printer.display(args[1]))" : "assertion failed"
            throw ScriptError.runtime(.assert, message)
        }
        interp.defineBuiltin("sleep", arity: 1...1) { args, interp throws(ScriptError) in
            try sleep(seconds: try args.number(0, "seconds"), interp)
            return .null
        }
        interp.defineBuiltin("error", arity: 1...2) { args, _ throws(ScriptError) in
            try makeError(args)
        }
    }

    /// `print`'s line: arguments separated by one space, strings bare.
    private static func line(_ args: Arguments, _ callee: String) throws(ScriptError) -> String {
        if args.count == 1, case .string(let s) = args[0] { return s + "\n" }
        var text = ""
        for (i, v) in args.values.enumerated() {
            if i > 0 { text += " " }
            text += try Printer.display(v, for: callee)
            if text.utf8.count > Printer.maxTextBytes { throw Printer.tooLarge(callee) }
        }
        text += "\n"
        return text
    }

    /// `env.require(name, why?)`: the variable's value; unset or empty, a usage message on
    /// stderr and exit 2, since the one who runs the script has to set it.
    private static func requireEnvironment(_ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        let name = try args.string(0, "name")
        let why = args.isAbsent(1) ? "" : " (\(try args.string(1, "the reason")))"
        if let p = getenv(name), p.pointee != 0 { return .string(String(cString: p)) }
        let state = getenv(name) == nil ? "is not set" : "is empty"
        interp.out.flush()
        interp.err.write("usage: set the environment variable \(name)\(why); it \(state)\n")
        throw ScriptError.exit(2)
    }

    private static func toInt(_ args: Arguments) throws(ScriptError) -> Value {
        if args.count > 1 {
            let base = try args.int(1, "base")
            guard (2...36).contains(base) else {
                throw ScriptError.value("int: base must be between 2 and 36, not \(base)")
            }
            let text = try args.string(0, "text")
            if let n = parseInt(text, base: base) { return .int(n) }
            throw ScriptError.value("int: cannot convert \(quoted(args[0])) to int in base \(base)")
        }
        switch args[0] {
        case .int: return args[0]
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d):
            // Doubles at or beyond ±2^63 have no Int; the bounds are exact powers of two.
            guard d.isFinite, d >= -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0 else {
                throw ScriptError.value("int: cannot convert \(Printer.formatFloat(d)) to int (out of range)")
            }
            return .int(Int(d))
        case .string(let s):
            if let n = parseInt(s, base: nil) { return .int(n) }
            throw ScriptError.value("int: cannot convert \(quoted(args[0])) to int")
        default:
            throw ScriptError.type("int: expected a number, string or bool, not \(args[0].typeName)")
        }
    }

    private static func toFloat(_ args: Arguments) throws(ScriptError) -> Value {
        switch args[0] {
        case .float: return args[0]
        case .int(let n): return .float(Double(n))
        case .bool(let b): return .float(b ? 1 : 0)
        case .string(let s):
            if let d = parseFloat(s) { return .float(d) }
            throw ScriptError.value("float: cannot convert \(quoted(args[0])) to float")
        default:
            throw ScriptError.type("float: expected a number, string or bool, not \(args[0].typeName)")
        }
    }

    /// Integer text as the lexer reads it: optional sign, `0x`/`0o`/`0b` prefixes, `_`
    /// between digits, surrounding whitespace ignored. With `base`, a matching prefix is allowed.
    static func parseInt(_ text: String, base: Int?) -> Int? {
        var s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var negative = false
        if let c = s.first, c == "+" || c == "-" {
            negative = c == "-"
            s = s.dropFirst()
        }
        var radix = base ?? 10
        let lower = s.prefix(2).lowercased()
        let prefixes: [String: Int] = ["0x": 16, "0o": 8, "0b": 2]
        if let r = prefixes[lower], base == nil || base == r, s.count > 2 {
            radix = r
            s = s.dropFirst(2)
        }
        guard let digits = withoutSeparators(s, hex: true), digits.first?.isHexDigit == true else { return nil }
        return Int((negative ? "-" : "") + digits, radix: radix)
    }

    static func parseFloat(_ text: String) -> Double? {
        let s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard let t = withoutSeparators(s, hex: false) else { return nil }
        return Double(t)
    }

    /// `s` with digit separators removed; nil if empty or if a `_` is not between two digits.
    private static func withoutSeparators(_ s: Substring, hex: Bool) -> String? {
        guard !s.isEmpty else { return nil }
        guard s.contains("_") else { return String(s) }
        let chars = Array(s)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c == "_" {
                guard i > 0, i < chars.count - 1, isDigit(chars[i - 1], hex), isDigit(chars[i + 1], hex) else { return nil }
                continue
            }
            out.append(c)
        }
        return out
    }

    private static func isDigit(_ c: Character, _ hex: Bool) -> Bool {
        hex ? c.isHexDigit : ("0"..."9").contains(c)
    }

    /// A list, not a lazy sequence; the cap (about 160 MB of list) keeps a typo like
    /// `range(1e12)` from exhausting memory instead of failing with a message.
    /// `for i in range(...)` counts without building a list (see Compiler.countingLoop),
    /// so loops are not limited by it.
    static let maxRangeCount = 10_000_000

    private static func range(_ args: Arguments) throws(ScriptError) -> Value {
        let start = args.count > 1 ? try args.int(0, "start") : 0
        let end = args.count > 1 ? try args.int(1, "end") : try args.int(0, "end")
        let step = args.count > 2 ? try args.int(2, "step") : 1
        if step == 0 { throw ScriptError.value("range: step must not be 0") }
        // The span of two ints can reach 2^64 - 1: count in UInt, where it cannot overflow.
        var wideCount: UInt = 0
        if step > 0, start < end {
            wideCount = (UInt(bitPattern: end &- start) - 1) / UInt(step) + 1
        } else if step < 0, start > end {
            wideCount = (UInt(bitPattern: start &- end) - 1) / step.magnitude + 1
        }
        if wideCount > UInt(maxRangeCount) {
            throw ScriptError.value("range: \(wideCount) elements is too many for a list (the limit is \(maxRangeCount); 'for i in range(...)' has no limit)")
        }
        let count = Int(wideCount)
        var items = [Value]()
        items.reserveCapacity(count)
        var x = start
        for i in 0..<count {
            items.append(.int(x))
            if i < count - 1 { x += step }
        }
        return .list(ListRef(items))
    }

    /// Sleeps in short slices so Ctrl-C ends a long `sleep` promptly.
    static func sleep(seconds: Double, _ interp: Interpreter) throws(ScriptError) {
        try Interpreter.checkSleepSeconds(seconds)
        // Whatever was printed before a pause should be visible during it.
        interp.out.flush()
        let deadline = monotonicNow() + seconds
        while true {
            if Interpreter.interruptFlag.isSet { throw ScriptError.interrupted }
            let left = deadline - monotonicNow()
            if left <= 0 { return }
            let slice = min(left, 0.02)
            var ts = timespec(tv_sec: 0, tv_nsec: Int(slice * 1e9))
            nanosleep(&ts, nil)
        }
    }

    static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// `error(message, fields?)`: an error value to `throw`, with kind "error" unless the
    /// fields name another.
    private static func makeError(_ args: Arguments) throws(ScriptError) -> Value {
        var fields = OrderedMap()
        fields["message"] = .string(Printer.display(args[0]))
        fields["kind"] = .string(ErrorKind.error.rawValue)
        if let extra = try args.options(1) {
            for (k, v) in extra.entries.pairs where k != "message" { fields[k] = v }
        }
        return .object(ErrorValue(fields: fields))
    }
}

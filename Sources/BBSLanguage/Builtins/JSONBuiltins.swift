// `json.parse` and `json.stringify`, thin wrappers over the `JSON` codec.

enum JSONBuiltins {
    static func install(into interp: Interpreter) {
        let json = interp.builtinModule("json")
        json.define("parse", arity: 1...1) { args, _ throws(ScriptError) in
            try JSON.parse(try args.string(0, "text"))
        }
        json.define("stringify", arity: 1...2) { args, _ throws(ScriptError) in
            try JSON.stringifyKeepingSecrets(args[0], indent: try indent(args))
        }
    }

    /// `{indent: n}`, or a bare number as a shorthand; compact when absent.
    private static func indent(_ args: Arguments) throws(ScriptError) -> Int {
        let n: Int
        if case .int = args[1] { n = try args.count(1, "indent") }
        else { n = try args.options(1, allowed: ["indent"]).int("indent") ?? 0 }
        // Every nested line repeats the indent once per level: a huge one is a huge string.
        guard (0...maxIndent).contains(n) else {
            throw ScriptError.value("json.stringify: indent must be from 0 to \(maxIndent), not \(n)")
        }
        return n
    }

    static let maxIndent = 16
}

// Helpers shared by the built-in functions and methods: extra argument getters,
// method registration that names the receiver type in messages, callbacks into
// script functions, index arithmetic and hashing for `unique`/`group_by`.

extension Arguments {
    /// The same arguments reported under another name, so a method's messages read
    /// `list.map: ...` whatever name the call site used.
    func named(_ callee: String) -> Arguments { Arguments(values, callee: callee) }

    /// True when argument `i` was not passed or is nil: optional arguments treat both alike.
    func isAbsent(_ i: Int) -> Bool {
        if i >= count { return true }
        if case .null = values[i] { return true }
        return false
    }

    /// An optional string: `fallback` when absent or nil.
    func string(_ i: Int, default fallback: String, _ what: String = "argument") throws(ScriptError) -> String {
        if isAbsent(i) { return fallback }
        return try string(i, what)
    }

    /// An optional int: `fallback` when absent or nil.
    func int(_ i: Int, default fallback: Int, _ what: String = "argument") throws(ScriptError) -> Int {
        if isAbsent(i) { return fallback }
        return try int(i, what)
    }

    /// An int that must not be negative (counts, widths, repetitions).
    func count(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Int {
        let n = try int(i, what)
        if n < 0 { throw ScriptError.value("\(callee): \(what == "argument" ? "argument \(i + 1)" : what) must not be negative, not \(n)") }
        return n
    }

    /// A script or native function passed as a callback.
    func callback(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Callback {
        Callback(try function(i, what))
    }

    /// A string-valued field of an options map; nil when absent or nil.
    func option(_ options: MapRef?, string key: String) throws(ScriptError) -> String? {
        guard let v = options?.entries[key] else { return nil }
        switch v {
        case .null: return nil
        case .string(let s): return s
        default: throw ScriptError.type("\(callee): option '\(key)' must be a string, not \(v.typeName)")
        }
    }

    /// A non-negative int field of an options map; nil when absent or nil.
    func option(_ options: MapRef?, int key: String) throws(ScriptError) -> Int? {
        guard let v = options?.entries[key] else { return nil }
        switch v {
        case .null: return nil
        case .int(let n) where n >= 0: return n
        case .int(let n): throw ScriptError.value("\(callee): option '\(key)' must not be negative, not \(n)")
        default: throw ScriptError.type("\(callee): option '\(key)' must be an int, not \(v.typeName)")
        }
    }

    /// A bool field of an options map, read by truthiness; false when absent.
    func option(_ options: MapRef?, flag key: String) -> Bool {
        options?.entries[key]?.isTruthy ?? false
    }
}

/// A function value a built-in calls back. Script functions that declare two or more
/// parameters also get a second argument (the index for lists, the key for maps);
/// natives only when they require two, so `xs.map(int)` never passes an index as a base.
struct Callback {
    let fn: Value
    let wantsTwo: Bool

    init(_ fn: Value) {
        self.fn = fn
        if case .function(let c) = fn {
            if let native = c as? NativeFunction {
                wantsTwo = native.minArity >= 2
            } else {
                wantsTwo = c.parameterCount >= 2
            }
        } else {
            wantsTwo = false
        }
    }

    @inline(__always)
    func call(_ interp: Interpreter, _ a: Value) throws(ScriptError) -> Value {
        try interp.call(fn, [a])
    }

    @inline(__always)
    func call(_ interp: Interpreter, _ a: Value, _ b: Value) throws(ScriptError) -> Value {
        try interp.call(fn, [a, b])
    }

    /// Calls with `item`, adding `extra` when the function takes two parameters.
    @inline(__always)
    func call(_ interp: Interpreter, _ item: Value, extra: @autoclosure () -> Value) throws(ScriptError) -> Value {
        wantsTwo ? try interp.call(fn, [item, extra()]) : try interp.call(fn, [item])
    }
}

/// Builds a method table for one receiver type, unwrapping the receiver and naming the
/// methods `type.name` in their messages.
struct MethodTable<Receiver> {
    let typeName: String
    let unwrap: (Value) -> Receiver?
    var methods: [String: NativeMethod]

    typealias Body = (_ receiver: Receiver, _ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value

    mutating func define(_ name: String, _ arity: ClosedRange<Int>, _ body: @escaping Body) {
        let callee = "\(typeName).\(name)"
        let unwrap = self.unwrap
        let typeName = self.typeName
        methods[name] = NativeMethod(arity: arity) { receiver, args, interp throws(ScriptError) in
            guard let r = unwrap(receiver) else {
                throw ScriptError.type("\(callee): receiver must be a \(typeName), not \(receiver.typeName)")
            }
            return try body(r, args.named(callee), interp)
        }
    }

    mutating func alias(_ name: String, for existing: String) {
        methods[name] = methods[existing]
    }
}

/// Resolves a possibly negative index against `count`; nil when out of range.
/// `allowEnd` admits `count` itself (an insertion point).
@inline(__always)
func resolveIndex(_ i: Int, count: Int, allowEnd: Bool = false) -> Int? {
    let j = i < 0 ? i + count : i
    let limit = allowEnd ? count : count - 1
    return j >= 0 && j <= limit ? j : nil
}

func indexError(_ callee: String, _ i: Int, count: Int, what: String = "list") -> ScriptError {
    ScriptError.runtime("index", "\(callee): index \(i) out of range for a \(what) of length \(count)")
}

/// `Value.sortOrder` (nan last) with the calling built-in named in its type error.
func compareValues(_ a: Value, _ b: Value, _ callee: String) throws(ScriptError) -> Int {
    do {
        return try Value.sortOrder(a, b)
    } catch {
        if case .thrown(let e) = error, e.kind == "type" {
            throw ScriptError.type("\(callee): \(e.message)")
        }
        throw error
    }
}

/// A hashable stand-in for scalar values, so `unique` and `group_by` avoid quadratic
/// scans for the common case. Integral floats hash as ints because `1 == 1.0`.
enum ScalarKey: Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    init?(_ v: Value) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let n): self = .int(n)
        case .float(let d):
            if d == d.rounded(), abs(d) < 9.2e18 { self = .int(Int(d)) } else { self = .float(d) }
        case .string(let s): self = .string(s)
        default: return nil
        }
    }
}

/// Text for messages that quote a value: strings in quotes, the rest as printed.
func quoted(_ v: Value) -> String { Printer.repr(v) }

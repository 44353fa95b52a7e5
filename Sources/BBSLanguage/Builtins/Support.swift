// Helpers shared by the built-in functions and methods: extra argument getters, the one
// way to read an options map (`OptionMap`), method registration that names the receiver
// type in messages, callbacks into script functions, index arithmetic and hashing for
// `unique`/`group_by`. The argument getters, `OptionMap` and `Callback` are public: the
// runtime's built-ins (git, parallel, token, ...) use the same kit.

extension Arguments {
    /// The same arguments reported under another name, so a method's messages read
    /// `list.map: ...` whatever name the call site used.
    func named(_ callee: String) -> Arguments { Arguments(values, callee: callee) }

    /// True when argument `i` was not passed or is nil: optional arguments treat both alike.
    public func isAbsent(_ i: Int) -> Bool {
        if i >= count { return true }
        if case .null = values[i] { return true }
        return false
    }

    /// An optional string: `fallback` when absent or nil.
    public func string(_ i: Int, default fallback: String, _ what: String = "argument") throws(ScriptError) -> String {
        if isAbsent(i) { return fallback }
        return try string(i, what)
    }

    /// An optional int: `fallback` when absent or nil.
    public func int(_ i: Int, default fallback: Int, _ what: String = "argument") throws(ScriptError) -> Int {
        if isAbsent(i) { return fallback }
        return try int(i, what)
    }

    /// An int that must not be negative (counts, widths, repetitions).
    public func count(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Int {
        let n = try int(i, what)
        if n < 0 { throw ScriptError.value("\(callee): \(what == "argument" ? "argument \(i + 1)" : what) must not be negative, not \(n)") }
        return n
    }

    /// A script or native function passed as a callback.
    public func callback(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Callback {
        Callback(try function(i, what))
    }

    /// The options map at argument `i` (nil or absent: no options). Every key must be one of
    /// `allowed`, so a misspelt option is an error rather than silently ignored.
    public func options(_ i: Int, allowed: [String]) throws(ScriptError) -> OptionMap {
        try OptionMap(try options(i), callee: callee, allowed: allowed)
    }
}

/// The options a built-in takes as a map (`fs.remove(path, {recursive: true})`), read the same
/// way by every built-in in every target: an unknown key is a `value` error naming the allowed
/// ones; a nil value means the option is not given; a flag must be a bool, an int an int, a
/// string a string, each else a `type` error naming the option.
public struct OptionMap {
    public let callee: String
    private let entries: OrderedMap

    public init(_ map: MapRef?, callee: String, allowed: [String]) throws(ScriptError) {
        self.callee = callee
        entries = map?.entries ?? OrderedMap()
        for key in entries.keys where !allowed.contains(key) {
            throw ScriptError.value("\(callee): unknown option '\(key)' (options: \(allowed.joined(separator: ", ")))")
        }
    }

    /// The option's value; nil when absent or nil.
    public func value(_ key: String) -> Value? {
        switch entries[key] {
        case nil, .null?: return nil
        case let v?: return v
        }
    }

    public func string(_ key: String) throws(ScriptError) -> String? {
        switch value(key) {
        case nil: return nil
        case .string(let s)?: return s
        case let v?: throw mistyped(key, "a string", v)
        }
    }

    /// An int of at least `minimum`.
    public func int(_ key: String, atLeast minimum: Int = 0) throws(ScriptError) -> Int? {
        switch value(key) {
        case nil: return nil
        case .int(let n)? where n >= minimum: return n
        case .int(let n)?:
            let rule = minimum == 0 ? "must not be negative" : "must be at least \(minimum)"
            throw ScriptError.value("\(callee): option '\(key)' \(rule), not \(n)")
        case let v?: throw mistyped(key, "an int", v)
        }
    }

    /// A flag: `true` or `false`, `fallback` when not given. Truthiness is not enough: in
    /// `{recursive: "no"}` the string would read as true.
    public func flag(_ key: String, default fallback: Bool = false) throws(ScriptError) -> Bool {
        switch value(key) {
        case nil: return fallback
        case .bool(let b)?: return b
        case let v?: throw mistyped(key, "a bool", v)
        }
    }

    public func mistyped(_ key: String, _ expected: String, _ got: Value) -> ScriptError {
        ScriptError.type("\(callee): option '\(key)' must be \(expected), not \(got.typeName)")
    }
}

/// A function value a built-in calls back. Script functions that declare two or more
/// parameters also get a second argument (the index for lists, the key for maps);
/// natives only when they require two, so `xs.map(int)` never passes an index as a base.
public struct Callback {
    public let fn: Value
    public let wantsTwo: Bool

    public init(_ fn: Value) {
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
    public func call(_ interp: Interpreter, _ a: Value) throws(ScriptError) -> Value {
        try interp.call(fn, a)
    }

    @inline(__always)
    public func call(_ interp: Interpreter, _ a: Value, _ b: Value) throws(ScriptError) -> Value {
        try interp.call(fn, a, b)
    }

    /// Calls with `item`, adding `extra` when the function takes two parameters.
    @inline(__always)
    public func call(_ interp: Interpreter, _ item: Value, extra: @autoclosure () -> Value) throws(ScriptError) -> Value {
        wantsTwo ? try interp.call(fn, item, extra()) : try interp.call(fn, item)
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
    ScriptError.runtime(.index, "\(callee): index \(i) out of range for a \(what) of length \(count)")
}

/// `Value.sortOrder` (nan last) with the calling built-in named in its type error.
func compareValues(_ a: Value, _ b: Value, _ callee: String) throws(ScriptError) -> Int {
    do {
        return try Value.sortOrder(a, b)
    } catch {
        if case .thrown(let e) = error, e.knownKind == .type {
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

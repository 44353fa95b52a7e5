// The values a bbs script computes with.
//
// Scalars (nil, bool, int, float) are stored inline so arithmetic never touches
// reference counting; strings are Swift strings (UTF-8, value semantics); lists and
// maps are shared references, as in Python and JavaScript. Everything else a host
// provides (secrets, errors, streams, repositories, modules) is a `HostObject`.

public enum Value {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list(ListRef)
    case map(MapRef)
    case function(Callable)
    case object(HostObject)

    @inline(__always)
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        default: return true
        }
    }

    /// The name `type(v)` returns.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .function: return "function"
        case .object(let o): return o.typeName
        }
    }
}

/// A mutable, shared list.
public final class ListRef {
    public var items: [Value]
    public init(_ items: [Value] = []) { self.items = items }
    deinit { if ValueRelease.holdsContainer(items) { ValueRelease.dismantle(&items) } }
}

/// A mutable, shared, insertion-ordered map with string keys (so JSON round-trips).
public final class MapRef {
    public var entries: OrderedMap
    public init(_ entries: OrderedMap = OrderedMap()) { self.entries = entries }
    deinit { if ValueRelease.holdsContainer(entries.elements) { ValueRelease.dismantle(&entries) } }
    public convenience init(_ pairs: KeyValuePairs<String, Value>) {
        var m = OrderedMap()
        for (k, v) in pairs { m[k] = v }
        self.init(m)
    }
}

/// Anything callable from a script: a script closure or a native built-in.
public class Callable {
    public let name: String
    /// How many parameters the function declares (for natives, the most it takes).
    public let parameterCount: Int
    /// Saves a dynamic cast on every call: closures take the fast path.
    let isClosure: Bool
    init(name: String, parameterCount: Int, isClosure: Bool = false) {
        self.name = name
        self.parameterCount = parameterCount
        self.isClosure = isClosure
    }
}

/// A built-in implemented in Swift. `arity` bounds the argument count, checked before `body` runs.
public final class NativeFunction: Callable {
    public typealias Body = (_ args: Arguments, _ interpreter: Interpreter) throws(ScriptError) -> Value
    public let minArity: Int
    public let maxArity: Int
    public let body: Body
    /// Functions under the function's own name (`env.require` beside `env(...)`).
    public var members: [String: Value] = [:]
    public init(_ name: String, arity: ClosedRange<Int>, _ body: @escaping Body) {
        self.minArity = arity.lowerBound
        self.maxArity = arity.upperBound
        self.body = body
        super.init(name: name, parameterCount: arity.upperBound)
    }
}

/// A value a host adds to the language: secrets, errors, streams, repositories, modules.
/// Subclasses answer member reads and method calls; the default has neither.
open class HostObject {
    public init() {}
    /// What `type(v)` says.
    open var typeName: String { "object" }
    /// `obj.name`; nil means "no such member" (an error unless `?.` was used).
    open func member(_ name: String) -> Value? { nil }
    /// `obj.name(args)`; nil means "no such method", and the interpreter then tries `member`.
    open func callMethod(_ name: String, _ args: Arguments, _ interpreter: Interpreter) throws(ScriptError) -> Value? { nil }
    /// How the value prints, bare and inside a collection.
    open var displayText: String { "<\(typeName)>" }
    /// The value `json.stringify` writes; nil means it cannot be serialised.
    open var jsonValue: Value? { nil }
    /// Names offered by completion and `keys`-like introspection.
    open var memberNames: [String] { [] }
    /// Iteration with `for x in obj`; nil means not iterable.
    open func makeIterator(_ interpreter: Interpreter) throws(ScriptError) -> ValueIterator? { nil }
    /// Equality for `==`; identity by default.
    open func isEqual(to other: HostObject) -> Bool { self === other }
}

/// Pulls values one at a time, for `for` loops over streams and other lazy sources.
public protocol ValueIterator {
    mutating func next(_ interpreter: Interpreter) throws(ScriptError) -> Value?
    /// For a paged source, what the REPL needs to show one page: the items fetched and not yet
    /// taken, and the total the source announced (nil when it did not). Nil when not paged.
    var page: (buffered: Int, total: Int?)? { get }
}

extension ValueIterator {
    public var page: (buffered: Int, total: Int?)? { nil }
}

/// The arguments of a native call, with helpers that raise positioned type errors.
public struct Arguments {
    public var values: [Value]
    /// The name errors use: `len`, or `list.push` for a method (built only when needed).
    public var callee: String { receiverType.isEmpty ? name : "\(receiverType).\(name)" }
    private let receiverType: String
    private let name: String
    public init(_ values: [Value], callee: String) {
        self.values = values
        self.receiverType = ""
        self.name = callee
    }
    public init(_ values: [Value], receiverType: String, method: String) {
        self.values = values
        self.receiverType = receiverType
        self.name = method
    }
    public var count: Int { values.count }
    public subscript(_ i: Int) -> Value { i < values.count ? values[i] : .null }

    public func string(_ i: Int, _ what: String = "argument") throws(ScriptError) -> String {
        if case .string(let s) = self[i] { return s }
        throw argumentError(i, what, expected: "a string")
    }
    public func int(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Int {
        switch self[i] {
        case .int(let n): return n
        case .float(let d) where d == d.rounded() && abs(d) < 9.2e18: return Int(d)
        default: throw argumentError(i, what, expected: "an int")
        }
    }
    public func number(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Double {
        switch self[i] {
        case .int(let n): return Double(n)
        case .float(let d): return d
        default: throw argumentError(i, what, expected: "a number")
        }
    }
    public func list(_ i: Int, _ what: String = "argument") throws(ScriptError) -> ListRef {
        if case .list(let l) = self[i] { return l }
        throw argumentError(i, what, expected: "a list")
    }
    public func map(_ i: Int, _ what: String = "argument") throws(ScriptError) -> MapRef {
        if case .map(let m) = self[i] { return m }
        throw argumentError(i, what, expected: "a map")
    }
    /// An optional options map: nil when absent or nil.
    public func options(_ i: Int) throws(ScriptError) -> MapRef? {
        switch self[i] {
        case .null: return nil
        case .map(let m): return m
        default: throw argumentError(i, "options", expected: "a map")
        }
    }
    public func function(_ i: Int, _ what: String = "argument") throws(ScriptError) -> Value {
        if case .function = self[i] { return self[i] }
        throw argumentError(i, what, expected: "a function")
    }
    public func argumentError(_ i: Int, _ what: String, expected: String) -> ScriptError {
        let got = i < values.count ? values[i].typeName : "nothing"
        let label = what == "argument" ? "argument \(i + 1)" : what
        return ScriptError.type("\(callee): \(label) must be \(expected), not \(got)")
    }
}

/// A method on a built-in type (`"a,b".split(",")`, `list.map(f)`): the receiver comes first.
public struct NativeMethod {
    public typealias Body = (_ receiver: Value, _ args: Arguments, _ interpreter: Interpreter) throws(ScriptError) -> Value
    public let minArity: Int
    public let maxArity: Int
    public let body: Body
    public init(arity: ClosedRange<Int>, _ body: @escaping Body) {
        self.minArity = arity.lowerBound
        self.maxArity = arity.upperBound
        self.body = body
    }
}

/// A namespace of built-ins or an imported script module: `json`, `fs`, `import "x" as x`.
public final class ModuleValue: HostObject {
    public let name: String
    public var members: OrderedMap
    public init(name: String, members: OrderedMap = OrderedMap()) {
        self.name = name
        self.members = members
    }
    public func define(_ name: String, arity: ClosedRange<Int>, _ body: @escaping NativeFunction.Body) {
        members[name] = .function(NativeFunction("\(self.name).\(name)", arity: arity, body))
    }
    override public var typeName: String { "module" }
    override public func member(_ name: String) -> Value? { members[name] }
    override public var memberNames: [String] { members.keys }
    override public var displayText: String { "<module \(name)>" }
}

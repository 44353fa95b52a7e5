// The meaning of bbs's operators, shared by the compiler's generic paths and built-ins.
// Integer arithmetic is checked: overflow is a script error, never a trap or a wrap.
// `/` of two ints truncates toward zero; any float operand makes the result a float.

import Foundation

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains = "in"
}

extension Value {
    /// `==`. Lists and maps compare element by element, at most `Nesting.values` levels
    /// deep: beyond that (in practice, two lists that each contain themselves) it is an
    /// error, never endless recursion. The same list is always equal to itself.
    public static func isEqual(_ a: Value, _ b: Value) throws(ScriptError) -> Bool {
        var shared = SharedPairs()
        return try isEqual(a, b, depth: 0, &shared)
    }

    private static func isEqual(_ a: Value, _ b: Value, depth: Int, _ shared: inout SharedPairs) throws(ScriptError) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.int(x), .float(y)): return Value.compareExactly(x, y) == 0
        case let (.float(x), .int(y)): return Value.compareExactly(y, x) == 0
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)):
            if x === y { return true }
            guard x.items.count == y.items.count else { return false }
            try Nesting.checkValueDepth(depth, "==")
            let pair = ContainerPair(x, y)
            guard let proof = try shared.begin(pair, depth, "==") else { return true }
            for i in x.items.indices where !(try isEqual(x.items[i], y.items[i], depth: depth + 1, &shared)) { return false }
            shared.proved(pair, proof)
            return true
        case let (.map(x), .map(y)):
            if x === y { return true }
            guard x.entries.count == y.entries.count else { return false }
            try Nesting.checkValueDepth(depth, "==")
            let pair = ContainerPair(x, y)
            guard let proof = try shared.begin(pair, depth, "==") else { return true }
            for (k, v) in x.entries.pairs {
                guard let w = y.entries[k], try isEqual(v, w, depth: depth + 1, &shared) else { return false }
            }
            shared.proved(pair, proof)
            return true
        case let (.function(x), .function(y)): return x === y
        case let (.object(x), .object(y)): return x.isEqual(to: y)
        default: return false
        }
    }

    /// An int against a float without rounding the int through Double (2^53 + 1 is not
    /// 2^53 as a float): -1, 0 or 1, or nil when the float is nan.
    static func compareExactly(_ x: Int, _ y: Double) -> Int? {
        if y.isNaN { return nil }
        // 2^63 is exactly representable; every finite double at or above it exceeds every Int.
        if y >= 9_223_372_036_854_775_808.0 { return -1 }
        if y < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = y.rounded(.down)
        let n = Int(whole)
        if x != n { return x < n ? -1 : 1 }
        return whole == y ? 0 : -1
    }

    /// -1, 0 or 1; numbers numerically, strings by Unicode scalars, lists element-wise.
    /// A nan is neither below nor above anything here (so `<` is false either way).
    public static func compare(_ a: Value, _ b: Value) throws(ScriptError) -> Int {
        var shared = SharedPairs()
        return try compare(a, b, nanLast: false, depth: 0, &shared)
    }

    /// The total order `sort`, `min` and `max` use: as `compare`, but nan sorts after every
    /// other number and equals itself, so a list holding nan still sorts.
    public static func sortOrder(_ a: Value, _ b: Value) throws(ScriptError) -> Int {
        var shared = SharedPairs()
        return try compare(a, b, nanLast: true, depth: 0, &shared)
    }

    private static func compare(_ a: Value, _ b: Value, nanLast: Bool, depth: Int, _ shared: inout SharedPairs) throws(ScriptError) -> Int {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : x > y ? 1 : 0
        case let (.float(x), .float(y)):
            if nanLast && (x.isNaN || y.isNaN) { return x.isNaN ? (y.isNaN ? 0 : 1) : -1 }
            return x < y ? -1 : x > y ? 1 : 0
        case let (.int(x), .float(y)):
            if let c = compareExactly(x, y) { return c }
            return nanLast ? -1 : 0
        case let (.float(x), .int(y)):
            if let c = compareExactly(y, x) { return -c }
            return nanLast ? 1 : 0
        case let (.string(x), .string(y)):
            if x == y { return 0 }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case let (.list(x), .list(y)):
            if x === y { return 0 }
            try Nesting.checkValueDepth(depth, "compare")
            let pair = ContainerPair(x, y)
            // Only a pair that compared as 0 is remembered: any other result ends the comparison.
            guard let proof = try shared.begin(pair, depth, "compare") else { return 0 }
            for (p, q) in zip(x.items, y.items) {
                let c = try compare(p, q, nanLast: nanLast, depth: depth + 1, &shared)
                if c != 0 { return c }
            }
            let c = x.items.count < y.items.count ? -1 : x.items.count > y.items.count ? 1 : 0
            if c == 0 { shared.proved(pair, proof) }
            return c
        default:
            throw ScriptError.type("cannot compare \(a.typeName) with \(b.typeName)")
        }
    }
}

/// Two containers compared with each other, by identity.
struct ContainerPair: Hashable {
    let left: ObjectIdentifier
    let right: ObjectIdentifier

    init(_ left: AnyObject, _ right: AnyObject) {
        self.left = ObjectIdentifier(left)
        self.right = ObjectIdentifier(right)
    }
}

/// What one `==` or ordering remembers about the container pairs it has compared. Values
/// can share parts: `x = [x, x]` sixty times is 61 lists, but compared naively 2^60 pairs.
/// The first `rememberAfter` pairs cost only a count, so small comparisons pay nothing;
/// after that each pair found equal is remembered and never compared again, so the work
/// is linear in the distinct pairs.
///
/// A remembered pair keeps how many levels its comparison went down, so a pair reached
/// deeper than before still fails the nesting budget exactly where comparing it would.
struct SharedPairs {
    static let rememberAfter = 10_000

    private var visits = 0
    /// Made when remembering starts, so a small comparison never allocates or releases it.
    private var equal: [ContainerPair: Int]? = nil
    /// The deepest level at which a remembered comparison has checked a pair so far.
    private var deepest = 0

    /// Where a pair's comparison started, to learn how deep it went when it proves equal.
    struct Proof {
        fileprivate let depth: Int
        fileprivate let outerDeepest: Int
        fileprivate let remembers: Bool
    }

    /// Called once `pair` passed the depth check at `depth`: nil when it is already known
    /// equal (so the caller returns "equal"), else a proof to hand to `proved`.
    @inline(__always)
    mutating func begin(_ pair: ContainerPair, _ depth: Int, _ what: String) throws(ScriptError) -> Proof? {
        if visits < SharedPairs.rememberAfter {
            visits += 1
            return Proof(depth: depth, outerDeepest: 0, remembers: false)
        }
        if equal == nil { equal = [:] }
        if let levels = equal![pair] {
            try Nesting.checkValueDepth(depth + levels, what)
            deepest = max(deepest, depth + levels)
            return nil
        }
        let proof = Proof(depth: depth, outerDeepest: deepest, remembers: true)
        deepest = depth
        return proof
    }

    /// The pair whose comparison `proof` began compared equal.
    @inline(__always)
    mutating func proved(_ pair: ContainerPair, _ proof: Proof) {
        guard proof.remembers else { return }
        equal![pair] = deepest - proof.depth
        deepest = max(deepest, proof.outerDeepest)
    }
}

/// The slow (generic) paths of operators; compiled code inlines the int/int cases.
public enum Operators {
    /// The most items `+` builds into one list (256 MiB of values, as for strings).
    public static let maxListCount = 1 << 24

    public static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(ScriptError) -> Value {
        switch op {
        case .add: return try add(a, b)
        case .subtract, .multiply, .divide, .remainder: return try arithmetic(op, a, b)
        case .equal: return .bool(try Value.isEqual(a, b))
        case .notEqual: return .bool(!(try Value.isEqual(a, b)))
        case .less: return .bool(try Value.compare(a, b) < 0)
        case .lessEqual: return .bool(try Value.compare(a, b) <= 0)
        case .greater: return .bool(try Value.compare(a, b) > 0)
        case .greaterEqual: return .bool(try Value.compare(a, b) >= 0)
        case .contains: return .bool(try contains(b, a))
        }
    }

    public static func add(_ a: Value, _ b: Value) throws(ScriptError) -> Value {
        switch (a, b) {
        case let (.int(x), .int(y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw overflow(x, "+", y) }
            return .int(r)
        case let (.string(x), .string(y)):
            try checkSum(x, y)
            return .string(x + y)
        case let (.list(x), .list(y)):
            // Doubling a list in a loop reaches any size quickly: fail before allocating it.
            if x.items.count + y.items.count > Operators.maxListCount {
                throw ScriptError.value("cannot add lists of \(x.items.count) and \(y.items.count) items: the result would have more than \(Operators.maxListCount)")
            }
            return .list(ListRef(x.items + y.items))
        case (.int, .float), (.float, .int), (.float, .float): return try arithmetic(.add, a, b)
        case (.object(is SecretValue), .string), (.string, .object(is SecretValue)),
             (.object(is SecretValue), .object(is SecretValue)):
            return try SecretValue.concatenation([a, b], for: "+")
        case (.string, _), (_, .string):
            throw ScriptError.type("cannot add \(a.typeName) and \(b.typeName) (use str() or \"${...}\" to build text)")
        default:
            throw ScriptError.type("cannot add \(a.typeName) and \(b.typeName)")
        }
    }

    /// Refuses `+` or `+=` of two strings whose sum would pass the one text limit
    /// (Printer.maxTextBytes), before the sum is built.
    @inline(__always)
    static func checkSum(_ x: String, _ y: String) throws(ScriptError) {
        if x.utf8.count + y.utf8.count > Printer.maxTextBytes {
            throw ScriptError.value("cannot add strings of \(x.utf8.count) and \(y.utf8.count) bytes: the text would be larger than \(Printer.maxTextBytes >> 20) MiB")
        }
    }

    public static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) throws(ScriptError) -> Value {
        switch (a, b) {
        case let (.int(x), .int(y)): return .int(try intArithmetic(op, x, y))
        case let (.int(x), .float(y)): return .float(floatArithmetic(op, Double(x), y))
        case let (.float(x), .int(y)): return .float(floatArithmetic(op, x, Double(y)))
        case let (.float(x), .float(y)): return .float(floatArithmetic(op, x, y))
        default:
            let verb = ["+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "take the remainder of"][op.rawValue]!
            throw ScriptError.type("cannot \(verb) \(a.typeName) and \(b.typeName)")
        }
    }

    @inline(__always)
    public static func intArithmetic(_ op: BinaryOperator, _ x: Int, _ y: Int) throws(ScriptError) -> Int {
        let r: (partialValue: Int, overflow: Bool)
        switch op {
        case .add: r = x.addingReportingOverflow(y)
        case .subtract: r = x.subtractingReportingOverflow(y)
        case .multiply: r = x.multipliedReportingOverflow(by: y)
        case .divide:
            if y == 0 { throw ScriptError.runtime(.zeroDivision, "division by zero") }
            r = x.dividedReportingOverflow(by: y)
        case .remainder:
            if y == 0 { throw ScriptError.runtime(.zeroDivision, "remainder by zero") }
            // Int.min % -1 "overflows" in the machine, but the remainder is 0 and fits.
            if y == -1 { return 0 }
            r = x.remainderReportingOverflow(dividingBy: y)
        default: preconditionFailure("not arithmetic: \(op)")
        }
        if r.overflow { throw overflow(x, op.rawValue, y) }
        return r.partialValue
    }

    static func floatArithmetic(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return x / y
        case .remainder: return fmod(x, y)
        default: preconditionFailure("not arithmetic: \(op)")
        }
    }

    static func overflow(_ x: Int, _ op: String, _ y: Int) -> ScriptError {
        ScriptError.runtime(.overflow, "integer overflow: \(x) \(op) \(y) does not fit in 64 bits")
    }

    public static func negate(_ v: Value) throws(ScriptError) -> Value {
        switch v {
        case .int(let x):
            if x == Int.min { throw ScriptError.runtime(.overflow, "integer overflow: -(\(x)) does not fit in 64 bits") }
            return .int(-x)
        case .float(let x): return .float(-x)
        default: throw ScriptError.type("cannot negate \(v.typeName)")
        }
    }

    /// `needle in haystack`: list membership, map key, substring.
    public static func contains(_ haystack: Value, _ needle: Value) throws(ScriptError) -> Bool {
        switch haystack {
        case .list(let l):
            for item in l.items where try Value.isEqual(item, needle) { return true }
            return false
        case .map(let m):
            guard case .string(let k) = needle else { return false }
            return m.entries.has(k)
        case .string(let s):
            guard case .string(let sub) = needle else {
                throw ScriptError.type("'in' with a string needs a string on the left, not \(needle.typeName)")
            }
            return sub.isEmpty || s.contains(sub)
        default:
            throw ScriptError.type("'in' needs a list, map or string on the right, not \(haystack.typeName)")
        }
    }
}

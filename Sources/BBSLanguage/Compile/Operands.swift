// Specialised code for binary operators. Most arithmetic and comparisons in real loops
// read a local or global variable and a constant; fetching those operands without a
// closure call, and taking the int/int path inline, is what makes loops fast
// (docs/internals.md "Why these choices"). Generic functions over operand and
// operator types let the Swift optimiser stamp out one closure per combination.

protocol OperandFetch {
    func fetch(_ i: Interpreter) throws(ScriptError) -> Value
    /// Whether `peekInt` may be used: reading the operand has no effect, so it can be read
    /// once to peek and again to fetch.
    static var canPeek: Bool { get }
    /// The operand's int, read in place: no copy of the value, so no retain/release and no
    /// outlined copy of a `Value` on the int fast path. Nil when it is not an int.
    func peekInt(_ i: Interpreter) -> Int?
}

struct LocalOperand: OperandFetch {
    let slot: Int
    @inline(__always) func fetch(_ i: Interpreter) throws(ScriptError) -> Value { i.fp[slot] }
    static var canPeek: Bool { true }
    @inline(__always) func peekInt(_ i: Interpreter) -> Int? {
        if case .int(let n) = i.fp[slot] { return n }
        return nil
    }
}

struct GlobalOperand: OperandFetch {
    let store: GlobalStore
    let index: Int
    @inline(__always) func fetch(_ i: Interpreter) throws(ScriptError) -> Value { store.slots[index] }
    static var canPeek: Bool { true }
    @inline(__always) func peekInt(_ i: Interpreter) -> Int? {
        if case .int(let n) = store.slots[index] { return n }
        return nil
    }
}

struct ConstantOperand: OperandFetch {
    let value: Value
    let int: Int?
    init(value: Value) {
        self.value = value
        if case .int(let n) = value { int = n } else { int = nil }
    }
    @inline(__always) func fetch(_ i: Interpreter) throws(ScriptError) -> Value { value }
    static var canPeek: Bool { true }
    @inline(__always) func peekInt(_ i: Interpreter) -> Int? { int }
}

struct CodeOperand: OperandFetch {
    let code: Code
    @inline(__always) func fetch(_ i: Interpreter) throws(ScriptError) -> Value { try code(i) }
    static var canPeek: Bool { false }
    @inline(__always) func peekInt(_ i: Interpreter) -> Int? { nil }
}

/// An operator with an inline int/int fast path; nil from `ints` means "take the slow path".
protocol IntFastOperator {
    static var op: BinaryOperator { get }
    static func ints(_ a: Int, _ b: Int) -> Value?
}

enum AddOp: IntFastOperator {
    static let op = BinaryOperator.add
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Value? {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? nil : .int(r)
    }
}

enum SubtractOp: IntFastOperator {
    static let op = BinaryOperator.subtract
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Value? {
        let (r, o) = a.subtractingReportingOverflow(b)
        return o ? nil : .int(r)
    }
}

enum MultiplyOp: IntFastOperator {
    static let op = BinaryOperator.multiply
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Value? {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : .int(r)
    }
}

/// Comparison operators, producing a Swift Bool for conditions.
protocol CompareOperator {
    static var op: BinaryOperator { get }
    static func ints(_ a: Int, _ b: Int) -> Bool
}

enum LessOp: CompareOperator {
    static let op = BinaryOperator.less
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a < b }
}
enum LessEqualOp: CompareOperator {
    static let op = BinaryOperator.lessEqual
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a <= b }
}
enum GreaterOp: CompareOperator {
    static let op = BinaryOperator.greater
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a > b }
}
enum GreaterEqualOp: CompareOperator {
    static let op = BinaryOperator.greaterEqual
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a >= b }
}
enum EqualOp: CompareOperator {
    static let op = BinaryOperator.equal
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a == b }
}
enum NotEqualOp: CompareOperator {
    static let op = BinaryOperator.notEqual
    @inline(__always) static func ints(_ a: Int, _ b: Int) -> Bool { a != b }
}

extension Compiler {
    /// How an operand can be fetched without a closure call, if it can.
    enum OperandShape {
        case local(Int), global(GlobalStore, Int), constant(Value), code(Code)
    }

    func operandShape(_ e: Expr) -> OperandShape {
        switch e {
        case .variable(let ref):
            switch ref.binding {
            case .local(let s): return .local(s)
            case .global(let store, let i): return .global(store, i)
            default: break
            }
        case .literal(let v, _): return .constant(v)
        default: break
        }
        return .code(expression(e))
    }

    func arithmetic<Op: IntFastOperator>(_: Op.Type, _ l: Expr, _ r: Expr, _ loc: SourceLocation) -> Code {
        let file = self.file
        let rightShape = operandShape(r)
        // A local generic function, called with concrete operand types, so each
        // combination is specialised (a closure cannot be generic itself).
        func withLeft<L: OperandFetch>(_ left: L) -> Code {
            switch rightShape {
            case .local(let s): return Compiler.arithmeticCode(Op.self, left, LocalOperand(slot: s), loc, file)
            case .global(let st, let i): return Compiler.arithmeticCode(Op.self, left, GlobalOperand(store: st, index: i), loc, file)
            case .constant(let v): return Compiler.arithmeticCode(Op.self, left, ConstantOperand(value: v), loc, file)
            case .code(let c): return Compiler.arithmeticCode(Op.self, left, CodeOperand(code: c), loc, file)
            }
        }
        switch operandShape(l) {
        case .local(let s): return withLeft(LocalOperand(slot: s))
        case .global(let st, let i): return withLeft(GlobalOperand(store: st, index: i))
        case .constant(let v): return withLeft(ConstantOperand(value: v))
        case .code(let c): return withLeft(CodeOperand(code: c))
        }
    }

    static func arithmeticCode<Op: IntFastOperator, L: OperandFetch, R: OperandFetch>(
        _: Op.Type, _ l: L, _ r: R, _ loc: SourceLocation, _ file: SourceFile
    ) -> Code {
        return { i throws(ScriptError) in
            if L.canPeek, R.canPeek, let x = l.peekInt(i), let y = r.peekInt(i), let v = Op.ints(x, y) { return v }
            let a = try l.fetch(i)
            let b = try r.fetch(i)
            if case .int(let x) = a, case .int(let y) = b, let v = Op.ints(x, y) { return v }
            do throws(ScriptError) {
                return try Operators.binary(Op.op, a, b)
            } catch {
                throw error.located(loc, in: file)
            }
        }
    }

    func comparison<Op: CompareOperator>(_: Op.Type, _ l: Expr, _ r: Expr, _ loc: SourceLocation) -> ConditionCode {
        let file = self.file
        let rightShape = operandShape(r)
        func withLeft<L: OperandFetch>(_ left: L) -> ConditionCode {
            switch rightShape {
            case .local(let s): return Compiler.comparisonCode(Op.self, left, LocalOperand(slot: s), loc, file)
            case .global(let st, let i): return Compiler.comparisonCode(Op.self, left, GlobalOperand(store: st, index: i), loc, file)
            case .constant(let v): return Compiler.comparisonCode(Op.self, left, ConstantOperand(value: v), loc, file)
            case .code(let c): return Compiler.comparisonCode(Op.self, left, CodeOperand(code: c), loc, file)
            }
        }
        switch operandShape(l) {
        case .local(let s): return withLeft(LocalOperand(slot: s))
        case .global(let st, let i): return withLeft(GlobalOperand(store: st, index: i))
        case .constant(let v): return withLeft(ConstantOperand(value: v))
        case .code(let c): return withLeft(CodeOperand(code: c))
        }
    }

    static func comparisonCode<Op: CompareOperator, L: OperandFetch, R: OperandFetch>(
        _: Op.Type, _ l: L, _ r: R, _ loc: SourceLocation, _ file: SourceFile
    ) -> ConditionCode {
        return { i throws(ScriptError) in
            if L.canPeek, R.canPeek, let x = l.peekInt(i), let y = r.peekInt(i) { return Op.ints(x, y) }
            let a = try l.fetch(i)
            let b = try r.fetch(i)
            if case .int(let x) = a, case .int(let y) = b { return Op.ints(x, y) }
            do throws(ScriptError) {
                guard case .bool(let result) = try Operators.binary(Op.op, a, b) else { return false }
                return result
            } catch {
                throw error.located(loc, in: file)
            }
        }
    }
}

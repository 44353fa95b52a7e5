// Run-time functions: compiled bodies, closures over captured boxes, and the boxes.
//
// Three files share calls, split by when each part happens:
// - Run/Function.swift: what a script function is (the compiled body, the closure over its
//   boxes); data only, no calling. Native functions are values, in Values/Value.swift.
// - Compile/CompileCalls.swift: compile time. Turns a call expression into code that
//   evaluates the callee and pushes the arguments, picking a closure shape per argument count.
// - Run/Calls.swift: run time. The only place a frame is entered and left (`invoke`), arity is
//   checked and defaults filled, and the entry built-ins use to call back into script code.

/// A variable shared between a function and the closures that capture it.
public final class Box: HostObject {
    public var value: Value
    public init(_ value: Value) { self.value = value }
    override public var typeName: String { "box" }
}

/// One compiled function body, shared by every closure made from it.
final class CompiledFunction {
    let name: String
    let location: SourceLocation
    let file: SourceFile
    let parameterCount: Int
    let frameSize: Int
    /// Default-value code per parameter (nil: required). Runs in the callee's frame.
    let defaults: [Code?]
    let requiredCount: Int
    /// Parameter slots that closures capture, boxed on entry.
    let boxedParameters: [Int]
    let hasBoxedParameters: Bool
    let captures: [Capture]
    /// A `let`, so a call borrows the body's context instead of retaining it.
    let body: StmtCode

    init(node: FunctionNode, file: SourceFile, defaults: [Code?], body: @escaping StmtCode) {
        name = node.name
        location = node.location
        self.file = file
        parameterCount = node.parameters.count
        frameSize = max(node.frameSize, node.parameters.count)
        self.defaults = defaults
        requiredCount = node.parameters.firstIndex { $0.defaultValue != nil } ?? node.parameters.count
        boxedParameters = node.parameters.compactMap {
            if case .boxed(let slot) = $0.declaration.storage { return slot }
            return nil
        }
        hasBoxedParameters = !boxedParameters.isEmpty
        captures = node.captures
        self.body = body
    }
}

/// A script function value: compiled code plus the boxes it captured.
final class Closure: Callable {
    let function: CompiledFunction
    let boxes: [Box]
    init(_ function: CompiledFunction, boxes: [Box]) {
        self.function = function
        self.boxes = boxes
        super.init(name: function.name, parameterCount: function.parameterCount, isClosure: true)
    }
}

typealias Code = (Interpreter) throws(ScriptError) -> Value
typealias StmtCode = (Interpreter) throws(ScriptError) -> Flow
typealias ConditionCode = (Interpreter) throws(ScriptError) -> Bool

/// How a statement finished. `return` leaves its value in `Interpreter.returnValue`.
enum Flow: UInt8 {
    case normal, breakLoop, continueLoop, returnValue
}

/// Closures kept in arrays are wrapped in structs: a bare closure taken out of a generic
/// container gets a reabstraction thunk on every call.
struct ExprCode {
    let run: Code
}

struct MapEntryCode {
    let key: Code
    let value: Code
    let loc: SourceLocation
}

struct TemplatePartCode {
    let text: String?
    let code: Code?
    let expression: Expr?
}

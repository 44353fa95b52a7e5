// The interpreter's state while a script runs, and the API that built-ins use.
//
// Compiled code (see Compiler.swift) works on one preallocated value stack: a call's
// arguments and locals are a window of it starting at `fp`, so calling a function
// allocates nothing. Variables that closures capture live in `Box`es instead.

import Synchronization
import Foundation

public final class Interpreter {
    /// Deepest script call nesting before a "stack overflow" error. The interpreter
    /// thread's stack (see `Interpreter.runOnLargeStack`) is sized for this in debug builds.
    public static let maxCallDepth = 10_000
    static let stackCapacity = 1 << 20

    // MARK: Frame state (hot; touched by compiled code)
    let stackBase: UnsafeMutablePointer<Value>
    let stackLimit: UnsafeMutablePointer<Value>
    var fp: UnsafeMutablePointer<Value>
    var sp: UnsafeMutablePointer<Value>
    /// The closure whose body is running, for its captured boxes. Not retained: the
    /// caller holds the callee value for as long as the call runs, and skipping the
    /// retain/release pair is measurable on call-heavy code.
    unowned(unsafe) var currentClosure: Closure?
    var callDepth = 0
    /// `interruptFlag`'s storage, read at every loop back-edge and call return.
    let interruptFlag: InterruptFlag
    /// Where `return` leaves its value on the way out (returning is not a Swift throw).
    var returnValue: Value = .null

    // MARK: Environment
    /// Names every script can see without declaring them (print, len, json, ...).
    public private(set) var builtins: [String: Value] = [:]
    /// Methods of built-in types, by receiver type.
    public var stringMethods: [String: NativeMethod] = [:]
    public var listMethods: [String: NativeMethod] = [:]
    public var mapMethods: [String: NativeMethod] = [:]
    public var scriptArgs: [String] = []
    /// Where `print` writes; buffered, flushed at exit and before anything else writes.
    public let out: OutputBuffer
    public let err: OutputBuffer
    /// Loads `import`ed modules; set by whoever embeds the interpreter.
    public var moduleLoader: ModuleLoader
    /// The last interpolation that printed a nil (see `NilInterpolation`); built-ins that take
    /// an API path ask it whether their path came from one.
    public internal(set) var lastNilInterpolation: NilInterpolation?
    /// Secrets and waits: answered by whoever embeds the interpreter (see InterpreterHost.swift).
    public var host: InterpreterHost = StandaloneHost.shared
    /// Set from a signal handler; checked at loop back-edges and calls.
    public static let interruptFlag = InterruptFlag()

    public init(out: OutputBuffer = .stdout, err: OutputBuffer = .stderr) {
        stackBase = Interpreter.allocateStack()
        stackLimit = stackBase + Interpreter.stackCapacity
        fp = stackBase
        sp = stackBase
        self.out = out
        self.err = err
        self.moduleLoader = ModuleLoader(searchPaths: [])
        interruptFlag = Interpreter.interruptFlag
    }

    deinit {
        // Every call clears its frame on the way out, so all slots hold trivial values.
        free(stackBase)
    }

    /// The value stack comes from calloc: the kernel hands out zero pages lazily, so a
    /// 24 MB stack costs nothing until used. All-zero bits are a valid trivial `Value`
    /// (checked here, falling back to explicit initialisation if the layout ever changes).
    private static func allocateStack() -> UnsafeMutablePointer<Value> {
        let raw = calloc(stackCapacity, MemoryLayout<Value>.stride)!
        let stack = raw.bindMemory(to: Value.self, capacity: stackCapacity)
        switch stack.pointee {
        case .bool(false), .null, .int(0): break
        default: stack.initialize(repeating: .null, count: stackCapacity)
        }
        return stack
    }

    /// Makes `name` visible to every script this interpreter compiles from now on.
    public func defineBuiltin(_ name: String, _ value: Value) {
        builtins[name] = value
    }

    public func defineBuiltin(_ name: String, arity: ClosedRange<Int>, _ body: @escaping NativeFunction.Body) {
        builtins[name] = .function(NativeFunction(name, arity: arity, body))
    }

    /// The module namespace `name`, created on first use (`json`, `fs`, ...).
    public func builtinModule(_ name: String) -> ModuleValue {
        if case .object(let o)? = builtins[name], let m = o as? ModuleValue { return m }
        let m = ModuleValue(name: name)
        builtins[name] = .object(m)
        return m
    }
}

/// A flag set from a signal handler and read by every thread that runs script code. Relaxed
/// atomic loads and stores are plain moves on x86-64 and arm64, so the loop back-edges and calls
/// that poll it pay nothing extra, and the race a plain Int32 had (ThreadSanitizer) is gone.
public final class InterruptFlag: Sendable {
    private let storage = Atomic<Int32>(0)
    init() {}
    @inline(__always)
    public var isSet: Bool { storage.load(ordering: .relaxed) != 0 }
    public func set() { storage.store(1, ordering: .relaxed) }
    public func clear() { storage.store(0, ordering: .relaxed) }
}

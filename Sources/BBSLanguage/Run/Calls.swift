// Calling functions. A script call pushes its arguments onto the value stack; the
// callee's frame starts at the first argument, so nothing is copied or allocated.
// When an error unwinds through a call, the call restores the caller's frame and adds
// itself to the error's trace.
//
// Three files share calls, split by when each part happens:
// - Run/Function.swift: what a script function is (the compiled body, the closure over its
//   boxes); data only, no calling. Native functions are values, in Values/Value.swift.
// - Compile/CompileCalls.swift: compile time. Turns a call expression into code that
//   evaluates the callee and pushes the arguments, picking a closure shape per argument count.
// - Run/Calls.swift: run time. The only place a frame is entered and left (`invoke`), arity is
//   checked and defaults filled, and the entry built-ins use to call back into script code.

extension Interpreter {
    /// Calls `closure` with `argumentCount` arguments already pushed at `sp`.
    @inline(__always)
    func invoke(_ closure: Closure, argumentCount: Int) throws(ScriptError) -> Value {
        let fn = closure.function
        let newFP = sp - argumentCount
        if argumentCount > fn.parameterCount {
            sp = newFP
            newFP.update(repeating: .null, count: argumentCount)
            throw arityError(fn, given: argumentCount)
        }
        callDepth += 1
        if callDepth > Interpreter.maxCallDepth || newFP + fn.frameSize + 256 >= stackLimit {
            callDepth -= 1
            sp = newFP
            newFP.update(repeating: .null, count: argumentCount)
            throw ScriptError.runtime(.stackOverflow,
                "stack overflow: more than \(Interpreter.maxCallDepth) nested calls (calling '\(fn.name)')")
        }
        let savedFP = fp
        // Unowned as `currentClosure` is: a strong local here would retain and release the
        // caller's closure on every call.
        unowned(unsafe) let savedClosure = currentClosure
        fp = newFP
        sp = newFP + fn.frameSize
        currentClosure = closure
        let flow: Flow
        do throws(ScriptError) {
            if argumentCount < fn.parameterCount { try fillDefaults(fn, from: argumentCount) }
            if fn.hasBoxedParameters {
                for slot in fn.boxedParameters { newFP[slot] = .object(Box(newFP[slot])) }
            }
            flow = try fn.body(self)
        } catch {
            // Arguments a failed call inside pushed sit above the frame: clear them too, so
            // every slot from `sp` up holds a trivial value again (`push` relies on it).
            newFP.update(repeating: .null, count: max(fn.frameSize, sp - newFP))
            sp = newFP
            fp = savedFP
            currentClosure = savedClosure
            callDepth -= 1
            throw error
        }
        var result = Value.null
        if flow == .returnValue { swap(&result, &returnValue) }
        for k in 0..<fn.frameSize { newFP[k] = .null }
        sp = newFP
        fp = savedFP
        currentClosure = savedClosure
        callDepth -= 1
        if interruptFlag.isSet { throw ScriptError.interrupted }
        return result
    }

    private func fillDefaults(_ fn: CompiledFunction, from given: Int) throws(ScriptError) {
        for k in given..<fn.parameterCount {
            guard let code = fn.defaults[k] else { throw arityError(fn, given: given) }
            fp[k] = try code(self)
        }
    }

    private func arityError(_ fn: CompiledFunction, given: Int) -> ScriptError {
        let expected = fn.requiredCount == fn.parameterCount
            ? "\(fn.parameterCount)"
            : "\(fn.requiredCount) to \(fn.parameterCount)"
        let noun = fn.parameterCount == 1 && fn.requiredCount == 1 ? "argument" : "arguments"
        return ScriptError.type("\(fn.name)() takes \(expected) \(noun) but \(given) \(given == 1 ? "was" : "were") given")
    }

    /// Slots from `sp` up always hold trivial values (frames and failed calls clear theirs on
    /// the way out), so pushing initialises instead of assigning: no release of an old value.
    @inline(__always)
    func push(_ v: Value) {
        sp.initialize(to: v)
        sp += 1
    }

    /// Calls a native function with already evaluated arguments.
    func invokeNative(_ native: NativeFunction, _ args: [Value]) throws(ScriptError) -> Value {
        if args.count < native.minArity || args.count > native.maxArity {
            throw Interpreter.nativeArityError(native.name, native.minArity, native.maxArity, args.count)
        }
        return try native.body(Arguments(args, callee: native.name), self)
    }

    static func nativeArityError(_ name: String, _ lo: Int, _ hi: Int, _ given: Int) -> ScriptError {
        let expected = lo == hi ? "\(lo)" : hi == Int.max ? "at least \(lo)" : "\(lo) to \(hi)"
        let noun = lo == hi && lo == 1 ? "argument" : "arguments"
        return ScriptError.type("\(name)() takes \(expected) \(noun) but \(given) \(given == 1 ? "was" : "were") given")
    }

    /// Calls a function value with one argument, without building an argument array for a
    /// script function (the callbacks of `map`, `filter`, `sort_by`, ... come through here).
    public func call(_ callee: Value, _ a: Value) throws(ScriptError) -> Value {
        if case .function(let f) = callee, f.isClosure {
            push(a)
            return try invoke(unsafeDowncast(f, to: Closure.self), argumentCount: 1)
        }
        return try call(callee, [a])
    }

    /// Calls a function value with two arguments (see `call(_:_:)`).
    public func call(_ callee: Value, _ a: Value, _ b: Value) throws(ScriptError) -> Value {
        if case .function(let f) = callee, f.isClosure {
            push(a)
            push(b)
            return try invoke(unsafeDowncast(f, to: Closure.self), argumentCount: 2)
        }
        return try call(callee, [a, b])
    }

    /// Calls any function value from Swift (built-ins such as `list.map` use this).
    public func call(_ callee: Value, _ args: [Value]) throws(ScriptError) -> Value {
        guard case .function(let f) = callee else {
            throw ScriptError.type("cannot call a value of type \(callee.typeName)")
        }
        if f.isClosure {
            for a in args { push(a) }
            return try invoke(unsafeDowncast(f, to: Closure.self), argumentCount: args.count)
        }
        return try invokeNative(unsafeDowncast(f, to: NativeFunction.self), args)
    }
}

// Compiling calls. Arguments of a script function are pushed straight onto the value
// stack, where they become the callee's first frame slots; the common small argument
// counts get their own closures so no array is walked.
//
// Three files share calls, split by when each part happens:
// - Run/Function.swift: what a script function is (the compiled body, the closure over its
//   boxes); data only, no calling. Native functions are values, in Values/Value.swift.
// - Compile/CompileCalls.swift: compile time. Turns a call expression into code that
//   evaluates the callee and pushes the arguments, picking a closure shape per argument count.
// - Run/Calls.swift: run time. The only place a frame is entered and left (`invoke`), arity is
//   checked and defaults filled, and the entry built-ins use to call back into script code.

extension Compiler {
    func call(_ callee: Expr, _ args: [Expr], _ loc: SourceLocation) -> Code {
        let file = self.file
        let calleeCode = expression(callee)
        let argCodes = args.map { ExprCode(run: expression($0)) }
        let count = argCodes.count
        let describe = Compiler.describeCallee(callee)
        let pushArguments: (Interpreter) throws(ScriptError) -> Void
        switch count {
        case 0: pushArguments = { _ in }
        case 1:
            let a = expression(args[0])
            pushArguments = { i throws(ScriptError) in i.push(try a(i)) }
        case 2:
            let a = expression(args[0]), b = expression(args[1])
            pushArguments = { i throws(ScriptError) in
                i.push(try a(i))
                i.push(try b(i))
            }
        default:
            pushArguments = { i throws(ScriptError) in
                for c in argCodes { i.push(try c.run(i)) }
            }
        }
        let general: Code = { i throws(ScriptError) in
            let f = try calleeCode(i)
            guard case .function(let fn) = f else {
                throw ScriptError.type("cannot call \(describe): it is \(f.typeName), not a function").located(loc, in: file)
            }
            if fn.isClosure {
                try pushArguments(i)
                return try Compiler.invokeClosure(i, fn, count, loc, file)
            }
            var values: [Value] = []
            values.reserveCapacity(count)
            for c in argCodes { values.append(try c.run(i)) }
            do throws(ScriptError) {
                return try i.invokeNative(unsafeDowncast(fn, to: NativeFunction.self), values)
            } catch {
                throw Compiler.traced(error, fn.name, loc, file)
            }
        }
        // The most common call of all, `f(x)` of a top-level function, reads the global
        // and pushes the argument without going through the general closures above.
        if count == 1, case .variable(let ref) = callee, case .global(let store, let index) = ref.binding {
            let a = expression(args[0])
            return { i throws(ScriptError) in
                if case .function(let fn) = store.slots[index], fn.isClosure {
                    i.push(try a(i))
                    return try Compiler.invokeClosure(i, fn, 1, loc, file)
                }
                return try general(i)
            }
        }
        return general
    }

    @inline(__always)
    static func invokeClosure(_ i: Interpreter, _ fn: Callable, _ count: Int,
                              _ loc: SourceLocation, _ file: SourceFile) throws(ScriptError) -> Value {
        do throws(ScriptError) {
            return try i.invoke(unsafeDowncast(fn, to: Closure.self), argumentCount: count)
        } catch {
            if case .thrown(let e) = error, e.trace.count < 32 {
                e.trace.append("\(fn.name)() called from \(file.path):\(loc.line):\(loc.column)")
            }
            throw error.located(loc, in: file)
        }
    }

    func methodCall(_ obj: Expr, _ name: String, _ args: [Expr], _ optional: Bool, _ loc: SourceLocation) -> Code {
        let file = self.file
        let receiverCode = expression(obj)
        let argCodes = args.map { ExprCode(run: expression($0)) }
        let site = MethodSite(name)
        return { i throws(ScriptError) in
            let receiver = try receiverCode(i)
            if optional, case .null = receiver { throw ScriptError.optionalChainNil }
            var values: [Value] = []
            values.reserveCapacity(argCodes.count)
            for c in argCodes { values.append(try c.run(i)) }
            do throws(ScriptError) {
                if !site.resolved { site.resolve(i) }
                if let method = site.method(for: receiver) {
                    return try Access.call(method, receiver, name, values, i)
                }
                return try Access.callMethod(receiver, name, values, i)
            } catch {
                throw Compiler.traced(error, name, loc, file)
            }
        }
    }

    /// A native (a method, a module member such as `lib.run`, `parallel`) failed because code it
    /// called failed deeper down: this call site joins the trace, as a script-to-script call's does,
    /// so an error inside a module still names the line of the script that called into it.
    /// An error the native raised itself is only located here.
    static func traced(_ error: ScriptError, _ name: String, _ loc: SourceLocation, _ file: SourceFile) -> ScriptError {
        if case .thrown(let e) = error, let at = e.location, e.trace.count < 32,
           at != loc || e.file?.path != file.path {
            e.trace.append("\(name)() called from \(file.path):\(loc.line):\(loc.column)")
        }
        return error.located(loc, in: file)
    }

    static func describeCallee(_ e: Expr) -> String {
        switch e {
        case .variable(let ref): return "'\(ref.name)'"
        case .member(_, let name, _, _): return "'\(name)'"
        default: return "this value"
        }
    }
}

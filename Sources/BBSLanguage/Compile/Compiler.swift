// The compiler: turns the resolved syntax tree into a tree of Swift closures, once,
// before running. Each closure does one node's work with its operands already decided
// (which slot, which constant, which operator), so running a script never looks at the
// syntax tree again. Statements return a `Flow` instead of throwing for break, continue
// and return (throwing costs ~40% on call-heavy code; docs/internals.md "Why these choices").

import BBSErrorKinds

struct Compiler {
    let file: SourceFile
    let interpreter: Interpreter

    /// Compiles a whole program; its top level runs as a function with no parameters.
    /// With `echoLast`, a final expression statement (not an assignment) becomes the
    /// program's result, which is what the REPL prints.
    func compileProgram(_ program: Program, echoLast: Bool = false) -> CompiledFunction {
        guard echoLast, case .expression(let last)? = program.main.body.last else {
            return compileFunction(program.main)
        }
        if case .assign = last { return compileFunction(program.main) }
        let body = sequence(Array(program.main.body.dropLast()))
        let value = expression(last)
        return compileFunction(program.main) { i throws(ScriptError) in
            let flow = try body(i)
            if flow != .normal { return flow }
            i.returnValue = try value(i)
            return .returnValue
        }
    }

    func compileFunction(_ node: FunctionNode) -> CompiledFunction {
        compileFunction(node, body: sequence(node.body))
    }

    /// (No optional closure parameter here: an optional function value is stored at the most
    /// general abstraction, and the body would then run through reabstraction thunks on
    /// every call.)
    func compileFunction(_ node: FunctionNode, body: @escaping StmtCode) -> CompiledFunction {
        let defaults = node.parameters.map { p in p.defaultValue.map { expression($0) } }
        return CompiledFunction(node: node, file: file, defaults: defaults, body: body)
    }

    // MARK: Statement sequences

    /// Compiles statements into a balanced tree of closures: no array walk at run time.
    /// (Closures are never kept in arrays here: taking a closure out of a generic
    /// container adds a reabstraction thunk to every call of it.)
    func sequence(_ stmts: [Stmt]) -> StmtCode {
        sequence(stmts[...])
    }

    private func sequence(_ stmts: ArraySlice<Stmt>) -> StmtCode {
        let base = stmts.startIndex
        switch stmts.count {
        case 0: return { _ in .normal }
        case 1: return statement(stmts[base])
        case 2:
            let a = statement(stmts[base]), b = statement(stmts[base + 1])
            return { i throws(ScriptError) in
                let f = try a(i)
                if f != .normal { return f }
                return try b(i)
            }
        case 3:
            let a = statement(stmts[base]), b = statement(stmts[base + 1]), c = statement(stmts[base + 2])
            return { i throws(ScriptError) in
                var f = try a(i)
                if f != .normal { return f }
                f = try b(i)
                if f != .normal { return f }
                return try c(i)
            }
        default:
            let mid = base + stmts.count / 2
            let a = sequence(stmts[..<mid]), b = sequence(stmts[mid...])
            return { i throws(ScriptError) in
                let f = try a(i)
                if f != .normal { return f }
                return try b(i)
            }
        }
    }

    // MARK: Statements

    func statement(_ stmt: Stmt) -> StmtCode {
        switch stmt {
        case .expression(let e):
            if case .assign(.variable(let ref), .plain, let value, _) = e, let store = plainStore(ref, value) {
                return store
            }
            let code = expression(e)
            return { i throws(ScriptError) in
                _ = try code(i)
                return .normal
            }
        case .declare(let decl, let value):
            let code = value.map { expression($0) } ?? { _ in .null }
            return store(decl, code)
        case .function(let decl, let node):
            return functionDeclaration(decl, node)
        case .block(let body):
            return sequence(body)
        case .ifElse(let cond, let then, let otherwise):
            let test = condition(cond)
            let yes = sequence(then)
            guard let otherwise else {
                return { i throws(ScriptError) in try test(i) ? try yes(i) : .normal }
            }
            let no = sequence(otherwise)
            return { i throws(ScriptError) in try test(i) ? try yes(i) : try no(i) }
        case .whileLoop(let cond, let body):
            return whileLoop(condition(cond), sequence(body))
        case .forIn(let first, let second, let iterable, let body, let loc):
            return forLoop(first, second, iterable, sequence(body), loc)
        case .breakLoop: return { _ in .breakLoop }
        case .continueLoop: return { _ in .continueLoop }
        case .returnValue(let e, _):
            guard let e else {
                return { i in
                    i.returnValue = .null
                    return .returnValue
                }
            }
            let code = expression(e)
            return { i throws(ScriptError) in
                i.returnValue = try code(i)
                return .returnValue
            }
        case .throwError(let e, let loc):
            let code = expression(e)
            let file = self.file
            return { i throws(ScriptError) in
                throw Compiler.errorFromThrown(try code(i)).located(loc, in: file)
            }
        case .tryCatch(let body, let binding, let handler, _):
            return tryCatch(sequence(body), binding, sequence(handler))
        case .importModule(let path, let decl, let loc):
            let file = self.file
            return store(decl) { i throws(ScriptError) in
                do throws(ScriptError) {
                    return try i.moduleLoader.load(path, from: file, interpreter: i)
                } catch {
                    throw error.located(loc, in: file)
                }
            }
        }
    }

    /// `x = value` as a statement, for a local or global `x`: the value goes straight into the
    /// slot, with no copy kept as the assignment's own result (the hot loop statement).
    private func plainStore(_ ref: VarRef, _ value: Expr) -> StmtCode? {
        switch ref.binding {
        case .local(let slot):
            let code = expression(value)
            return { i throws(ScriptError) in
                i.fp[slot] = try code(i)
                return .normal
            }
        case .global(let store, let index):
            let code = expression(value)
            return { i throws(ScriptError) in
                store.slots[index] = try code(i)
                return .normal
            }
        default:
            return nil
        }
    }

    /// Stores the value of `code` into a declared variable, boxing it when captured.
    func store(_ decl: Declaration, _ code: @escaping Code) -> StmtCode {
        switch decl.storage {
        case .local(let slot):
            return { i throws(ScriptError) in
                i.fp[slot] = try code(i)
                return .normal
            }
        case .boxed(let slot):
            return { i throws(ScriptError) in
                i.fp[slot] = .object(Box(try code(i)))
                return .normal
            }
        case .global(let store, let index):
            return { i throws(ScriptError) in
                store.slots[index] = try code(i)
                return .normal
            }
        }
    }

    private func functionDeclaration(_ decl: Declaration, _ node: FunctionNode) -> StmtCode {
        let make = closureMaker(node)
        if case .boxed(let slot) = decl.storage {
            // A local function that refers to itself captures its own box: create the
            // box first so the closure can capture it, then fill it.
            return { i in
                let box = Box(.null)
                i.fp[slot] = .object(box)
                box.value = make(i)
                return .normal
            }
        }
        return store(decl) { i in make(i) }
    }

    /// Code that creates a closure of `node` in the running frame.
    func closureMaker(_ node: FunctionNode) -> (Interpreter) -> Value {
        let fn = compileFunction(node)
        let captures = node.captures
        if captures.isEmpty {
            let shared = Value.function(Closure(fn, boxes: []))
            return { _ in shared }
        }
        return { i in
            var boxes: [Box] = []
            boxes.reserveCapacity(captures.count)
            for c in captures {
                switch c {
                case .local(let slot):
                    guard case .object(let o) = i.fp[slot] else { preconditionFailure("captured slot holds no box") }
                    boxes.append(unsafeDowncast(o, to: Box.self))
                case .upvalue(let k):
                    boxes.append(i.currentClosure!.boxes[k])
                }
            }
            return .function(Closure(fn, boxes: boxes))
        }
    }

    // MARK: Loops

    private func whileLoop(_ test: @escaping ConditionCode, _ body: @escaping StmtCode) -> StmtCode {
        return { i throws(ScriptError) in
            let interrupt = i.interruptFlag
            while try test(i) {
                if interrupt.isSet { throw ScriptError.interrupted }
                switch try body(i) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case .returnValue: return .returnValue
                }
            }
            return .normal
        }
    }

    /// Each iteration stores into the loop variable's slot afresh (a new box when
    /// captured), so closures made in the body see their own iteration's value.
    private func assignLoopVariable(_ decl: Declaration) -> (Interpreter, Value) -> Void {
        switch decl.storage {
        case .local(let slot): return { i, v in i.fp[slot] = v }
        case .boxed(let slot): return { i, v in i.fp[slot] = .object(Box(v)) }
        case .global(let store, let index): return { _, v in store.slots[index] = v }
        }
    }

    private func forLoop(_ first: Declaration, _ second: Declaration?, _ iterable: Expr,
                         _ body: @escaping StmtCode, _ loc: SourceLocation) -> StmtCode {
        let setFirst = assignLoopVariable(first)
        let setSecond = second.map { assignLoopVariable($0) }
        let file = self.file
        if second == nil, let range = rangeArguments(iterable) {
            return countingLoop(range, setFirst, body, loc)
        }
        let source = expression(iterable)
        return { i throws(ScriptError) in
            let collection = try source(i)
            var iterator: any ValueIterator
            do throws(ScriptError) {
                iterator = try Iteration.iterator(for: collection, pairs: setSecond != nil, interpreter: i)
            } catch {
                throw error.located(loc, in: file)
            }
            let interrupt = i.interruptFlag
            while true {
                let next: Value?
                do throws(ScriptError) { next = try iterator.next(i) } catch { throw error.located(loc, in: file) }
                guard let item = next else { break }
                if interrupt.isSet { throw ScriptError.interrupted }
                if let setSecond {
                    guard case .list(let pair) = item, pair.items.count == 2 else {
                        throw ScriptError.type("cannot unpack \(item.typeName) into two loop variables").located(loc, in: file)
                    }
                    setFirst(i, pair.items[0])
                    setSecond(i, pair.items[1])
                } else {
                    setFirst(i, item)
                }
                switch try body(i) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case .returnValue: return .returnValue
                }
            }
            return .normal
        }
    }

    /// `for i in range(...)` with the built-in `range` counts without building a list.
    private func rangeArguments(_ e: Expr) -> [Expr]? {
        guard case .call(.variable(let ref), let args, _) = e, ref.name == "range",
              case .builtin = ref.binding, (1...3).contains(args.count) else { return nil }
        return args
    }

    private func countingLoop(_ args: [Expr], _ set: @escaping (Interpreter, Value) -> Void,
                              _ body: @escaping StmtCode, _ loc: SourceLocation) -> StmtCode {
        let codes = args.map { expression($0) }
        let file = self.file
        return { i throws(ScriptError) in
            var bounds: [Int] = []
            for (k, code) in codes.enumerated() {
                guard case .int(let n) = try code(i) else {
                    throw ScriptError.type("range: argument \(k + 1) must be an int").located(loc, in: file)
                }
                bounds.append(n)
            }
            let (start, end, step) = bounds.count == 1 ? (0, bounds[0], 1)
                : (bounds[0], bounds[1], bounds.count == 3 ? bounds[2] : 1)
            if step == 0 { throw ScriptError.value("range: step must not be 0").located(loc, in: file) }
            let interrupt = i.interruptFlag
            var n = start
            while step > 0 ? n < end : n > end {
                if interrupt.isSet { throw ScriptError.interrupted }
                set(i, .int(n))
                switch try body(i) {
                case .normal, .continueLoop: break
                case .breakLoop: return .normal
                case .returnValue: return .returnValue
                }
                let (next, overflow) = n.addingReportingOverflow(step)
                if overflow { break }
                n = next
            }
            return .normal
        }
    }

    // MARK: Errors

    private func tryCatch(_ body: @escaping StmtCode, _ binding: Declaration?, _ handler: @escaping StmtCode) -> StmtCode {
        let bind: ((Interpreter, Value) -> Void)? = binding.map { assignLoopVariable($0) }
        return { i throws(ScriptError) in
            let savedSP = i.sp, savedFP = i.fp, savedDepth = i.callDepth
            unowned(unsafe) let savedClosure = i.currentClosure
            do throws(ScriptError) {
                return try body(i)
            } catch {
                guard case .thrown(let e) = error else { throw error }
                // Values pushed by calls that never returned are released here.
                if i.sp > savedSP { savedSP.update(repeating: .null, count: i.sp - savedSP) }
                i.sp = savedSP
                i.fp = savedFP
                i.currentClosure = savedClosure
                i.callDepth = savedDepth
                bind?(i, .object(e))
                return try handler(i)
            }
        }
    }

    /// `throw v`: a string becomes the message; a map gives the fields; an error is rethrown.
    static func errorFromThrown(_ v: Value) -> ScriptError {
        switch v {
        case .object(let o as ErrorValue): return .thrown(o)
        case .string(let s): return .thrown(ErrorValue(kind: .error, message: s))
        case .map(let m):
            var fields = m.entries
            if fields["message"] == nil { fields["message"] = .string("error") }
            if fields["kind"] == nil { fields["kind"] = .string(ErrorKind.error.rawValue) }
            return .thrown(ErrorValue(fields: fields))
        default:
            return .thrown(ErrorValue(kind: .error, message: Printer.display(v)))
        }
    }
}

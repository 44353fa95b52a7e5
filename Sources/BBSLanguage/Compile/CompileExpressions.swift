// Compiling expressions to closures. Errors raised by an operation get the operation's
// position here, on the error path only, so the fast path carries no bookkeeping.

extension Compiler {
    func expression(_ e: Expr) -> Code {
        let file = self.file
        switch e {
        case .literal(let v, _):
            return { _ in v }
        case .template(let pieces, _):
            return template(pieces)
        case .variable(let ref):
            return read(ref)
        case .list(let items, _):
            let codes = items.map { ExprCode(run: expression($0)) }
            return { i throws(ScriptError) in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for c in codes { values.append(try c.run(i)) }
                return .list(ListRef(values))
            }
        case .map(let entries, _):
            if let keys = Compiler.distinctConstantKeys(entries) {
                let valueCodes = entries.map { ExprCode(run: expression($0.value)) }
                return { i throws(ScriptError) in
                    var entries: [OrderedMap.Entry] = []
                    entries.reserveCapacity(valueCodes.count)
                    for (key, c) in zip(keys, valueCodes) { entries.append(OrderedMap.Entry(key: key, value: try c.run(i))) }
                    return .map(MapRef(OrderedMap(distinctEntries: entries)))
                }
            }
            let codes = entries.map { MapEntryCode(key: expression($0.key), value: expression($0.value), loc: $0.key.location) }
            return { i throws(ScriptError) in
                var m = OrderedMap(minimumCapacity: codes.count)
                for entry in codes {
                    guard case .string(let k) = try entry.key(i) else {
                        throw ScriptError.type("map keys must be strings").located(entry.loc, in: file)
                    }
                    m[k] = try entry.value(i)
                }
                return .map(MapRef(m))
            }
        case .unary(.negate, let operand, let loc):
            let code = expression(operand)
            return { i throws(ScriptError) in
                let v = try code(i)
                do throws(ScriptError) { return try Operators.negate(v) } catch { throw error.located(loc, in: file) }
            }
        case .unary(.not, let operand, _):
            let test = condition(operand)
            return { i throws(ScriptError) in .bool(!(try test(i))) }
        case .binary(let op, let l, let r, let loc):
            switch op {
            case .add: return arithmetic(AddOp.self, l, r, loc)
            case .subtract: return arithmetic(SubtractOp.self, l, r, loc)
            case .multiply: return arithmetic(MultiplyOp.self, l, r, loc)
            case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                let test = condition(e)
                return { i throws(ScriptError) in .bool(try test(i)) }
            case .divide, .remainder, .contains:
                let lc = expression(l), rc = expression(r)
                return { i throws(ScriptError) in
                    let a = try lc(i), b = try rc(i)
                    do throws(ScriptError) { return try Operators.binary(op, a, b) } catch { throw error.located(loc, in: file) }
                }
            }
        case .and(let l, let r, _):
            let lc = expression(l), rc = expression(r)
            return { i throws(ScriptError) in
                let a = try lc(i)
                return a.isTruthy ? try rc(i) : a
            }
        case .or(let l, let r, _):
            let lc = expression(l), rc = expression(r)
            return { i throws(ScriptError) in
                let a = try lc(i)
                return a.isTruthy ? a : try rc(i)
            }
        case .coalesce(let l, let r, _):
            let lc = expression(l), rc = expression(r)
            return { i throws(ScriptError) in
                let a = try lc(i)
                if case .null = a { return try rc(i) }
                return a
            }
        case .assign(let target, let op, let value, let loc):
            return assignment(target, op, value, loc)
        case .call(let callee, let args, let loc):
            return call(callee, args, loc)
        case .member(let obj, let name, let optional, let loc):
            let oc = expression(obj)
            let receiver = Compiler.sourceText(obj)
            return { i throws(ScriptError) in
                let o = try oc(i)
                // Maps first: `r.slug` on API data is the member read scripts do most.
                if case .map(let m) = o { return m.entries[name] ?? .null }
                do throws(ScriptError) {
                    return try Access.member(o, name, optional: optional, receiver: receiver, in: i)
                } catch { throw error.located(loc, in: file) }
            }
        case .methodCall(let obj, let name, let args, let optional, let loc):
            return methodCall(obj, name, args, optional, loc)
        case .index(let obj, let key, let optional, let loc):
            let oc = expression(obj), kc = expression(key)
            return { i throws(ScriptError) in
                let o = try oc(i)
                if optional, case .null = o { throw ScriptError.optionalChainNil }
                let k = try kc(i)
                do throws(ScriptError) { return try Access.index(o, k) } catch { throw error.located(loc, in: file) }
            }
        case .slice(let obj, let lo, let hi, let loc):
            let oc = expression(obj)
            let lc = lo.map { expression($0) }, hc = hi.map { expression($0) }
            return { i throws(ScriptError) in
                let o = try oc(i)
                let a = try lc?(i) ?? .null, b = try hc?(i) ?? .null
                do throws(ScriptError) { return try Access.slice(o, a, b) } catch { throw error.located(loc, in: file) }
            }
        case .function(let node):
            let make = closureMaker(node)
            return { i in make(i) }
        case .optionalChain(let inner):
            let code = expression(inner)
            return { i throws(ScriptError) in
                do throws(ScriptError) {
                    return try code(i)
                } catch {
                    if case .optionalChainNil = error { return .null }
                    throw error
                }
            }
        }
    }

    /// An expression evaluated for its truth: comparisons skip making a `.bool`.
    func condition(_ e: Expr) -> ConditionCode {
        switch e {
        case .binary(.less, let l, let r, let loc): return comparison(LessOp.self, l, r, loc)
        case .binary(.lessEqual, let l, let r, let loc): return comparison(LessEqualOp.self, l, r, loc)
        case .binary(.greater, let l, let r, let loc): return comparison(GreaterOp.self, l, r, loc)
        case .binary(.greaterEqual, let l, let r, let loc): return comparison(GreaterEqualOp.self, l, r, loc)
        case .binary(.equal, let l, let r, let loc): return comparison(EqualOp.self, l, r, loc)
        case .binary(.notEqual, let l, let r, let loc): return comparison(NotEqualOp.self, l, r, loc)
        case .and(let l, let r, _):
            let a = condition(l), b = condition(r)
            return { i throws(ScriptError) in
                if !(try a(i)) { return false }
                return try b(i)
            }
        case .or(let l, let r, _):
            let a = condition(l), b = condition(r)
            return { i throws(ScriptError) in
                if try a(i) { return true }
                return try b(i)
            }
        case .unary(.not, let operand, _):
            let a = condition(operand)
            return { i throws(ScriptError) in !(try a(i)) }
        case .literal(let v, _):
            let truth = v.isTruthy
            return { _ in truth }
        default:
            let code = expression(e)
            return { i throws(ScriptError) in try code(i).isTruthy }
        }
    }

    // MARK: Variables

    func read(_ ref: VarRef) -> Code {
        switch ref.binding {
        case .local(let slot): return { i in i.fp[slot] }
        case .boxed(let slot): return { i in i.box(at: slot).value }
        case .upvalue(let k): return { i in i.currentClosure.unsafelyUnwrapped.boxes[k].value }
        case .global(let store, let index): return { _ in store.slots[index] }
        case .builtin(let v): return { _ in v }
        case .unresolved: preconditionFailure("unresolved variable '\(ref.name)' reached the compiler")
        }
    }

    /// Code that stores a value into a variable.
    func write(_ ref: VarRef) -> (Interpreter, Value) -> Void {
        switch ref.binding {
        case .local(let slot): return { i, v in i.fp[slot] = v }
        case .boxed(let slot): return { i, v in i.box(at: slot).value = v }
        case .upvalue(let k): return { i, v in i.currentClosure.unsafelyUnwrapped.boxes[k].value = v }
        case .global(let store, let index): return { _, v in store.slots[index] = v }
        case .builtin, .unresolved: preconditionFailure("resolver let an assignment to '\(ref.name)' through")
        }
    }

    private func assignment(_ target: AssignTarget, _ op: AssignOperator, _ value: Expr, _ loc: SourceLocation) -> Code {
        let file = self.file
        switch target {
        case .variable(let ref):
            let set = write(ref)
            switch op {
            case .plain:
                let code = expression(value)
                return { i throws(ScriptError) in
                    let v = try code(i)
                    set(i, v)
                    return v
                }
            case .coalesce:
                let get = read(ref), code = expression(value)
                return { i throws(ScriptError) in
                    let current = try get(i)
                    if case .null = current {
                        let v = try code(i)
                        set(i, v)
                        return v
                    }
                    return current
                }
            case .arithmetic(let bop):
                if case .add = bop, case .local(let slot) = ref.binding {
                    return appendInPlace({ i in i.fp + slot }, expression(value), loc)
                }
                if case .add = bop, case .global(let store, let index) = ref.binding {
                    return appendInPlace({ _ in store.slots + index }, expression(value), loc)
                }
                let combined = Expr.binary(bop, .variable(ref), value, loc)
                let code = expression(combined)
                return { i throws(ScriptError) in
                    let v = try code(i)
                    set(i, v)
                    return v
                }
            }
        case .member(let obj, let name, _):
            let oc = expression(obj), vc = expression(value)
            return { i throws(ScriptError) in
                let o = try oc(i)
                do throws(ScriptError) {
                    let v: Value
                    switch op {
                    case .plain: v = try vc(i)
                    case .coalesce:
                        let current = try Access.member(o, name, optional: false)
                        if case .null = current { v = try vc(i) } else { return current }
                    case .arithmetic(let bop):
                        v = try Operators.binary(bop, try Access.member(o, name, optional: false), try vc(i))
                    }
                    try Access.setMember(o, name, v)
                    return v
                } catch {
                    throw error.located(loc, in: file)
                }
            }
        case .index(let obj, let key, _):
            let oc = expression(obj), kc = expression(key), vc = expression(value)
            return { i throws(ScriptError) in
                let o = try oc(i), k = try kc(i)
                do throws(ScriptError) {
                    let v: Value
                    switch op {
                    case .plain: v = try vc(i)
                    case .coalesce:
                        let current = try Access.index(o, k)
                        if case .null = current { v = try vc(i) } else { return current }
                    case .arithmetic(let bop):
                        v = try Operators.binary(bop, try Access.index(o, k), try vc(i))
                    }
                    try Access.setIndex(o, k, v)
                    return v
                } catch {
                    throw error.located(loc, in: file)
                }
            }
        }
    }

    /// `s += x` on a local or global: a string is moved out of its slot first, so it is
    /// uniquely referenced and grows in place instead of being copied on every append.
    private func appendInPlace(_ place: @escaping (Interpreter) -> UnsafeMutablePointer<Value>,
                               _ code: @escaping Code, _ loc: SourceLocation) -> Code {
        let file = self.file
        return { i throws(ScriptError) in
            let rhs = try code(i)
            let cell = place(i)
            if case .int(let a) = cell.pointee, case .int(let b) = rhs {
                let (r, o) = a.addingReportingOverflow(b)
                if !o {
                    cell.pointee = .int(r)
                    return .int(r)
                }
            }
            if case .string(let tail) = rhs, case .string(let head) = cell.pointee {
                do throws(ScriptError) { try Operators.checkSum(head, tail) } catch { throw error.located(loc, in: file) }
                // Moved out, not copied: unless the text is also held elsewhere (then `+=`
                // copies it, as a value must), the append grows its buffer in place.
                // Nothing between move and initialize throws.
                guard case .string(var text) = cell.move() else { preconditionFailure("checked above") }
                text += tail
                cell.initialize(to: .string(text))
                return .null
            }
            do throws(ScriptError) {
                let v = try Operators.add(cell.pointee, rhs)
                cell.pointee = v
                return v
            } catch {
                throw error.located(loc, in: file)
            }
        }
    }

    // MARK: Strings

    /// Source-like text for a short expression (`ws`, `r.slug`, `args[0]`, `f(...)`), for
    /// messages that name what was nil.
    static func describeExpression(_ e: Expr) -> String {
        switch e {
        case .variable(let ref): return ref.name
        case .member(let base, let name, let optional, _): return describeExpression(base) + (optional ? "?." : ".") + name
        case .methodCall(let base, let name, _, let optional, _):
            return describeExpression(base) + (optional ? "?." : ".") + name + "(...)"
        case .index(let base, let key, let optional, _):
            let inner: String
            switch key {
            case .literal(let v, _): inner = Printer.repr(v)
            case .variable(let ref): inner = ref.name
            default: inner = "..."
            }
            return describeExpression(base) + (optional ? "?.[" : "[") + inner + "]"
        case .call(let callee, _, _): return describeExpression(callee) + "(...)"
        case .optionalChain(let inner): return describeExpression(inner)
        case .literal(let v, _): return Printer.repr(v)
        default: return "the expression"
        }
    }
}

/// The last string interpolation that produced the text `nil`: bbs refuses an API path built
/// that way (an unset variable) and names the expression, which the string alone cannot tell.
public struct NilInterpolation {
    /// The whole string the interpolation produced.
    public let text: String
    /// Where the text `nil` starts in `text`, in UTF-8 bytes.
    public let nilOffset: Int
    /// The interpolated expression that was nil, as source-like text.
    public let expression: String
    public let location: SourceLocation
    public let file: SourceFile
}

extension Interpreter {
    @inline(__always)
    func box(at slot: Int) -> Box {
        guard case .object(let o) = fp[slot] else { preconditionFailure("boxed slot \(slot) holds no box") }
        return unsafeDowncast(o, to: Box.self)
    }
}

extension Compiler {
    /// `r` or `r.x.y`, for hints in error messages; "" for anything more complex.
    static func sourceText(_ expr: Expr) -> String {
        switch expr {
        case .variable(let ref): return ref.name
        case .member(let obj, let name, _, _):
            let inner = sourceText(obj)
            return inner.isEmpty ? "" : inner + "." + name
        default: return ""
        }
    }
}

extension Compiler {
    /// The keys of a map literal whose keys are all constant strings and all different
    /// (`{slug: s, size: n}`), so building it needs no duplicate check; nil otherwise.
    static func distinctConstantKeys(_ entries: [MapEntry]) -> [String]? {
        var keys: [String] = []
        keys.reserveCapacity(entries.count)
        for entry in entries {
            guard case .literal(.string(let k), _) = entry.key, !keys.contains(k) else { return nil }
            keys.append(k)
        }
        return keys
    }
}

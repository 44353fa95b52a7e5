// Reading and writing parts of values: `a.b`, `a[i]`, `a[i:j]`, and method dispatch.
// Map members read as nil when missing (so `?.` and `??` read JSON naturally); a list
// index out of range is an error; negative indices count from the end.

public enum Access {
    /// `receiver` is the source text of the object (`r` in `r.info`), and `interpreter` holds
    /// the method tables: both only shape the hint of a "no member" error.
    public static func member(_ v: Value, _ name: String, optional: Bool, receiver: String = "",
                              in interpreter: Interpreter? = nil) throws(ScriptError) -> Value {
        switch v {
        case .map(let m): return m.entries[name] ?? .null
        case .object(let o):
            if let value = o.member(name) { return value }
            throw ScriptError.runtime(.key, "\(o.typeName) has no member '\(name)'" + memberHint(name, receiver, methods: o.memberNames))
        case .null:
            if optional { throw ScriptError.optionalChainNil }
            throw ScriptError.type("cannot read '\(name)' of nil (use '?.' to allow nil)")
        case .function(let f as NativeFunction) where f.members[name] != nil:
            return f.members[name]!
        default:
            let methods = interpreter.map { methodNames(of: v, in: $0) } ?? []
            throw ScriptError.type("\(v.typeName) has no member '\(name)'" + memberHint(name, receiver, methods: methods))
        }
    }

    /// ": info is a method: call r.info()" for a method read without a call, else a did-you-mean.
    private static func memberHint(_ name: String, _ receiver: String, methods: [String]) -> String {
        guard methods.contains(name) else { return Hints.memberHint(name, members: methods) }
        return ": \(name) is a method: call \(receiver.isEmpty ? "it as " : receiver + ".")\(name)()"
    }

    /// The methods of a built-in type, for hints.
    static func methodNames(of v: Value, in interpreter: Interpreter) -> [String] {
        switch v {
        case .string: return Array(interpreter.stringMethods.keys)
        case .list: return Array(interpreter.listMethods.keys)
        case .map: return Array(interpreter.mapMethods.keys)
        default: return []
        }
    }

    public static func setMember(_ target: Value, _ name: String, _ value: Value) throws(ScriptError) {
        switch target {
        case .map(let m): m.entries[name] = value
        case .null: throw ScriptError.type("cannot set '\(name)' on nil")
        default: throw ScriptError.type("cannot set member '\(name)' on \(target.typeName)")
        }
    }

    /// A list or string position, counting from the end when negative.
    @inline(__always)
    static func position(_ index: Int, count: Int) -> Int? {
        let p = index < 0 ? index + count : index
        return p >= 0 && p < count ? p : nil
    }

    public static func index(_ v: Value, _ key: Value) throws(ScriptError) -> Value {
        switch (v, key) {
        case let (.list(l), .int(n)):
            guard let p = position(n, count: l.items.count) else {
                throw ScriptError.runtime(.index, "index \(n) out of range for a list of length \(l.items.count)")
            }
            return l.items[p]
        case let (.map(m), .string(k)):
            return m.entries[k] ?? .null
        case let (.string(s), .int(n)):
            let count = s.count
            guard let p = position(n, count: count) else {
                throw ScriptError.runtime(.index, "index \(n) out of range for a string of length \(count)")
            }
            return .string(String(s[s.index(s.startIndex, offsetBy: p)]))
        case (.map, _):
            throw ScriptError.type("map keys are strings, not \(key.typeName) (use str(key))")
        case (.list, _), (.string, _):
            throw ScriptError.type("\(v.typeName) index must be an int, not \(key.typeName)")
        case (.null, _):
            throw ScriptError.type("cannot index nil (use '?.[...]' to allow nil)")
        case (.object(let o as SecretValue), .int):
            return o.derived(try index(.string(o.text), key)) ?? .null
        case (.object(let o), .string(let k)):
            if let value = o.member(k) { return value }
            throw ScriptError.runtime(.key, "\(o.typeName) has no member '\(k)'")
        default:
            throw ScriptError.type("cannot index \(v.typeName)")
        }
    }

    public static func setIndex(_ target: Value, _ key: Value, _ value: Value) throws(ScriptError) {
        switch (target, key) {
        case let (.list(l), .int(n)):
            guard let p = position(n, count: l.items.count) else {
                throw ScriptError.runtime(.index, "index \(n) out of range for a list of length \(l.items.count) (use push to add)")
            }
            l.items[p] = value
        case let (.map(m), .string(k)):
            m.entries[k] = value
        case (.map, _):
            throw ScriptError.type("map keys are strings, not \(key.typeName) (use str(key))")
        case (.list, _):
            throw ScriptError.type("list index must be an int, not \(key.typeName)")
        case (.string, _):
            throw ScriptError.type("strings cannot be changed in place; build a new one")
        default:
            throw ScriptError.type("cannot assign into \(target.typeName) by index")
        }
    }

    /// `x[a:b]` on lists and strings (characters); bounds are clamped, negatives count from the end.
    public static func slice(_ v: Value, _ lower: Value, _ upper: Value) throws(ScriptError) -> Value {
        func bound(_ b: Value, _ count: Int, default d: Int) throws(ScriptError) -> Int {
            switch b {
            case .null: return d
            case .int(let n): return min(max(n < 0 ? n + count : n, 0), count)
            default: throw ScriptError.type("slice bounds must be ints, not \(b.typeName)")
            }
        }
        switch v {
        case .list(let l):
            let n = l.items.count
            let a = try bound(lower, n, default: 0), b = try bound(upper, n, default: n)
            return .list(ListRef(a < b ? Array(l.items[a..<b]) : []))
        case .string(let s):
            let chars = Array(s)
            let n = chars.count
            let a = try bound(lower, n, default: 0), b = try bound(upper, n, default: n)
            return .string(a < b ? String(chars[a..<b]) : "")
        case .object(let o as SecretValue):
            return o.derived(try slice(.string(o.text), lower, upper)) ?? .null
        default:
            throw ScriptError.type("cannot slice \(v.typeName)")
        }
    }

    public static func callMethod(_ receiver: Value, _ name: String, _ args: [Value], _ i: Interpreter) throws(ScriptError) -> Value {
        let method: NativeMethod?
        switch receiver {
        case .string: method = i.stringMethods[name]
        case .list: method = i.listMethods[name]
        case .map(let m):
            method = i.mapMethods[name]
            if method == nil, let f = m.entries[name] {
                if case .function = f { return try i.call(f, args) }
                throw ScriptError.type("cannot call '\(name)': it is \(f.typeName), not a function")
            }
        case .object(let o):
            if let result = try o.callMethod(name, Arguments(args, receiverType: o.typeName, method: name), i) { return result }
            if let f = o.member(name) {
                if case .function = f { return try i.call(f, args) }
                throw ScriptError.type("cannot call '\(name)': it is \(f.typeName), not a function")
            }
            throw ScriptError.runtime(.key, "\(o.typeName) has no method '\(name)'" + Hints.memberHint(name, members: o.memberNames))
        case .null:
            throw ScriptError.type("cannot call method '\(name)' on nil (use '?.' to allow nil)")
        case .function(let f as NativeFunction):
            if let member = f.members[name] { return try i.call(member, args) }
            method = nil
        default:
            method = nil
        }
        guard let method else {
            throw ScriptError.runtime(.key, "\(receiver.typeName) has no method '\(name)'"
                + Hints.memberHint(name, members: methodNames(of: receiver, in: i)))
        }
        return try call(method, receiver, name, args, i)
    }

    /// Runs a built-in method already found for `receiver`, checking the argument count.
    @inline(__always)
    static func call(_ method: NativeMethod, _ receiver: Value, _ name: String, _ args: [Value],
                     _ i: Interpreter) throws(ScriptError) -> Value {
        if args.count < method.minArity || args.count > method.maxArity {
            throw Interpreter.nativeArityError("\(receiver.typeName).\(name)", method.minArity, method.maxArity, args.count)
        }
        return try method.body(receiver, Arguments(args, receiverType: receiver.typeName, method: name), i)
    }
}

/// The built-in methods one call site `x.name(...)` can reach, looked up in the interpreter's
/// tables on the site's first run instead of hashing `name` on every call. A map's own entry
/// of that name is only consulted when maps have no such method, as `Access.callMethod` does.
final class MethodSite {
    let name: String
    private(set) var resolved = false
    private(set) var string: NativeMethod?
    private(set) var list: NativeMethod?
    private(set) var map: NativeMethod?

    init(_ name: String) { self.name = name }

    func resolve(_ i: Interpreter) {
        string = i.stringMethods[name]
        list = i.listMethods[name]
        map = i.mapMethods[name]
        resolved = true
    }

    /// The method for `receiver` when the site knows it; nil sends the call the general way.
    @inline(__always)
    func method(for receiver: Value) -> NativeMethod? {
        switch receiver {
        case .string: return string
        case .list: return list
        case .map: return map
        default: return nil
        }
    }
}

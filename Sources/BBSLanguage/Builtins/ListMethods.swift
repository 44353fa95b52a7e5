// Methods on lists that need no callback: access, the mutating five (push, pop, insert,
// remove, clear) and the pure reshaping ones. Everything except those five returns a
// new value and leaves the receiver alone (see ListFunctional.swift for the rest).

enum ListMethods {
    static func install(into interp: Interpreter) {
        var t = listTable(interp)

        t.define("push", 1...Int.max) { l, args, _ throws(ScriptError) in
            l.items.append(contentsOf: args.values)
            return .null
        }
        t.define("pop", 0...1) { l, args, _ throws(ScriptError) in
            if l.items.isEmpty { throw ScriptError.runtime(.index, "list.pop: list is empty") }
            if args.isAbsent(0) { return l.items.removeLast() }
            let i = try args.int(0, "index")
            guard let j = resolveIndex(i, count: l.items.count) else { throw indexError(args.callee, i, count: l.items.count) }
            return l.items.remove(at: j)
        }
        t.define("insert", 2...2) { l, args, _ throws(ScriptError) in
            let i = try args.int(0, "index")
            guard let j = resolveIndex(i, count: l.items.count, allowEnd: true) else {
                throw indexError(args.callee, i, count: l.items.count)
            }
            l.items.insert(args[1], at: j)
            return .null
        }
        t.define("remove", 1...1) { l, args, _ throws(ScriptError) in
            let i = try args.int(0, "index")
            guard let j = resolveIndex(i, count: l.items.count) else { throw indexError(args.callee, i, count: l.items.count) }
            return l.items.remove(at: j)
        }
        t.define("clear", 0...0) { l, _, _ throws(ScriptError) in
            l.items.removeAll()
            return .null
        }

        t.define("first", 0...0) { l, _, _ throws(ScriptError) in l.items.first ?? .null }
        t.define("last", 0...0) { l, _, _ throws(ScriptError) in l.items.last ?? .null }
        t.define("get", 1...2) { l, args, _ throws(ScriptError) in
            let i = try args.int(0, "index")
            guard let j = resolveIndex(i, count: l.items.count) else { return args[1] }
            return l.items[j]
        }
        t.define("is_empty", 0...0) { l, _, _ throws(ScriptError) in .bool(l.items.isEmpty) }
        t.define("contains", 1...1) { l, args, _ throws(ScriptError) in
            for item in l.items where try Value.isEqual(item, args[0]) { return .bool(true) }
            return .bool(false)
        }
        t.define("index_of", 1...1) { l, args, _ throws(ScriptError) in
            for (i, item) in l.items.enumerated() where try Value.isEqual(item, args[0]) { return .int(i) }
            return .int(-1)
        }

        t.define("copy", 0...0) { l, _, _ throws(ScriptError) in .list(ListRef(l.items)) }
        t.alias("list", for: "copy")
        t.define("reverse", 0...0) { l, _, _ throws(ScriptError) in .list(ListRef(l.items.reversed())) }
        t.define("take", 1...1) { l, args, _ throws(ScriptError) in
            .list(ListRef(Array(l.items.prefix(try args.count(0, "count")))))
        }
        t.define("drop", 1...1) { l, args, _ throws(ScriptError) in
            .list(ListRef(Array(l.items.dropFirst(try args.count(0, "count")))))
        }
        t.define("join", 0...1) { l, args, _ throws(ScriptError) in
            let sep = try args.string(0, default: "", "separator")
            // Text built from a secret, or from a collection holding one, stays a secret.
            if l.items.contains(where: {
                switch $0 {
                case .object(let o): return o is SecretValue
                case .list, .map: return true
                default: return false
                }
            }) {
                return try SecretValue.concatenation(l.items, separator: sep, for: "list.join")
            }
            var out = ""
            for (i, v) in l.items.enumerated() {
                if i > 0 { out += sep }
                out += try Printer.display(v, for: "list.join")
                if out.utf8.count > Printer.maxTextBytes { throw Printer.tooLarge("list.join") }
            }
            return .string(out)
        }
        t.define("enumerate", 0...0) { l, _, _ throws(ScriptError) in
            .list(ListRef(l.items.enumerated().map { pair($0.offset, $0.element) }))
        }
        t.define("zip", 1...1) { l, args, _ throws(ScriptError) in
            let other = try args.list(0, "other")
            return .list(ListRef(zip(l.items, other.items).map { .list(ListRef([$0, $1])) }))
        }
        t.define("flatten", 0...0) { l, _, _ throws(ScriptError) in
            var out: [Value] = []
            for v in l.items { appendFlattened(v, to: &out) }
            return .list(ListRef(out))
        }
        t.define("chunk", 1...1) { l, args, _ throws(ScriptError) in
            let size = try args.int(0, "size")
            if size < 1 { throw ScriptError.value("list.chunk: size must be at least 1, not \(size)") }
            let items = l.items
            let chunks = stride(from: 0, to: items.count, by: size).map { start -> Value in
                .list(ListRef(Array(items[start..<min(start + size, items.count)])))
            }
            return .list(ListRef(chunks))
        }
        t.define("sum", 0...0) { l, args, _ throws(ScriptError) in
            var total: Value = .int(0)
            for (i, v) in l.items.enumerated() {
                switch v {
                case .int, .float: total = try Operators.add(total, v)
                default: throw ScriptError.type("\(args.callee): element \(i) is a \(v.typeName), not a number")
                }
            }
            return total
        }

        interp.listMethods = t.methods
    }

    static func listTable(_ interp: Interpreter) -> MethodTable<ListRef> {
        MethodTable<ListRef>(typeName: "list", unwrap: { v in
            if case .list(let l) = v { return l }
            return nil
        }, methods: interp.listMethods)
    }

    static func pair(_ i: Int, _ v: Value) -> Value { .list(ListRef([.int(i), v])) }

    /// One level of flattening, as in JavaScript's `flat()`: lists spread, other values stay.
    static func appendFlattened(_ v: Value, to out: inout [Value]) {
        if case .list(let inner) = v { out.append(contentsOf: inner.items) } else { out.append(v) }
    }
}

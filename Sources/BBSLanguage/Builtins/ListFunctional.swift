// List methods that call back into script functions: map, filter, reduce, sort and
// friends. A callback declaring two parameters gets (item, index) — see `Callback`.
// The receiver is read once up front, so a callback that pushes onto the list it is
// iterating neither loops forever nor sees its own additions.

enum ListFunctional {
    static func install(into interp: Interpreter) {
        var t = ListMethods.listTable(interp)

        t.define("map", 1...1) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            let items = l.items
            var out = [Value]()
            out.reserveCapacity(items.count)
            for (i, v) in items.enumerated() { out.append(try f.call(interp, v, extra: .int(i))) }
            return .list(ListRef(out))
        }
        t.define("filter", 1...1) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            var out = [Value]()
            for (i, v) in l.items.enumerated() where try f.call(interp, v, extra: .int(i)).isTruthy {
                out.append(v)
            }
            return .list(ListRef(out))
        }
        t.define("flat_map", 1...1) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            var out = [Value]()
            for (i, v) in l.items.enumerated() {
                ListMethods.appendFlattened(try f.call(interp, v, extra: .int(i)), to: &out)
            }
            return .list(ListRef(out))
        }
        t.define("each", 1...1) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            for (i, v) in l.items.enumerated() { _ = try f.call(interp, v, extra: .int(i)) }
            return .null
        }
        t.define("reduce", 1...2) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            var items = l.items[...]
            var acc: Value
            if args.count > 1 {
                acc = args[1]
            } else if let first = items.popFirst() {
                acc = first
            } else {
                throw ScriptError.value("list.reduce: empty list and no initial value")
            }
            for v in items { acc = try f.call(interp, acc, v) }
            return acc
        }
        t.define("any", 1...1) { l, args, interp throws(ScriptError) in
            .bool(try firstMatch(l, args, interp) != nil)
        }
        t.define("all", 1...1) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            for (i, v) in l.items.enumerated() where !(try f.call(interp, v, extra: .int(i)).isTruthy) {
                return .bool(false)
            }
            return .bool(true)
        }
        t.define("find", 1...1) { l, args, interp throws(ScriptError) in
            guard let i = try firstMatch(l, args, interp) else { return .null }
            return l.items[i]
        }
        t.define("find_index", 1...1) { l, args, interp throws(ScriptError) in
            .int(try firstMatch(l, args, interp) ?? -1)
        }
        t.define("count", 0...1) { l, args, interp throws(ScriptError) in
            if args.count == 0 { return .int(l.items.count) }
            guard case .function = args[0] else {
                var n = 0
                for item in l.items where try Value.isEqual(item, args[0]) { n += 1 }
                return .int(n)
            }
            let f = try args.callback(0)
            var n = 0
            for (i, v) in l.items.enumerated() where try f.call(interp, v, extra: .int(i)).isTruthy { n += 1 }
            return .int(n)
        }

        t.define("sort", 0...1) { l, args, interp throws(ScriptError) in
            try sort(l.items, args, interp)
        }
        t.define("sort_by", 1...1) { l, args, interp throws(ScriptError) in
            let keys = try keysOf(l.items, try args.callback(0, "key function"), interp)
            return .list(ListRef(try StableSort.sorted(l.items, keys: keys, callee: args.callee)))
        }
        t.define("min", 0...1) { l, args, interp throws(ScriptError) in
            try extreme(l, args, interp, wantsLess: true)
        }
        t.define("max", 0...1) { l, args, interp throws(ScriptError) in
            try extreme(l, args, interp, wantsLess: false)
        }
        t.define("unique", 0...1) { l, args, interp throws(ScriptError) in
            let keys = args.isAbsent(0) ? l.items : try keysOf(l.items, try args.callback(0, "key function"), interp)
            var seen = KeySet()
            var out = [Value]()
            for (v, k) in zip(l.items, keys) where try seen.insert(k) { out.append(v) }
            return .list(ListRef(out))
        }
        t.define("group_by", 1...1) { l, args, interp throws(ScriptError) in
            let f = try args.callback(0, "key function")
            let groups = MapRef()
            for (i, v) in l.items.enumerated() {
                let key = try Printer.display(try f.call(interp, v, extra: .int(i)), for: "list.group_by")
                if case .list(let g)? = groups.entries[key] {
                    g.items.append(v)
                } else {
                    groups.entries[key] = .list(ListRef([v]))
                }
            }
            return .map(groups)
        }

        interp.listMethods = t.methods
    }

    /// The index of the first item the predicate accepts.
    private static func firstMatch(_ l: ListRef, _ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Int? {
        let f = try args.callback(0, "function")
        for (i, v) in l.items.enumerated() where try f.call(interp, v, extra: .int(i)).isTruthy { return i }
        return nil
    }

    private static func keysOf(_ items: [Value], _ f: Callback, _ interp: Interpreter) throws(ScriptError) -> [Value] {
        var keys = [Value]()
        keys.reserveCapacity(items.count)
        for (i, v) in items.enumerated() { keys.append(try f.call(interp, v, extra: .int(i))) }
        return keys
    }

    /// `sort()` orders by value; `sort(f)` with a one-parameter `f` orders by key `f(x)`;
    /// with a two-parameter `f` it is a comparator: a number below 0 (or `true`) puts `a`
    /// before `b`.
    private static func sort(_ items: [Value], _ args: Arguments, _ interp: Interpreter) throws(ScriptError) -> Value {
        if args.isAbsent(0) {
            return .list(ListRef(try StableSort.sorted(items, keys: items, callee: args.callee)))
        }
        let f = try args.callback(0, "function")
        if !f.wantsTwo {
            let keys = try keysOf(items, f, interp)
            return .list(ListRef(try StableSort.sorted(items, keys: keys, callee: args.callee)))
        }
        var out = items
        try StableSort.sort(&out) { (a: Value, b: Value) throws(ScriptError) -> Bool in
            switch try f.call(interp, a, b) {
            case .int(let n): return n < 0
            case .float(let d): return d < 0
            case .bool(let less): return less
            case let other:
                throw ScriptError.type("list.sort: the comparator must return a number or a bool, not \(other.typeName)")
            }
        }
        return .list(ListRef(out))
    }

    /// `min()`/`max()`, or by key with a function; nil for an empty list; the first wins ties.
    private static func extreme(_ l: ListRef, _ args: Arguments, _ interp: Interpreter, wantsLess: Bool) throws(ScriptError) -> Value {
        let items = l.items
        guard !items.isEmpty else { return .null }
        let keys = args.isAbsent(0) ? items : try keysOf(items, try args.callback(0, "key function"), interp)
        var best = 0
        for i in 1..<items.count {
            let c = try compareValues(keys[i], keys[best], args.callee)
            if wantsLess ? c < 0 : c > 0 { best = i }
        }
        return items[best]
    }
}

/// Values seen so far, by `==`: scalars through a hash set, collections by a scan.
struct KeySet {
    private var scalars = Set<ScalarKey>()
    private var others: [Value] = []

    /// Adds `v`; false if an equal value was already there.
    mutating func insert(_ v: Value) throws(ScriptError) -> Bool {
        if let k = ScalarKey(v) { return scalars.insert(k).inserted }
        for other in others where try Value.isEqual(other, v) { return false }
        others.append(v)
        return true
    }
}

// Methods on maps. Keys are strings and keep insertion order, so results list entries
// in the order they were added. Only `remove` and `clear` mutate the receiver.
// Callbacks declaring two parameters get (key, value); one-parameter callbacks get the
// value, so `m.filter(v => v > 1)` reads naturally.

enum MapMethods {
    static func install(into interp: Interpreter) {
        var t = MethodTable<MapRef>(typeName: "map", unwrap: { v in
            if case .map(let m) = v { return m }
            return nil
        }, methods: interp.mapMethods)

        t.define("keys", 0...0) { m, _, _ throws(ScriptError) in
            .list(ListRef(m.entries.keys.map { .string($0) }))
        }
        t.define("values", 0...0) { m, _, _ throws(ScriptError) in
            .list(ListRef(m.entries.values))
        }
        t.define("items", 0...0) { m, _, _ throws(ScriptError) in
            .list(ListRef(m.entries.elements.map { .list(ListRef([.string($0.key), $0.value])) }))
        }
        t.alias("entries", for: "items")
        t.define("has", 1...1) { m, args, _ throws(ScriptError) in
            .bool(m.entries.has(try args.string(0, "key")))
        }
        t.define("get", 1...2) { m, args, _ throws(ScriptError) in
            m.entries[try args.string(0, "key")] ?? args[1]
        }
        t.define("is_empty", 0...0) { m, _, _ throws(ScriptError) in .bool(m.entries.isEmpty) }

        t.define("remove", 1...1) { m, args, _ throws(ScriptError) in
            m.entries.removeValue(forKey: try args.string(0, "key")) ?? .null
        }
        t.define("clear", 0...0) { m, _, _ throws(ScriptError) in
            m.entries.removeAll()
            return .null
        }

        t.define("copy", 0...0) { m, _, _ throws(ScriptError) in .map(MapRef(m.entries)) }
        t.define("merge", 1...1) { m, args, _ throws(ScriptError) in
            var merged = m.entries
            for (k, v) in try args.map(0, "other").entries.pairs { merged[k] = v }
            return .map(MapRef(merged))
        }
        t.define("map", 1...1) { m, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            let entries = m.entries
            var out = OrderedMap(minimumCapacity: entries.count)
            for (k, v) in entries.pairs { out[k] = try call(f, interp, k, v) }
            return .map(MapRef(out))
        }
        t.define("filter", 1...1) { m, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            var out = OrderedMap()
            for (k, v) in m.entries.pairs where try call(f, interp, k, v).isTruthy { out[k] = v }
            return .map(MapRef(out))
        }
        t.define("each", 1...1) { m, args, interp throws(ScriptError) in
            let f = try args.callback(0, "function")
            for (k, v) in m.entries.pairs { _ = try call(f, interp, k, v) }
            return .null
        }

        interp.mapMethods = t.methods
    }

    @inline(__always)
    private static func call(_ f: Callback, _ interp: Interpreter, _ k: String, _ v: Value) throws(ScriptError) -> Value {
        f.wantsTwo ? try f.call(interp, .string(k), v) : try f.call(interp, v)
    }
}

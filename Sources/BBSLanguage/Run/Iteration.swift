// What `for` walks over. Lists are walked live by index (so pushing inside the loop is
// seen, as in Python); maps over a snapshot of their keys; strings by character.

enum Iteration {
    static func iterator(for v: Value, pairs: Bool, interpreter: Interpreter) throws(ScriptError) -> any ValueIterator {
        switch v {
        case .list(let l): return ListIterator(list: l, pairs: pairs)
        case .map(let m): return MapIterator(map: m, keys: m.entries.keys, pairs: pairs)
        case .string(let s):
            // Character by character, never a list of them all (a 50 MB string made one of
            // 1.2 GB; found by the evaluator fuzz).
            let characters = StringIterator(iterator: s.makeIterator())
            return pairs ? EnumeratingIterator(base: characters) : characters
        case .object(let o):
            if let it = try o.makeIterator(interpreter) {
                if pairs { return EnumeratingIterator(base: it) }
                return it
            }
            throw ScriptError.type("cannot iterate over \(o.typeName)")
        default:
            throw ScriptError.type("cannot iterate over \(v.typeName) (a list, map, string or stream is needed)")
        }
    }
}

struct ListIterator: ValueIterator {
    let list: ListRef
    let pairs: Bool
    var index = 0
    mutating func next(_ interpreter: Interpreter) -> Value? {
        guard index < list.items.count else { return nil }
        defer { index += 1 }
        if pairs { return .list(ListRef([.int(index), list.items[index]])) }
        return list.items[index]
    }
}

struct MapIterator: ValueIterator {
    let map: MapRef
    let keys: [String]
    let pairs: Bool
    var index = 0
    mutating func next(_ interpreter: Interpreter) -> Value? {
        while index < keys.count {
            let k = keys[index]
            index += 1
            // A key removed during the loop is skipped rather than read as nil.
            guard let v = map.entries[k] else { continue }
            return pairs ? .list(ListRef([.string(k), v])) : .string(k)
        }
        return nil
    }
}

struct StringIterator: ValueIterator {
    var iterator: String.Iterator
    mutating func next(_ interpreter: Interpreter) -> Value? {
        iterator.next().map { .string(String($0)) }
    }
}

/// `for i, x in stream`: numbers the items.
struct EnumeratingIterator: ValueIterator {
    var base: any ValueIterator
    var index = 0
    mutating func next(_ interpreter: Interpreter) throws(ScriptError) -> Value? {
        guard let v = try base.next(interpreter) else { return nil }
        defer { index += 1 }
        return .list(ListRef([.int(index), v]))
    }
}

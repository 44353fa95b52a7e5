// Releasing a deeply nested value without recursion.
//
// Swift frees a list by releasing its elements, which frees their elements, and so on:
// one stack frame per level. `var x = []; for i in range(1000000) { x = [x] }` would then
// overflow whatever stack frees it. A list or map that holds other lists or maps instead
// hands its children to a work list, and takes apart only those it is the last owner of;
// a shared child is merely released, and whoever owns it last takes it apart in turn.

enum ValueRelease {
    @inline(__always)
    static func holdsContainer(_ items: [Value]) -> Bool {
        for v in items {
            switch v {
            case .list, .map: return true
            default: continue
            }
        }
        return false
    }

    /// Empties `items`, taking apart every uniquely owned list or map below it iteratively.
    static func dismantle(_ items: inout [Value]) {
        var work = WorkList()
        work.collect(items)
        items.removeAll()
        work.run()
    }

    @inline(__always)
    static func holdsContainer(_ entries: [OrderedMap.Entry]) -> Bool {
        for e in entries {
            switch e.value {
            case .list, .map: return true
            default: continue
            }
        }
        return false
    }

    static func dismantle(_ entries: inout OrderedMap) {
        var work = WorkList()
        for e in entries.takeElements() { work.collect(e.value) }
        work.run()
    }

    /// The lists and maps still to take apart. Whether one is uniquely owned is asked of
    /// the work list's own element, in place: a value moved into a local first may be
    /// copied there instead (unoptimised and sanitizer builds do), and a second reference
    /// makes every container look shared, so each would be freed by recursion after all.
    private struct WorkList {
        var lists: [ListRef] = []
        var maps: [MapRef] = []

        mutating func collect(_ values: [Value]) {
            for v in values { collect(v) }
        }

        mutating func collect(_ v: Value) {
            switch v {
            case .list(let l): lists.append(l)
            case .map(let m): maps.append(m)
            default: break
            }
        }

        /// Takes apart each container that only the work list holds: its children join the
        /// list before it is freed, so it is freed empty. Any other is merely released.
        mutating func run() {
            while true {
                if let last = lists.indices.last {
                    if isKnownUniquelyReferenced(&lists[last]) {
                        var items: [Value] = []
                        swap(&items, &lists[last].items)
                        lists.removeLast()
                        collect(items)
                    } else {
                        lists.removeLast()
                    }
                } else if let last = maps.indices.last {
                    if isKnownUniquelyReferenced(&maps[last]) {
                        let entries = maps[last].entries.takeElements()
                        maps.removeLast()
                        for e in entries { collect(e.value) }
                    } else {
                        maps.removeLast()
                    }
                } else {
                    return
                }
            }
        }
    }
}

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
        var pending: [Value] = []
        swap(&pending, &items)
        while let last = pending.popLast() {
            takeChildren(last, into: &pending)
        }
    }

    static func dismantle(_ entries: inout OrderedMap) {
        var values = entries.values
        entries = OrderedMap()
        dismantle(&values)
    }

    private static func takeChildren(_ value: consuming Value, into pending: inout [Value]) {
        switch consume value {
        case .list(var list):
            guard isKnownUniquelyReferenced(&list), !list.items.isEmpty else { return }
            pending.append(contentsOf: list.items)
            list.items.removeAll()
        case .map(var map):
            guard isKnownUniquelyReferenced(&map), !map.entries.isEmpty else { return }
            pending.append(contentsOf: map.entries.values)
            map.entries = OrderedMap()
        default:
            return
        }
    }
}

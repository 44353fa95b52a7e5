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
        // The popped value goes straight into `takeChildren` (no binding keeps a second
        // reference), so a container held only here is seen as uniquely owned.
        while !pending.isEmpty {
            takeChildren(pending.removeLast(), into: &pending)
        }
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
        var pending: [Value] = []
        for e in entries.takeElements() where isContainer(e.value) { pending.append(e.value) }
        // The popped value goes straight into `takeChildren` (no binding keeps a second
        // reference), so a container held only here is seen as uniquely owned.
        while !pending.isEmpty {
            takeChildren(pending.removeLast(), into: &pending)
        }
    }

    /// Only lists and maps can hold a tree: everything else is released as it is.
    @inline(__always)
    private static func isContainer(_ v: Value) -> Bool {
        switch v {
        case .list, .map: return true
        default: return false
        }
    }

    private static func takeChildren(_ value: consuming Value, into pending: inout [Value]) {
        switch consume value {
        case .list(var list):
            guard isKnownUniquelyReferenced(&list), !list.items.isEmpty else { return }
            pending.append(contentsOf: list.items)
            list.items.removeAll()
        case .map(var map):
            guard isKnownUniquelyReferenced(&map), !map.entries.isEmpty else { return }
            for e in map.entries.takeElements() where isContainer(e.value) { pending.append(e.value) }
        default:
            return
        }
    }
}

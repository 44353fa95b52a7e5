// An insertion-ordered string-keyed dictionary: what JSON objects and bbs maps need.
//
// Entries live in one array in insertion order (one allocation per map, which matters for
// JSON: a 10 MB API page holds tens of thousands of small objects). Most maps are small
// (JSON objects typically hold 1–8 keys), and comparing a handful of short strings is
// cheaper than hashing one, so a map only gets a hash index once it outgrows `linearLimit`.
//
// The index is open addressing over the entries array, as in CPython's dict: each slot
// holds an entry's position together with 32 bits of its key's hash. An insert hashes the
// key once (find and insert share the probe), growing the index never hashes a key again
// (the slots carry the hash), and most mismatched probes are rejected without comparing
// strings. Keys hash with Swift's `Hasher`, which agrees with `==` on strings (canonical
// equivalence: `"é"` written either way is one key). Removal is O(n), which is fine for
// the maps scripts build.

public struct OrderedMap {
    public struct Entry {
        public let key: String
        public var value: Value
        @inline(__always)
        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// The entries in insertion order.
    public private(set) var elements: [Entry] = []
    /// Key → position; nil while the map is small enough for a linear scan.
    private var index: HashIndex?

    /// Above this many keys lookups hash instead of scanning (measured crossover, see JSON benchmarks).
    static let linearLimit = 8

    public init() {}
    public init(minimumCapacity n: Int) {
        elements.reserveCapacity(n)
        if n > OrderedMap.linearLimit { index = HashIndex(forCount: n) }
    }

    /// Adopts entries as they are. A repeated key keeps its first position and its last
    /// value, as if the pairs had been assigned one by one.
    init(adopting entries: [Entry]) {
        if entries.count <= OrderedMap.linearLimit {
            if !OrderedMap.hasDuplicate(entries) {
                elements = entries
                return
            }
        } else {
            var built = HashIndex(forCount: entries.count)
            var unique = true
            for i in entries.indices {
                let key = entries[i].key
                let hash = key.hashValue
                switch built.find(key, hash, in: entries) {
                case .found:
                    unique = false
                case .vacant(let slot):
                    built.occupy(slot, hash: hash, position: i)
                }
                if !unique { break }
            }
            if unique {
                elements = entries
                index = built
                return
            }
        }
        // Rare: a JSON object repeating a key. Replay the assignments.
        for e in entries { self[e.key] = e.value }
    }

    /// Adopts entries whose keys are known to be distinct: a map literal's constant keys,
    /// checked once when the literal is compiled, so no duplicate check per map built.
    init(distinctEntries entries: [Entry]) {
        if entries.count > OrderedMap.linearLimit {
            self.init(adopting: entries)
        } else {
            self.init()
            elements = entries
        }
    }

    private static func hasDuplicate(_ entries: [Entry]) -> Bool {
        var i = 1
        while i < entries.count {
            for j in 0..<i where entries[j].key == entries[i].key { return true }
            i += 1
        }
        return false
    }

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    /// The keys in order (a new array: prefer `elements` or `pairs` to walk a map).
    public var keys: [String] { elements.map(\.key) }
    /// The values in order (a new array).
    public var values: [Value] { elements.map(\.value) }
    public var pairs: LazyMapSequence<[Entry], (String, Value)> { elements.lazy.map { ($0.key, $0.value) } }

    @inline(__always)
    private func position(of key: String) -> Int? {
        if let index {
            if case .found(let p) = index.find(key, key.hashValue, in: elements) { return p }
            return nil
        }
        return linearPosition(of: key)
    }

    @inline(__always)
    private func linearPosition(of key: String) -> Int? {
        var i = 0
        let n = elements.count
        while i < n {
            if elements[i].key == key { return i }
            i += 1
        }
        return nil
    }

    public subscript(key: String) -> Value? {
        get {
            guard let i = position(of: key) else { return nil }
            return elements[i].value
        }
        set {
            if let v = newValue {
                set(key, v)
            } else {
                _ = removeValue(forKey: key)
            }
        }
    }

    /// Sets `key`, replacing an existing value in place or appending a new key.
    public mutating func set(_ key: String, _ value: Value) {
        guard index != nil else {
            if let i = linearPosition(of: key) {
                elements[i].value = value
                return
            }
            elements.append(Entry(key: key, value: value))
            if elements.count > OrderedMap.linearLimit { buildIndex() }
            return
        }
        let hash = key.hashValue
        switch index!.find(key, hash, in: elements) {
        case .found(let i):
            elements[i].value = value
        case .vacant(let slot):
            index!.occupy(slot, hash: hash, position: elements.count)
            elements.append(Entry(key: key, value: value))
            index!.growIfCrowded(count: elements.count)
        }
    }

    public func has(_ key: String) -> Bool { position(of: key) != nil }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = position(of: key) else { return nil }
        let removed = elements.remove(at: i)
        if index != nil {
            if elements.count <= OrderedMap.linearLimit {
                index = nil
            } else {
                index!.remove(position: i)
            }
        }
        return removed.value
    }

    public mutating func removeAll() {
        elements.removeAll()
        index = nil
    }

    /// Empties the map and hands back its entries (for taking a value tree apart).
    mutating func takeElements() -> [Entry] {
        index = nil
        var taken: [Entry] = []
        swap(&taken, &elements)
        return taken
    }

    private mutating func buildIndex() {
        var built = HashIndex(forCount: elements.count)
        for i in elements.indices {
            let hash = elements[i].key.hashValue
            if case .vacant(let slot) = built.find(elements[i].key, hash, in: elements) {
                built.occupy(slot, hash: hash, position: i)
            }
        }
        index = built
    }
}

/// Open-addressing table (linear probing, at most half full) of entry positions. A slot is
/// 0 when empty, else the low 32 bits of the key's hash over the position plus one.
private struct HashIndex {
    private var slots: [UInt64]
    private var mask: Int

    enum Probe {
        case found(Int)
        case vacant(Int)
    }

    init(forCount n: Int) {
        var capacity = 16
        while capacity < 2 * n + 2 { capacity <<= 1 }
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private static func tag(_ hash: Int) -> UInt64 { UInt64(truncatingIfNeeded: hash) << 32 }

    @inline(__always)
    func find(_ key: String, _ hash: Int, in elements: [OrderedMap.Entry]) -> Probe {
        let tag = HashIndex.tag(hash)
        var slot = hash & mask
        return slots.withUnsafeBufferPointer { s in
            while true {
                let word = s[slot]
                if word == 0 { return .vacant(slot) }
                if word & 0xFFFF_FFFF_0000_0000 == tag {
                    let p = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
                    if elements[p].key == key { return .found(p) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    mutating func occupy(_ slot: Int, hash: Int, position: Int) {
        slots[slot] = HashIndex.tag(hash) | UInt64(position + 1)
    }

    mutating func growIfCrowded(count: Int) {
        guard 2 * count > mask + 1 else { return }
        rebuild(capacity: (mask + 1) * 2) { $0 }
    }

    /// Drops `position` and renumbers the positions after it, without hashing any key again.
    mutating func remove(position removed: Int) {
        rebuild(capacity: mask + 1) { p in
            p == removed ? nil : (p > removed ? p - 1 : p)
        }
    }

    /// Re-places every slot in a table of `capacity` slots, mapping positions through `renumber`
    /// (nil drops the slot). Slots carry 32 bits of hash, enough to place them in any table
    /// of up to 2^32 slots.
    private mutating func rebuild(capacity: Int, _ renumber: (Int) -> Int?) {
        var fresh = [UInt64](repeating: 0, count: capacity)
        let newMask = capacity - 1
        fresh.withUnsafeMutableBufferPointer { f in
            for word in slots where word != 0 {
                guard let p = renumber(Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1) else { continue }
                var slot = Int(truncatingIfNeeded: word >> 32) & newMask
                while f[slot] != 0 { slot = (slot + 1) & newMask }
                f[slot] = (word & 0xFFFF_FFFF_0000_0000) | UInt64(p + 1)
            }
        }
        slots = fresh
        mask = newMask
    }
}

// An insertion-ordered string-keyed dictionary: what JSON objects and bbs maps need.
// Keys and values live in parallel arrays. Most maps are small (JSON objects from an API
// typically hold 1–8 keys), and comparing a handful of short strings is cheaper than
// hashing one, so the hash index is only built once a map outgrows `linearLimit`.
// Removal is O(n), which is fine for the maps scripts build.

public struct OrderedMap {
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []
    /// Key → position; nil while the map is small enough for a linear scan.
    private var index: [String: Int]?

    /// Above this many keys lookups hash instead of scanning (measured crossover, see JSON benchmarks).
    static let linearLimit = 8

    public init() {}
    public init(minimumCapacity n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        if n > OrderedMap.linearLimit { index = Dictionary(minimumCapacity: n) }
    }

    /// Adopts parallel arrays as they are. A repeated key keeps its first position and
    /// its last value, as if the pairs had been assigned one by one.
    init(adopting keys: [String], _ values: [Value]) {
        if keys.count <= OrderedMap.linearLimit {
            if !OrderedMap.hasDuplicate(keys) {
                self.keys = keys
                self.values = values
                return
            }
        } else {
            var index = [String: Int](minimumCapacity: keys.count)
            var unique = true
            for (i, k) in keys.enumerated() where index.updateValue(i, forKey: k) != nil {
                unique = false
                break
            }
            if unique {
                self.keys = keys
                self.values = values
                self.index = index
                return
            }
        }
        // Rare: a JSON object repeating a key. Replay the assignments.
        for i in keys.indices { self[keys[i]] = values[i] }
    }

    /// Adopts keys already known to be distinct: a map literal's constant keys, checked once
    /// when the literal is compiled. Every map a literal builds shares the one keys array.
    init(distinctKeys keys: [String], _ values: [Value]) {
        if keys.count > OrderedMap.linearLimit {
            self.init(adopting: keys, values)
        } else {
            self.init()
            self.keys = keys
            self.values = values
        }
    }

    private static func hasDuplicate(_ keys: [String]) -> Bool {
        var i = 1
        while i < keys.count {
            for j in 0..<i where keys[j] == keys[i] { return true }
            i += 1
        }
        return false
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    @inline(__always)
    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        var i = 0
        let n = keys.count
        while i < n {
            if keys[i] == key { return i }
            i += 1
        }
        return nil
    }

    public subscript(key: String) -> Value? {
        get {
            guard let i = position(of: key) else { return nil }
            return values[i]
        }
        set {
            if let v = newValue {
                if let i = position(of: key) {
                    values[i] = v
                } else {
                    append(key, v)
                }
            } else {
                _ = removeValue(forKey: key)
            }
        }
    }

    private mutating func append(_ key: String, _ value: Value) {
        if index != nil {
            index![key] = keys.count
        } else if keys.count == OrderedMap.linearLimit {
            var built = [String: Int](minimumCapacity: keys.count * 2)
            for (i, k) in keys.enumerated() { built[k] = i }
            built[key] = keys.count
            index = built
        }
        keys.append(key)
        values.append(value)
    }

    /// Sets `key`, replacing an existing value in place or appending a new key.
    public mutating func set(_ key: String, _ value: Value) { self[key] = value }

    public func has(_ key: String) -> Bool { position(of: key) != nil }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = position(of: key) else { return nil }
        keys.remove(at: i)
        let v = values.remove(at: i)
        if index != nil {
            if keys.count <= OrderedMap.linearLimit {
                index = nil
            } else {
                index!.removeValue(forKey: key)
                for j in i..<keys.count { index![keys[j]] = j }
            }
        }
        return v
    }

    public mutating func removeAll() {
        keys.removeAll()
        values.removeAll()
        index = nil
    }

    public var pairs: Zip2Sequence<[String], [Value]> { zip(keys, values) }
}

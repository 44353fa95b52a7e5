// A stable merge sort whose comparison may throw (a script comparator can fail, and
// comparing an int with a string is a type error). The standard library's sort is not
// documented as stable and takes untyped-throwing closures. A bad comparator cannot make
// this sort loop or crash; it only yields some order.

enum StableSort {
    /// Sorted runs of this length are built by insertion sort before merging.
    private static let runLength = 16

    static func sort<T, E: Error>(_ a: inout [T], by less: (T, T) throws(E) -> Bool) throws(E) {
        let n = a.count
        if n < 2 { return }
        var start = 0
        while start < n {
            let end = min(start + runLength, n)
            var i = start + 1
            while i < end {
                let x = a[i]
                var j = i
                while j > start, try less(x, a[j - 1]) {
                    a[j] = a[j - 1]
                    j -= 1
                }
                a[j] = x
                i += 1
            }
            start = end
        }
        if n <= runLength { return }

        var src = a
        var dst = a
        var width = runLength
        while width < n {
            var lo = 0
            while lo < n {
                let mid = min(lo + width, n)
                let hi = min(lo + 2 * width, n)
                var i = lo, j = mid, k = lo
                while i < mid && j < hi {
                    // Take from the right run only when strictly smaller: that is what keeps it stable.
                    if try less(src[j], src[i]) {
                        dst[k] = src[j]
                        j += 1
                    } else {
                        dst[k] = src[i]
                        i += 1
                    }
                    k += 1
                }
                while i < mid { dst[k] = src[i]; i += 1; k += 1 }
                while j < hi { dst[k] = src[j]; j += 1; k += 1 }
                lo = hi
            }
            swap(&src, &dst)
            width *= 2
        }
        a = src
    }

    /// `items` ordered by `Value.compare` of their keys; keys are computed once each.
    static func sorted(_ items: [Value], keys: [Value], callee: String) throws(ScriptError) -> [Value] {
        var order = Array(items.indices)
        if let ints = intsIfAll(keys) {
            // The common case (ids, sizes, counts) skips the generic comparison entirely.
            sort(&order) { (i: Int, j: Int) -> Bool in ints[i] < ints[j] }
            return order.map { items[$0] }
        }
        try sort(&order) { (i: Int, j: Int) throws(ScriptError) -> Bool in
            try compareValues(keys[i], keys[j], callee) < 0
        }
        return order.map { items[$0] }
    }

    private static func intsIfAll(_ values: [Value]) -> [Int]? {
        var ints = [Int]()
        ints.reserveCapacity(values.count)
        for v in values {
            guard case .int(let n) = v else { return nil }
            ints.append(n)
        }
        return ints
    }
}

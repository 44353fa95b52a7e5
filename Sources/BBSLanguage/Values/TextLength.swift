// `len` of a string counts characters (grapheme clusters), which Swift's `String.count`
// finds by walking the clusters one by one: about 15 ms for a 7 MB string. In ASCII text
// the only cluster of more than one scalar is CR LF (no ASCII character extends or joins
// another), so for ASCII the count is the byte count less the CR LF pairs, found eight
// bytes at a time. Other text goes the exact way.

enum TextLength {
    static func characters(_ s: String) -> Int {
        var s = s
        let ascii: Int? = s.withUTF8 { asciiCharacterCount($0) }
        return ascii ?? s.count
    }

    /// The character count of ASCII bytes, or nil when a byte is not ASCII.
    static func asciiCharacterCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var i = 0
        var high: UInt64 = 0
        var pairs = 0
        var previous: UInt8 = 0
        while i + 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            high |= word
            // A CR anywhere in the word (or just before it) means a closer look.
            if hasByte(word, 0x0D) || previous == 0x0D {
                var j = i
                while j < i + 8 {
                    if previous == 0x0D && base[j] == 0x0A { pairs += 1 }
                    previous = base[j]
                    j += 1
                }
            } else {
                previous = base[i + 7]
            }
            i += 8
        }
        while i < n {
            let b = base[i]
            high |= UInt64(b)
            if previous == 0x0D && b == 0x0A { pairs += 1 }
            previous = b
            i += 1
        }
        guard high & 0x8080_8080_8080_8080 == 0 else { return nil }
        return n - pairs
    }

    /// Whether any byte of `word` equals `byte` (the classic zero-byte test on `word ^ byte*0x01..01`).
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }
}

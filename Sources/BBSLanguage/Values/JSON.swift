// `json.parse` and `json.stringify`: a strict RFC 8259 byte-level parser straight into
// `Value`, and a writer straight into bytes. API responses of many megabytes go through
// here, so both avoid Foundation and per-character String work.
//
// The parser is iterative (an explicit stack of open containers), so nesting depth is
// bounded by `maxDepth` and by memory, never by the native stack.

public enum JSON {
    /// Deepest nesting of arrays and objects that parse and stringify accept.
    public static let maxDepth = Nesting.values

    public static func parse(_ text: String) throws(ScriptError) -> Value {
        var text = text
        let result = text.withUTF8 { buf in
            Result { () throws(ScriptError) -> Value in try parse(bytes: UnsafeRawBufferPointer(buf)) }
        }
        return try result.get()
    }

    public static func parse(bytes: [UInt8]) throws(ScriptError) -> Value {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(ScriptError) -> Value in try parse(bytes: raw) }
        }
        return try result.get()
    }

    public static func parse(bytes: UnsafeRawBufferPointer) throws(ScriptError) -> Value {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw error("unexpected end of input", offset: 0, in: bytes)
        }
        var parser = JSONParser(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try parser.document()
    }

    /// Compact (`{"a":1}`) when `indent` is 0, otherwise one element per line with
    /// `indent` spaces per level and `": "` after keys.
    /// Secrets inside `v` are written as `"***"`: for what a person reads (the REPL's echo).
    public static func stringify(_ v: Value, indent: Int = 0) throws(ScriptError) -> String {
        var writer = NestedWriter(JSONStyle(indent: max(0, indent)), capacity: 4096, limit: maxTextBytes)
        guard try writer.write(v) else { throw tooLarge }
        return writer.out.string
    }

    /// `stringify` as UTF-8 bytes: skips building (and validating) a String.
    public static func stringifyBytes(_ v: Value, indent: Int = 0) throws(ScriptError) -> [UInt8] {
        var writer = NestedWriter(JSONStyle(indent: max(0, indent)), capacity: 4096, limit: maxTextBytes)
        guard try writer.write(v) else { throw tooLarge }
        return writer.out.bytes
    }

    /// `json.stringify`: a string, or a secret when `v` holds one (its parts stay secret, so the
    /// JSON text carries the real value to a data sink and prints masked).
    public static func stringifyKeepingSecrets(_ v: Value, indent: Int = 0) throws(ScriptError) -> Value {
        let (bytes, secrets) = try stringifyRevealing(v, indent: indent)
        guard !secrets.isEmpty else { return .string(String(decoding: bytes, as: UTF8.self)) }
        return SecretValue.assembled(bytes, secrets)
    }

    /// The JSON bytes with every secret's real text, and where each secret part lies: for a
    /// data sink (a request body), which must check where those secrets may go.
    package static func stringifyRevealing(_ v: Value, indent: Int = 0) throws(ScriptError) -> (bytes: [UInt8], secrets: [SecretSpan]) {
        let recorder = SecretSpanRecorder()
        var writer = NestedWriter(JSONStyle(indent: max(0, indent), secrets: recorder), capacity: 4096, limit: maxTextBytes)
        guard try writer.write(v) else { throw tooLarge }
        return (writer.out.bytes, recorder.spans)
    }

    /// The largest text `stringify` returns, the limit of every renderer: encoding a string
    /// escapes it, so encoding the result again and again (a loop) doubles it each time, and
    /// a value that shares its parts stands for far more text than it takes in memory.
    public static let maxTextBytes = Printer.maxTextBytes

    private static var tooLarge: ScriptError {
        ScriptError.runtime(.json, "json.stringify: the result would be larger than \(maxTextBytes >> 20) MiB")
    }

    /// A parse error naming the byte offset (0-based) and the line and column (1-based,
    /// columns in characters) where the input stopped making sense.
    static func error(_ what: String, offset: Int, in bytes: UnsafeRawBufferPointer) -> ScriptError {
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return .runtime(.json, "json.parse: \(what) at byte \(offset) (line \(line), column \(column))")
    }
}

// MARK: - Parsing

private enum Byte {
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
}

private struct JSONParser {
    /// An array or object whose elements are still being read; its elements so far sit
    /// on the scratch stacks above these marks.
    struct Frame {
        let isObject: Bool
        let valueBase: Int
        let keyBase: Int
    }

    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var p: UnsafePointer<UInt8>
    var frames: [Frame] = []
    let values = ScratchStack<Value>()
    let keys = ScratchStack<String>()
    /// Reused for strings that contain escapes.
    var unescaped: [UInt8] = []
    /// Made on the first long key, so small documents do not pay for its table.
    lazy var keyCache = KeyCache()

    init(_ start: UnsafePointer<UInt8>, count: Int) {
        self.start = start
        self.end = start + count
        self.p = start
    }

    mutating func document() throws(ScriptError) -> Value {
        expectValue: while true {
            skipWhitespace()
            guard p < end else { throw unexpected() }
            switch p.pointee {
            case Byte.openBrace:
                p += 1
                try open(isObject: true)
                skipWhitespace()
                if p < end && p.pointee == Byte.closeBrace {
                    p += 1
                    close()
                } else {
                    try key()
                    continue expectValue
                }
            case Byte.openBracket:
                p += 1
                try open(isObject: false)
                skipWhitespace()
                if p < end && p.pointee == Byte.closeBracket {
                    p += 1
                    close()
                } else {
                    continue expectValue
                }
            case Byte.quote:
                values.push(.string(try string()))
            case Byte.minus, Byte.zero...UInt8(ascii: "9"):
                values.push(try number())
            case UInt8(ascii: "t"):
                try literal("true")
                values.push(.bool(true))
            case UInt8(ascii: "f"):
                try literal("false")
                values.push(.bool(false))
            case UInt8(ascii: "n"):
                try literal("null")
                values.push(.null)
            default:
                throw unexpected()
            }
            // A value is complete: continue or close the containers it ends.
            while let frame = frames.last {
                skipWhitespace()
                guard p < end else { throw unexpected() }
                let c = p.pointee
                if c == Byte.comma {
                    p += 1
                    if frame.isObject {
                        skipWhitespace()
                        try key()
                    }
                    continue expectValue
                }
                guard c == (frame.isObject ? Byte.closeBrace : Byte.closeBracket) else { throw unexpected() }
                p += 1
                close()
            }
            skipWhitespace()
            if p < end { throw failure("trailing characters") }
            return values.pop()
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while p < end {
            let c = p.pointee
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            p += 1
        }
    }

    mutating func open(isObject: Bool) throws(ScriptError) {
        guard frames.count < JSON.maxDepth else {
            p -= 1
            throw failure("nesting deeper than \(JSON.maxDepth)")
        }
        frames.append(Frame(isObject: isObject, valueBase: values.count, keyBase: keys.count))
    }

    mutating func close() {
        let frame = frames.removeLast()
        if frame.isObject {
            // Keys and values move pairwise into the map's one entries array.
            let n = values.count - frame.valueBase
            var entries: [OrderedMap.Entry] = []
            if n > 0 {
                entries = [OrderedMap.Entry](unsafeUninitializedCapacity: n) { buf, initialized in
                    let names = keys.moveOut(from: frame.keyBase), items = values.moveOut(from: frame.valueBase)
                    for j in 0..<n {
                        (buf.baseAddress! + j).initialize(to: OrderedMap.Entry(key: (names + j).move(), value: (items + j).move()))
                    }
                    initialized = n
                }
            }
            values.push(.map(MapRef(OrderedMap(adopting: entries))))
        } else {
            values.push(.list(ListRef(values.popArray(from: frame.valueBase))))
        }
    }

    /// An object key and its colon; leaves `p` at the value.
    mutating func key() throws(ScriptError) {
        guard p < end, p.pointee == Byte.quote else { throw unexpected() }
        keys.push(try string(isKey: true))
        skipWhitespace()
        guard p < end, p.pointee == Byte.colon else { throw unexpected() }
        p += 1
    }

    mutating func literal(_ word: StaticString) throws(ScriptError) {
        let w = word.utf8Start
        for i in 0..<word.utf8CodeUnitCount {
            guard p < end, p.pointee == w[i] else { throw unexpected() }
            p += 1
        }
    }

    // MARK: Strings

    /// The string starting at the opening quote under `p`. Runs without escapes (nearly
    /// all of them) become a String in one copy.
    mutating func string(isKey: Bool = false) throws(ScriptError) -> String {
        p += 1
        let s = p
        let ascii = scanPlain()
        guard p < end else { throw failure("unterminated string", at: s - 1) }
        guard p.pointee == Byte.quote else { return try escapedString(from: s) }
        let n = p - s
        p += 1
        if isKey && n > 15, let cached = keyCache.lookup(s, n) { return cached }
        let text = String(decoding: UnsafeBufferPointer(start: s, count: n), as: UTF8.self)
        if !ascii { try checkUTF8(text, s, n) }
        if isKey && n > 15 { keyCache.insert(text) }
        return text
    }

    /// RFC 8259 requires UTF-8, so invalid bytes are an error rather than silently
    /// repaired. Decoding replaces them with U+FFFD, so only text containing U+FFFD
    /// (rare) needs the exact check against its source bytes.
    func checkUTF8(_ text: String, _ s: UnsafePointer<UInt8>, _ n: Int) throws(ScriptError) {
        var text = text
        guard text.withUTF8({ JSONParser.containsReplacementCharacter($0) }) else { return }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = UnsafeBufferPointer(start: s, count: n).makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return
            case .error: throw failure("invalid UTF-8", at: s + offset)
            }
        }
    }

    static func containsReplacementCharacter(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i + 2 < utf8.count {
            if utf8[i] == 0xEF && utf8[i + 1] == 0xBF && utf8[i + 2] == 0xBD { return true }
            i += 1
        }
        return false
    }

    /// Advances `p` to the first quote, backslash or control character (or the end),
    /// eight bytes at a time where possible. Returns whether every byte passed was ASCII.
    @inline(__always)
    mutating func scanPlain() -> Bool {
        var seen: UInt64 = 0
        while end - p >= 8 {
            let x = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            if hasQuoteBackslashOrControl(x) { break }
            seen |= x
            p += 8
        }
        while p < end {
            let c = p.pointee
            if c == Byte.quote || c == Byte.backslash || c < 0x20 { break }
            seen |= UInt64(c)
            p += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }

    mutating func escapedString(from s: UnsafePointer<UInt8>) throws(ScriptError) -> String {
        unescaped.removeAll(keepingCapacity: true)
        var run = s
        while true {
            guard p < end else { throw failure("unterminated string", at: s - 1) }
            let c = p.pointee
            if c == Byte.quote {
                unescaped.append(contentsOf: UnsafeBufferPointer(start: run, count: p - run))
                p += 1
                let text = String(decoding: unescaped, as: UTF8.self)
                // Escapes only add valid UTF-8, so any invalid bytes are in the raw text.
                try checkUTF8(text, s, p - 1 - s)
                return text
            }
            if c < 0x20 { throw failure("control character in string") }
            if c == Byte.backslash {
                unescaped.append(contentsOf: UnsafeBufferPointer(start: run, count: p - run))
                try escape()
                run = p
            } else {
                p += 1
                _ = scanPlain()
            }
        }
    }

    /// One escape sequence at `p` (the backslash), appended to `unescaped`.
    mutating func escape() throws(ScriptError) {
        let backslash = p
        p += 1
        guard p < end else { throw unexpected() }
        let c = p.pointee
        p += 1
        switch c {
        case Byte.quote, Byte.backslash, UInt8(ascii: "/"): unescaped.append(c)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "u"): appendScalar(try unicodeEscape(backslash))
        default:
            p = backslash
            let shown = c > 0x20 && c < 0x7F ? " '\\\(Character(Unicode.Scalar(c)))'" : ""
            throw failure("invalid escape\(shown)")
        }
    }

    /// The scalar a `\uXXXX` (after its `u`) denotes, joining a surrogate pair when a
    /// second escape completes it; an unpaired surrogate becomes U+FFFD.
    mutating func unicodeEscape(_ backslash: UnsafePointer<UInt8>) throws(ScriptError) -> UInt32 {
        let unit = try hex4(backslash)
        if unit & 0xFC00 == 0xDC00 { return 0xFFFD }
        guard unit & 0xFC00 == 0xD800 else { return unit }
        guard end - p >= 6, p[0] == Byte.backslash, p[1] == UInt8(ascii: "u") else { return 0xFFFD }
        let second = p
        p += 2
        let low = try hex4(second)
        guard low & 0xFC00 == 0xDC00 else {
            p = second  // not a pair: the second escape stands on its own
            return 0xFFFD
        }
        return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
    }

    mutating func hex4(_ backslash: UnsafePointer<UInt8>) throws(ScriptError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard p < end else { throw unexpected() }
            let c = p.pointee
            let d: UInt8
            switch c {
            case Byte.zero...UInt8(ascii: "9"): d = c - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape", at: backslash)
            }
            v = v << 4 | UInt32(d)
            p += 1
        }
        return v
    }

    mutating func appendScalar(_ v: UInt32) {
        switch v {
        case ..<0x80:
            unescaped.append(UInt8(v))
        case ..<0x800:
            unescaped.append(UInt8(0xC0 | v >> 6))
            unescaped.append(UInt8(0x80 | v & 0x3F))
        case ..<0x10000:
            unescaped.append(UInt8(0xE0 | v >> 12))
            unescaped.append(UInt8(0x80 | v >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | v & 0x3F))
        default:
            unescaped.append(UInt8(0xF0 | v >> 18))
            unescaped.append(UInt8(0x80 | v >> 12 & 0x3F))
            unescaped.append(UInt8(0x80 | v >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | v & 0x3F))
        }
    }

    // MARK: Numbers

    /// An int when the text has no fraction or exponent and fits Int64; otherwise a float.
    mutating func number() throws(ScriptError) -> Value {
        let s = p
        let negative = p.pointee == Byte.minus
        if negative { p += 1 }
        var mantissa: UInt64 = 0
        var exact = true  // mantissa holds every digit read so far
        guard p < end, p.pointee &- Byte.zero < 10 else { throw unexpected() }
        if p.pointee == Byte.zero {
            p += 1
        } else {
            digits(&mantissa, &exact)
        }
        var exponent = 0
        var isFloat = false
        if p < end && p.pointee == Byte.dot {
            isFloat = true
            p += 1
            guard p < end, p.pointee &- Byte.zero < 10 else { throw unexpected() }
            let f = p
            digits(&mantissa, &exact)
            exponent = f - p
        }
        if p < end && p.pointee | 0x20 == UInt8(ascii: "e") {
            isFloat = true
            exponent += try exponentPart()
        }
        if !isFloat && exact {
            if negative && mantissa <= UInt64(1) << 63 { return .int(Int(truncatingIfNeeded: 0 &- mantissa)) }
            if !negative && mantissa <= UInt64(Int.max) { return .int(Int(mantissa)) }
        }
        if exact, let d = JSONParser.exactDouble(mantissa, exponent) {
            return .float(negative ? -d : d)
        }
        return .float(Double(String(decoding: UnsafeBufferPointer(start: s, count: p - s), as: UTF8.self)) ?? .nan)
    }

    /// Reads decimal digits into `mantissa`; stops accumulating (and clears `exact`) once
    /// more would overflow, but still consumes them.
    @inline(__always)
    mutating func digits(_ mantissa: inout UInt64, _ exact: inout Bool) {
        while p < end {
            let d = p.pointee &- Byte.zero
            guard d < 10 else { return }
            if exact {
                let (m, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                if o1 || o2 { exact = false } else { mantissa = a }
            }
            p += 1
        }
    }

    mutating func exponentPart() throws(ScriptError) -> Int {
        p += 1
        var negative = false
        if p < end && (p.pointee == Byte.minus || p.pointee == Byte.plus) {
            negative = p.pointee == Byte.minus
            p += 1
        }
        guard p < end, p.pointee &- Byte.zero < 10 else { throw unexpected() }
        var e = 0
        while p < end, case let d = p.pointee &- Byte.zero, d < 10 {
            if e < 100_000 { e = e * 10 + Int(d) }  // beyond this the double is 0 or inf anyway
            p += 1
        }
        return negative ? -e : e
    }

    static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { acc, _ in acc * 10 } }

    /// Clinger's fast path: a mantissa below 2^53 scaled by an exactly representable power
    /// of ten rounds correctly in one operation. Anything else goes through the standard
    /// library's correctly rounded, locale-independent `Double(String)`.
    static func exactDouble(_ mantissa: UInt64, _ exponent: Int) -> Double? {
        guard mantissa <= UInt64(1) << 53, exponent >= -22, exponent <= 22 else {
            return mantissa == 0 ? 0.0 : nil
        }
        let m = Double(mantissa)
        return exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
    }

    // MARK: Errors

    func failure(_ what: String, at q: UnsafePointer<UInt8>? = nil) -> ScriptError {
        let at = q ?? p
        return JSON.error(what, offset: at - start, in: UnsafeRawBufferPointer(start: start, count: end - start))
    }

    /// "unexpected X" for the byte under `p`, or the end of input.
    func unexpected() -> ScriptError {
        guard p < end else { return failure("unexpected end of input") }
        let c = p.pointee
        if c >= 0x20 && c < 0x7F { return failure("unexpected '\(Character(Unicode.Scalar(c)))'") }
        if c >= 0x80 {
            let n = min(4, end - p)
            if let ch = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self).unicodeScalars.first,
               ch != "\u{FFFD}" {
                return failure("unexpected '\(ch)'")
            }
        }
        let hex = String(c, radix: 16, uppercase: true)
        return failure("unexpected byte 0x\(c < 0x10 ? "0" : "")\(hex)")
    }
}

/// A stack of elements that moves them out as an exactly sized array when a container
/// closes: one allocation per array, no growth copies, no reference-count traffic.
final class ScratchStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity = 64

    init() { base = .allocate(capacity: capacity) }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    func push(_ e: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: e)
        count += 1
    }

    func pop() -> Element {
        count -= 1
        return (base + count).move()
    }

    func popArray(from first: Int) -> [Element] {
        let n = count - first
        guard n > 0 else { return [] }
        count = first
        return [Element](unsafeUninitializedCapacity: n) { buf, initialized in
            buf.baseAddress!.moveInitialize(from: base + first, count: n)
            initialized = n
        }
    }

    /// The elements from `first` up, left for the caller to move out (all of them, at once):
    /// the stack forgets them.
    func moveOut(from first: Int) -> UnsafeMutablePointer<Element> {
        count = first
        return base + first
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}

/// Shares one String per distinct long key. Keys of up to 15 bytes are stored inline in
/// a String and cost nothing; longer ones would otherwise allocate for every object.
final class KeyCache {
    private var table: [String?] = Array(repeating: nil, count: 256)

    private var lastSlot = 0

    /// The cached String with exactly these bytes, if any; remembers the slot for `insert`.
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> String? {
        var h: UInt32 = 2_166_136_261
        for i in 0..<n { h = (h ^ UInt32(p[i])) &* 16_777_619 }
        lastSlot = Int(h & 255)
        if var cached = table[lastSlot], cached.utf8.count == n, cached.withUTF8({ KeyCache.equal($0.baseAddress!, p, n) }) {
            return cached
        }
        return nil
    }

    /// Caches `key` (made from the bytes the last `lookup` missed) in that lookup's slot.
    func insert(_ key: String) {
        table[lastSlot] = key
    }

    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<n where a[i] != b[i] { return false }
        return true
    }
}

// MARK: - Writing

/// Where a secret part lies in written JSON bytes, and what it was derived from.
package struct SecretSpan {
    package let range: Range<Int>
    package let sources: [SecretSource]
}

final class SecretSpanRecorder {
    var spans: [SecretSpan] = []
}

struct JSONStyle: WriterStyle {
    let indent: Int
    /// When set, secrets are written with their real text and recorded; otherwise as "***".
    var secrets: SecretSpanRecorder? = nil
    var itemSeparator: StaticString { "," }
    var keySeparator: StaticString { indent > 0 ? ": " : ":" }
    var maxDepth: Int { JSON.maxDepth }

    func scalar(_ v: Value, _ out: ByteWriter) throws(ScriptError) {
        switch v {
        case .null: out.ascii("null")
        case .bool(let b): b ? out.ascii("true") : out.ascii("false")
        case .int(let n): out.int(n)
        case .float(let d):
            guard d.isFinite else { throw JSONStyle.failure("cannot represent \(Printer.formatFloat(d))") }
            // JSON keeps the shortest form Python writes too (1e+20); print adds ".0" (1.0e+20).
            let text = d.description
            out.text(text.utf8.contains(UInt8(ascii: ".")) || text.utf8.contains(UInt8(ascii: "e")) ? text : text + ".0")
        case .string(let s): out.quoted(s)
        case .function: throw JSONStyle.failure("cannot serialise a function")
        case .object(let o as SecretValue):
            guard let secrets else { return out.quoted(SecretValue.mask) }
            out.byte(UInt8(ascii: "\""))
            for part in o.parts {
                switch part {
                case .plain(let s): out.escaped(s)
                case .secret(let s, let sources):
                    let start = out.count
                    out.escaped(s)
                    secrets.spans.append(SecretSpan(range: start..<out.count, sources: sources))
                }
            }
            out.byte(UInt8(ascii: "\""))
        case .object(let o): throw JSONStyle.failure("cannot serialise a value of type \(o.typeName)")
        case .list, .map: preconditionFailure("containers are written by NestedWriter")
        }
    }

    func substitute(_ o: HostObject) throws(ScriptError) -> Value? { o is SecretValue ? nil : o.jsonValue }

    func cannotEnter(isMap: Bool, tooDeep: Bool, _ out: ByteWriter) throws(ScriptError) {
        throw JSONStyle.failure(tooDeep ? "nesting deeper than \(JSON.maxDepth)" : "value contains itself")
    }

    var cycleMarkerBytes: Int? { nil }

    func leastBytes(ofScalar v: Value) -> Int? {
        switch v {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .int: return 1
        case .float(let d): return d.isFinite ? 1 : nil
        case .string(let s): return s.utf8.count + 2
        case .object(is SecretValue): return 2
        // A function fails; another object writes its JSON form, which may fail.
        default: return nil
        }
    }

    static func failure(_ what: String) -> ScriptError { .runtime(.json, "json.stringify: \(what)") }
}

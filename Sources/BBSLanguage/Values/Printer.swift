// How values look when printed: `print(v)` (display), the REPL and collection
// elements (repr). Collections are written as bytes into one buffer rather than by
// concatenating Strings, because printing a large API response must stay cheap.
//
// Two kinds of caller: where a person asked for the text (`print`, `str`, `"${v}"`), a value
// whose text passes `maxTextBytes` is an error; where a message quotes a value, its text is
// clipped at `messageBytes`. Either way writing stops as the text grows, so a value that
// shares parts (`x = [x, x]` sixty times) cannot hang or fill memory.

public enum Printer {
    /// Deeper than this, a nested list or map prints as `[...]` / `{...}`: the same bound
    /// JSON has, so no value is too deep to print.
    public static let maxDepth = Nesting.values

    /// The most bytes of text any renderer builds (print, str, interpolation, join, the REPL's
    /// echo, json.stringify): the limit strings built by `repeat` and `fs.read` have too.
    public static let maxTextBytes = 1 << 28

    /// Where a message quotes a value, its text stops after this many bytes, followed by
    /// `clipMarker`: no one reads further, and the message must not cost more.
    public static let messageBytes = 1 << 16
    public static let clipMarker = "…(clipped)"

    /// `print(v)`: a string prints bare, everything else as `repr`. Past `maxTextBytes`, a
    /// `value` error that names `callee`.
    public static func display(_ v: Value, for callee: String) throws(ScriptError) -> String {
        if case .string(let s) = v { return s }
        return try repr(v, for: callee)
    }

    /// `repr` for a person who asked for the whole text; past `maxTextBytes`, a `value` error.
    public static func repr(_ v: Value, for callee: String) throws(ScriptError) -> String {
        switch v {
        case .string, .list, .map:
            var w = NestedWriter(PrintStyle(), limit: maxTextBytes)
            guard w.write(v) else { throw tooLarge(callee) }
            return w.out.string
        default: return repr(v)
        }
    }

    /// `display`, except that text showing a secret is a secret (its display is the same): what
    /// interpolation and `str` build, so a list holding a token never turns into plain "[***]".
    static func displayKeepingSecrets(_ v: Value, for callee: String) throws(ScriptError) -> Value {
        switch v {
        case .list, .map:
            let recorder = SecretSpanRecorder()
            var w = NestedWriter(PrintStyle(secrets: recorder), limit: maxTextBytes)
            guard w.write(v) else { throw tooLarge(callee) }
            if recorder.spans.isEmpty { return .string(w.out.string) }
            return SecretValue.assembled(w.out.bytes, recorder.spans)
        case .object(let o) where o is SecretValue: return v
        default: return .string(display(v))
        }
    }

    /// Refuses text of `bytes` bytes, before it is built, when it would pass the limit:
    /// doubling a string in a loop reaches any size quickly.
    @inline(__always)
    static func checkTextBytes(_ bytes: Int, _ callee: String) throws(ScriptError) {
        if bytes > maxTextBytes { throw tooLarge(callee) }
    }

    static func tooLarge(_ callee: String) -> ScriptError {
        ScriptError.value("\(callee): the text would be larger than \(maxTextBytes >> 20) MiB")
    }

    /// `display` for a message: a string bare, anything else as the clipped `repr`.
    public static func display(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    /// The value as it appears inside a collection or in a message: strings quoted. Text past
    /// `messageBytes` is cut there and marked with `clipMarker`.
    public static func repr(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let n): return String(n)
        case .float(let d): return formatFloat(d)
        case .function(let f): return "<fn \(f.name)>"
        case .object(let o): return o.displayText
        case .string, .list, .map:
            var w = NestedWriter(PrintStyle(), clippingAt: messageBytes)
            if !w.write(v) {
                w.out.truncate(toAtMost: messageBytes)
                w.out.text(clipMarker)
            }
            return w.out.string
        }
    }

    /// Shortest text that reads back as the same double, always recognisable as a float:
    /// integral values keep a `.0` so `5.0` never prints like the int `5`.
    public static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        let s = d.description
        if s.utf8.contains(UInt8(ascii: ".")) || s.utf8.contains(UInt8(ascii: "n")) { return s }
        // Floats always show a decimal point, also in exponent form: 1.0e+20, never 1e+20.
        if let e = s.firstIndex(of: "e") { return s[..<e] + ".0" + s[e...] }
        return s + ".0"
    }
}

/// `repr` inside collections: Python-like separators, `nil`, and `[...]` / `{...}` where a
/// value contains itself or nests deeper than `Printer.maxDepth`.
struct PrintStyle: WriterStyle {
    /// When set, a secret is written with its real text and recorded (text built from a
    /// collection that holds one stays a secret); otherwise as it displays.
    var secrets: SecretSpanRecorder? = nil
    var indent: Int { 0 }
    var itemSeparator: StaticString { ", " }
    var keySeparator: StaticString { ": " }
    var maxDepth: Int { Printer.maxDepth }

    func scalar(_ v: Value, _ out: ByteWriter) {
        switch v {
        case .string(let s): out.quoted(s)
        case .int(let n): out.int(n)
        case .object(let o as SecretValue) where secrets != nil:
            let recorder = secrets!
            for part in o.parts {
                switch part {
                case .plain(let s): out.text(s)
                case .secret(let s, let sources):
                    let start = out.count
                    out.text(s)
                    recorder.spans.append(SecretSpan(range: start..<out.count, sources: sources))
                }
            }
        default: out.text(Printer.repr(v))
        }
    }

    func substitute(_ o: HostObject) -> Value? { nil }

    func cannotEnter(isMap: Bool, tooDeep: Bool, _ out: ByteWriter) {
        isMap ? out.ascii("{...}") : out.ascii("[...]")
    }

    var cycleMarkerBytes: Int? { 5 }

    func leastBytes(ofScalar v: Value) -> Int? {
        switch v {
        case .string(let s): return s.utf8.count + 2
        case .null: return 3
        case .bool(let b): return b ? 4 : 5
        // A float always shows a point or is nan or inf.
        case .float: return 3
        // A secret written with its real text may be empty; any other object shows something.
        case .object: return 0
        case .int, .function, .list, .map: return 1
        }
    }
}

/// What differs between printing and JSON: separators, how non-containers look, and what
/// happens at a cycle or past the depth limit.
protocol WriterStyle {
    associatedtype Failure: Error
    /// Spaces per level; 0 writes everything on one line.
    var indent: Int { get }
    var itemSeparator: StaticString { get }
    var keySeparator: StaticString { get }
    var maxDepth: Int { get }
    /// Writes anything but a list, a map, or a host object `substitute` replaces.
    func scalar(_ v: Value, _ out: ByteWriter) throws(Failure)
    /// A value to write in place of `o` (its JSON form), or nil to write `o` via `scalar`.
    func substitute(_ o: HostObject) throws(Failure) -> Value?
    /// Called instead of entering a container that is already being written or too deep.
    func cannotEnter(isMap: Bool, tooDeep: Bool, _ out: ByteWriter) throws(Failure)
    /// At least how many bytes `scalar` (or a substitute) writes for `v`; nil when writing it
    /// might fail, so that no size can be promised before it is reached.
    func leastBytes(ofScalar v: Value) -> Int?
    /// What `cannotEnter` writes for a container that contains itself; nil when it fails.
    var cycleMarkerBytes: Int? { get }
}

/// Writes nested values with an explicit stack instead of recursion, so depth is bounded by
/// the style's limit and never by the native stack (debug builds use over 1 KB per level).
///
/// Output stops once it passes `limit` bytes. A value whose parts are shared can stand for
/// far more text than that; writing it up to the limit would still take long, so each time
/// the text doubles from `estimateAfter` bytes, `LeastRenderedSize` tries to bound the whole
/// text from below (one visit per distinct part) and writing stops at once when that bound
/// is over the limit. Each try may visit a 64th as many values as bytes written so far:
/// enough for a value that shares its parts, and a small cost on a large value that does not.
struct NestedWriter<Style: WriterStyle> {
    private enum Kind { case list, map, substitute }
    private struct Frame {
        let kind: Kind
        /// A list's items, or a substitute's one value.
        let items: [Value]
        /// A map's entries.
        let entries: [OrderedMap.Entry]
        var next = 0
        var count: Int { kind == .map ? entries.count : items.count }
    }

    /// Below this, text is written with no more than a comparison per step.
    static var estimateAfter: Int { 1 << 15 }
    /// A string longer than this is measured with its escapes before it is written: the scan
    /// costs a fraction of writing it, and only strings this long can carry the text far
    /// past the limit in one step.
    static var measureStringsOver: Int { 1 << 16 }

    let style: Style
    let out: ByteWriter
    let limit: Int
    /// Whether the text past `limit` is wanted up to `limit` (to show clipped).
    private let clips: Bool
    private var path = VisitPath()
    private var frames: [Frame] = []
    private var depth = 0
    /// The output size that calls for a look at the limit: a single comparison per step.
    private var checkpoint: Int
    private var overLimit = false

    /// A writer that stops as soon as it knows the text would be longer than `limit`.
    init(_ style: Style, capacity: Int = 256, limit: Int) {
        self.style = style
        self.out = ByteWriter(capacity: capacity)
        self.limit = limit
        clips = false
        checkpoint = min(limit, NestedWriter.estimateAfter)
    }

    /// A writer for a small `limit` that always writes that much of a longer text, to show
    /// it clipped.
    init(_ style: Style, clippingAt limit: Int) {
        self.style = style
        self.out = ByteWriter()
        self.limit = limit
        clips = true
        checkpoint = limit
    }

    /// Writes `root`; false when its text would be longer than `limit`. What is written by
    /// then is a prefix of the text: at least `limit` bytes long if the writer clips.
    mutating func write(_ root: Value) throws(Style.Failure) -> Bool {
        var pending: Value? = root
        while true {
            if out.count > checkpoint && !withinLimit(root) { return false }
            if let v = pending {
                pending = nil
                try begin(v)
                if overLimit { return false }
            }
            // Fields are read in place: copying the frame would retain its arrays per element.
            guard let top = frames.indices.last else { return out.count <= limit }
            let i = frames[top].next
            let kind = frames[top].kind
            guard i < frames[top].count else {
                end(kind)
                continue
            }
            frames[top].next = i + 1
            if kind != .substitute {
                if i > 0 { out.ascii(style.itemSeparator) }
                newline(depth)
                if kind == .map {
                    out.quoted(frames[top].entries[i].key)
                    out.ascii(style.keySeparator)
                    pending = frames[top].entries[i].value
                    continue
                }
            }
            pending = frames[top].items[i]
        }
    }

    private mutating func begin(_ v: Value) throws(Style.Failure) {
        switch v {
        case .list(let l):
            let items = l.items
            if items.isEmpty { return out.ascii("[]") }
            guard try enter(ObjectIdentifier(l), isMap: false) else { return }
            out.byte(UInt8(ascii: "["))
            frames.append(Frame(kind: .list, items: items, entries: []))
        case .map(let m):
            let entries = m.entries
            if entries.isEmpty { return out.ascii("{}") }
            guard try enter(ObjectIdentifier(m), isMap: true) else { return }
            out.byte(UInt8(ascii: "{"))
            frames.append(Frame(kind: .map, items: [], entries: entries.elements))
        case .object(let o):
            guard let replacement = try style.substitute(o) else { return try style.scalar(v, out) }
            // On the path too: a host whose JSON form contains the host is a cycle, even
            // though each `jsonValue` may build a fresh map.
            let tooDeep = frames.count >= 2 * style.maxDepth
            guard !tooDeep, path.enter(ObjectIdentifier(o)) else {
                return try style.cannotEnter(isMap: false, tooDeep: tooDeep, out)
            }
            frames.append(Frame(kind: .substitute, items: [replacement], entries: []))
        case .string(let s) where s.utf8.count > limit - out.count
            || (s.utf8.count > NestedWriter.measureStringsOver && ByteWriter.quotedLength(s) > limit - out.count):
            // One long string alone passes the limit: not copied, or only the start that shows.
            // Its escapes count: a string of quotes and backslashes doubles as text (one that
            // quoted itself in a loop grew so, and wrote gigabytes before the limit was seen).
            // A few bytes more than fit, so a character cut at the end of that start (which
            // decodes as U+FFFD) lies past the limit, where the clip drops it.
            if clips {
                try style.scalar(.string(String(decoding: s.utf8.prefix(max(0, limit - out.count) + 8), as: UTF8.self)), out)
            }
            overLimit = true
        default:
            try style.scalar(v, out)
        }
    }

    private mutating func withinLimit(_ root: Value) -> Bool {
        if out.count > limit { return false }
        let least = LeastRenderedSize.of(root, style, visits: out.count / 64)
        if least.bytes > limit { return false }
        checkpoint = least.partial ? min(limit, 2 * out.count) : limit
        return true
    }

    private mutating func enter(_ id: ObjectIdentifier, isMap: Bool) throws(Style.Failure) -> Bool {
        guard depth < style.maxDepth else {
            try style.cannotEnter(isMap: isMap, tooDeep: true, out)
            return false
        }
        guard path.enter(id) else {
            try style.cannotEnter(isMap: isMap, tooDeep: false, out)
            return false
        }
        depth += 1
        return true
    }

    private mutating func end(_ kind: Kind) {
        frames.removeLast()
        path.leave()
        guard kind != .substitute else { return }
        depth -= 1
        newline(depth)
        out.byte(kind == .list ? UInt8(ascii: "]") : UInt8(ascii: "}"))
    }

    @inline(__always)
    private func newline(_ level: Int) {
        guard style.indent > 0 else { return }
        out.byte(0x0A)
        out.repeated(0x20, style.indent * level)
    }
}

/// The containers currently being written, outermost first. Real data nests a few levels,
/// so a linear scan is fastest; entries past `linear` also go in a set, keeping deep
/// values from turning the check quadratic.
struct VisitPath {
    private var stack: [ObjectIdentifier] = []
    private var deep: Set<ObjectIdentifier> = []
    private static let linear = 32

    /// Records `id` as entered; false if it is already on the path (a cycle).
    mutating func enter(_ id: ObjectIdentifier) -> Bool {
        let n = stack.count
        var i = 0
        while i < n && i < VisitPath.linear {
            if stack[i] == id { return false }
            i += 1
        }
        if n >= VisitPath.linear {
            if !deep.insert(id).inserted { return false }
        }
        stack.append(id)
        return true
    }

    mutating func leave() {
        let id = stack.removeLast()
        if stack.count >= VisitPath.linear { deep.remove(id) }
    }
}

/// A growable byte buffer with the appenders JSON and the printer need. A class, so the
/// hot appenders work on one heap buffer without copy-on-write checks.
final class ByteWriter {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Drops bytes past `n`, and more if needed so the text never ends inside a character.
    func truncate(toAtMost n: Int) {
        guard n < count else { return }
        count = max(0, n)
        // Back over continuation bytes, then over the lead byte whose character was cut.
        while count > 0 && base[count] & 0xC0 == 0x80 { count -= 1 }
    }

    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        (base + count).update(from: p, count: n)
        count += n
    }

    func ascii(_ s: StaticString) {
        append(s.utf8Start, count: s.utf8CodeUnitCount)
    }

    func text(_ s: String) {
        var s = s
        s.withUTF8 { buf in if let p = buf.baseAddress { append(p, count: buf.count) } }
    }

    func repeated(_ b: UInt8, _ n: Int) {
        reserve(n)
        (base + count).update(repeating: b, count: n)
        count += n
    }

    func int(_ n: Int) {
        reserve(20)
        var m = n.magnitude
        if n < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        let first = count
        repeat {
            base[count] = UInt8(truncatingIfNeeded: m % 10) &+ 0x30
            count += 1
            m /= 10
        } while m != 0
        var lo = first, hi = count - 1
        while lo < hi {
            let t = base[lo]
            base[lo] = base[hi]
            base[hi] = t
            lo += 1
            hi -= 1
        }
    }

    /// `s` in double quotes with JSON escapes: `"`, `\` and control characters are escaped,
    /// everything else (including non-ASCII UTF-8) is copied as is, in runs.
    func quoted(_ s: String) {
        byte(UInt8(ascii: "\""))
        escaped(s)
        byte(UInt8(ascii: "\""))
    }

    /// The length of `quoted(s)`, found without writing it.
    static func quotedLength(_ s: String) -> Int {
        var s = s
        return s.withUTF8 { buf in
            guard let p = buf.baseAddress else { return 2 }
            var length = buf.count + 2
            forEachEscape(p, buf.count) { i in length += escapedWidth(p[i]) - 1 }
            return length
        }
    }

    /// `s` with JSON escapes, without the quotes (a secret's part inside a JSON string).
    func escaped(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            guard let p = buf.baseAddress else { return }
            var run = 0
            ByteWriter.forEachEscape(p, buf.count) { i in
                append(p + run, count: i - run)
                escape(p[i])
                run = i + 1
            }
            append(p + run, count: buf.count - run)
        }
    }

    /// Calls `body` with the index of each of the `n` bytes at `p` that JSON escapes (`"`,
    /// `\` and controls), in order, skipping plain text eight bytes at a time.
    @inline(__always)
    private static func forEachEscape(_ p: UnsafePointer<UInt8>, _ n: Int, _ body: (Int) -> Void) {
        var i = 0
        while i < n {
            if n - i >= 8 && !hasQuoteBackslashOrControl(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let c = p[i]
            if c < 0x20 || c == 0x22 || c == 0x5C { body(i) }
            i += 1
        }
    }

    /// The bytes `escape(c)` writes: \n \r \t \b \f \" \\ take two, other controls six (\u00XX).
    private static func escapedWidth(_ c: UInt8) -> Int {
        switch c {
        case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: return 2
        default: return 6
        }
    }

    private func escape(_ c: UInt8) {
        reserve(6)
        base[count] = UInt8(ascii: "\\")
        let short: UInt8
        switch c {
        case 0x22: short = UInt8(ascii: "\"")
        case 0x5C: short = UInt8(ascii: "\\")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        default: short = 0
        }
        if short != 0 {
            base[count + 1] = short
            count += 2
            return
        }
        let hex: StaticString = "0123456789abcdef"
        base[count + 1] = UInt8(ascii: "u")
        base[count + 2] = UInt8(ascii: "0")
        base[count + 3] = UInt8(ascii: "0")
        base[count + 4] = hex.utf8Start[Int(c >> 4)]
        base[count + 5] = hex.utf8Start[Int(c & 0xF)]
        count += 6
    }
}

/// Whether any of the eight bytes in `x` is `"`, `\` or below 0x20: the bytes a JSON string
/// must escape. Lets string scanning skip plain text a word at a time.
@inline(__always)
func hasQuoteBackslashOrControl(_ x: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let q = x ^ (ones &* 0x22), b = x ^ (ones &* 0x5C)
    let found = ((q &- ones) & ~q) | ((b &- ones) & ~b) | ((x &- ones &* 0x20) & ~x)
    return found & (ones &* 0x80) != 0
}

// Compiling string interpolation (`"k${i}"`, `"${a}/${b}"`).
//
// Templates with one or two interpolations (nearly all of them) get closures of their own
// shape, so running one copies no part list. When every interpolated value is a string, an
// int or a bool, the text is measured first and written once into a String of exactly that
// size (a small string, with no allocation, up to 15 bytes), whatever the number of pieces.
// Anything else (nil, which is noted for API paths; secrets, whose text must stay secret;
// collections; floats; host objects) goes the general way, with the values already
// computed: each expression runs exactly once, left to right, however the text is then
// assembled.

extension Compiler {
    func template(_ pieces: [TemplatePiece]) -> Code {
        let parts: [TemplatePartCode] = pieces.map {
            switch $0 {
            case .text(let s): return TemplatePartCode(text: s, code: nil, expression: nil)
            case .expr(let e): return TemplatePartCode(text: nil, code: expression(e), expression: e)
            }
        }
        let general = TemplateAssembly(parts: parts, file: file)
        // The shape `t0 e1 t1 e2 t2`: literal runs merged, an absent one is "".
        var texts = [""]
        var codes: [Code] = []
        for part in parts {
            if let t = part.text { texts[texts.count - 1] += t } else if let c = part.code {
                codes.append(c)
                texts.append("")
            }
        }
        switch codes.count {
        case 0:
            let text = texts[0]
            return { _ in .string(text) }
        case 1:
            let t0 = TemplateText(texts[0]), t1 = TemplateText(texts[1]), e1 = codes[0]
            return { i throws(ScriptError) in
                let v1 = try e1(i)
                if let s = TemplateText.plain(t0, v1, t1) { return .string(s) }
                return try general.assemble([v1], i)
            }
        case 2:
            let t0 = TemplateText(texts[0]), t1 = TemplateText(texts[1]), t2 = TemplateText(texts[2])
            let e1 = codes[0], e2 = codes[1]
            return { i throws(ScriptError) in
                let v1 = try e1(i), v2 = try e2(i)
                if let s = TemplateText.plain(t0, v1, t1, v2, t2) { return .string(s) }
                return try general.assemble([v1, v2], i)
            }
        default:
            let runs = texts.map(TemplateText.init)
            return { i throws(ScriptError) in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for c in codes { values.append(try c(i)) }
                if let s = TemplateText.plain(runs, values) { return .string(s) }
                return try general.assemble(values, i)
            }
        }
    }
}

/// A literal run of a template, kept as UTF-8 bytes ready to copy.
struct TemplateText {
    let bytes: [UInt8]
    init(_ text: String) { bytes = Array(text.utf8) }

    /// `t0 v1 t1` as one exactly sized string, or nil when `v1` does not print as plain text.
    @inline(__always)
    static func plain(_ t0: TemplateText, _ v1: Value, _ t1: TemplateText) -> String? {
        guard let n1 = plainLength(v1) else { return nil }
        let total = t0.bytes.count + n1 + t1.bytes.count
        // Past the limit, the general path reports it.
        if total > Printer.maxTextBytes { return nil }
        return String(unsafeUninitializedCapacity: total) { buf in
            let p = buf.baseAddress!
            var at = copy(t0.bytes, to: p)
            at += write(v1, n1, to: p + at)
            at += copy(t1.bytes, to: p + at)
            return at
        }
    }

    /// `t0 v1 t1 v2 t2` as one exactly sized string, or nil when a value does not print as plain text.
    @inline(__always)
    static func plain(_ t0: TemplateText, _ v1: Value, _ t1: TemplateText, _ v2: Value, _ t2: TemplateText) -> String? {
        guard let n1 = plainLength(v1), let n2 = plainLength(v2) else { return nil }
        let total = t0.bytes.count + n1 + t1.bytes.count + n2 + t2.bytes.count
        if total > Printer.maxTextBytes { return nil }
        return String(unsafeUninitializedCapacity: total) { buf in
            let p = buf.baseAddress!
            var at = copy(t0.bytes, to: p)
            at += write(v1, n1, to: p + at)
            at += copy(t1.bytes, to: p + at)
            at += write(v2, n2, to: p + at)
            at += copy(t2.bytes, to: p + at)
            return at
        }
    }

    /// `runs[0] values[0] runs[1] ... runs[n]` as one exactly sized string, or nil when a value
    /// does not print as plain text.
    static func plain(_ runs: [TemplateText], _ values: [Value]) -> String? {
        var total = 0
        for r in runs { total += r.bytes.count }
        for v in values {
            guard let n = plainLength(v) else { return nil }
            total += n
        }
        if total > Printer.maxTextBytes { return nil }
        return String(unsafeUninitializedCapacity: total) { buf in
            let p = buf.baseAddress!
            var at = copy(runs[0].bytes, to: p)
            for k in values.indices {
                at += write(values[k], plainLength(values[k])!, to: p + at)
                at += copy(runs[k + 1].bytes, to: p + at)
            }
            return at
        }
    }

    /// How many UTF-8 bytes `v` prints as, for the values that print as plain text on their own.
    @inline(__always)
    static func plainLength(_ v: Value) -> Int? {
        switch v {
        case .string(let s): return s.utf8.count
        case .int(let n): return decimalLength(n)
        case .bool(let b): return b ? 4 : 5
        default: return nil
        }
    }

    @inline(__always)
    private static func copy(_ bytes: [UInt8], to p: UnsafeMutablePointer<UInt8>) -> Int {
        let n = bytes.count
        if n > 0 { bytes.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: n) } }
        return n
    }

    /// Writes the `n` bytes `plainLength` measured.
    @inline(__always)
    private static func write(_ v: Value, _ n: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        switch v {
        case .string(let s):
            guard n > 0 else { return 0 }
            if s.utf8.withContiguousStorageIfAvailable({ p.update(from: $0.baseAddress!, count: n) }) == nil {
                var i = 0
                for b in s.utf8 { p[i] = b; i += 1 }
            }
        case .int(let x): writeDecimal(x, n, to: p)
        case .bool(let b):
            let word: StaticString = b ? "true" : "false"
            p.update(from: word.utf8Start, count: n)
        default: preconditionFailure("plainLength admits only strings, ints and bools")
        }
        return n
    }

    static func decimalLength(_ x: Int) -> Int {
        var m = x.magnitude
        var n = x < 0 ? 2 : 1
        while m >= 10 {
            m /= 10
            n += 1
        }
        return n
    }

    /// The `n` bytes of `x` in decimal (`n` from `decimalLength`), written right to left.
    static func writeDecimal(_ x: Int, _ n: Int, to p: UnsafeMutablePointer<UInt8>) {
        var m = x.magnitude
        var i = n
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: m % 10) &+ 0x30
            m /= 10
        } while m > 0
        if x < 0 { p[0] = UInt8(ascii: "-") }
    }
}

/// The general way to build a template's text from its computed values: secrets stay
/// secret, collections print as they do, and a nil is noted for API paths.
struct TemplateAssembly {
    let parts: [TemplatePartCode]
    let file: SourceFile

    func assemble(_ values: [Value], _ i: Interpreter) throws(ScriptError) -> Value {
        var out = ""
        // Text built from a secret stays a secret (Secret.swift); plain text takes the fast path.
        var secret: SecretTextBuilder?
        var nilPart: Expr?
        var nilOffset = 0
        var next = 0
        func appendPlain(_ s: String) throws(ScriptError) {
            try Printer.checkTextBytes(out.utf8.count + s.utf8.count, "string interpolation")
            out += s
        }
        for part in parts {
            if let t = part.text {
                if secret != nil { try secret!.append(t) } else { try appendPlain(t) }
            } else if part.code != nil {
                let v = values[next]
                next += 1
                if case .null = v, nilPart == nil {
                    nilPart = part.expression
                    nilOffset = out.utf8.count
                }
                if case .string(let s) = v, secret == nil {
                    try appendPlain(s)
                } else if secret != nil {
                    try secret!.append(v)
                } else {
                    // A collection holding a secret shows as text that is a secret too.
                    let shown: Value
                    switch v {
                    case .list, .map, .object: shown = try Printer.displayKeepingSecrets(v, for: "string interpolation")
                    default: shown = .string(Printer.display(v))
                    }
                    if case .string(let s) = shown {
                        try appendPlain(s)
                    } else {
                        secret = SecretTextBuilder(out)
                        try secret!.append(shown)
                    }
                }
            }
        }
        // Only plain text is noted: where text holding a secret may go is the secret rules' call.
        if let nilPart, secret == nil {
            i.lastNilInterpolation = NilInterpolation(
                text: out, nilOffset: nilOffset, expression: Compiler.describeExpression(nilPart),
                location: nilPart.location, file: file)
        }
        return secret?.value ?? .string(out)
    }
}

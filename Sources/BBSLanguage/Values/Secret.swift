// Secrets: values whose real text only the host's data sinks read, and that people see masked.
//
// A secret enters a script from `token.env/file/prompt` or from `env(NAME)` when the variable
// holds a known secret. A string built from a secret — interpolation, `+`, `join`, `str`,
// `json.stringify`, slicing, a string method — is a secret too. It keeps its real text as parts,
// some plain and some secret, so display masks only the secret parts (`Bearer ***`) while a data
// sink (an API request, a file written with `{secret: true}`, a child's environment) gets the real
// text, or refuses. Nothing is ever sent or stored as `***`.
//
// The language knows nothing of where a secret may go: a `SecretSource` carries the destinations a
// script granted it as opaque strings, and the runtime decides. The real text is `package`
// visible only, so a script can never read it.

import Foundation

/// One secret as it entered the script, and the extra destinations the script granted it.
/// Derived secrets share their sources, so a grant given later covers them too.
public final class SecretSource: @unchecked Sendable {
    /// Where it came from, for messages that must never show the text: "env NPM_TOKEN".
    public let origin: String
    // Read by `parallel` workers' sinks while the script thread may grant: guarded.
    private let lock = NSLock()
    private var grants: [String] = []

    package init(origin: String) { self.origin = origin }

    /// Destinations (as the host normalised them) this secret may go to besides the host's own.
    package var grantedDestinations: [String] { lock.withLock { grants } }

    package func grant(_ destination: String) {
        lock.withLock { if !grants.contains(destination) { grants.append(destination) } }
    }
}

/// A `secret`: text that prints as `***` where it came from a secret, and that only data sinks
/// (through `package` access) see in full.
public final class SecretValue: HostObject {
    package enum Part {
        case plain(String)
        /// Text derived from these sources as a whole (a token, or a token transformed).
        case secret(String, [SecretSource])
    }

    package let parts: [Part]
    public static let mask = "***"

    /// A secret read whole from one place (`origin` names it in messages).
    package convenience init(text: String, origin: String) {
        self.init(text: text, source: SecretSource(origin: origin))
    }

    package convenience init(text: String, source: SecretSource) {
        self.init(parts: [.secret(text, [source])])
    }

    package init(parts: [Part]) {
        var merged: [Part] = []
        for part in parts {
            if case .plain(let s) = part {
                if s.isEmpty { continue }
                if case .plain(let previous)? = merged.last {
                    merged[merged.count - 1] = .plain(previous + s)
                    continue
                }
            }
            merged.append(part)
        }
        self.parts = merged
    }

    /// The real text, for data sinks only.
    package var text: String {
        var out = ""
        for part in parts {
            switch part {
            case .plain(let s), .secret(let s, _): out += s
            }
        }
        return out
    }

    /// The real text of each secret part (what output must never show).
    package var secretTexts: [String] {
        parts.compactMap { if case .secret(let s, _) = $0 { return s } else { return nil } }
    }

    /// Every source this value was built from, each once.
    package var sources: [SecretSource] {
        var seen: [SecretSource] = []
        for case .secret(_, let from) in parts {
            for s in from where !seen.contains(where: { $0 === s }) { seen.append(s) }
        }
        return seen
    }

    /// The sources' names: "env NPM_TOKEN", or "env A, file B" for text built from two.
    public var origin: String { sources.map(\.origin).joined(separator: ", ") }

    override public var typeName: String { "secret" }

    override public var displayText: String {
        var out = ""
        var lastWasSecret = false
        for part in parts {
            switch part {
            case .plain(let s):
                out += s
                lastWasSecret = false
            case .secret:
                if !lastWasSecret { out += SecretValue.mask }
                lastWasSecret = true
            }
        }
        return out
    }

    override public func member(_ name: String) -> Value? {
        name == "origin" ? .string(origin) : nil
    }

    override public var memberNames: [String] { ["origin"] }

    /// String methods work on the real text; a text result is a secret as a whole. Methods that
    /// answer a question about the text (`contains`, `index_of`, `len`) would reveal it a bit at a
    /// time, so they are refused.
    override public func callMethod(_ name: String, _ args: Arguments, _ interpreter: Interpreter) throws(ScriptError) -> Value? {
        guard let method = interpreter.stringMethods[name] else { return nil }
        if args.count < method.minArity || args.count > method.maxArity {
            throw Interpreter.nativeArityError("secret.\(name)", method.minArity, method.maxArity, args.count)
        }
        let result = try method.body(.string(text), Arguments(args.values, receiverType: "secret", method: name), interpreter)
        if let derived = derived(result) { return derived }
        throw ScriptError.type("secret.\(name): the result would reveal the secret's text; only methods that build text work on a secret")
    }

    /// `result`, computed from this secret's real text, as a secret: text whole, lists element-wise.
    package func derived(_ result: Value) -> Value? {
        switch result {
        case .string(let s): return .object(SecretValue(parts: [.secret(s, sources)]))
        case .list(let l):
            var items: [Value] = []
            for item in l.items {
                guard let d = derived(item) else { return nil }
                items.append(d)
            }
            return .list(ListRef(items))
        default: return nil
        }
    }

    /// Written text whose `spans` are secret parts (from JSON or the printer), as a secret.
    static func assembled(_ bytes: [UInt8], _ spans: [SecretSpan]) -> Value {
        var parts: [Part] = []
        var offset = 0
        for span in spans {
            parts.append(.plain(String(decoding: bytes[offset..<span.range.lowerBound], as: UTF8.self)))
            parts.append(.secret(String(decoding: bytes[span.range], as: UTF8.self), span.sources))
            offset = span.range.upperBound
        }
        parts.append(.plain(String(decoding: bytes[offset...], as: UTF8.self)))
        return .object(SecretValue(parts: parts))
    }

    /// Text built from `pieces` (strings, secrets, other values as they print): a secret when
    /// any piece is one, otherwise a plain string. `callee` names the error when the text
    /// of a piece would be too large.
    static func concatenation(_ pieces: [Value], separator: String = "", for callee: String) throws(ScriptError) -> Value {
        var builder = SecretTextBuilder(for: callee)
        for (i, piece) in pieces.enumerated() {
            if i > 0 { try builder.append(separator) }
            try builder.append(piece)
        }
        return builder.value
    }
}

/// Builds text that may contain secrets, keeping them as parts.
struct SecretTextBuilder {
    private var parts: [SecretValue.Part] = []
    private var plain = ""
    private(set) var hasSecret = false
    /// What the error names when a collection's text would be too large.
    private let callee: String

    init(_ start: String = "", for callee: String = "string interpolation") {
        plain = start
        bytes = start.utf8.count
        self.callee = callee
    }

    /// The bytes of every part so far: the whole text, as for plain text, is at most
    /// Printer.maxTextBytes.
    private var bytes = 0

    mutating func append(_ text: String) throws(ScriptError) {
        try count(text.utf8.count)
        plain += text
    }

    mutating func append(_ v: Value) throws(ScriptError) {
        switch v {
        case .string(let s): try append(s)
        case .object(let o as SecretValue):
            for part in o.parts {
                switch part {
                case .plain(let s), .secret(let s, _): try count(s.utf8.count)
                }
            }
            if !plain.isEmpty { parts.append(.plain(plain)) }
            plain = ""
            parts += o.parts
            hasSecret = true
        case .list, .map:
            let shown = try Printer.displayKeepingSecrets(v, for: callee)
            // Many collections, each within the limit, must not add up past it either.
            if case .string(let s) = shown { try append(s) } else { try append(shown) }
        default: try append(Printer.display(v))
        }
    }

    private mutating func count(_ more: Int) throws(ScriptError) {
        bytes += more
        try Printer.checkTextBytes(bytes, callee)
    }

    var value: Value {
        guard hasSecret else { return .string(plain) }
        return .object(SecretValue(parts: parts + [.plain(plain)]))
    }
}

// Errors that travel through a running script.
//
// `thrown` is what `try/catch` sees: an `ErrorValue` with `message`, `kind` and any
// other fields (HTTP errors add `status` and `detail`). `exit` and `interrupted` unwind
// the interpreter too but can never be caught by a script. The kinds bbs itself raises, and
// the exit status of each, are `ErrorKind`'s (BBSErrorKinds).

import BBSErrorKinds

public enum ScriptError: Error {
    case thrown(ErrorValue)
    case exit(Int32)
    case interrupted
    /// Raised by `?.` on nil and caught by the enclosing chain, which yields nil.
    /// Never escapes an expression, so scripts cannot see it.
    case optionalChainNil

    public static func runtime(_ kind: ErrorKind, _ message: String) -> ScriptError {
        .thrown(ErrorValue(kind: kind, message: message))
    }
    public static func type(_ message: String) -> ScriptError { runtime(.type, message) }
    public static func value(_ message: String) -> ScriptError { runtime(.value, message) }

    /// The error with `location` filled in if it had none yet.
    public func located(_ loc: SourceLocation, in file: SourceFile?) -> ScriptError {
        if case .thrown(let e) = self, e.location == nil {
            e.location = loc
            e.file = file
        }
        return self
    }
}

/// An error as a script sees it (`type(e) == "error"`). Fields read like a map's, and a
/// missing field reads as nil, so `e.status ?? 0` works for every error.
public final class ErrorValue: HostObject {
    public var fields: OrderedMap
    /// Where the error was raised; set once, by the innermost place that knows.
    public var location: SourceLocation?
    public var file: SourceFile?
    /// Call sites from innermost outwards, "name (path:line)", for the uncaught report.
    public var trace: [String] = []

    public init(fields: OrderedMap) {
        self.fields = fields
    }
    public convenience init(kind: ErrorKind, message: String, extra: KeyValuePairs<String, Value> = [:]) {
        self.init(userKind: kind.rawValue, message: message, extra: extra)
    }
    /// An error of a kind a script made up (`error("...", {kind: "deploy"})`).
    public convenience init(userKind: String, message: String, extra: KeyValuePairs<String, Value> = [:]) {
        var f = OrderedMap()
        f["message"] = .string(message)
        f["kind"] = .string(userKind)
        for (k, v) in extra { f[k] = v }
        self.init(fields: f)
    }

    public var message: String {
        if case .string(let s)? = fields["message"] { return s }
        return fields["message"].map { Printer.display($0) } ?? "error"
    }
    public var kind: String {
        if case .string(let s)? = fields["kind"] { return s }
        return ErrorKind.error.rawValue
    }
    /// The kind when it is one bbs raises; nil for a script's own kinds.
    public var knownKind: ErrorKind? { ErrorKind(rawValue: kind) }

    /// The process exit status if this error is not caught.
    public var exitStatus: Int32 {
        knownKind?.exitStatus(retriesExhausted: fields["retries_exhausted"]?.isTruthy == true) ?? ExitStatus.failure
    }

    override public var typeName: String { "error" }
    override public func member(_ name: String) -> Value? {
        if name == "line", let l = location { return .int(Int(l.line)) }
        if name == "column", let l = location { return .int(Int(l.column)) }
        return fields[name] ?? .null
    }
    override public var memberNames: [String] { fields.keys }
    override public var displayText: String { "error(\(kind)): \(message)" }
    override public var jsonValue: Value? { .map(MapRef(fields)) }
}

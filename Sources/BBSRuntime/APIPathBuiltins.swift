// Request paths that reach exactly what the script named.
//
// The transport core refuses a path that would reach another resource (`#`, whitespace,
// control characters, `.`/`..` segments, a stray `%`, a `?` beside a query map: see
// BBSTransport's RequestTarget); this file adds what only the runtime can know and the tools
// to build paths right:
// - `api.path(part, ...)`: joins its arguments with `/`; a `/` inside an argument stays a
//   separator (branch names such as `feature/x` go into `refs/branches/feature/x`, as
//   Bitbucket's own links write them), every other character that is not unreserved is
//   percent-encoded, and nil, empty parts and `.`/`..` are errors.
// - `api.escape(text)`: one path segment, `/` included (`feature%2Fx`), for a value that must
//   stay a single segment.
// - The path argument of every `api.*` call is refused when an interpolation put the text
//   `nil` into it (an unset variable), naming the expression.

import BBSLanguage
import BBSTransport
import Foundation

enum APIPathBuiltins {
    /// The text every path refusal ends with: where to look for the fix.
    static let escapingHint = "build the path with api.path(...), which escapes each part, or escape a name with api.escape(name)"

    static func install(into api: ModuleValue) {
        api.define("path", arity: 1...64) { args, _ throws(ScriptError) in
            .string(try path(args))
        }
        api.define("escape", arity: 1...1) { args, _ throws(ScriptError) in
            let text = try part(args, 0)
            try checkSegment(text, args, 0)
            return .string(PathEncoding.segment(text))
        }
    }

    /// The path argument `index` of an `api.*` call, refused when it holds the text of an
    /// interpolated nil.
    static func argument(_ args: Arguments, _ index: Int, _ interp: Interpreter) throws(ScriptError) -> String {
        let path = try args.string(index, "the path")
        try checkNoNil(path, args.callee, interp)
        return path
    }

    /// Throws when `path` contains the output of the last interpolation that printed a nil.
    static func checkNoNil(_ path: String, _ callee: String, _ interp: Interpreter) throws(ScriptError) {
        guard let nilText = interp.lastNilInterpolation, holdsNil(path, nilText) else { return }
        let file = (nilText.file.path as NSString).lastPathComponent
        let place = "\(file):\(nilText.location.line):\(nilText.location.column)"
        throw ScriptError.value(
            "\(callee): '\(nilText.expression)' is nil, so the path '\(path)' holds the text 'nil' (interpolated at \(place)); give it a value or check it before the call")
    }

    /// Whether `path` holds `interpolation.text` with its `nil` as written there: a `nil` at
    /// the edge of that text must not run on into more of a segment in the path (`acme/nil`
    /// from a label is not the start of `/acme/nil-service`).
    static func holdsNil(_ path: String, _ interpolation: NilInterpolation) -> Bool {
        let needle = Array(interpolation.text.utf8)
        let hay = Array(path.utf8)
        guard !needle.isEmpty, needle.count <= hay.count else { return false }
        let nilStart = interpolation.nilOffset, nilEnd = interpolation.nilOffset + 3
        let separators: Set<UInt8> = [UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "&"), UInt8(ascii: "=")]
        for start in 0...(hay.count - needle.count) where hay[start..<(start + needle.count)].elementsEqual(needle) {
            let before = start + nilStart - 1, after = start + nilEnd
            let boundedBefore = nilStart > 0 || before < 0 || separators.contains(hay[before])
            let boundedAfter = nilEnd < needle.count || after >= hay.count || separators.contains(hay[after])
            if boundedBefore && boundedAfter { return true }
        }
        return false
    }

    private static func path(_ args: Arguments) throws(ScriptError) -> String {
        var segments: [String] = []
        var trailingSlash = false
        for index in 0..<args.count {
            let text = try part(args, index)
            var pieces = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            // A leading `/` on the first part and a trailing one on the last are the path's own.
            if index == 0, pieces.count > 1, pieces[0].isEmpty { pieces.removeFirst() }
            if index == args.count - 1, pieces.count > 1, pieces[pieces.count - 1].isEmpty {
                pieces.removeLast()
                trailingSlash = true
            }
            for piece in pieces {
                if piece.isEmpty {
                    throw ScriptError.value("\(args.callee): argument \(index + 1) ('\(text)') has an empty segment")
                }
                try checkSegment(piece, args, index)
                segments.append(PathEncoding.segment(piece))
            }
        }
        return "/" + segments.joined(separator: "/") + (trailingSlash ? "/" : "")
    }

    /// Argument `index` as text: a string or an int (a pull request id).
    private static func part(_ args: Arguments, _ index: Int) throws(ScriptError) -> String {
        switch args[index] {
        case .string(let s):
            if s.isEmpty { throw ScriptError.value("\(args.callee): argument \(index + 1) is empty") }
            return s
        case .int(let n): return String(n)
        case .null:
            throw ScriptError.value("\(args.callee): argument \(index + 1) is nil (an unset variable?)")
        case let v:
            throw ScriptError.type("\(args.callee): argument \(index + 1) must be a string or an int, not \(v.typeName)")
        }
    }

    private static func checkSegment(_ piece: String, _ args: Arguments, _ index: Int) throws(ScriptError) {
        if piece == "." || piece == ".." {
            throw ScriptError.value("\(args.callee): argument \(index + 1) has a '\(piece)' segment, which servers resolve to another path")
        }
    }
}

// Tab completion for the REPL, computed from the text left of the cursor:
//   - `:` commands at the start of a line;
//   - API paths inside the first string argument of `api.get("/...` (and post, put, ...),
//     from the generated table of the OpenAPI document's routes;
//   - after `name.` (or `a.b.`): a module's members, a map's keys (then its methods), a
//     host object's members, the methods of a string or list;
//   - otherwise keywords, names in scope (the session's globals) and built-ins.

import BBSLanguage

struct Completion {
    /// UTF-8 offset in the line where the completed word starts.
    var wordStart: Int
    /// Full replacements for the word.
    var candidates: [String]
    /// Whether a unique match is followed by a space (keywords only).
    var appendSpace = false
}

final class Completer {
    let interpreter: Interpreter
    let globals: GlobalStore
    /// Real names for a path placeholder (`{workspace}`, or `{repo_slug}` after the typed
    /// segments that name its workspace), from the API; nil or empty leaves the placeholder.
    var liveNames: ((_ placeholder: String, _ typedBefore: [String]) -> [String])?
    static let commands = [":help", ":quit", ":type", ":trace", ":load"]

    init(interpreter: Interpreter, globals: GlobalStore) {
        self.interpreter = interpreter
        self.globals = globals
    }

    func complete(_ prefix: String) -> Completion {
        let bytes = Array(prefix.utf8)
        if let path = apiPathContext(bytes) { return path }
        // The word: identifier characters, dots and `?` (for `?.`), back from the cursor.
        var start = bytes.count
        while start > 0, Completer.isWordByte(bytes[start - 1]) { start -= 1 }
        let word = String(decoding: bytes[start...], as: UTF8.self)
        if bytes.first == UInt8(ascii: ":") && !bytes.contains(32) {
            return Completion(wordStart: 0, candidates: Completer.commands.filter { $0.hasPrefix(prefix) }, appendSpace: true)
        }
        if let dot = word.lastIndex(of: ".") {
            var base = String(word[..<dot])
            if base.hasSuffix("?") { base.removeLast() }
            let partial = String(word[word.index(after: dot)...])
            guard let value = evaluate(base) else { return Completion(wordStart: start, candidates: []) }
            let names = memberNames(of: value).filter { $0.hasPrefix(partial) }
            let head = String(word[...dot])
            return Completion(wordStart: start, candidates: unique(names.map { head + $0 }))
        }
        var names = Lexer.keywords.keys.filter { $0.hasPrefix(word) }.sorted()
        let keywordCount = names.count
        names += globals.names.filter { $0.hasPrefix(word) && !$0.hasPrefix("$") }.sorted()
        names += interpreter.builtins.keys.filter { $0.hasPrefix(word) }.sorted()
        let result = unique(names)
        return Completion(wordStart: start, candidates: result,
                          appendSpace: result.count == 1 && keywordCount == 1 && !["true", "false", "nil"].contains(result[0]))
    }

    static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b == 46 || b == 63 || b >= 0x80
    }

    /// `a`, `a.b`, `a.b.c`: a global or built-in, then map keys and object members; never calls anything.
    func evaluate(_ chain: String) -> Value? {
        let parts = chain.split(separator: ".", omittingEmptySubsequences: false).map {
            $0.hasSuffix("?") ? String($0.dropLast()) : String($0)
        }
        guard let first = parts.first, !first.isEmpty else { return nil }
        guard var value = globals.value(first) ?? interpreter.builtins[first] else { return nil }
        for part in parts.dropFirst() {
            switch value {
            case .map(let m):
                guard let v = m.entries[part] else { return nil }
                value = v
            case .object(let o):
                guard let v = o.member(part) else { return nil }
                value = v
            default:
                return nil
            }
        }
        return value
    }

    func memberNames(of value: Value) -> [String] {
        switch value {
        case .map(let m):
            return m.entries.keys.filter(Completer.isIdentifier) + interpreter.mapMethods.keys.sorted()
        case .object(let o):
            return o.memberNames
        case .string:
            return interpreter.stringMethods.keys.sorted()
        case .list:
            return interpreter.listMethods.keys.sorted()
        default:
            return []
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.utf8.first, !(f >= 48 && f <= 57) else { return false }
        return s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    private func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    // MARK: API paths

    /// `api.<method>(` then an open quote and a path that starts with `/`, at the cursor.
    func apiPathContext(_ bytes: [UInt8]) -> Completion? {
        // The last quote before the cursor must open a string (an odd number of quotes).
        guard let quote = bytes.lastIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return nil }
        let q = bytes[quote]
        if bytes.filter({ $0 == q }).count % 2 == 0 { return nil }
        let typed = Array(bytes[(quote + 1)...])
        guard typed.first == UInt8(ascii: "/"), !typed.contains(UInt8(ascii: "$")) else { return nil }
        var i = quote
        while i > 0, bytes[i - 1] == 32 { i -= 1 }
        guard i > 0, bytes[i - 1] == UInt8(ascii: "(") else { return nil }
        i -= 1
        var nameStart = i
        while nameStart > 0, Completer.isWordByte(bytes[nameStart - 1]) { nameStart -= 1 }
        let callee = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        guard callee.hasPrefix("api.") else { return nil }
        let method = String(callee.dropFirst(4))
        let mask: UInt8
        switch method {
        case "get", "paginate", "get_all", "stream": mask = 1
        case "post": mask = 2
        case "put": mask = 4
        case "patch": mask = 8
        case "delete": mask = 16
        default: mask = 31
        }
        let text = String(decoding: typed, as: UTF8.self)
        if let named = namedPaths(matching: text, methods: mask) { return Completion(wordStart: quote + 1, candidates: named) }
        return Completion(wordStart: quote + 1, candidates: Completer.apiPaths(matching: text, methods: mask))
    }

    /// Placeholders whose real values completion looks up, rather than inserting `{workspace}`.
    static let namedPlaceholders: Set<String> = ["{workspace}", "{repo_slug}"]

    /// When the segment being typed stands for a workspace or a repository in some route, the
    /// real names that start with what was typed (each ending the path there, so the next Tab
    /// goes on from it); nil when no route has such a placeholder here or no names are known.
    func namedPaths(matching typed: String, methods: UInt8) -> [String]? {
        guard let liveNames else { return nil }
        let typedSegments = typed.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard let partial = typedSegments.last, !partial.hasPrefix("{") else { return nil }
        let complete = Array(typedSegments.dropLast())
        var placeholder: String?
        for (template, mask) in APIPaths.all where mask & methods != 0 {
            let segs = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
            guard segs.count > complete.count, Completer.namedPlaceholders.contains(segs[complete.count]) else { continue }
            let fits = zip(complete, segs).allSatisfy { typed, t in t == typed || (t.hasPrefix("{") && !typed.isEmpty) }
            if fits { placeholder = segs[complete.count]; break }
        }
        guard let placeholder else { return nil }
        let names = liveNames(placeholder, complete).filter { $0.hasPrefix(partial) }
        guard !names.isEmpty else { return nil }
        let stem = "/" + complete.map { $0 + "/" }.joined()
        return names.map { stem + $0 }
    }

    /// Templates whose leading segments match what was typed (a `{placeholder}` matches any
    /// segment), written with the typed segments in place of the placeholders they filled.
    static func apiPaths(matching typed: String, methods: UInt8) -> [String] {
        let typedSegments = typed.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard let partial = typedSegments.last else { return [] }
        let complete = typedSegments.dropLast()
        var out: [String] = []
        var seen = Set<String>()
        for (template, mask) in APIPaths.all where mask & methods != 0 {
            let segs = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
            guard segs.count >= typedSegments.count else { continue }
            var ok = true
            var built: [String] = []
            for (k, seg) in complete.enumerated() {
                let t = segs[k]
                if t == seg || (t.hasPrefix("{") && !seg.isEmpty) { built.append(seg) } else { ok = false; break }
            }
            guard ok else { continue }
            let t = segs[complete.count]
            if t.hasPrefix(partial) {
                built.append(t)
            } else if t.hasPrefix("{") && !partial.hasPrefix("{") && !partial.isEmpty {
                built.append(partial)
            } else {
                continue
            }
            built += segs[(complete.count + 1)...]
            let candidate = "/" + built.joined(separator: "/")
            if seen.insert(candidate).inserted { out.append(candidate) }
        }
        return out
    }
}

// Suggestions appended to "unknown name" errors, at resolve time and at run time alike, so a
// typo reads the same whichever phase catches it: `pirnt` -> print, `null` -> nil,
// `startsWith` -> starts_with, `api.gett` -> get.

public enum Hints {
    /// Words other languages use for what bbs spells differently.
    static let foreignWords: [String: String] = [
        "null": "nil", "None": "nil", "undefined": "nil", "nullptr": "nil", "NULL": "nil",
        "True": "true", "False": "false", "TRUE": "true", "FALSE": "false",
        "println": "print", "console": "print", "puts": "print", "echo": "print",
    ]

    /// At most this many members are listed when no close match exists.
    static let shortListLimit = 12

    /// What `import "name"` and its members look like before anything runs.
    public enum ImportCheck {
        /// The module's top-level names.
        case members([String])
        /// No such module: the message says where bbs looked, and any near match.
        case missing(String)
        /// Unreadable or does not parse: left for run time, which reports it with its own place.
        case unknown
    }

    /// " (did you mean 'x'?)", or "" when nothing is close. For a foreign word (`null`) the
    /// bbs spelling is suggested even when it is not among `candidates` (a keyword).
    public static func didYouMean(_ name: String, among candidates: [String]) -> String {
        if let word = foreignWords[name] { return " (bbs spells it '\(word)')" }
        guard let best = closest(name, among: candidates) else { return "" }
        return " (did you mean '\(best)'?)"
    }

    /// The did-you-mean, or else the list of `members` when it is short: for members of a
    /// module or object, where the list itself helps.
    public static func memberHint(_ name: String, members: [String]) -> String {
        if let best = closest(name, among: members) { return " (did you mean '\(best)'?)" }
        let visible = members.filter { !$0.hasPrefix("_") }.sorted()
        guard !visible.isEmpty, visible.count <= shortListLimit else { return "" }
        return " (it has: \(visible.joined(separator: ", ")))"
    }

    /// The candidate nearest to `name`: its snake_case spelling, a case-only difference, or
    /// the smallest edit distance within a third of the name's length (at least one edit, and
    /// only for names of three letters or more).
    public static func closest(_ name: String, among candidates: [String]) -> String? {
        let snake = snakeCase(name)
        if snake != name, candidates.contains(snake) { return snake }
        let lower = name.lowercased()
        if let sameLetters = candidates.first(where: { $0.lowercased() == lower && $0 != name }) { return sameLetters }
        // Any one- or two-letter name is one edit from many others: no guess is better than noise.
        guard name.count >= 3 else { return nil }
        let limit = max(1, name.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name && abs(candidate.count - name.count) <= limit {
            let d = editDistance(lower, candidate.lowercased(), limit: limit)
            if d <= limit && (best == nil || d < best!.distance || (d == best!.distance && candidate < best!.name)) {
                best = (candidate, d)
            }
        }
        return best?.name
    }

    /// `startsWith` -> `starts_with`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase, !out.isEmpty, out.last != "_" {
                out.append("_")
            }
            out.append(contentsOf: ch.lowercased())
        }
        return out
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit (`pirnt`), cut
    /// short once every path exceeds `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d = min(d, previous2[j - 2] + 1)
                }
                current[j] = d
                rowMinimum = min(rowMinimum, d)
            }
            if rowMinimum > limit { return rowMinimum }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }
}

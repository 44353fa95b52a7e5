// Trimming with exactly Foundation's `.whitespaces` and `.whitespacesAndNewlines`, in plain
// Swift. The runtime trims its settings (base URLs, BITBUCKET_TOKEN) while it starts, and
// Foundation's trimming builds its character sets and bridges through NSString on first use,
// a measurable share of `bbs -e 1` (bench/README.md, "Start-up"). Tests compare every Unicode
// scalar with Foundation's sets (BBSLanguageTests/WhitespaceTests.swift).

extension Unicode.Scalar {
    /// Foundation's `CharacterSet.whitespaces`: space, tab and the other space separators
    /// (U+00A0, U+1680, U+2000–U+200B, U+202F, U+205F, U+3000).
    var isFoundationWhitespace: Bool {
        switch value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Foundation's `CharacterSet.whitespacesAndNewlines`: the above, U+000A–U+000D, U+0085,
    /// U+2028 and U+2029.
    var isFoundationWhitespaceOrNewline: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return isFoundationWhitespace
        }
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)`.
    func trimmingWhitespace() -> String {
        trimming { $0.isFoundationWhitespace }
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`.
    func trimmingWhitespaceAndNewlines() -> String {
        trimming { $0.isFoundationWhitespaceOrNewline }
    }

    private func trimming(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) })!
        return String(Substring(scalars[first...last]))
    }
}

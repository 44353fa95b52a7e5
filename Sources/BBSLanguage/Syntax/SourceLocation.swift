// Positions in source text. Lines and columns are 1-based; columns count characters
// (Unicode scalars), so a caret lines up under the character a person sees.

public struct SourceLocation: Equatable, Sendable {
    public var line: Int32
    public var column: Int32
    public init(line: Int, column: Int) {
        self.line = Int32(line)
        self.column = Int32(column)
    }
    public static let unknown = SourceLocation(line: 0, column: 0)
}

/// A script's text and name, shared by every diagnostic that points into it.
public final class SourceFile: Sendable {
    /// The name diagnostics print: the path as given, `-e`, or `<stdin>`.
    public let path: String
    public let text: String
    public let lines: [Substring]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    public func line(_ n: Int) -> Substring? {
        n >= 1 && n <= lines.count ? lines[n - 1] : nil
    }
}

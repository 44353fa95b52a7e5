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

extension SourceFile {
    /// Where UTF-8 decoding first fails in `bytes`, and the byte there; columns count
    /// characters as everywhere else. Only called for text known to be invalid.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> (location: SourceLocation, byte: UInt8) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == 0x0A {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .error:
                return (SourceLocation(line: line, column: column), bytes[offset])
            case .emptyInput:
                return (SourceLocation(line: line, column: column), 0)
            }
        }
    }
}

// Compile-time diagnostics (lexer, parser, resolver) and the one formatter that prints
// them and uncaught runtime errors alike:
//
//   deploy.bbs:3:9: error: expected an expression after '='
//       3 | let x =
//         |         ^

public struct Diagnostic: Error, Sendable {
    public let message: String
    public let location: SourceLocation
    /// Set when the problem is only that input ended too early (open bracket, unterminated
    /// string, trailing operator): the REPL then asks for another line instead of failing.
    public let isIncomplete: Bool

    public init(_ message: String, at location: SourceLocation, incomplete: Bool = false) {
        self.message = message
        self.location = location
        self.isIncomplete = incomplete
    }
}

/// All the diagnostics of one phase over one file.
public struct CompileError: Error, Sendable {
    public let file: SourceFile
    public let diagnostics: [Diagnostic]
    /// True when every diagnostic says the input merely ended early.
    public var isIncomplete: Bool { !diagnostics.isEmpty && diagnostics.allSatisfy(\.isIncomplete) }

    /// At most this many diagnostics are shown: after that they are mostly echoes of the first.
    public static let maxShown = 50

    public func render(color: Bool = false) -> String {
        var out = diagnostics.prefix(CompileError.maxShown)
            .map { Diagnostics.render(file: file, at: $0.location, severity: "error", message: $0.message, color: color) }
            .joined()
        if diagnostics.count > CompileError.maxShown {
            out += "\(diagnostics.count - CompileError.maxShown) more errors (only the first \(CompileError.maxShown) are shown)\n"
        }
        return out
    }
}

public enum Diagnostics {
    /// `path:line:col: severity: message`, then the source line and a caret under the column.
    public static func render(file: SourceFile?, at loc: SourceLocation?, severity: String, message: String, color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        guard let file, let loc, loc.line > 0 else {
            return "\(red)\(severity):\(reset) \(bold)\(message)\(reset)\n"
        }
        var out = "\(bold)\(file.path):\(loc.line):\(loc.column):\(reset) \(red)\(severity):\(reset) \(bold)\(message)\(reset)\n"
        if let line = file.line(Int(loc.line)) {
            let number = String(loc.line)
            let gutter = String(repeating: " ", count: number.count)
            // Column counts Unicode scalars; tabs are widened to one space each.
            var column = max(0, Int(loc.column) - 1)
            // A very long line (generated code, minified JSON) shows a window around the caret.
            // Only the window is copied, so many errors on one huge line stay cheap.
            let scalars = line.unicodeScalars
            let start = max(0, column - 60)
            let skipped = scalars.index(scalars.startIndex, offsetBy: start, limitedBy: scalars.endIndex) ?? scalars.endIndex
            let stop = scalars.index(skipped, offsetBy: 120, limitedBy: scalars.endIndex) ?? scalars.endIndex
            var text = Substring(scalars[skipped..<stop]).replacingTabs()
            if start > 0 { text = "…" + text; column = column - start + 1 }
            if stop < scalars.endIndex { text += "…" }
            let caretPad = String(repeating: " ", count: column)
            out += " \(number) | \(text)\n \(gutter) | \(caretPad)\(red)^\(reset)\n"
        }
        return out
    }
}

extension Substring {
    fileprivate func replacingTabs() -> String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}

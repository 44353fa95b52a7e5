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

    public func render(color: Bool = false) -> String {
        diagnostics.map { Diagnostics.render(file: file, at: $0.location, severity: "error", message: $0.message, color: color) }
            .joined()
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
            var text = line.replacingTabs()
            // Column counts Unicode scalars; tabs were widened to one space each above.
            var column = max(0, Int(loc.column) - 1)
            // A very long line (generated code, minified JSON) shows a window around the caret.
            let scalars = Array(text.unicodeScalars)
            if scalars.count > 120 {
                let start = max(0, min(column - 60, scalars.count - 120))
                let end = min(scalars.count, start + 120)
                var window = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { window = "…" + window; column = column - start + 1 }
                if end < scalars.count { window += "…" }
                text = window
            }
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

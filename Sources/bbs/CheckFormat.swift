// `bbs check --format json`: diagnostics for editors and CI annotations (docs/cli.md "check").

import ArgumentParser
import BBSLanguage
import Foundation

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json

    private struct Entry: Encodable {
        let file: String
        let line: Int
        let column: Int
        let severity: String
        let message: String
    }

    /// One JSON array of every diagnostic, in file order; `[]` when all files are clean.
    static func json(_ rejected: [CompileError]) -> String {
        let entries = rejected.flatMap { error in
            error.diagnostics.map {
                Entry(file: error.file.path, line: Int($0.location.line), column: Int($0.location.column),
                      severity: "error", message: $0.message)
            }
        }
        if entries.isEmpty { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(entries)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

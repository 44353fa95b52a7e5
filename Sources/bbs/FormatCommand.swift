// `bbs fmt`: rewrites scripts in the one canonical layout (Format/Formatter.swift), or with
// `--check` only lists those that are not in it, for CI. A file the lexer rejects is left
// alone and reported with its position, as `check` would.

import ArgumentParser
import BBSErrorKinds
import BBSLanguage
import Foundation

struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lay scripts out the one canonical way; with --check, exit 1 listing those that would change.",
        discussion: "FILES may be folders: every *.bbs under them is formatted."
    )

    @Flag(name: .long, help: "Change nothing; list the files fmt would change and exit 1 if there are any.")
    var check = false

    @Argument(help: ArgumentHelp("Scripts or folders.", valueName: "FILES"))
    var files: [String]

    mutating func run() throws {
        var paths: [String] = []
        for path in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                writeError("bbs fmt: no such file or folder: \(path)\n")
                throw ExitCode(ExitStatus.usage)
            }
            if !isDirectory.boolValue {
                paths.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            var found: [String] = []
            let walker = FileManager.default.enumerator(atPath: path)
            while let relative = walker?.nextObject() as? String {
                if relative.hasSuffix(".bbs") { found.append(base + "/" + relative) }
            }
            paths += found.sorted()
        }
        var changed: [String] = []
        var rejected = false
        for path in paths {
            guard let text = try readScript(path) else { throw ExitCode(ExitStatus.usage) }
            let lexed = Lexer.tokenize(text)
            if !lexed.diagnostics.isEmpty {
                rejected = true
                let file = SourceFile(path: path, text: text)
                for diagnostic in lexed.diagnostics {
                    writeError(Diagnostics.render(file: file, at: diagnostic.location, severity: "error", message: diagnostic.message, color: useColor()))
                }
                continue
            }
            let formatted = Formatter.format(text)
            if formatted == text { continue }
            changed.append(path)
            if check {
                print(path)
            } else {
                // Written in place, so the file keeps its mode (an executable script stays one).
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    writeError("bbs fmt: cannot write '\(path)'\n")
                    throw ExitCode(ExitStatus.failure)
                }
                do {
                    try handle.truncate(atOffset: 0)
                    try handle.write(contentsOf: Data(formatted.utf8))
                    try handle.close()
                } catch {
                    writeError("bbs fmt: cannot write '\(path)': \(error.localizedDescription)\n")
                    throw ExitCode(ExitStatus.failure)
                }
            }
        }
        if rejected { throw ExitCode(ExitStatus.syntax) }
        if check && !changed.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}

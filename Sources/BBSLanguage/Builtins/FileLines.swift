// `fs.lines(path)`: a file's lines, read as the loop asks for them, so a file of any size
// goes through `for line in fs.lines(path)` in constant memory (`fs.read` has a size cap).

import Foundation

final class FileLinesValue: HostObject {
    let path: String
    init(path: String) { self.path = path }
    override var typeName: String { "lines" }
    override var displayText: String { "<lines \(path)>" }

    override func makeIterator(_ interpreter: Interpreter) throws(ScriptError) -> ValueIterator? {
        try FileLineIterator(path: path)
    }
}

/// Reads in 64 KiB chunks and hands out one line at a time; the file closes at its end
/// (or when the loop stops early and the iterator is released).
final class FileLineIterator: ValueIterator {
    /// One line longer than this is an error: without a cap, a file with no newline
    /// (`/dev/zero`) would be read whole into memory.
    static let maxLineBytes = 1 << 24
    private let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var lineNumber = 0

    init(path: String) throws(ScriptError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemBuiltins.ioError("fs.lines", "read", path) }
    }

    deinit { if fd >= 0 { close(fd) } }

    func next(_ interpreter: Interpreter) throws(ScriptError) -> Value? {
        var searched = start
        while true {
            if let nl = buffer[searched...].firstIndex(of: 0x0A) {
                var end = nl
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = try text(buffer[start..<end])
                start = nl + 1
                return line
            }
            searched = buffer.count
            if searched - start > FileLineIterator.maxLineBytes {
                throw ScriptError.runtime(.io, "fs.lines: line \(lineNumber + 1) of '\(path)' is longer than \(FileLineIterator.maxLineBytes) bytes")
            }
            guard fd >= 0, try fill() > 0 else {
                // End of file: a last line without a newline still counts.
                guard start < buffer.count else { return nil }
                let line = try text(buffer[start...])
                start = buffer.count
                return line
            }
            searched -= start
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private func fill() throws(ScriptError) -> Int {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw FileSystemBuiltins.ioError("fs.lines", "read", path) }
            if n == 0 {
                close(fd)
                fd = -1
                return 0
            }
            buffer.append(contentsOf: chunk[0..<n])
            return n
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>) throws(ScriptError) -> Value {
        lineNumber += 1
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ScriptError.runtime(.io, "fs.lines: line \(lineNumber) of '\(path)' is not valid UTF-8 text")
        }
        return .string(s)
    }
}

enum FileLines {
    static func install(into fs: ModuleValue) {
        fs.define("lines", arity: 1...1) { args, _ throws(ScriptError) in
            .object(FileLinesValue(path: try args.string(0, "path")))
        }
    }
}

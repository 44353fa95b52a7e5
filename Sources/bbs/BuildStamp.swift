// `bbs --version`: the version, plus the git commit and build date of a release binary.
// scripts/release appends them to the stripped executable as a last line,
// "\nbbs-build commit=C date=D\n", after the ELF image (the loader ignores trailing bytes).
// Stamping the finished file keeps ordinary builds free of generated sources and of
// per-build changes, so a debug build never rebuilds because of the date.

import Foundation

/// The version `bbs --version` reports and scripts/release names the tarball after. (Here rather
/// than in main.swift, whose globals exist only once its top-level code has run, which tests of
/// this module never do.)
let bbsVersion = "0.1.0"

enum BuildStamp {
    static let marker = "\nbbs-build "

    /// "bbs 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-07T02:30:00Z)", or
    /// "bbs 0.1.0 (development build)" when the binary carries no stamp.
    static func versionText(_ version: String, executablePath: String = "/proc/self/exe") -> String {
        guard let fields = stampFields(executablePath: executablePath),
              let commit = fields["commit"], let date = fields["date"] else {
            return "bbs \(version) (development build)"
        }
        return "bbs \(version) (commit \(commit), built \(date))"
    }

    /// The key=value fields of the stamp line at the end of the file, if there is one.
    static func stampFields(executablePath: String) -> [String: String]? {
        guard let file = FileHandle(forReadingAtPath: executablePath) else { return nil }
        defer { try? file.close() }
        guard let size = try? file.seekToEnd(), size > 0 else { return nil }
        let tailLength: UInt64 = 256
        guard (try? file.seek(toOffset: size > tailLength ? size - tailLength : 0)) != nil,
              let tail = try? file.readToEnd() else { return nil }
        let text = String(decoding: tail, as: UTF8.self)
        guard text.hasSuffix("\n"), let start = text.range(of: marker, options: .backwards) else { return nil }
        var fields: [String: String] = [:]
        for pair in text[start.upperBound...].split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }
}

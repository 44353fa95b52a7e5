// Helpers shared by the test targets that drive the real binaries. A plain library (no
// XCTest), so XCTest and Swift Testing targets can both use it.

import Foundation

public enum BuiltProducts {
    /// The executable `name` (`bbs`, `bbs-mock`) built beside the running tests, whatever
    /// `--scratch-path` was used, or the path in the environment variable `override`
    /// (`BBS_BIN`, `BBS_MOCK_BIN`). Nil when there is none.
    public static func path(of name: String, override: String) -> String? {
        if let explicit = ProcessInfo.processInfo.environment[override], !explicit.isEmpty { return explicit }
        return candidates(for: name).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Where a product can be: next to the test runner, next to any test bundle (a directory on
    /// macOS), or a few levels above the main bundle.
    public static func candidates(for name: String) -> [String] {
        var directories: [URL] = []
        directories.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").standardizedFileURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            directories.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        return directories.map { $0.appendingPathComponent(name).path }
    }
}

public enum TreeSearch {
    /// The first file under `root` whose bytes contain `needle`, for leak tests.
    public static func firstFile(containing needle: String, under root: String) -> String? {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return nil }
        for case let relative as String in walker {
            let full = root + "/" + relative
            if let data = FileManager.default.contents(atPath: full), data.range(of: Data(needle.utf8)) != nil { return full }
        }
        return nil
    }
}

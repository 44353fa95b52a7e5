// A bbs-mock process for one golden case or example run: started on 127.0.0.1 with port 0,
// its URL read from the first line of its standard output, stopped when the case is done.

import BBSTestSupport
import Foundation

enum MockServerError: Error, CustomStringConvertible {
    case notFound(String)
    case didNotStart(String)
    var description: String {
        switch self {
        case .notFound(let path): return "bbs-mock not found at \(path) (build it, or set BBS_MOCK_BIN)"
        case .didNotStart(let line): return "bbs-mock did not start: \(line)"
        }
    }
}

final class MockServer {
    let process = Process()
    /// `http://127.0.0.1:PORT`, without the `/2.0` API prefix.
    let base: String
    private let output = Pipe()

    /// The bbs-mock binary built beside `bbs` (or BBS_MOCK_BIN).
    static func binary() -> String {
        BuiltProducts.path(of: "bbs-mock", override: "BBS_MOCK_BIN") ?? BuiltProducts.candidates(for: "bbs-mock")[0]
    }

    /// `cwd`: where relative `--fixture` paths are resolved.
    init(arguments: [String], cwd: URL? = nil) throws {
        let path = MockServer.binary()
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MockServerError.notFound(path) }
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0", "--host", "127.0.0.1"] + arguments
        if let cwd { process.currentDirectoryURL = cwd }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        var bytes: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("listening on ") else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw MockServerError.didNotStart(line.isEmpty ? "no output, exit status \(process.terminationStatus)" : line)
        }
        base = String(line.dropFirst("listening on ".count))
        // Keep draining its standard output so the mock can never block on a full pipe.
        DispatchQueue.global().async { _ = handle.readAllAndClose() }
    }

    /// The variables that point a bbs script at this mock.
    func environment(token: String) -> [String: String] {
        ["BBS_API_URL": base + "/2.0", "BBS_GIT_URL": base, "BITBUCKET_TOKEN": token, "BBS_MOCK_URL": base]
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

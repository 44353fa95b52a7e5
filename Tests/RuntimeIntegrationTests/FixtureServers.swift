// The transport tests' Python fixtures (Tests/BBSTransportTests/Fixtures), started for runtime
// tests: a scripted HTTP server that records every request it receives, and a forward proxy that
// records every request it relays. Each prints "PORT <n>" when it listens.

import Foundation
import XCTest

final class FixtureServers {
    private var processes: [Process] = []
    /// The read ends of the children's stdout: Foundation never closes a Pipe's read end.
    private var readers: [FileHandle] = []

    deinit { stopAll() }

    func stopAll() {
        for p in processes where p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        processes.removeAll()
        for reader in readers { try? reader.close() }
        readers.removeAll()
    }

    private static func fixture(_ name: String) throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BBSTransportTests/Fixtures/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(name) not found") }
        return path
    }

    private static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts `python3 fixture arguments` and returns the port it printed.
    private func start(_ fixture: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", try Self.fixture(fixture)] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        processes.append(p)
        readers.append(out.fileHandleForReading)
        var bytes: [UInt8] = []
        while true {
            let chunk = out.fileHandleForReading.readData(ofLength: 1)
            guard let b = chunk.first, b != UInt8(ascii: "\n") else { break }
            bytes.append(b)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("PORT ") else { throw XCTSkip("\(fixture) did not start: \(line)") }
        return String(line.dropFirst(5))
    }

    /// A scripted server on 127.0.0.1 (see scripted_server.py for `routes`); `log` holds one JSON
    /// line per request received.
    func scripted(routes: String) throws -> (base: String, log: String) {
        let dir = try Self.scratch()
        let script = dir.appendingPathComponent("routes.json").path
        let log = dir.appendingPathComponent("requests.log").path
        try routes.write(toFile: script, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: log, contents: nil)
        let port = try start("scripted_server.py", ["--script", script, "--log", log])
        return ("http://127.0.0.1:\(port)", log)
    }

    /// A forward proxy listening on `bind`; `log` holds one JSON line per relayed request.
    func proxy(bind: String = "127.0.0.1") throws -> (port: String, log: String) {
        let dir = try Self.scratch()
        let log = dir.appendingPathComponent("proxy.log").path
        FileManager.default.createFile(atPath: log, contents: nil)
        let port = try start("forward_proxy.py", ["--log", log, "--bind", bind])
        return (port, log)
    }

    static func read(_ log: String) -> String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }
}

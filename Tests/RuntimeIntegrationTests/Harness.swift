// Runs the real `bbs` binary against the real `bbs-mock` binary on 127.0.0.1. Both are built
// for this test target (Package.swift) and found next to the test bundle, whatever
// `--scratch-path` was used. The mock is controlled through its `/_mock/` endpoints with curl.

import BBSTestSupport
import Foundation
import XCTest

enum Binaries {
    static func find(_ name: String, override: String) throws -> String {
        guard let path = BuiltProducts.path(of: name, override: override) else {
            throw XCTSkip("\(name) not found next to the tests; set \(override)")
        }
        return path
    }
}

/// A running bbs-mock.
final class Mock {
    let process = Process()
    let base: String
    private let stdout = Pipe()

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: try Binaries.find("bbs-mock", override: "BBS_MOCK_BIN"))
        process.arguments = ["--port", "0"] + arguments
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = stdout.fileHandleForReading
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = handle.readData(ofLength: 1)
            guard let b = chunk.first else { break }
            if b == UInt8(ascii: "\n") { break }
            bytes.append(b)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("listening on ") else {
            process.terminate()
            throw XCTSkip("bbs-mock did not start: \(line)")
        }
        base = String(line.dropFirst("listening on ".count))
    }

    var api: String { base + "/2.0" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        // Foundation never closes a Pipe's read end by itself.
        try? stdout.fileHandleForReading.close()
    }

    /// A control request; returns the body.
    @discardableResult
    func control(_ method: String, _ path: String, _ json: String? = nil) -> String {
        var args = ["-s", "-X", method, base + "/_mock/" + path]
        if let json { args += ["-H", "Content-Type: application/json", "--data-binary", json] }
        return Shell.run("/usr/bin/curl", args).stdout
    }

    func fault(_ json: String) { control("POST", "faults", json) }

    /// Recorded REST requests as parsed JSON.
    func requests() -> [[String: Any]] {
        let body = control("GET", "requests")
        guard let obj = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [] }
        return obj["requests"] as? [[String: Any]] ?? []
    }
}

struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
    var all: String { stdout + "\n" + stderr }
}

enum Shell {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    directory: String? = nil) -> Outcome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-rt-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try? FileHandle(forWritingTo: outURL)
        p.standardError = try? FileHandle(forWritingTo: errURL)
        do { try p.run() } catch { return Outcome(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)") }
        p.waitUntilExit()
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return Outcome(status: p.terminationStatus, stdout: out, stderr: err)
    }
}

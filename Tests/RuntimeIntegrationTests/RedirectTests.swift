// A credential never follows a redirect to another origin: the real bbs binary is pointed
// at a scripted API server on 127.0.0.1 that redirects to a second server on another port
// (another origin), which records the headers it receives.

import Foundation
import XCTest

final class RedirectTests: RuntimeTestCase {
    private var servers: [Process] = []

    override func tearDown() {
        for p in servers where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        servers.removeAll()
        super.tearDown()
    }

    /// The transport tests' scripted server (Tests/BBSTransportTests/Fixtures).
    private func startServer(routes: String) throws -> (base: String, log: String) {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BBSTransportTests/Fixtures/scripted_server.py").path
        guard FileManager.default.fileExists(atPath: fixture) else { throw XCTSkip("scripted_server.py not found") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-redirect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("routes.json").path
        let log = dir.appendingPathComponent("requests.log").path
        try routes.write(toFile: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", fixture, "--script", script, "--log", log]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        servers.append(p)
        var bytes: [UInt8] = []
        while true {
            let chunk = out.fileHandleForReading.readData(ofLength: 1)
            guard let b = chunk.first, b != UInt8(ascii: "\n") else { break }
            bytes.append(b)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("PORT ") else { throw XCTSkip("scripted server did not start: \(line)") }
        return ("http://127.0.0.1:\(line.dropFirst(5))", log)
    }

    func testAuthorizationDoesNotFollowACrossOriginRedirect() throws {
        let other = try startServer(routes: #"{"default": {"status": 200, "body": {"landed": true}}}"#)
        let api = try startServer(routes: """
        {"routes": {
           "/2.0/elsewhere": [{"status": 302, "headers": [["Location", "\(other.base)/landing"]]}],
           "/2.0/here": [{"status": 302, "headers": [["Location", "{self}/2.0/target"]]}],
           "/2.0/target": [{"status": 200, "body": {"landed": true}}]
         },
         "default": {"status": 404, "body": {"type": "error", "error": {"message": "no route"}}}}
        """)
        let r = try bbs("""
        print(api.get("/elsewhere").landed)
        print(api.get("/here").landed)
        """, env: ["BBS_API_URL": api.base + "/2.0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "true\ntrue\n")

        let otherLog = try String(contentsOfFile: other.log, encoding: .utf8)
        XCTAssertTrue(otherLog.contains("/landing"), "the redirect was not followed: \(otherLog)")
        XCTAssertFalse(otherLog.lowercased().contains("authorization"), "credential sent to another origin: \(otherLog)")
        XCTAssertFalse(otherLog.contains(Self.canary))

        // Same-origin redirects keep the credential (the positive control).
        let apiLog = try String(contentsOfFile: api.log, encoding: .utf8)
        let target = apiLog.split(separator: "\n").first { $0.contains("\"/2.0/target\"") } ?? ""
        XCTAssertTrue(target.contains("Bearer"), "same-origin redirect lost the credential: \(apiLog)")
    }
}

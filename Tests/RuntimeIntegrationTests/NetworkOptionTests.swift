// The CLI's network options reach the transport core: `--ca-file` / `BBS_CA_FILE` (TLS with a
// CA the test makes with openssl, served by a small python HTTPS server) and proxies from the
// environment (a real tinyproxy on loopback in front of bbs-mock).

import Foundation
import XCTest

final class NetworkOptionTests: RuntimeTestCase {
    private func tool(_ path: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw XCTSkip("\(path) is not installed") }
        return path
    }

    private func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-net-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts `executable` and returns it with the first line it prints; `stop` ends it and closes
    /// the read end of its stdout (Foundation never does).
    private func start(_ executable: String, _ arguments: [String]) throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        openReaders[p.processIdentifier] = out.fileHandleForReading
        var bytes: [UInt8] = []
        while true {
            let chunk = out.fileHandleForReading.readData(ofLength: 1)
            guard let b = chunk.first, b != UInt8(ascii: "\n") else { break }
            bytes.append(b)
        }
        return (p, String(decoding: bytes, as: UTF8.self))
    }

    private var openReaders: [Int32: FileHandle] = [:]

    private func stop(_ process: Process) {
        process.terminate()
        process.waitUntilExit()
        try? openReaders.removeValue(forKey: process.processIdentifier)?.close()
    }

    func testCAFileOptionAndVariable() throws {
        let openssl = try tool("/usr/bin/openssl")
        let python = try tool("/usr/bin/python3")
        let dir = try tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func ssl(_ args: [String]) {
            let r = Shell.run(openssl, args, directory: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
             "-subj", "/CN=bbs test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"])
        ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: dir + "/ext.cnf", atomically: true, encoding: .utf8)
        ssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "1", "-extfile", "ext.cnf"])
        let server = """
        import http.server, json, ssl, sys
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"secure": True, "auth": self.headers.get("Authorization", "")[:7]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a): pass
        s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[1], sys.argv[2])
        s.socket = ctx.wrap_socket(s.socket, server_side=True)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """
        try server.write(toFile: dir + "/server.py", atomically: true, encoding: .utf8)
        let (process, port) = try start(python, [dir + "/server.py", dir + "/server.pem", dir + "/server.key"])
        defer { stop(process) }
        let api = "https://127.0.0.1:\(port)/2.0"
        let script = "let r = api.get(\"/user\")\nprint(r.secure, r.auth)"

        let trusted = try bbs(script, flags: ["--api-url", api, "--ca-file", dir + "/ca.pem"])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        XCTAssertEqual(trusted.stdout, "true Bearer \n")

        let viaEnv = try bbs(script, env: ["BBS_API_URL": api, "BBS_CA_FILE": dir + "/ca.pem"])
        XCTAssertEqual(viaEnv.stdout, "true Bearer \n", viaEnv.stderr)

        let untrusted = try bbs(script, env: ["BBS_API_URL": api])
        XCTAssertEqual(untrusted.status, 5, untrusted.stderr)
        XCTAssertTrue(untrusted.stderr.contains("TLS"), untrusted.stderr)

        let missing = try bbs(script, flags: ["--ca-file", dir + "/nope.pem"], env: ["BBS_API_URL": api])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("nope.pem"), missing.stderr)
    }

    func testProxyFromTheEnvironment() throws {
        let tinyproxy = try tool("/usr/bin/tinyproxy")
        let dir = try tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A free port: bind, read it, close.
        let probe = Shell.run("/usr/bin/python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        let port = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(port.isEmpty)
        try """
        Port \(port)
        Listen 127.0.0.1
        Timeout 30
        Allow 127.0.0.1
        MaxClients 20
        LogLevel Connect
        LogFile "\(dir)/tinyproxy.log"
        PidFile "\(dir)/tinyproxy.pid"
        """.write(toFile: dir + "/tinyproxy.conf", atomically: true, encoding: .utf8)
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: tinyproxy)
        proxy.arguments = ["-d", "-c", dir + "/tinyproxy.conf"]
        proxy.standardOutput = FileHandle.nullDevice
        proxy.standardError = FileHandle.nullDevice
        try proxy.run()
        defer { proxy.terminate(); proxy.waitUntilExit() }
        // Wait until it accepts connections.
        for _ in 0..<50 {
            if Shell.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"]).status == 0 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let r = try bbs("print(api.get(\"/repositories/acme/api\").slug)", env: ["HTTP_PROXY": "http://127.0.0.1:\(port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "api\n")
        // AsyncHTTPClient tunnels through the proxy (CONNECT), so the proxy's log is the witness.
        func tunnels() -> Int {
            let log = (try? String(contentsOfFile: dir + "/tinyproxy.log", encoding: .utf8)) ?? ""
            return log.components(separatedBy: "Established connection").count - 1
        }
        XCTAssertEqual(tunnels(), 1, "the request did not go through the proxy")

        let bypass = try bbs("print(api.get(\"/repositories/acme/api\").slug)",
                             env: ["HTTP_PROXY": "http://127.0.0.1:\(port)", "NO_PROXY": "127.0.0.1"])
        XCTAssertEqual(bypass.stdout, "api\n", bypass.stderr)
        XCTAssertEqual(tunnels(), 1, "NO_PROXY was not honoured")
    }
}

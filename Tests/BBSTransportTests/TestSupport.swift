import Foundation
import XCTest
@testable import BBSTransport
#if canImport(Glibc)
import Glibc
#endif

/// External programs the tests drive. A test that needs a missing one skips with a message.
enum Tools {
    static let python3 = locate("python3", preferring: ["/usr/bin/python3", "/usr/local/bin/python3"])
    static let openssl = locate("openssl", preferring: ["/usr/bin/openssl"])
    static let tinyproxy = locate("tinyproxy", preferring: ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"])

    static func require(_ path: String?, _ name: String) throws -> String {
        guard let path else { throw XCTSkip("\(name) is not installed, so this test cannot run") }
        return path
    }

    /// Fixed system paths come first: a pyenv shim on PATH costs a second or more per start.
    private static func locate(_ name: String, preferring candidates: [String]) -> String? {
        let pathEntries = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map {
            "\($0)/\(name)"
        }
        return (candidates + pathEntries).first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-transport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A child process that prints `PORT <n>` as its first line once it listens.
final class ListeningProcess {
    let port: Int
    private let process: Process
    /// Closed in `stop`: Foundation never closes a Pipe's read end.
    private let output: FileHandle

    init(executable: String, arguments: [String], stderrPath: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        output = stdout.fileHandleForReading
        process.standardOutput = stdout
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        guard let line = Self.readFirstLine(stdout.fileHandleForReading, timeout: 30),
              line.hasPrefix("PORT "), let port = Int(line.dropFirst(5))
        else {
            process.terminate()
            let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw NSError(domain: "ListeningProcess", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "\(arguments.first ?? executable) did not start: \(stderr)"])
        }
        self.port = port
    }

    /// SIGKILL, not `terminate()`: a child started from a Swift concurrency thread inherits that
    /// thread's blocked signals, SIGTERM included, so it would never see a polite request to exit.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? output.close()
    }

    deinit { stop() }

    private static func readFirstLine(_ handle: FileHandle, timeout: TimeInterval) -> String? {
        final class Box: @unchecked Sendable { var line: String? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first else { break }
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            }
            box.line = String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return box.line
    }
}

/// One reply of `scripted_server.py`.
struct Reply {
    var status = 200
    var headers: [(String, String)] = []
    var body: Any = ""
    var delay: Double?
    var drop = false

    static func json(_ status: Int = 200, _ body: Any, headers: [(String, String)] = []) -> Reply {
        Reply(status: status, headers: headers, body: body)
    }

    static func text(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Reply {
        Reply(status: status, headers: headers, body: body)
    }

    static func redirect(_ status: Int, to location: String) -> Reply {
        Reply(status: status, headers: [("Location", location)], body: "")
    }

    static var dropConnection: Reply { Reply(drop: true) }

    var jsonObject: [String: Any] {
        var object: [String: Any] = ["status": status, "headers": headers.map { [$0.0, $0.1] }, "body": body]
        if let delay { object["delay"] = delay }
        if drop { object["drop"] = true }
        return object
    }
}

struct RecordedRequest {
    var method: String
    var path: String
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// A loopback HTTP(S) server whose replies a test scripts and whose requests it reads back.
final class ScriptedServer {
    let baseURL: String
    private let directory: TemporaryDirectory
    private let process: ListeningProcess

    init(routes: [String: [Reply]] = [:], tls: TestCertificates? = nil) throws {
        let python = try Tools.require(Tools.python3, "python3")
        directory = try TemporaryDirectory()
        var arguments = [fixturesDirectory.appendingPathComponent("scripted_server.py").path,
                         "--script", directory.path("script.json"), "--log", directory.path("requests.log")]
        if let tls { arguments += ["--cert", tls.serverCertificate, "--key", tls.serverKey] }
        _ = FileManager.default.createFile(atPath: directory.path("requests.log"), contents: nil)
        let script = directory.path("script.json")
        try Self.write(routes: routes, to: script)
        process = try ListeningProcess(executable: python, arguments: arguments, stderrPath: directory.path("stderr.log"))
        baseURL = "\(tls == nil ? "http" : "https")://127.0.0.1:\(process.port)"
    }

    var apiBaseURL: URL { URL(string: baseURL + "/2.0")! }

    func script(_ routes: [String: [Reply]]) throws {
        try Self.write(routes: routes, to: directory.path("script.json"))
    }

    var requests: [RecordedRequest] {
        let text = (try? String(contentsOfFile: directory.path("requests.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let headers = (object["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
            return RecordedRequest(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                                   headers: headers, body: object["body"] as? String ?? "")
        }
    }

    func stop() { process.stop() }

    private static func write(routes: [String: [Reply]], to path: String) throws {
        let object: [String: Any] = ["routes": routes.mapValues { $0.map(\.jsonObject) }]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// `forward_proxy.py`: records each CONNECT or absolute-URI request it forwards.
final class ForwardProxy {
    let port: Int
    private let directory: TemporaryDirectory
    private let process: ListeningProcess

    init() throws {
        let python = try Tools.require(Tools.python3, "python3")
        directory = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.path("proxy.log"), contents: nil)
        process = try ListeningProcess(
            executable: python,
            arguments: [fixturesDirectory.appendingPathComponent("forward_proxy.py").path, "--log", directory.path("proxy.log")],
            stderrPath: directory.path("stderr.log"))
        port = process.port
    }

    /// `METHOD target` per proxied request.
    var requestLines: [String] {
        let text = (try? String(contentsOfFile: directory.path("proxy.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return "\(object["method"] as? String ?? "") \(object["target"] as? String ?? "")"
        }
    }
}

/// A CA and a server certificate for 127.0.0.1 made with openssl, once per test run.
struct TestCertificates {
    let caCertificate: String
    let serverCertificate: String
    let serverKey: String

    private static let directory = try? TemporaryDirectory()
    private static let shared: Result<TestCertificates, Error> = Result { try generate() }

    static func make() throws -> TestCertificates {
        _ = try Tools.require(Tools.openssl, "openssl")
        return try shared.get()
    }

    private static func generate() throws -> TestCertificates {
        guard let directory else { throw NSError(domain: "TestCertificates", code: 1) }
        let openssl = try Tools.require(Tools.openssl, "openssl")
        let ca = directory.path("ca.pem"), caKey = directory.path("ca.key")
        let cert = directory.path("server.pem"), key = directory.path("server.key")
        let csr = directory.path("server.csr"), ext = directory.path("server.ext")
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(openssl, ["req", "-x509"] + curve + ["-keyout", caKey, "-out", ca, "-days", "2",
                                                     "-subj", "/CN=bbs test CA",
                                                     "-addext", "basicConstraints=critical,CA:TRUE",
                                                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try run(openssl, ["req"] + curve + ["-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"])
        try run(openssl, ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
                          "-out", cert, "-days", "2", "-extfile", ext])
        return TestCertificates(caCertificate: ca, serverCertificate: cert, serverKey: key)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")) failed"])
        }
    }
}

/// Collects trace and dry-run lines.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var sink: @Sendable (String) -> Void { { [self] line in lock.withLock { stored.append(line) } } }
    var lines: [String] { lock.withLock { stored } }
    var text: String { lines.joined(separator: "\n") }
}

/// Stands in for the retry policy's sleep: records each wait instead of waiting.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TimeInterval] = []

    var sleep: @Sendable (TimeInterval) async -> Void { { [self] seconds in lock.withLock { stored.append(seconds) } } }
    var sleeps: [TimeInterval] { lock.withLock { stored } }
}

let fixedNow = Date(timeIntervalSince1970: 1_800_000_000)

/// Deterministic and instant: jitter always takes its upper bound, sleeps are recorded, time is fixed.
func testRetryPolicy(_ recorder: SleepRecorder, maxAttempts: Int = 3, maxTotalWait: TimeInterval = 30) -> RetryPolicy {
    RetryPolicy(maxAttempts: maxAttempts, baseDelay: 0.1, maxDelay: 5, maxTotalWait: maxTotalWait,
                random: { $0.upperBound }, sleep: recorder.sleep, now: { fixedNow })
}

func makeTransport(
    api: URL,
    gitBase: URL = URL(string: "https://git.example.invalid")!,
    credential: Credential? = nil,
    retry: RetryPolicy = RetryPolicy.noRetries,
    trace: LineCollector? = nil,
    dryRunSink: LineCollector? = nil,
    caFile: String? = nil,
    proxy: ProxySettings = .none,
    readTimeout: TimeInterval = 10
) throws -> Transport {
    var config = TransportConfig(apiBaseURL: api, gitBaseURL: gitBase, caFile: caFile, proxy: proxy,
                                 connectTimeout: 5, readTimeout: readTimeout, retry: retry, version: "test")
    if let trace {
        config.trace = true
        config.traceSink = trace.sink
    }
    if let dryRunSink {
        config.dryRun = true
        config.traceSink = dryRunSink.sink
    }
    return try Transport(config: config, credential: credential)
}

/// A loopback port nothing listens on: bound, read, released.
func unusedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

func isListening(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
    } == 0
}

func jsonObject(_ bytes: [UInt8]) -> [String: Any]? {
    try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
}

/// Runs `body` and returns the `TransportError` it throws, failing the test if it returns or
/// throws anything else.
func expectTransportError(_ body: () async throws -> Void,
                          file: StaticString = #filePath, line: UInt = #line) async -> TransportError? {
    do {
        try await body()
        XCTFail("expected a TransportError", file: file, line: line)
    } catch let error as TransportError {
        return error
    } catch {
        XCTFail("expected a TransportError, got \(error)", file: file, line: line)
    }
    return nil
}

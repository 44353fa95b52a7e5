import BBSTestSupport
import Foundation
import XCTest


/// A running `bbs-mock` binary, started the way users start it, plus a small HTTP client for it.
final class MockProcess {
    let process = Process()
    let baseURL: URL
    private let stdout = Pipe()
    let stderr = Pipe()

    /// bbs-mock as built for these tests (or BBS_MOCK_BIN).
    static func binaryURL() throws -> URL {
        guard let path = BuiltProducts.path(of: "bbs-mock", override: "BBS_MOCK_BIN") else {
            throw XCTSkip("bbs-mock binary not found next to the tests (looked at \(BuiltProducts.candidates(for: "bbs-mock"))); set BBS_MOCK_BIN")
        }
        return URL(fileURLWithPath: path)
    }

    /// Runs bbs-mock with `arguments` to its exit (help, bad fixtures, printing the fixture).
    static func runToExit(_ arguments: [String]) throws -> CommandResult {
        try runCommand(try binaryURL().path, arguments, environment: ProcessInfo.processInfo.environment,
                       directory: FileManager.default.temporaryDirectory)
    }

    init(arguments: [String] = ["--token", "test-token"], environment: [String: String]? = nil) throws {
        process.executableURL = try Self.binaryURL()
        if let environment { process.environment = environment }
        process.arguments = ["--port", "0", "--host", "127.0.0.1"] + arguments
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        guard let line = Self.readFirstLine(stdout.fileHandleForReading, timeout: 20) else {
            process.terminate()
            let errors = String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self)
            throw MockProcessError("bbs-mock printed no listening line; stderr: \(errors)")
        }
        guard line.hasPrefix("listening on "), let url = URL(string: String(line.dropFirst("listening on ".count))) else {
            process.terminate()
            throw MockProcessError("unexpected first line: \(line)")
        }
        baseURL = url
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        // Foundation never closes a Pipe's read end by itself.
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()
    }

    /// Reads byte by byte so nothing after the first line is consumed; gives up after `timeout` seconds.
    static func readFirstLine(_ handle: FileHandle, timeout: TimeInterval) -> String? {
        let result = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first else { break }
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            }
            result.line = bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        return done.wait(timeout: .now() + timeout) == .success ? result.line : nil
    }

    private final class LineBox: @unchecked Sendable { var line: String? }
}

struct MockProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct HTTPResult {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func json(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            XCTFail("not a JSON object: \(text)", file: file, line: line)
            return [:]
        }
        return object
    }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// Minimal synchronous HTTP/1.1 for tests, on a plain socket with one connection per request. URLSession
/// on Linux is not used: it stalls on a 401 that carries `WWW-Authenticate`, which is exactly what these
/// tests provoke, and libcurl underneath may silently retry a dropped connection.
final class TestClient {
    let baseURL: URL
    var authorization: String?
    let followRedirects: Bool

    init(baseURL: URL, token: String? = "test-token", followRedirects: Bool = true) {
        self.baseURL = baseURL
        self.authorization = token.map { "Bearer \($0)" }
        self.followRedirects = followRedirects
    }

    static func basic(_ user: String, _ secret: String) -> String {
        "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
    }

    @discardableResult
    func request(
        _ method: String, _ pathOrURL: String, json: Any? = nil, headers: [String: String] = [:]
    ) throws -> HTTPResult {
        var target = pathOrURL
        if target.hasPrefix("http") {
            // Keep the path as sent: a link such as `diff/ws/repo:a%0Db` must not be decoded.
            guard let parts = URLComponents(string: target) else { throw MockProcessError("bad URL \(target)") }
            target = parts.percentEncodedPath + (parts.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
        var allHeaders = headers
        if let authorization { allHeaders["Authorization"] = authorization }
        var body = Data()
        if let json {
            body = try JSONSerialization.data(withJSONObject: json)
            allHeaders["Content-Type"] = "application/json"
        }
        let result = try RawHTTP.send(
            host: baseURL.host ?? "127.0.0.1", port: baseURL.port ?? 80, method: method, target: target,
            headers: allHeaders, body: body)
        if followRedirects, [301, 302, 307].contains(result.status), let location = result.header("Location") {
            return try request(method, location, headers: headers)
        }
        return result
    }

    func get(_ path: String, headers: [String: String] = [:]) throws -> HTTPResult {
        try request("GET", path, headers: headers)
    }

    func getJSON(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try get(path)
        XCTAssertEqual(result.status, 200, "GET \(path): \(result.text)", file: file, line: line)
        return try result.json(file: file, line: line)
    }

    /// Follows `next` links to the end, failing on a repeated link.
    func collectPages(_ path: String, maxPages: Int = 1_000) throws -> (values: [[String: Any]], pages: [[String: Any]]) {
        var next: String? = path
        var seen: Set<String> = []
        var values: [[String: Any]] = []
        var pages: [[String: Any]] = []
        while let current = next, pages.count < maxPages {
            guard seen.insert(current).inserted else { throw MockProcessError("next link repeated: \(current)") }
            let page = try getJSON(current)
            pages.append(page)
            values += page["values"] as? [[String: Any]] ?? []
            next = page["next"] as? String
        }
        return (values, pages)
    }
}

/// One server per test class, reset before each test, so tests stay independent without paying for a
/// process start each.
class MockServerTestCase: XCTestCase {
    nonisolated(unsafe) static var servers: [ObjectIdentifier: MockProcess] = [:]
    class var serverArguments: [String] {
        ["--token", "test-token", "--token", "read-only:repository", "--token", "pr-writer:pullrequest:write",
         "--token", "api-style:read:repository:bitbucket", "--basic", "dave@example.com:app-secret:repository,account"]
    }

    var server: MockProcess { Self.servers[ObjectIdentifier(Self.self)]! }
    var client: TestClient!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let key = ObjectIdentifier(Self.self)
        if Self.servers[key] == nil { Self.servers[key] = try MockProcess(arguments: Self.serverArguments) }
        client = TestClient(baseURL: server.baseURL)
        let reset = try TestClient(baseURL: server.baseURL, token: nil).request("POST", "/_mock/reset")
        XCTAssertEqual(reset.status, 200)
    }

    override class func tearDown() {
        servers.removeValue(forKey: ObjectIdentifier(self))?.stop()
        super.tearDown()
    }

    func control(_ method: String, _ path: String, json: Any? = nil) throws -> HTTPResult {
        try TestClient(baseURL: server.baseURL, token: nil).request(method, "/_mock" + path, json: json)
    }
}

import BBSTestSupport
import Foundation
import XCTest

/// Runs Tests/conformance/check_mock.py, which validates every GET route against the OpenAPI document,
/// the scopes of every route, and that every API link the mock emits resolves on the mock.
final class ConformanceTests: XCTestCase {
    func testGetRoutesMatchTheOpenAPIDocument() throws {
        let text = try Self.runScript("check_mock.py")
        XCTAssertTrue(text.contains(" passed, 0 failed"), text)
        XCTAssertTrue(text.contains("links: "), "every emitted API link is followed: \(text)")
    }

    /// Tests/conformance/compare_real.py: the mock's bodies key by key against real recorded responses.
    func testResponsesMatchRealRecordings() throws {
        let text = try Self.runScript("compare_real.py")
        XCTAssertTrue(text.contains(" passed, 0 failed"), text)
    }

    /// Runs a script of Tests/conformance with the built bbs-mock; a `SKIP:` line skips the test visibly.
    static func runScript(_ name: String) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("conformance/\(name)")
        // The python3 on PATH first: it is the one whose packages (jsonschema) the developer installed.
        guard let python = Self.which("python3")
            ?? ["/usr/local/bin/python3", "/usr/bin/python3"].first(where: FileManager.default.isExecutableFile)
        else {
            throw XCTSkip("python3 not found; \(name) not run")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, try MockProcess.binaryURL().path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readAllAndClose(), as: UTF8.self)
        process.waitUntilExit()
        if let skip = text.split(separator: "\n").first(where: { $0.hasPrefix("SKIP:") }) {
            throw XCTSkip(String(skip))
        }
        XCTAssertEqual(process.terminationStatus, 0, text)
        return text
    }

    static func which(_ program: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

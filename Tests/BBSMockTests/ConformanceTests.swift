import Foundation
import XCTest

/// Runs Tests/conformance/check_mock.py, which validates every GET route against the OpenAPI document.
final class ConformanceTests: XCTestCase {
    func testGetRoutesMatchTheOpenAPIDocument() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("conformance/check_mock.py")
        // The python3 on PATH first: it is the one whose packages (jsonschema) the developer installed.
        guard let python = Self.which("python3")
            ?? ["/usr/local/bin/python3", "/usr/bin/python3"].first(where: FileManager.default.isExecutableFile)
        else {
            throw XCTSkip("python3 not found; conformance check not run")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, try MockProcess.binaryURL().path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if let skip = text.split(separator: "\n").first(where: { $0.hasPrefix("SKIP:") }) {
            throw XCTSkip(String(skip))
        }
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains(" passed, 0 failed"), text)
    }

    static func which(_ program: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

import BBSTestSupport
import Foundation
import XCTest

final class LifecycleTests: XCTestCase {
    func testFirstLineThenServesUntilSIGTERMOrSIGINT() throws {
        for stop in ["TERM", "INT"] {
            let server = try MockProcess(arguments: ["--token", "t"])
            XCTAssertEqual(server.baseURL.host, "127.0.0.1")
            XCTAssertNotEqual(server.baseURL.port, 0, "port 0 is replaced by the bound port")
            XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: "t").get("/2.0/user").status, 200)
            if stop == "TERM" { server.process.terminate() } else { server.process.interrupt() }
            server.process.waitUntilExit()
            XCTAssertEqual(server.process.terminationStatus, 0, "SIG\(stop) is a clean shutdown")
        }
    }

    func testUnknownScopeIsAUsageError() throws {
        let process = Process()
        process.executableURL = try MockProcess.binaryURL()
        process.arguments = ["--token", "t:repo"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(String(decoding: errors.fileHandleForReading.readAllAndClose(), as: UTF8.self).contains("unknown scope 'repo'"))
    }
}

import Foundation
import XCTest
@testable import BBSTransport

final class DryRunTests: XCTestCase {
    func testWritesAreShownNotSentAndReadsStillGo() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.json(200, ["ok": true])]])
        let sink = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok-dry"), dryRunSink: sink)

        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let body: [UInt8]? = method == "DELETE" ? nil : Array(#"{"name":"tok-dry"}"#.utf8)
            let response = try await transport.send(APIRequest(method: method, "/x", body: body))
            XCTAssertTrue(response.isDryRun)
            XCTAssertEqual(response.status, 0)
            XCTAssertEqual(response.attempts, 0)
        }
        XCTAssertTrue(api.requests.isEmpty, "a dry run sends no write")
        XCTAssertEqual(sink.lines.count, 4, sink.text)
        XCTAssertEqual(sink.lines.first, #"DRY-RUN POST \#(api.baseURL)/2.0/x body (18 bytes): {"name":"***"}"#)
        XCTAssertEqual(sink.lines.last, "DRY-RUN DELETE \(api.baseURL)/2.0/x")

        let read = try await transport.send(APIRequest("/x"))
        XCTAssertFalse(read.isDryRun)
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(api.requests.count, 1)
        await transport.shutdown()
    }
}

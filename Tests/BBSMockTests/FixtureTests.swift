import Foundation
import XCTest

extension XCTestCase {
    /// A fixture file for one test, removed when the test ends.
    func writeFixture(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bbs-mock-fixture-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

final class FixtureTests: XCTestCase {

    func testFixtureReplacesTheDefaultState() throws {
        let url = try writeFixture("""
            {
              "users": [{"nickname": "zed", "display_name": "Zed Zulu"}],
              "workspaces": [{
                "slug": "globex", "projects": [{"key": "HR"}],
                "repositories": [{
                  "slug": "payroll", "project": "HR", "is_private": false,
                  "commits": [
                    {"id": "c1", "author": "zed", "message": "Start", "files": {"README.md": "payroll"}},
                    {"id": "c2", "author": "zed", "branch": "topic", "message": "Topic work", "files": {"a.txt": "a"}}
                  ],
                  "tags": [{"name": "v1", "target": "c1"}],
                  "pullrequests": [{"title": "Topic", "source": "topic", "author": "zed",
                                    "comments": [{"author": "zed", "text": "hello"}]}],
                  "pipelines": [{"ref": "main", "creator": "zed", "result": "FAILED"}]
                }]
              }]
            }
            """)
        let server = try MockProcess(arguments: ["--token", "t", "--fixture", url.path])
        defer { server.stop() }
        let client = TestClient(baseURL: server.baseURL, token: "t")
        XCTAssertEqual(try client.get("/2.0/repositories/acme").status, 404, "the default workspace is gone")
        let repositories = try client.getJSON("/2.0/repositories/globex")
        XCTAssertEqual((repositories["values"] as? [[String: Any]])?.compactMap { $0["full_name"] as? String }, ["globex/payroll"])
        let branches = try client.getJSON("/2.0/repositories/globex/payroll/refs/branches")
        XCTAssertEqual((branches["values"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["main", "topic"])
        let pullRequest = try client.getJSON("/2.0/repositories/globex/payroll/pullrequests/1")
        XCTAssertEqual((pullRequest["author"] as? [String: Any])?["display_name"] as? String, "Zed Zulu")
        let pipelines = try client.getJSON("/2.0/repositories/globex/payroll/pipelines")
        let result = (((pipelines["values"] as? [[String: Any]])?.first?["state"] as? [String: Any])?["result"] as? [String: Any])?["name"]
        XCTAssertEqual(result as? String, "FAILED")

        // Reset goes back to the fixture, not to the built-in data.
        XCTAssertEqual(try client.request("DELETE", "/2.0/repositories/globex/payroll").status, 204)
        XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: nil).request("POST", "/_mock/reset").status, 200)
        XCTAssertEqual(try client.get("/2.0/repositories/globex/payroll").status, 200)
    }

    func testBadFixtureFailsAtStartWithAClearMessage() throws {
        let url = try writeFixture(#"{"workspaces": [{"slug": "x", "repositories": [{"slug": "r", "commits": [{"author": "nobody"}]}]}]}"#)
        let result = try MockProcess.runToExit(["--port", "0", "--fixture", url.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("commits[0].author"), result.stderr)
    }

    func testPrintDefaultFixtureIsLoadable() throws {
        let printed = try MockProcess.runToExit(["--print-default-fixture"])
        XCTAssertEqual(printed.status, 0)
        let url = try writeFixture(printed.stdout)
        let server = try MockProcess(arguments: ["--token", "t", "--fixture", url.path])
        defer { server.stop() }
        XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: "t").get("/2.0/repositories/acme/api").status, 200)
    }

    func testHelpExplainsOptions() throws {
        let text = try MockProcess.runToExit(["--help"]).stdout
        for option in ["--port", "--host", "--token", "--basic", "--fixture", "listening on"] {
            XCTAssertTrue(text.contains(option), "help mentions \(option)")
        }
    }
}

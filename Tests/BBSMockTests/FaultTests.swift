import Foundation
import XCTest

final class FaultTests: MockServerTestCase {
    func addFault(_ spec: [String: Any]) throws {
        let result = try control("POST", "/faults", json: spec)
        XCTAssertEqual(result.status, 201, result.text)
    }

    func testRateLimitIsPlainTextWithOptionalRetryAfter() throws {
        try addFault(["route": "GET /2.0/repositories/acme", "fault": "429", "count": 1, "retry_after": 2])
        let limited = try client.get("/2.0/repositories/acme")
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.text, "Rate limit for this resource has been exceeded")
        XCTAssertEqual(limited.header("Content-Type"), "text/plain")
        XCTAssertEqual(limited.header("Retry-After"), "2")
        XCTAssertEqual(try client.get("/2.0/repositories/acme").status, 200, "count 1 faults one request")
    }

    func testServerErrorsUseTheEnvelope() throws {
        try addFault(["route": "GET /2.0/user", "fault": "500"])
        try addFault(["route": "GET /2.0/user", "fault": "503"])
        let first = try client.get("/2.0/user")
        XCTAssertEqual(first.status, 500)
        XCTAssertEqual(try first.json()["type"] as? String, "error")
        XCTAssertEqual(try client.get("/2.0/user").status, 503)
        XCTAssertEqual(try client.get("/2.0/user").status, 200)
    }

    func testDelay() throws {
        try addFault(["route": "GET /2.0/user", "fault": "delay", "delay_ms": 600])
        let start = Date()
        XCTAssertEqual(try client.get("/2.0/user").status, 200)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.55)
    }

    func testDropClosesTheConnectionWithoutAResponse() throws {
        try addFault(["route": "GET /2.0/user", "fault": "drop"])
        XCTAssertThrowsError(try TestClient(baseURL: server.baseURL).get("/2.0/user"))
        XCTAssertEqual(try TestClient(baseURL: server.baseURL).get("/2.0/user").status, 200)
        let log = try control("GET", "/requests").json()["requests"] as? [[String: Any]] ?? []
        XCTAssertTrue(log.contains { $0["fault"] as? String == "drop" })
    }

    func testBogusAndCyclingNextLinks() throws {
        try addFault(["route": "GET /2.0/repositories/acme", "fault": "bogus_next"])
        let bogus = try client.getJSON("/2.0/repositories/acme?pagelen=2")
        XCTAssertEqual((bogus["values"] as? [Any])?.count, 0)
        XCTAssertNotNil(bogus["next"] as? String, "an empty page that still claims a next page")

        try addFault(["route": "GET /2.0/repositories/acme", "fault": "cycle_next"])
        let path = "/2.0/repositories/acme?pagelen=2&page=2"
        let cycling = try client.getJSON(path)
        XCTAssertEqual(cycling["next"] as? String, server.baseURL.absoluteString + path)
    }

    func testNearLimitHeaderSkipAndUnlimitedCount() throws {
        try addFault(["route": "GET /2.0/user", "fault": "near_limit", "count": 1])
        XCTAssertEqual(try client.get("/2.0/user").header("X-RateLimit-NearLimit"), "true")

        try addFault(["route": "GET /2.0/repositories/acme/api/commits", "fault": "503", "skip": 1, "count": -1])
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/commits").status, 200, "skipped")
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/commits").status, 503)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/commits").status, 503)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api").status, 200, "other routes unaffected")
        let listed = try control("GET", "/faults").json()["faults"] as? [[String: Any]] ?? []
        XCTAssertEqual(listed.count, 1)
        XCTAssertEqual(try control("DELETE", "/faults").status, 204)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/commits").status, 200)
    }

    func testExactRouteAndMethodMatching() throws {
        try addFault(["route": "POST /2.0/repositories/acme/api/refs/branches$", "fault": "500", "count": -1])
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/refs/branches").status, 200, "GET is not POST")
        let post = try client.request("POST", "/2.0/repositories/acme/api/refs/branches", json: ["name": "z", "target": ["hash": "main"]])
        XCTAssertEqual(post.status, 500)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/refs/branches/main").status, 200)
        XCTAssertEqual(try control("POST", "/faults", json: ["route": "GET /x", "fault": "teapot"]).status, 400)
    }

    func testRequestLogRecordsAuthorizationAndResetClearsIt() throws {
        client.authorization = "Bearer test-token"
        _ = try client.get("/2.0/repositories/acme?pagelen=3&q=name~%22a%22")
        let requests = try control("GET", "/requests").json()["requests"] as? [[String: Any]] ?? []
        let last = try XCTUnwrap(requests.last)
        XCTAssertEqual(last["method"] as? String, "GET")
        XCTAssertEqual(last["path"] as? String, "/2.0/repositories/acme")
        XCTAssertEqual(last["status"] as? Int, 200)
        XCTAssertTrue((last["query"] as? String)?.contains("pagelen=3") == true)
        XCTAssertEqual((last["headers"] as? [String: Any])?["authorization"] as? String, "Bearer test-token")
        let seq = try XCTUnwrap(last["seq"] as? Int)
        XCTAssertEqual((try control("GET", "/requests?since=\(seq)").json()["requests"] as? [Any])?.count, 0)

        XCTAssertEqual(try client.request("POST", "/2.0/repositories/acme/api/refs/branches", json: ["name": "gone", "target": ["hash": "main"]]).status, 201)
        XCTAssertEqual(try control("POST", "/reset").status, 200)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/refs/branches/gone").status, 404, "reset restores the initial state")
        XCTAssertEqual((try control("GET", "/requests").json()["requests"] as? [Any])?.count, 1, "only the request after the reset")
    }
}

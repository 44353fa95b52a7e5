import Foundation
import XCTest
@testable import BBSTransport

final class ErrorTests: XCTestCase {
    func testUnauthorizedIsAnAuthErrorWithExitCode4() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(401, ["type": "error", "error": [
            "message": "Token is invalid, expired, or not supported for this endpoint.",
        ]], headers: [("WWW-Authenticate", #"Bearer realm="Bitbucket.org HTTP""#)])]])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "old-token-7d1"),
                                          retry: testRetryPolicy(SleepRecorder()))

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/user")) }

        XCTAssertEqual(error?.kind, .auth)
        XCTAssertEqual(error?.status, 401)
        XCTAssertEqual(error?.message, "Token is invalid, expired, or not supported for this endpoint.")
        XCTAssertEqual(error?.exitCode, 4)
        XCTAssertEqual(error?.retries, 0)
        XCTAssertEqual(api.requests.count, 1, "401 is never retried")
        await transport.shutdown()
    }

    func testEnvelopeWithStringDetailFieldsAndID() async throws {
        let envelope: [String: Any] = ["type": "error", "error": [
            "message": "Bad request",
            "fields": ["src": ["This field is required."]],
            "detail": "You must specify a valid source branch when creating a pull request.",
            "id": "d23a1cc5178f7637f3d9bf2d13824258",
        ]]
        let api = try ScriptedServer(routes: ["/2.0/repositories/acme/r/pullrequests": [.json(400, envelope)]])
        let transport = try makeTransport(api: api.apiBaseURL)

        let error = await expectTransportError {
            _ = try await transport.send(APIRequest(method: "POST", "/repositories/acme/r/pullrequests", body: Array("{}".utf8)))
        }

        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertEqual(error?.message, "Bad request")
        XCTAssertEqual(error?.detail, "You must specify a valid source branch when creating a pull request.")
        XCTAssertEqual(error?.fields, #"{"src":["This field is required."]}"#)
        XCTAssertEqual(error?.errorID, "d23a1cc5178f7637f3d9bf2d13824258")
        XCTAssertEqual(error?.exitCode, 1)
        let description = error.map { String(describing: $0) } ?? ""
        XCTAssertTrue(description.contains("HTTP 400"), description)
        XCTAssertTrue(description.contains("POST \(api.baseURL)/2.0/repositories/acme/r/pullrequests"), description)
        await transport.shutdown()
    }

    func testEnvelopeWithObjectDetailFromAScopeError() async throws {
        let envelope: [String: Any] = ["type": "error", "error": [
            "message": "Your credentials lack one or more required privilege scopes.",
            "detail": ["required": ["account"], "granted": ["team"]],
        ]]
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(403, envelope)]])
        let transport = try makeTransport(api: api.apiBaseURL)

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/user")) }

        XCTAssertEqual(error?.kind, .permission)
        XCTAssertEqual(error?.exitCode, 4)
        XCTAssertEqual(error?.message, "Your credentials lack one or more required privilege scopes.")
        XCTAssertEqual(error?.detail, #"{"granted":["team"],"required":["account"]}"#)
        await transport.shutdown()
    }

    func testPlainTextRateLimitBodyBecomesTheMessage() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [.text(429, "Rate limit for this resource has been exceeded\n")]])
        let transport = try makeTransport(api: api.apiBaseURL)

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/x")) }

        XCTAssertEqual(error?.kind, .rateLimited)
        XCTAssertEqual(error?.message, "Rate limit for this resource has been exceeded")
        XCTAssertNil(error?.detail)
        XCTAssertEqual(error?.exitCode, 5)
        await transport.shutdown()
    }

    func testHTMLErrorPageGivesAStatusMessage() async throws {
        let api = try ScriptedServer(routes: ["/2.0/x": [
            .text(500, "<html><body>oops</body></html>", headers: [("Content-Type", "text/html")]),
        ]])
        let transport = try makeTransport(api: api.apiBaseURL)

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/x")) }

        XCTAssertEqual(error?.kind, .server)
        XCTAssertEqual(error?.message, "HTTP 500 Internal Server Error")
        XCTAssertEqual(error?.exitCode, 1)
        await transport.shutdown()
    }

    func testErrorStatusIsReturnedWhenTheCallerAsksForIt() async throws {
        let api = try ScriptedServer(routes: ["/2.0/missing": [.json(404, ["type": "error", "error": ["message": "nope"]])]])
        let transport = try makeTransport(api: api.apiBaseURL)

        let response = try await transport.send(APIRequest("/missing", throwsOnHTTPError: false))

        XCTAssertEqual(response.status, 404)
        XCTAssertFalse(response.isSuccess)
        XCTAssertEqual((jsonObject(response.body)?["error"] as? [String: Any])?["message"] as? String, "nope")
        await transport.shutdown()
    }

    func testStatusKinds() {
        let expected: [Int: TransportError.Kind] = [
            400: .invalid, 401: .auth, 403: .permission, 404: .notFound, 405: .invalid, 409: .conflict,
            422: .invalid, 429: .rateLimited, 500: .server, 503: .server, 555: .server,
        ]
        for (status, kind) in expected {
            XCTAssertEqual(TransportError.kind(forStatus: status), kind, "\(status)")
        }
        XCTAssertEqual(TransportError.Kind.notFound.rawValue, "not_found")
        XCTAssertEqual(TransportError.Kind.rateLimited.rawValue, "rate_limited")
    }

    func testExitCodes() {
        func code(_ kind: TransportError.Kind, exhausted: Bool = false) -> Int32 {
            TransportError(kind: kind, message: "m", retriesExhausted: exhausted).exitCode
        }
        XCTAssertEqual(code(.auth), 4)
        XCTAssertEqual(code(.permission), 4)
        XCTAssertEqual(code(.network), 5)
        XCTAssertEqual(code(.timeout), 5)
        XCTAssertEqual(code(.rateLimited), 5)
        XCTAssertEqual(code(.server), 1)
        XCTAssertEqual(code(.server, exhausted: true), 5)
        XCTAssertEqual(code(.notFound), 1)
        XCTAssertEqual(code(.conflict), 1)
        XCTAssertEqual(code(.invalid), 1)
        XCTAssertEqual(code(.pagination), 1)
        XCTAssertEqual(code(.configuration), 1)
    }
}

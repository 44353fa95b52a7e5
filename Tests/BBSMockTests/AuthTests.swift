import Foundation
import XCTest

final class AuthTests: MockServerTestCase {
    func testMissingCredentialsGive401Envelope() throws {
        let anonymous = TestClient(baseURL: server.baseURL, token: nil)
        let result = try anonymous.get("/2.0/user")
        XCTAssertEqual(result.status, 401)
        let error = try result.json()
        XCTAssertEqual(error["type"] as? String, "error")
        XCTAssertNotNil((error["error"] as? [String: Any])?["message"] as? String)
        XCTAssertEqual(result.header("WWW-Authenticate"), "Basic realm=\"Bitbucket.org HTTP\"")
    }

    func testInvalidBearerAndBasicGive401() throws {
        let wrong = TestClient(baseURL: server.baseURL, token: "not-a-token")
        let bearer = try wrong.get("/2.0/repositories/acme")
        XCTAssertEqual(bearer.status, 401)
        XCTAssertEqual(
            (try bearer.json()["error"] as? [String: Any])?["message"] as? String,
            "Token is invalid, expired, or not supported for this endpoint.")
        wrong.authorization = TestClient.basic("x-token-auth", "wrong")
        XCTAssertEqual(try wrong.get("/2.0/repositories/acme").status, 401)
        wrong.authorization = "Digest abc"
        XCTAssertEqual(try wrong.get("/2.0/repositories/acme").status, 401)
    }

    func testAccessTokenWorksAsBearerAndAsGitStyleBasic() throws {
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api").status, 200)
        client.authorization = TestClient.basic("x-token-auth", "test-token")
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api").status, 200)
    }

    func testBasicUserIsItsOwnAccount() throws {
        client.authorization = TestClient.basic("dave@example.com", "app-secret")
        let user = try client.getJSON("/2.0/user")
        XCTAssertEqual(user["type"] as? String, "user")
        XCTAssertEqual(user["nickname"] as? String, "dave")
        client.authorization = TestClient.basic("dave@example.com", "wrong")
        XCTAssertEqual(try client.get("/2.0/user").status, 401)
    }

    func testTokenUserIsItsBot() throws {
        let user = try client.getJSON("/2.0/user")
        XCTAssertEqual(user["type"] as? String, "app_user")
        XCTAssertEqual(user["display_name"] as? String, "acme-bot")
    }

    func testMissingScopeGives403NamingRequiredAndGranted() throws {
        let readOnly = TestClient(baseURL: server.baseURL, token: "read-only")
        XCTAssertEqual(try readOnly.get("/2.0/repositories/acme/api/refs/branches").status, 200)
        let result = try readOnly.get("/2.0/repositories/acme/api/pullrequests")
        XCTAssertEqual(result.status, 403)
        let error = try result.json()["error"] as? [String: Any]
        XCTAssertEqual(error?["message"] as? String, "Your credentials lack one or more required privilege scopes.")
        let detail = error?["detail"] as? [String: Any]
        XCTAssertEqual(detail?["required"] as? [String], ["pullrequest"])
        XCTAssertEqual(detail?["granted"] as? [String], ["repository"])

        let write = try readOnly.request("POST", "/2.0/repositories/acme/api/refs/branches", json: ["name": "x", "target": ["hash": "main"]])
        XCTAssertEqual(write.status, 403)
        XCTAssertEqual(((try write.json()["error"] as? [String: Any])?["detail"] as? [String: Any])?["required"] as? [String], ["repository:write"])
    }

    func testScopeImplicationsFollowBitbucket() throws {
        // pullrequest:write implies pullrequest, repository:write and repository.
        let writer = TestClient(baseURL: server.baseURL, token: "pr-writer")
        XCTAssertEqual(try writer.get("/2.0/repositories/acme/api").status, 200)
        XCTAssertEqual(try writer.get("/2.0/repositories/acme/api/pullrequests").status, 200)
        let branch = try writer.request("POST", "/2.0/repositories/acme/api/refs/branches", json: ["name": "implied", "target": ["hash": "main"]])
        XCTAssertEqual(branch.status, 201)
        XCTAssertEqual(try writer.get("/2.0/repositories/acme/api/pipelines").status, 403)
    }

    func testAPITokenScopesDoNotImplyEachOther() throws {
        let apiStyle = TestClient(baseURL: server.baseURL, token: "api-style")
        XCTAssertEqual(try apiStyle.get("/2.0/repositories/acme/api").status, 200)
        let result = try apiStyle.request("POST", "/2.0/repositories/acme/api/refs/branches", json: ["name": "x", "target": ["hash": "main"]])
        XCTAssertEqual(result.status, 403)
        let detail = (try result.json()["error"] as? [String: Any])?["detail"] as? [String: Any]
        XCTAssertEqual(detail?["required"] as? [String], ["write:repository:bitbucket", "read:repository:bitbucket"])
    }

    func testPublicRepositoryReadsNeedNoCredentials() throws {
        let anonymous = TestClient(baseURL: server.baseURL, token: nil)
        XCTAssertEqual(try anonymous.get("/2.0/repositories/acme/web").status, 200)
        XCTAssertEqual(try anonymous.get("/2.0/repositories/acme/web/refs/branches").status, 200)
        // A private repository reads as missing without credentials, as on Bitbucket.
        let hidden = try anonymous.get("/2.0/repositories/acme/api")
        XCTAssertEqual(hidden.status, 404)
        let missing = try anonymous.get("/2.0/repositories/acme/no-such-repo")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(hidden.text, missing.text, "a private repository and a missing one look the same")
        let write = try anonymous.request("POST", "/2.0/repositories/acme/web/refs/branches", json: ["name": "x", "target": ["hash": "main"]])
        XCTAssertEqual(write.status, 401)
    }

    func testAccessTokenResponsesCarryRateLimitAndScopeHeaders() throws {
        let result = try client.get("/2.0/repositories/acme/api")
        XCTAssertEqual(result.header("X-RateLimit-Limit"), "1000")
        XCTAssertEqual(result.header("X-Accepted-OAuth-Scopes"), "repository")
    }
}

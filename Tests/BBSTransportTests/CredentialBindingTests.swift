import Foundation
import XCTest
@testable import BBSTransport

final class CredentialBindingTests: XCTestCase {
    func testBearerTokenIsSentToTheAPIOrigin() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, ["username": "bot"])]])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok-123"))

        let response = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 1)
        XCTAssertEqual(response.url, api.baseURL + "/2.0/user")
        XCTAssertEqual(jsonObject(response.body)?["username"] as? String, "bot")
        XCTAssertEqual(response.headers["CONTENT-TYPE"], "application/json")
        let request = try XCTUnwrap(api.requests.first)
        XCTAssertEqual(request.path, "/2.0/user")
        XCTAssertEqual(request.header("Authorization"), "Bearer tok-123")
        XCTAssertEqual(request.header("User-Agent"), "bbs/test")
        await transport.shutdown()
    }

    func testBasicCredentialIsSentToTheAPIOrigin() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, [:])]])
        let transport = try makeTransport(api: api.apiBaseURL,
                                          credential: .basic(username: "dev@example.com", password: "api-token"))

        _ = try await transport.send(APIRequest("user", query: [URLQueryItem(name: "fields", value: "+uuid")]))

        let request = try XCTUnwrap(api.requests.first)
        XCTAssertEqual(request.path, "/2.0/user?fields=%2Buuid")
        let expected = "Basic " + Data("dev@example.com:api-token".utf8).base64EncodedString()
        XCTAssertEqual(request.header("Authorization"), expected)
        await transport.shutdown()
    }

    func testAbsoluteURLOnAnotherOriginGetsNoCredential() async throws {
        let api = try ScriptedServer()
        let other = try ScriptedServer(routes: ["/data": [.json(200, ["ok": true])]])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok-123"))

        let response = try await transport.send(APIRequest(other.baseURL + "/data"))

        XCTAssertEqual(response.status, 200)
        XCTAssertNil(try XCTUnwrap(other.requests.first).header("Authorization"))
        XCTAssertTrue(api.requests.isEmpty)
        XCTAssertTrue(transport.credentialApplies(to: api.baseURL + "/2.0/x"))
        XCTAssertFalse(transport.credentialApplies(to: other.baseURL + "/2.0/x"),
                       "same host, other port: another origin")
        await transport.shutdown()
    }

    func testCrossOriginRedirectTargetNeverReceivesAuthorization() async throws {
        let other = try ScriptedServer(routes: ["/landing": [.json(200, ["landed": true])]])
        let api = try ScriptedServer(routes: ["/2.0/go": [.redirect(302, to: other.baseURL + "/landing")]])
        let trace = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok-123"), trace: trace)

        var request = APIRequest("/go")
        request.headers.add("Cookie", "session=abc")
        request.headers.add("X-Custom", "kept")
        let response = try await transport.send(request)

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.url, other.baseURL + "/landing")
        XCTAssertEqual(try XCTUnwrap(api.requests.first).header("Authorization"), "Bearer tok-123")
        let landed = try XCTUnwrap(other.requests.first)
        XCTAssertNil(landed.header("Authorization"))
        XCTAssertNil(landed.header("Cookie"), "script-set credentials are dropped across origins too")
        XCTAssertEqual(landed.header("X-Custom"), "kept")
        XCTAssertTrue(trace.text.contains("← 302 GET \(api.baseURL)/2.0/go"), trace.text)
        await transport.shutdown()
    }

    func testSameOriginRelativeRedirectKeepsTheCredential() async throws {
        let api = try ScriptedServer(routes: [
            "/2.0/old": [.redirect(301, to: "/2.0/new")],
            "/2.0/new": [.json(200, ["moved": true])],
        ])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok-123"))

        let response = try await transport.send(APIRequest("/old"))

        XCTAssertEqual(response.url, api.baseURL + "/2.0/new")
        XCTAssertEqual(api.requests.map(\.path), ["/2.0/old", "/2.0/new"])
        XCTAssertEqual(api.requests.last?.header("Authorization"), "Bearer tok-123")
        await transport.shutdown()
    }

    func testSeeOtherAfterPostBecomesGetWithoutBody() async throws {
        let api = try ScriptedServer(routes: [
            "/2.0/things": [.redirect(303, to: "{self}/2.0/things/1")],
            "/2.0/things/1": [.json(200, ["id": 1])],
        ])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "t0k"))

        let response = try await transport.send(APIRequest(method: "POST", "/things", body: Array(#"{"a":1}"#.utf8)))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(api.requests.map(\.method), ["POST", "GET"])
        XCTAssertEqual(api.requests.last?.body, "")
        await transport.shutdown()
    }

    func testCredentialIsNeverSentOverPlainHTTPToANonLoopbackHost() async throws {
        let transport = try makeTransport(api: URL(string: "http://bitbucket.example.invalid/2.0")!,
                                          credential: .bearer(token: "tok-123"))

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/user")) }

        XCTAssertEqual(error?.kind, .configuration)
        XCTAssertTrue(error?.message.contains("plain http") ?? false, error?.message ?? "")
        await transport.shutdown()
    }

    func testGitUsernamesFollowTheCredentialKind() {
        XCTAssertEqual(Credential.bearer(token: "t").gitUsername, "x-token-auth")
        XCTAssertEqual(Credential.basic(username: "dev@example.com", password: "p").gitUsername,
                       "x-bitbucket-api-token-auth")
        XCTAssertEqual(Credential.basic(username: "jdoe", password: "p").gitUsername, "jdoe")
        XCTAssertEqual(Credential.basic(username: "jdoe", password: "p").gitPassword, "p")
    }

    func testPrintingACredentialShowsNoSecret() {
        let credential = Credential.basic(username: "jdoe", password: "hunter2-secret")
        for text in [String(describing: credential), String(reflecting: credential), "\(credential)"] {
            XCTAssertFalse(text.contains("hunter2-secret"), text)
        }
        var dumped = ""
        dump(credential, to: &dumped)
        XCTAssertFalse(dumped.contains("hunter2-secret"), dumped)
    }

    func testRelativeTargetsAreAppendedToTheAPIBasePath() throws {
        let transport = try makeTransport(api: URL(string: "https://api.bitbucket.org/2.0/")!)
        XCTAssertEqual(try transport.url(for: APIRequest("/user")), "https://api.bitbucket.org/2.0/user")
        XCTAssertEqual(try transport.url(for: APIRequest("repositories/acme",
                                                         query: [URLQueryItem(name: "q", value: #"project.key="CORE""#),
                                                                 URLQueryItem(name: "pagelen", value: "100")])),
                       "https://api.bitbucket.org/2.0/repositories/acme?q=project.key%3D%22CORE%22&pagelen=100")
        XCTAssertEqual(try transport.url(for: APIRequest("https://api.bitbucket.org/2.0/x?page=2",
                                                         query: [URLQueryItem(name: "a", value: "b c")])),
                       "https://api.bitbucket.org/2.0/x?page=2&a=b%20c")
        XCTAssertThrowsError(try transport.url(for: APIRequest("ftp://example.com/file")))
    }
}

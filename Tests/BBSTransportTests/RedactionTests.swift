import Foundation
import XCTest
@testable import BBSTransport

final class RedactionTests: XCTestCase {
    /// Characters that change under percent- and base64-encoding, so every form differs from the raw one.
    let canary = "CANARY-9f3e/a+b=c d"

    func everyForm(of secret: String, user: String) -> [String] {
        let strict = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let percent = secret.addingPercentEncoding(withAllowedCharacters: strict)!
        return [
            secret,
            percent,
            lowercasedEscapes(percent),
            percent.replacingOccurrences(of: "%20", with: "+"),
            secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!,
            Data(secret.utf8).base64EncodedString(),
            Data("\(user):\(secret)".utf8).base64EncodedString(),
            Data("x-token-auth:\(secret)".utf8).base64EncodedString(),
        ]
    }

    func lowercasedEscapes(_ text: String) -> String {
        var result = ""
        var hexDigitsLeft = 0
        for character in text {
            result += hexDigitsLeft > 0 ? character.lowercased() : String(character)
            hexDigitsLeft = character == "%" ? 2 : max(0, hexDigitsLeft - 1)
        }
        return result
    }

    func testRedactorMasksRawPercentEncodedAndBase64Forms() {
        let redactor = Redactor()
        redactor.register(canary, usernames: ["jdoe"])

        for form in everyForm(of: canary, user: "jdoe") {
            let redacted = redactor.redact("before \(form) after")
            XCTAssertEqual(redacted, "before *** after", "form \(form)")
        }
        XCTAssertEqual(redactor.redact("nothing secret"), "nothing secret")
    }

    func testRegisteringACredentialCoversItsBasicHeader() {
        let redactor = Redactor()
        redactor.register(Credential.basic(username: "dev@example.com", password: canary))
        let header = "Basic " + Data("dev@example.com:\(canary)".utf8).base64EncodedString()
        XCTAssertEqual(redactor.redact("Authorization: \(header)"), "Authorization: Basic ***")
    }

    /// A short secret is masked only as a whole token: "ro" must not turn "error" into "er***r".
    func testShortSecretsAreMaskedOnlyAsWholeTokens() {
        let redactor = Redactor()
        redactor.register("ro")
        XCTAssertEqual(redactor.redact("error: ro was refused (ro), around ro."), "error: *** was refused (***), around ***.")
        XCTAssertEqual(redactor.redact("ro"), "***")
        XCTAssertEqual(redactor.redact("roro ro_x xro"), "roro ro_x xro")
        XCTAssertTrue(redactor.containsSecret("token=ro"))
        XCTAssertFalse(redactor.containsSecret("error"))
        // From 8 characters on, a secret is masked wherever it appears.
        redactor.register("longer12")
        XCTAssertEqual(redactor.redact("xlonger12x"), "x***x")
    }

    func testEmptySecretsAreIgnored() {
        let redactor = Redactor()
        redactor.register("")
        XCTAssertFalse(redactor.hasSecrets)
        XCTAssertEqual(redactor.redact("text"), "text")
    }

    func testCanaryTokenAppearsNowhereInTraceOrErrors() async throws {
        let encoded = canary.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let basic = Data("x-token-auth:\(canary)".utf8).base64EncodedString()
        let other = try ScriptedServer(routes: ["/leak": [.json(400, ["type": "error", "error": [
            "message": "token \(canary) rejected",
            "detail": "header was Basic \(basic)",
            "fields": ["token": [encoded]],
        ]])]])
        let api = try ScriptedServer(routes: [
            "/2.0/user": [.json(200, ["ok": true], headers: [("X-Echo", canary)])],
            "/2.0/bounce": [.redirect(302, to: other.baseURL + "/leak?token=\(encoded)")],
        ])
        let trace = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: canary), trace: trace)

        _ = try await transport.send(APIRequest("/user", query: [URLQueryItem(name: "access_token", value: canary)]))
        let error = await expectTransportError { _ = try await transport.send(APIRequest("/bounce")) }
        let unreachable = await expectTransportError {
            _ = try await transport.send(APIRequest("http://127.0.0.1:\(unusedLoopbackPort())/\(encoded)"))
        }

        XCTAssertEqual(api.requests.first?.header("Authorization"), "Bearer \(canary)", "the server does get the token")
        let everything = [trace.text, String(describing: error!), error!.message, error!.detail ?? "", error!.fields ?? "",
                          error!.url ?? "", String(describing: unreachable!)].joined(separator: "\n")
        XCTAssertTrue(trace.text.contains("authorization: Bearer ***"), trace.text)
        XCTAssertTrue(error!.message.contains("***"), error!.message)
        for form in everyForm(of: canary, user: "x-token-auth") + ["CANARY", encoded] {
            XCTAssertFalse(everything.contains(form), "'\(form)' leaked into:\n\(everything)")
        }
        await transport.shutdown()
    }

    func testTraceHasOneLinePerRequestAndResponse() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, [:], headers: [
            ("X-RateLimit-Limit", "1000"), ("X-RateLimit-Resource", "api"),
        ])]])
        let trace = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, credential: .basic(username: "u", password: "pw-secret"),
                                          trace: trace)

        _ = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(trace.lines.count, 2, trace.text)
        XCTAssertEqual(trace.lines.first, "→ GET \(api.baseURL)/2.0/user authorization: Basic ***")
        let responseLine = trace.lines.last ?? ""
        XCTAssertTrue(responseLine.hasPrefix("← 200 GET \(api.baseURL)/2.0/user "), responseLine)
        XCTAssertNotNil(responseLine.range(of: #" \d+ms "#, options: .regularExpression), responseLine)
        XCTAssertTrue(responseLine.hasSuffix("x-ratelimit-limit: 1000 x-ratelimit-resource: api"), responseLine)
        await transport.shutdown()
    }

    func testProxyPasswordIsRedacted() throws {
        let proxy = try ProxySettings(environment: ["HTTPS_PROXY": "http://proxyuser:pr0xy-pass@127.0.0.1:3128"])
        let transport = try makeTransport(api: URL(string: "https://api.bitbucket.org/2.0")!, proxy: proxy)
        XCTAssertEqual(transport.redactor.redact("pw=pr0xy-pass"), "pw=***")
    }
}

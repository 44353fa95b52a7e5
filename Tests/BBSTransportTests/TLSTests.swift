import Foundation
import XCTest
@testable import BBSTransport

/// TLS against a python `ssl` server whose certificate is signed by a CA made with openssl.
final class TLSTests: XCTestCase {
    func testTheExtraCAFileIsTrusted() async throws {
        let certificates = try TestCertificates.make()
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, ["secure": true])]], tls: certificates)
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok"),
                                          caFile: certificates.caCertificate)

        let response = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(jsonObject(response.body)?["secure"] as? Bool, true)
        XCTAssertEqual(api.requests.first?.header("Authorization"), "Bearer tok")
        await transport.shutdown()
    }

    func testWithoutTheCAFileTheServerIsRejectedAndNotRetried() async throws {
        let certificates = try TestCertificates.make()
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, [:])]], tls: certificates)
        let sleeps = SleepRecorder()
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok"),
                                          retry: testRetryPolicy(sleeps))

        let error = await expectTransportError { _ = try await transport.send(APIRequest("/user")) }

        XCTAssertEqual(error?.kind, .network)
        XCTAssertTrue(error?.message.contains("TLS") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("--ca-file") ?? false, error?.message ?? "")
        XCTAssertTrue(sleeps.sleeps.isEmpty, "a rejected certificate will not change on retry")
        XCTAssertTrue(api.requests.isEmpty, "no request is written before the handshake succeeds")
        await transport.shutdown()
    }

    func testAMissingOrInvalidCAFileIsAConfigurationError() throws {
        let directory = try TemporaryDirectory()
        try "not a certificate".write(toFile: directory.path("bad.pem"), atomically: true, encoding: .utf8)
        for path in [directory.path("absent.pem"), directory.path("bad.pem")] {
            XCTAssertThrowsError(try makeTransport(api: URL(string: "https://api.bitbucket.org/2.0")!, caFile: path)) { error in
                XCTAssertEqual((error as? TransportError)?.kind, .configuration, "\(error)")
            }
        }
    }
}

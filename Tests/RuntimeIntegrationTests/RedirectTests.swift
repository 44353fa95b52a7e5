// A credential never follows a redirect to another origin: the real bbs binary is pointed
// at a scripted API server on 127.0.0.1 that redirects to a second server on another port
// (another origin), which records the headers it receives.

import Foundation
import XCTest

final class RedirectTests: RuntimeTestCase {
    private let servers = FixtureServers()

    override func tearDown() {
        servers.stopAll()
        super.tearDown()
    }

    func testAuthorizationDoesNotFollowACrossOriginRedirect() throws {
        let other = try servers.scripted(routes: #"{"default": {"status": 200, "body": {"landed": true}}}"#)
        let api = try servers.scripted(routes: """
        {"routes": {
           "/2.0/elsewhere": [{"status": 302, "headers": [["Location", "\(other.base)/landing"]]}],
           "/2.0/here": [{"status": 302, "headers": [["Location", "{self}/2.0/target"]]}],
           "/2.0/target": [{"status": 200, "body": {"landed": true}}]
         },
         "default": {"status": 404, "body": {"type": "error", "error": {"message": "no route"}}}}
        """)
        let r = try bbs("""
        print(api.get("/elsewhere").landed)
        print(api.get("/here").landed)
        """, env: ["BBS_API_URL": api.base + "/2.0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "true\ntrue\n")

        let otherLog = try String(contentsOfFile: other.log, encoding: .utf8)
        XCTAssertTrue(otherLog.contains("/landing"), "the redirect was not followed: \(otherLog)")
        XCTAssertFalse(otherLog.lowercased().contains("authorization"), "credential sent to another origin: \(otherLog)")
        XCTAssertFalse(otherLog.contains(Self.canary))

        // Same-origin redirects keep the credential (the positive control).
        let apiLog = try String(contentsOfFile: api.log, encoding: .utf8)
        let target = apiLog.split(separator: "\n").first { $0.contains("\"/2.0/target\"") } ?? ""
        XCTAssertTrue(target.contains("Bearer"), "same-origin redirect lost the credential: \(apiLog)")
    }
}

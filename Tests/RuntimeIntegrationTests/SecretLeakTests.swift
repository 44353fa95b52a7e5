// Where a secret may go, end to end (issue 10): the real bbs binary, the real bbs-mock, and a
// recorder server on another loopback port (another origin) that must never see the canary, by
// URL, by redirect, by custom header, by body or through a proxy. Each test also has a positive
// control, so a recorder that records nothing cannot make it pass.

import Foundation
import XCTest

final class SecretLeakTests: RuntimeTestCase {
    private let servers = FixtureServers()

    override func tearDown() {
        servers.stopAll()
        super.tearDown()
    }

    private func recorder() throws -> (base: String, log: String) {
        try servers.scripted(routes: #"{"default": {"status": 200, "body": {"recorded": true}}}"#)
    }

    private func recorded(_ log: String) -> [String] {
        FixtureServers.read(log).split(separator: "\n").map(String.init)
    }

    func testCanaryNeverReachesAnotherOriginByURLHeaderOrBody() throws {
        let rec = try recorder()
        let r = try bbs("""
            let t = env("BITBUCKET_TOKEN")
            fn attempt(f) {
              try { f(); print("sent") } catch e { print(e.kind) }
            }
            attempt(() => api.request({url: "\(rec.base)/by-query", query: {token: t}}))
            attempt(() => api.get("\(rec.base)/by-url?token=" + t))
            attempt(() => api.request({url: "\(rec.base)/by-header", headers: {"X-Api-Key": t}}))
            attempt(() => api.request({url: "\(rec.base)/by-auth", headers: {"Authorization": "Bearer ${t}"}}))
            attempt(() => api.post("\(rec.base)/by-body", {value: t}))
            attempt(() => api.put("\(rec.base)/by-text", "token=${t}"))
            attempt(() => api.request({url: "\(rec.base)/control", headers: {"X-Plain": "visible"}}))
            """)
        XCTAssertEqual(r.stdout, "secret\ntype\nsecret\nsecret\nsecret\nsecret\nsent\n", r.stderr)
        let seen = recorded(rec.log)
        XCTAssertEqual(seen.count, 1, "only the control request may arrive: \(seen)")
        XCTAssertTrue(seen.first?.contains("/control") == true && seen.first?.contains("visible") == true, "\(seen)")
        assertNoSecrets(seen.joined(separator: "\n"))
    }

    func testAGrantedOriginGetsTheRealValueOfThatSecretOnly() throws {
        let rec = try recorder()
        let r = try bbs("""
            let npm = token.env("NPM_TOKEN", {hosts: ["\(rec.base)"]})
            print(api.request({url: "\(rec.base)/granted", headers: {"X-Api-Key": npm}}).status)
            let other = token.env("OTHER_TOKEN")
            auth.allow(other, ["\(rec.base)"])
            print(api.request({method: "POST", url: "\(rec.base)/allowed", body: {v: "x-${other}"}}).status)
            try { api.request({url: "\(rec.base)/bitbucket", headers: {"X-Api-Key": env("BITBUCKET_TOKEN")}}) } catch e { print(e.kind) }
            print(npm, other)
            """, env: ["NPM_TOKEN": "npm-secret-value-1234", "OTHER_TOKEN": "other-secret-value-5678"])
        XCTAssertEqual(r.stdout, "200\n200\nsecret\n*** ***\n", r.stderr)
        let seen = recorded(rec.log)
        XCTAssertEqual(seen.count, 2, "\(seen)")
        XCTAssertTrue(seen[0].contains("npm-secret-value-1234"), "the granted header lost its real value: \(seen[0])")
        XCTAssertTrue(seen[1].contains("x-other-secret-value-5678"), "the granted body lost its real value: \(seen[1])")
        assertNoSecrets(seen.joined(separator: "\n"))
        XCTAssertFalse(r.all.contains("npm-secret-value-1234") || r.all.contains("other-secret-value-5678"), r.all)
    }

    func testSecretsDoNotFollowARedirectToAnotherOrigin() throws {
        let rec = try recorder()
        let api = try servers.scripted(routes: """
            {"routes": {"/2.0/hop": [{"status": 307, "headers": [["Location", "\(rec.base)/landing"]]}]},
             "default": {"status": 200, "body": {}}}
            """)
        let r = try bbs("""
            let t = env("BITBUCKET_TOKEN")
            print(api.request({path: "/hop", headers: {"X-Api-Key": t, "X-Deploy": "Key ${t}", "X-Plain": "visible"}}).status)
            try { api.request({method: "POST", path: "/hop", body: {value: t}}) } catch e { print(e.kind, e.message) }
            """, env: ["BBS_API_URL": api.base + "/2.0"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "200", r.all)
        XCTAssertTrue(lines.count == 2 && lines[1].contains("refusing to follow a redirect to another origin (\(rec.base))"), r.all)
        let seen = recorded(rec.log)
        XCTAssertEqual(seen.count, 1, "the GET lands, the POST with a secret body does not: \(seen)")
        XCTAssertTrue(seen.first?.contains("visible") == true, "the redirect was not followed: \(seen)")
        XCTAssertFalse(seen.joined().lowercased().contains("x-api-key") || seen.joined().lowercased().contains("x-deploy"), "\(seen)")
        assertNoSecrets(seen.joined(separator: "\n"))
        // The API server itself got the real values (the positive control).
        let apiSeen = FixtureServers.read(api.log)
        XCTAssertTrue(apiSeen.contains("Key \(Self.canary)"), apiSeen)
        XCTAssertTrue(apiSeen.contains(#"value\":\""# + Self.canary), apiSeen)
    }

    /// A secret transformed by a string method is not the registered text, yet the trace masks it.
    func testTraceMasksTextBuiltFromASecret() throws {
        let r = try bbs("""
            let k = token.env("KEY")
            api.request({path: "/user", headers: {"X-Key": k.upper(), "X-Raw": "v=${k}"}})
            print(k.upper(), "v=${k}")
            """, flags: ["--trace"], env: ["KEY": "deploy-key-abcdefgh"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout, "*** v=***\n")
        XCTAssertTrue(r.stderr.contains("x-key: ***") && r.stderr.contains("x-raw: v=***"), r.stderr)
        XCTAssertFalse(r.all.contains("DEPLOY-KEY-ABCDEFGH") || r.all.contains("deploy-key-abcdefgh"), r.all)
    }

    /// A proxy off this machine would read a plain-http request in clear text, whatever its kind.
    func testNoSecretGoesThroughAPlainHTTPProxyOffThisMachine() throws {
        let hostAddresses = Shell.run("/bin/hostname", ["-I"]).stdout.split(separator: " ").map(String.init)
        guard let address = hostAddresses.first(where: { $0.contains(".") && !$0.hasPrefix("127.") }) else {
            throw XCTSkip("this machine has no IPv4 address besides loopback to reach a proxy by")
        }
        let proxy = try servers.proxy(bind: "0.0.0.0")
        let viaProxy = ["HTTP_PROXY": "http://\(address):\(proxy.port)"]
        let refused = try bbs("api.get(\"/repositories/acme/api\")", env: viaProxy)
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("refusing to send a secret in clear text through the proxy \(address):\(proxy.port)"), refused.stderr)
        let granted = try bbs("""
            let k = token.env("KEY")
            try { api.request({url: "\(mock.base)/x", headers: {"X-Key": k}}) } catch e { print(e.kind) }
            """, env: viaProxy.merging(["KEY": "proxy-secret-value-42"]) { a, _ in a }, token: nil)
        XCTAssertEqual(granted.stdout, "configuration\n", granted.all)
        XCTAssertEqual(FixtureServers.read(proxy.log), "", "the proxy saw a request carrying a secret")
        // Without a secret the same request goes through that proxy (the positive control).
        let plain = try bbs("print(api.request({path: \"/repositories/acme/api\"}).status > 0)", env: viaProxy, token: nil)
        XCTAssertEqual(plain.stdout, "true\n", plain.all)
        let seen = FixtureServers.read(proxy.log)
        XCTAssertFalse(seen.isEmpty, "the request did not go through the proxy")
        assertNoSecrets(seen)
        XCTAssertFalse(seen.contains("proxy-secret-value-42"))
    }
}

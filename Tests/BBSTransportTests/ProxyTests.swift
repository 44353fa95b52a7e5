import Foundation
import XCTest
@testable import BBSTransport

final class NoProxyRulesTests: XCTestCase {
    func testStarBypassesEverything() {
        XCTAssertTrue(NoProxyRules("*").matches(host: "api.bitbucket.org", port: 443))
        XCTAssertTrue(NoProxyRules(" * ").matches(host: "10.1.2.3", port: 80))
    }

    func testDomainEntriesMatchTheHostAndItsSubdomains() {
        for entry in ["bitbucket.org", ".bitbucket.org", "*.bitbucket.org", "BitBucket.ORG"] {
            let rules = NoProxyRules(entry)
            XCTAssertTrue(rules.matches(host: "bitbucket.org", port: 443), entry)
            XCTAssertTrue(rules.matches(host: "api.bitbucket.org", port: 443), entry)
            XCTAssertTrue(rules.matches(host: "API.Bitbucket.org.", port: 443), "case and trailing dot: \(entry)")
            XCTAssertFalse(rules.matches(host: "notbitbucket.org", port: 443), entry)
            XCTAssertFalse(rules.matches(host: "bitbucket.org.evil.example", port: 443), entry)
        }
    }

    func testListsWithSpacesAndEmptyEntries() {
        let rules = NoProxyRules("internal.example, ,localhost  127.0.0.1,")
        XCTAssertTrue(rules.matches(host: "git.internal.example", port: 443))
        XCTAssertTrue(rules.matches(host: "localhost", port: 8080))
        XCTAssertTrue(rules.matches(host: "127.0.0.1", port: 8080))
        XCTAssertFalse(rules.matches(host: "127.0.0.2", port: 8080))
        XCTAssertFalse(rules.matches(host: "api.bitbucket.org", port: 443))
    }

    func testLoopbackIsNotBypassedImplicitly() {
        XCTAssertFalse(NoProxyRules("").matches(host: "127.0.0.1", port: 80))
        XCTAssertFalse(NoProxyRules("").matches(host: "localhost", port: 80))
        XCTAssertTrue(NoProxyRules("").isEmpty)
    }

    func testIPAddressesMatchExactlyNotBySuffix() {
        let rules = NoProxyRules("0.0.1,192.168.1.10")
        XCTAssertFalse(rules.matches(host: "10.0.0.1", port: 80))
        XCTAssertTrue(rules.matches(host: "192.168.1.10", port: 80))
        XCTAssertFalse(rules.matches(host: "192.168.1.100", port: 80))
    }

    func testCIDRRanges() {
        let rules = NoProxyRules("127.0.0.0/8,10.20.0.0/16,fd00::/8")
        XCTAssertTrue(rules.matches(host: "127.1.2.3", port: 80))
        XCTAssertTrue(rules.matches(host: "10.20.255.1", port: 80))
        XCTAssertFalse(rules.matches(host: "10.21.0.1", port: 80))
        XCTAssertFalse(rules.matches(host: "128.0.0.1", port: 80))
        XCTAssertTrue(rules.matches(host: "[fd12::1]", port: 443))
        XCTAssertFalse(rules.matches(host: "fe80::1", port: 443))
        XCTAssertFalse(rules.matches(host: "localhost", port: 80), "a name is not in an address range")
    }

    func testIPv6Entries() {
        XCTAssertTrue(NoProxyRules("::1").matches(host: "[::1]", port: 80))
        XCTAssertTrue(NoProxyRules("[::1]").matches(host: "::1", port: 80))
        XCTAssertTrue(NoProxyRules("0:0::1").matches(host: "::1", port: 80), "compared as addresses")
        let withPort = NoProxyRules("[::1]:8080")
        XCTAssertTrue(withPort.matches(host: "::1", port: 8080))
        XCTAssertFalse(withPort.matches(host: "::1", port: 8081))
    }

    func testEntriesWithAPortMatchOnlyThatPort() {
        let rules = NoProxyRules("example.com:8443,127.0.0.1:9000")
        XCTAssertTrue(rules.matches(host: "example.com", port: 8443))
        XCTAssertTrue(rules.matches(host: "api.example.com", port: 8443))
        XCTAssertFalse(rules.matches(host: "example.com", port: 443))
        XCTAssertTrue(rules.matches(host: "127.0.0.1", port: 9000))
        XCTAssertFalse(rules.matches(host: "127.0.0.1", port: 9001))
    }
}

final class ProxySettingsTests: XCTestCase {
    func testLowerCaseWinsAndAllProxyIsTheFallback() throws {
        let settings = try ProxySettings(environment: [
            "https_proxy": "http://lower:3128", "HTTPS_PROXY": "http://upper:3128",
            "ALL_PROXY": "http://fallback:8080", "NO_PROXY": "internal.example",
        ])
        XCTAssertEqual(settings.httpsProxy?.host, "lower")
        XCTAssertEqual(settings.httpProxy?.host, "fallback")
        XCTAssertEqual(settings.proxy(scheme: "https", host: "api.bitbucket.org", port: 443)?.host, "lower")
        XCTAssertEqual(settings.proxy(scheme: "http", host: "example.com", port: 80)?.host, "fallback")
        XCTAssertNil(settings.proxy(scheme: "https", host: "git.internal.example", port: 443))
    }

    func testUpperCaseHTTPProxyIsHonoured() throws {
        let settings = try ProxySettings(environment: ["HTTP_PROXY": "127.0.0.1:8888", "HTTPS_PROXY": ""])
        XCTAssertEqual(settings.httpProxy, ProxyServer(host: "127.0.0.1", port: 8888))
        XCTAssertNil(settings.httpsProxy, "an empty variable is unset")
    }

    func testProxyAddressForms() throws {
        XCTAssertEqual(try ProxyServer(parsing: "proxy.corp"), ProxyServer(host: "proxy.corp", port: 1080))
        XCTAssertEqual(try ProxyServer(parsing: "http://proxy.corp:3128/"), ProxyServer(host: "proxy.corp", port: 3128))
        XCTAssertEqual(try ProxyServer(parsing: "socks5h://127.0.0.1:9050").kind, .socks5)
        XCTAssertEqual(try ProxyServer(parsing: "http://[::1]:3128").host, "::1")
        let withCredentials = try ProxyServer(parsing: "http://me:p%40ss@proxy.corp:3128")
        XCTAssertEqual(withCredentials.username, "me")
        XCTAssertEqual(withCredentials.password, "p@ss")
        XCTAssertEqual(withCredentials.description, "http://proxy.corp:3128")
        XCTAssertThrowsError(try ProxyServer(parsing: "https://proxy.corp:443")) { error in
            XCTAssertEqual((error as? TransportError)?.kind, .configuration)
        }
        XCTAssertThrowsError(try ProxyServer(parsing: "ftp://me:secret@proxy.corp")) { error in
            XCTAssertFalse(String(describing: error).contains("secret"), "\(error)")
        }
    }
}

final class ProxyIntegrationTests: XCTestCase {
    /// AsyncHTTPClient tunnels with CONNECT even to plain-http targets.
    func testPlainHTTPRequestsGoThroughHTTPProxy() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, ["via": "proxy"])]])
        let proxy = try ForwardProxy()
        let settings = try ProxySettings(environment: ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok"), proxy: settings)

        let response = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(proxy.requestLines, ["CONNECT 127.0.0.1:\(URL(string: api.baseURL)!.port!)"])
        XCTAssertEqual(api.requests.first?.header("Authorization"), "Bearer tok")
        await transport.shutdown()
    }

    func testNoProxyBypassesTheProxy() async throws {
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, [:])]])
        let proxy = try ForwardProxy()
        let settings = try ProxySettings(environment: ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)",
                                                       "NO_PROXY": "localhost,127.0.0.1"])
        let transport = try makeTransport(api: api.apiBaseURL, proxy: settings)

        _ = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(api.requests.count, 1)
        XCTAssertTrue(proxy.requestLines.isEmpty, "\(proxy.requestLines)")
        await transport.shutdown()
    }

    func testHTTPSRequestsTunnelThroughTheProxyWithConnect() async throws {
        let certificates = try TestCertificates.make()
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, ["tls": true])]], tls: certificates)
        let proxy = try ForwardProxy()
        let settings = try ProxySettings(environment: ["HTTPS_PROXY": "http://127.0.0.1:\(proxy.port)"])
        let transport = try makeTransport(api: api.apiBaseURL, credential: .bearer(token: "tok"),
                                          caFile: certificates.caCertificate, proxy: settings)

        let response = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(response.status, 200)
        let port = URL(string: api.baseURL)!.port!
        XCTAssertEqual(proxy.requestLines, ["CONNECT 127.0.0.1:\(port)"])
        XCTAssertEqual(api.requests.first?.header("Authorization"), "Bearer tok", "inside the tunnel, end to end")
        await transport.shutdown()
    }

    func testTinyproxyForwardsTheRequest() async throws {
        let tinyproxy = try Tools.require(Tools.tinyproxy, "tinyproxy")
        let api = try ScriptedServer(routes: ["/2.0/user": [.json(200, [:])]])
        let directory = try TemporaryDirectory()
        let port = unusedLoopbackPort()
        let config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            Allow 127.0.0.1
            LogFile "\(directory.path("tinyproxy.log"))"
            LogLevel Info
            MaxClients 10
            """
        try config.write(toFile: directory.path("tinyproxy.conf"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tinyproxy)
        process.arguments = ["-d", "-c", directory.path("tinyproxy.conf")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try await waitUntilListening(port: port)
        let settings = try ProxySettings(environment: ["http_proxy": "127.0.0.1:\(port)"])
        let transport = try makeTransport(api: api.apiBaseURL, proxy: settings)

        let response = try await transport.send(APIRequest("/user"))

        XCTAssertEqual(response.status, 200)
        let log = (try? String(contentsOfFile: directory.path("tinyproxy.log"), encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("CONNECT 127.0.0.1:\(URL(string: api.baseURL)!.port!)"), log)
        await transport.shutdown()
    }

    private func waitUntilListening(port: Int) async throws {
        for _ in 0..<100 {
            if isListening(port: port) { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw XCTSkip("tinyproxy did not start listening on 127.0.0.1:\(port)")
    }
}

import Foundation
import XCTest
@testable import BBSTransport

/// A request reaches exactly the resource its path names, and the trace shows the exact text the
/// server receives.
final class RequestTargetTests: XCTestCase {
    private func problem(_ path: String, query: Bool = false) -> PathProblem? {
        RequestTarget.problem(in: Substring(path), hasQueryMap: query)
    }

    func testPathsThatWouldReachSomethingElseAreRefused() {
        XCTAssertEqual(problem("/r/refs/branches/hot#1"), .fragment(sentPath: "/r/refs/branches/hot"))
        XCTAssertEqual(problem("/r/refs/branches/what?", query: true), .questionMarkWithQueryMap)
        XCTAssertNil(problem("/r/refs/branches?pagelen=1"), "a '?' without a query map is the query")
        XCTAssertEqual(problem("/r/a b"), .whitespace(" "))
        XCTAssertEqual(problem("/r/a\u{00A0}b"), .whitespace("\u{00A0}"))
        XCTAssertEqual(problem("/r/a\u{7F}"), .control("\u{7F}"))
        XCTAssertEqual(problem("/r/x/../y"), .dotSegment("..", resolvedPath: "/r/y"))
        XCTAssertEqual(problem("/r/./y"), .dotSegment(".", resolvedPath: "/r/y"))
        XCTAssertEqual(problem("/r/%2E%2e/y"), .dotSegment("%2E%2e", resolvedPath: "/y"))
        XCTAssertEqual(problem("/r/100%"), .badPercent("%"))
        XCTAssertEqual(problem("/r/%4"), .badPercent("%4"))
        XCTAssertEqual(problem("/r/%g1x"), .badPercent("%g1"))
        XCTAssertNil(problem("/r/feature/x%2Fy/%7Bu%7D/..x/a.b"))
    }

    func testTheWireTextEscapesOnlyWhatAURLCannotCarry() throws {
        func wire(_ s: String) throws -> String { try RequestTarget.wireText(Substring(s), hasQueryMap: false) }
        XCTAssertEqual(try wire("/r/café/{u}/a|b\"c"), "/r/caf%C3%A9/%7Bu%7D/a%7Cb%22c")
        XCTAssertEqual(try wire("/r/x:y@z!$&'()*+,;=~"), "/r/x:y@z!$&'()*+,;=~")
        XCTAssertEqual(try wire("/r?q=[1]&b=/?"), "/r?q=%5B1%5D&b=/?")
        XCTAssertThrowsError(try wire("/r/hot#1")) { error in
            let e = error as! TransportError
            XCTAssertEqual(e.kind, .invalid)
            XCTAssertEqual(e.pathProblem, .fragment(sentPath: "/r/hot"))
        }
    }

    /// What the trace shows is what reaches the server, byte for byte, for relative paths and
    /// absolute URLs alike; and a refused path sends nothing.
    func testTheTraceShowsExactlyWhatTheServerReceives() async throws {
        let api = try ScriptedServer(routes: [:])
        defer { api.stop() }
        let trace = LineCollector()
        let transport = try makeTransport(api: api.apiBaseURL, trace: trace)
        let targets = ["/repositories/acme/api/refs/branches/hot%231", "/r/café/{x}", api.baseURL + "/2.0/a/ü?x=[1]"]
        for target in targets {
            _ = try? await transport.send(APIRequest(target, throwsOnHTTPError: false))
        }
        do {
            _ = try await transport.send(APIRequest(method: "DELETE", "/repositories/acme/api/refs/branches/hot#1"))
            XCTFail("a path with '#' was sent")
        } catch {
            XCTAssertEqual(error.pathProblem, .fragment(sentPath: "/repositories/acme/api/refs/branches/hot"))
            XCTAssertEqual(error.method, "DELETE")
        }
        await transport.shutdown()
        let received = api.requests.map(\.path)
        XCTAssertEqual(received, ["/2.0/repositories/acme/api/refs/branches/hot%231", "/2.0/r/caf%C3%A9/%7Bx%7D",
                                  "/2.0/a/%C3%BC?x=%5B1%5D"])
        let traced = trace.lines.filter { $0.hasPrefix("→ ") }.map { line in
            String(line.dropFirst(2).split(separator: " ")[1].dropFirst(api.baseURL.count))
        }
        XCTAssertEqual(traced, received, trace.text)
    }
}

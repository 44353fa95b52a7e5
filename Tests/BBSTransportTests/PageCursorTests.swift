import Foundation
import XCTest
@testable import BBSTransport

final class PageCursorTests: XCTestCase {
    let api = URL(string: "https://api.bitbucket.org/2.0")!
    let first = "https://api.bitbucket.org/2.0/repositories/acme?pagelen=100"

    func testFollowsPageNumberLinksUntilNextIsAbsent() throws {
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
        XCTAssertEqual(try cursor.nextURL(after: first + "&page=2", pageWasEmpty: false), first + "&page=2")
        XCTAssertEqual(try cursor.nextURL(after: first + "&page=3", pageWasEmpty: false), first + "&page=3")
        XCTAssertNil(try cursor.nextURL(after: nil, pageWasEmpty: false))
        XCTAssertEqual(cursor.pagesVisited, 3)
    }

    func testIteratorStyleLinksAreOpaque() throws {
        let commits = "https://api.bitbucket.org/2.0/repositories/acme/r/commits"
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: commits)
        let next = commits + "/e18e4e72de0d4f1c?page=2"
        XCTAssertEqual(try cursor.nextURL(after: next, pageWasEmpty: false), next)
        XCTAssertEqual(try cursor.nextURL(after: commits + "/77aa01?page=3", pageWasEmpty: false), commits + "/77aa01?page=3")
    }

    func testARepeatedNextIsACycle() throws {
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
        _ = try cursor.nextURL(after: first + "&page=2", pageWasEmpty: false)
        XCTAssertThrowsError(try cursor.nextURL(after: first + "&page=2", pageWasEmpty: false)) { error in
            XCTAssertEqual((error as? TransportError)?.kind, .pagination)
            XCTAssertTrue((error as? TransportError)?.message.contains("cycle") ?? false)
        }
    }

    func testANextBackToTheFirstPageIsACycle() throws {
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
        _ = try cursor.nextURL(after: first + "&page=2", pageWasEmpty: false)
        XCTAssertThrowsError(try cursor.nextURL(after: first, pageWasEmpty: false))
    }

    func testANextToAnotherOriginIsBogus() {
        for bogus in ["https://evil.example/2.0/repositories/acme?page=2",
                      "http://api.bitbucket.org/2.0/repositories/acme?page=2",
                      "https://api.bitbucket.org:8443/2.0/repositories/acme?page=2"] {
            var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
            XCTAssertThrowsError(try cursor.nextURL(after: bogus, pageWasEmpty: false), bogus) { error in
                XCTAssertEqual((error as? TransportError)?.kind, .pagination)
            }
        }
    }

    func testANonHTTPNextIsBogus() {
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
        XCTAssertThrowsError(try cursor.nextURL(after: "ftp://api.bitbucket.org/2.0/x", pageWasEmpty: false))
    }

    func testANextOnAnEmptyPageEndsTheCollection() throws {
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
        XCTAssertNil(try cursor.nextURL(after: first + "&page=2", pageWasEmpty: true))
    }

    func testARelativeNextIsResolvedAgainstThePage() throws {
        var cursor = PageCursor(apiBaseURL: api, firstPageURL: first)
        XCTAssertEqual(try cursor.nextURL(after: "/2.0/repositories/acme?page=2", pageWasEmpty: false),
                       "https://api.bitbucket.org/2.0/repositories/acme?page=2")
    }

    func testWithoutAFirstPageTheAPIOriginIsEnforced() throws {
        var cursor = PageCursor(apiBaseURL: api)
        XCTAssertEqual(try cursor.nextURL(after: first, pageWasEmpty: false), first)
        XCTAssertThrowsError(try cursor.nextURL(after: "https://other.example/x", pageWasEmpty: false))
    }
}

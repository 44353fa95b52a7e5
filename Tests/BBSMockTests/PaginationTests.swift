import Foundation
import XCTest

final class PaginationTests: MockServerTestCase {
    func testPageNumberPaginationOver1200Repositories() throws {
        let seeded = try control("POST", "/seed", json: ["workspace": "big", "repositories": 1200])
        XCTAssertEqual(seeded.status, 201, seeded.text)
        let (values, pages) = try client.collectPages("/2.0/repositories/big?pagelen=100")
        XCTAssertEqual(values.count, 1200)
        XCTAssertEqual(Set(values.compactMap { $0["full_name"] as? String }).count, 1200)
        XCTAssertEqual(pages.count, 12)
        XCTAssertEqual(pages.first?["size"] as? Int, 1200)
        XCTAssertEqual(pages.map { $0["page"] as? Int }, (1...12).map { $0 })
        XCTAssertNil(pages.last?["next"], "the last page has no next")
        XCTAssertNotNil(pages.last?["previous"])

        // Default page length is 10; a filter narrows `size` and keeps paging consistent.
        let defaultPage = try client.getJSON("/2.0/repositories/big")
        XCTAssertEqual((defaultPage["values"] as? [Any])?.count, 10)
        let filtered = try client.collectPages("/2.0/repositories/big?q=name~%22-001%22&pagelen=10")
        XCTAssertEqual(filtered.values.count, 100)
    }

    func testIteratorPaginationOver1500Commits() throws {
        let seeded = try control("POST", "/seed", json: ["repo": "acme/api", "commits": 1500])
        XCTAssertEqual(seeded.status, 201, seeded.text)
        let (values, pages) = try client.collectPages("/2.0/repositories/acme/api/commits?pagelen=100")
        XCTAssertGreaterThan(values.count, 1500)
        let hashes = values.compactMap { $0["hash"] as? String }
        XCTAssertEqual(Set(hashes).count, hashes.count, "no commit twice")
        for page in pages {
            XCTAssertNil(page["page"], "iterator pages carry no page number")
            XCTAssertNil(page["size"], "iterator pages carry no size")
            if let next = page["next"] as? String {
                XCTAssertFalse(next.contains("page="), next)
            }
        }
        XCTAssertEqual(values.first?["message"] as? String, "Seeded commit 1500", "newest first")
        let defaultPage = try client.getJSON("/2.0/repositories/acme/api/commits")
        XCTAssertEqual((defaultPage["values"] as? [Any])?.count, 30, "commits default to 30 per page")
    }

    func testCommitsOfARevisionAndExclude() throws {
        let feature = try client.collectPages("/2.0/repositories/acme/api/commits/feature%2Flogin").values
        XCTAssertEqual(feature.first?["message"] as? String, "Test login handler")
        let onlyFeature = try client.collectPages("/2.0/repositories/acme/api/commits?include=feature%2Flogin&exclude=main").values
        XCTAssertEqual(onlyFeature.compactMap { $0["message"] as? String }, ["Test login handler", "Add login handler"])
    }

    func testPaginationOfBranchesTagsPullRequestsAndPipelines() throws {
        let seeded = try control("POST", "/seed", json: [
            "repo": "acme/infra", "branches": 250, "tags": 120, "pullrequests": 130, "pipelines": 110,
        ])
        XCTAssertEqual(seeded.status, 201, seeded.text)
        XCTAssertEqual(try client.collectPages("/2.0/repositories/acme/infra/refs/branches?pagelen=100").values.count, 252)
        XCTAssertEqual(try client.collectPages("/2.0/repositories/acme/infra/refs/tags?pagelen=100").values.count, 121)
        let allStates = "state=OPEN&state=MERGED&state=DECLINED&pagelen=50"
        XCTAssertEqual(try client.collectPages("/2.0/repositories/acme/infra/pullrequests?\(allStates)").values.count, 131)
        XCTAssertEqual(try client.collectPages("/2.0/repositories/acme/infra/pipelines?pagelen=100").values.count, 111)
    }

    func testNaturalSortOfRefNames() throws {
        for name in ["v2", "v10", "v1"] {
            let created = try client.request("POST", "/2.0/repositories/acme/web/refs/tags", json: ["name": name, "target": ["hash": "main"]])
            XCTAssertEqual(created.status, 201, created.text)
        }
        let tags = try client.getJSON("/2.0/repositories/acme/web/refs/tags?q=name~%22v%22%20AND%20name!~%22.%22&sort=name")
        XCTAssertEqual((tags["values"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }, ["v1", "v2", "v10"])
    }
}

import Foundation
import XCTest

final class ListingTests: MockServerTestCase {
    func names(_ page: [String: Any], key: String = "full_name") -> [String] {
        (page["values"] as? [[String: Any]] ?? []).compactMap { $0[key] as? String }
    }

    func testDefaultWorkspaceHasRepositoriesWithEverything() throws {
        let page = try client.getJSON("/2.0/repositories/acme")
        let repositories = names(page)
        XCTAssertGreaterThanOrEqual(repositories.count, 3)
        XCTAssertEqual(page["page"] as? Int, 1)
        XCTAssertEqual(page["pagelen"] as? Int, 10)
        XCTAssertEqual(page["size"] as? Int, repositories.count)
        let values = page["values"] as? [[String: Any]] ?? []
        XCTAssertTrue(values.contains { $0["is_private"] as? Bool == false }, "one repository is public")
        for name in repositories {
            let branches = try client.getJSON("/2.0/repositories/\(name)/refs/branches")
            XCTAssertTrue(self.names(branches, key: "name").contains("main"), name)
            XCTAssertFalse((try client.getJSON("/2.0/repositories/\(name)/commits")["values"] as? [Any] ?? []).isEmpty, name)
            let open = try client.getJSON("/2.0/repositories/\(name)/pullrequests")
            let first = try XCTUnwrap((open["values"] as? [[String: Any]])?.first, name)
            XCTAssertEqual(first["state"] as? String, "OPEN")
            let id = try XCTUnwrap(first["id"] as? Int)
            let comments = try client.getJSON("/2.0/repositories/\(name)/pullrequests/\(id)/comments")
            XCTAssertFalse((comments["values"] as? [Any] ?? []).isEmpty, name)
            XCTAssertFalse((try client.getJSON("/2.0/repositories/\(name)/pipelines")["values"] as? [Any] ?? []).isEmpty, name)
        }
        XCTAssertFalse(names(try client.getJSON("/2.0/repositories/acme/api/refs/tags"), key: "name").isEmpty)
    }

    func testLinksAreAbsoluteAndPointAtTheMock() throws {
        let repository = try client.getJSON("/2.0/repositories/acme/api")
        let links = repository["links"] as? [String: Any]
        let selfLink = (links?["self"] as? [String: Any])?["href"] as? String
        XCTAssertEqual(selfLink, server.baseURL.absoluteString + "/2.0/repositories/acme/api")
    }

    func testQueryFiltersOnSimpleFields() throws {
        XCTAssertEqual(Set(names(try client.getJSON("/2.0/repositories/acme?q=project.key%3D%22CORE%22"))), ["acme/api", "acme/docs"])
        XCTAssertEqual(names(try client.getJSON("/2.0/repositories/acme?q=is_private%3Dfalse")), ["acme/web"])
        XCTAssertEqual(names(try client.getJSON("/2.0/repositories/acme?q=name%3D%22infra%22")), ["acme/infra"])
        XCTAssertEqual(Set(names(try client.getJSON("/2.0/repositories/acme?q=name~%22N%22"))), ["acme/infra"])
        let combined = "q=" + "project.key=\"CORE\" AND name != \"docs\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        XCTAssertEqual(names(try client.getJSON("/2.0/repositories/acme?\(combined)")), ["acme/api"])
        let bad = try client.get("/2.0/repositories/acme?q=name%3D")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(try bad.json()["type"] as? String, "error")
    }

    func testSortAscendingAndDescending() throws {
        XCTAssertEqual(names(try client.getJSON("/2.0/repositories/acme?sort=name")), ["acme/api", "acme/docs", "acme/infra", "acme/web"])
        XCTAssertEqual(names(try client.getJSON("/2.0/repositories/acme?sort=-name")), ["acme/web", "acme/infra", "acme/docs", "acme/api"])
    }

    func testPagelenBounds() throws {
        let two = try client.getJSON("/2.0/repositories/acme?pagelen=2")
        XCTAssertEqual(names(two).count, 2)
        XCTAssertNotNil(two["next"] as? String)
        XCTAssertNil(two["previous"])
        let tooBig = try client.get("/2.0/repositories/acme?pagelen=101")
        XCTAssertEqual(tooBig.status, 400)
        XCTAssertEqual((try tooBig.json()["error"] as? [String: Any])?["message"] as? String, "Invalid pagelen")
    }

    func testPullRequestPagelenAbove50IsRejected() throws {
        let result = try client.get("/2.0/repositories/acme/api/pullrequests?pagelen=51")
        XCTAssertEqual(result.status, 400)
        XCTAssertEqual(try result.json() as NSDictionary, ["type": "error", "error": ["message": "Invalid pagelen"]] as NSDictionary)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/pullrequests?pagelen=50").status, 200)
    }

    func testPullRequestStateFilterIsRepeatable() throws {
        let open = try client.getJSON("/2.0/repositories/acme/api/pullrequests")
        XCTAssertEqual(Set((open["values"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }), ["OPEN"])
        let several = try client.getJSON("/2.0/repositories/acme/api/pullrequests?state=MERGED&state=DECLINED")
        XCTAssertEqual(Set((several["values"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }), ["MERGED", "DECLINED"])
    }

    func testFieldsGivesPartialResponses() throws {
        let page = try client.getJSON("/2.0/repositories/acme/api/pullrequests?state=OPEN&state=MERGED&fields=values.id,values.state,values.reviewers.nickname")
        XCTAssertEqual(Set(page.keys), ["values"], "only what was asked for, next included")
        let first = try XCTUnwrap((page["values"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(first.keys).subtracting(["reviewers"]), ["id", "state"])
        let withoutLinks = try client.getJSON("/2.0/repositories/acme/api?fields=-links")
        XCTAssertNil(withoutLinks["links"])
        XCTAssertNotNil(withoutLinks["full_name"])
        let added = try client.getJSON("/2.0/repositories/acme/api/pullrequests?fields=%2Bvalues.participants")
        XCTAssertNotNil((added["values"] as? [[String: Any]])?.first?["participants"])
        XCTAssertNotNil(added["pagelen"])
    }

    func testWorkspacesAndUnknownRoutes() throws {
        let workspaces = try client.getJSON("/2.0/workspaces")
        XCTAssertEqual(names(workspaces, key: "slug"), ["acme"])
        let access = try client.getJSON("/2.0/user/workspaces")
        XCTAssertEqual(((access["values"] as? [[String: Any]])?.first?["workspace"] as? [String: Any])?["slug"] as? String, "acme")
        let missing = try client.get("/2.0/no/such/route")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try missing.json()["type"] as? String, "error")
        XCTAssertEqual(try client.get("/2.0/repositories/acme/nope").status, 404)
        XCTAssertEqual(try client.get("/2.0/repositories/nobody").status, 404)
    }

    func testCommitAndSource() throws {
        let commits = try client.getJSON("/2.0/repositories/acme/api/commits")
        let hash = try XCTUnwrap((commits["values"] as? [[String: Any]])?.first?["hash"] as? String)
        let commit = try client.getJSON("/2.0/repositories/acme/api/commit/\(hash)")
        XCTAssertEqual(commit["hash"] as? String, hash)
        XCTAssertEqual(try client.getJSON("/2.0/repositories/acme/api/commit/\(hash.prefix(12))")["hash"] as? String, hash)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/commit/0000000000").status, 404)

        let noRedirects = TestClient(baseURL: server.baseURL, followRedirects: false)
        let redirect = try noRedirects.get("/2.0/repositories/acme/api/src")
        XCTAssertEqual(redirect.status, 302)
        XCTAssertTrue(redirect.header("Location")?.contains("/src/") == true)
        let root = try client.getJSON("/2.0/repositories/acme/api/src")
        let entries = (root["values"] as? [[String: Any]] ?? []).map { "\($0["type"]!) \($0["path"]!)" }
        XCTAssertTrue(entries.contains("commit_file README.md"), "\(entries)")
        XCTAssertTrue(entries.contains("commit_directory internal"), "\(entries)")
        let file = try client.get("/2.0/repositories/acme/api/src/main/README.md")
        XCTAssertEqual(file.status, 200)
        XCTAssertTrue(file.text.hasPrefix("# api"))
        let meta = try client.getJSON("/2.0/repositories/acme/api/src/main/README.md?format=meta")
        XCTAssertEqual(meta["type"] as? String, "commit_file")
        let nested = try client.getJSON("/2.0/repositories/acme/api/src/main/internal/")
        XCTAssertEqual((nested["values"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }, ["internal/health"])
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/src/main/nope.txt").status, 404)
    }
}

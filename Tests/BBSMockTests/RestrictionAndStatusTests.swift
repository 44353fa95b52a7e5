import Foundation
import XCTest

/// Branch restrictions and commit build statuses: routes, scopes, errors and fixture loading.
final class RestrictionAndStatusTests: MockServerTestCase {
    override class var serverArguments: [String] {
        super.serverArguments + ["--token", "admin:repository:admin", "--token", "api-admin:admin:repository:bitbucket",
                                 "--token", "reader:pullrequest"]
    }

    let restrictions = "/2.0/repositories/acme/api/branch-restrictions"

    func values(_ page: [String: Any]) -> [[String: Any]] { page["values"] as? [[String: Any]] ?? [] }

    func errorOf(_ result: HTTPResult) throws -> [String: Any] {
        let envelope = try result.json()
        XCTAssertEqual(envelope["type"] as? String, "error")
        return envelope["error"] as? [String: Any] ?? [:]
    }

    func mainHash(_ slug: String = "api") throws -> String {
        let branch = try client.getJSON("/2.0/repositories/acme/\(slug)/refs/branches/main")
        return try XCTUnwrap((branch["target"] as? [String: Any])?["hash"] as? String)
    }

    // MARK: branch restrictions

    func testDefaultDataListsRestrictionsWithTheirShape() throws {
        let page = try client.getJSON(restrictions)
        XCTAssertEqual(page["size"] as? Int, 4)
        let rules = values(page)
        XCTAssertEqual(rules.compactMap { $0["kind"] as? String },
                       ["push", "force", "require_approvals_to_merge", "delete"])
        let push = rules[0]
        XCTAssertEqual(push["type"] as? String, "branchrestriction")
        XCTAssertEqual(push["id"] as? Int, 1)
        XCTAssertEqual(push["branch_match_kind"] as? String, "glob")
        XCTAssertEqual(push["pattern"] as? String, "main")
        XCTAssertEqual((push["users"] as? [[String: Any]])?.compactMap { $0["nickname"] as? String }, ["alice"])
        XCTAssertEqual((push["groups"] as? [[String: Any]])?.compactMap { $0["full_slug"] as? String }, ["acme:maintainers"])
        let href = ((push["links"] as? [String: Any])?["self"] as? [String: Any])?["href"] as? String
        XCTAssertEqual(href, server.baseURL.absoluteString + restrictions + "/1")
        XCTAssertEqual(rules[2]["value"] as? Int, 1)
        XCTAssertEqual(rules[3]["branch_type"] as? String, "release")
        XCTAssertEqual(rules[3]["pattern"] as? String, "")
        // infra and docs have none, so an audit has something to find.
        XCTAssertEqual(try client.getJSON("/2.0/repositories/acme/infra/branch-restrictions")["size"] as? Int, 0)
        XCTAssertEqual(try client.getJSON("/2.0/repositories/acme/web/branch-restrictions")["size"] as? Int, 1)
    }

    func testListFiltersByKindAndPatternAndPaginates() throws {
        XCTAssertEqual(values(try client.getJSON(restrictions + "?kind=force")).compactMap { $0["id"] as? Int }, [2])
        XCTAssertEqual(values(try client.getJSON(restrictions + "?pattern=main")).count, 3)
        XCTAssertEqual(values(try client.getJSON(restrictions + "?kind=push&pattern=develop")).count, 0)
        let first = try client.getJSON(restrictions + "?pagelen=3")
        XCTAssertEqual(values(first).count, 3)
        let all = try client.collectPages(restrictions + "?pagelen=3")
        XCTAssertEqual(all.values.compactMap { $0["id"] as? Int }, [1, 2, 3, 4])
    }

    func testCreateGetUpdateDelete() throws {
        let created = try client.request("POST", restrictions, json: [
            "kind": "push", "pattern": "release/*", "users": [["nickname": "bob"]], "groups": [["slug": "release-managers"]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let rule = try created.json()
        let id = try XCTUnwrap(rule["id"] as? Int)
        XCTAssertEqual(id, 5)
        XCTAssertEqual(created.header("Location"), server.baseURL.absoluteString + restrictions + "/5")
        XCTAssertEqual(rule["branch_match_kind"] as? String, "glob")
        XCTAssertEqual((rule["users"] as? [[String: Any]])?.first?["nickname"] as? String, "bob")

        let read = try client.getJSON(restrictions + "/\(id)")
        XCTAssertEqual(read["pattern"] as? String, "release/*")

        let updated = try client.request("PUT", restrictions + "/\(id)", json: ["pattern": "release/**", "users": []])
        XCTAssertEqual(updated.status, 200, updated.text)
        XCTAssertEqual(try updated.json()["pattern"] as? String, "release/**")
        XCTAssertEqual((try updated.json()["users"] as? [Any])?.count, 0)
        XCTAssertEqual((try updated.json()["groups"] as? [Any])?.count, 1, "fields not named keep their values")
        XCTAssertEqual(try client.getJSON(restrictions + "/\(id)")["pattern"] as? String, "release/**")

        let branchingModel = try client.request("POST", restrictions, json: [
            "kind": "require_passing_builds_to_merge", "branch_match_kind": "branching_model", "branch_type": "production",
            "value": 2,
        ])
        XCTAssertEqual(branchingModel.status, 201, branchingModel.text)
        XCTAssertEqual(try branchingModel.json()["value"] as? Int, 2)

        XCTAssertEqual(try client.request("DELETE", restrictions + "/\(id)").status, 204)
        XCTAssertEqual(try client.get(restrictions + "/\(id)").status, 404)
        XCTAssertEqual(values(try client.getJSON(restrictions)).count, 5)

        // Reset brings the fixture's rules back.
        XCTAssertEqual(try control("POST", "/reset").status, 200)
        XCTAssertEqual(try client.getJSON(restrictions)["size"] as? Int, 4)
    }

    func testInvalidRulesAreRejected() throws {
        let missingKind = try client.request("POST", restrictions, json: ["pattern": "main"])
        XCTAssertEqual(missingKind.status, 400)
        XCTAssertNotNil((try errorOf(missingKind)["fields"] as? [String: Any])?["kind"])
        let badKind = try client.request("POST", restrictions, json: ["kind": "lock", "pattern": "main"])
        XCTAssertEqual(badKind.status, 400)
        XCTAssertEqual(try client.request("POST", restrictions, json: ["kind": "delete"]).status, 400, "glob needs a pattern")
        XCTAssertEqual(try client.request("POST", restrictions, json: [
            "kind": "delete", "branch_match_kind": "branching_model", "branch_type": "trunk"]).status, 400)
        XCTAssertEqual(try client.request("POST", restrictions, json: [
            "kind": "delete", "pattern": "x", "users": [["nickname": "bob"]]]).status, 400, "only push and restrict_merges exempt users")
        XCTAssertEqual(try client.request("POST", restrictions, json: [
            "kind": "push", "pattern": "x", "users": [["nickname": "nobody"]]]).status, 400)
        let duplicate = try client.request("POST", restrictions, json: ["kind": "force", "pattern": "main"])
        XCTAssertEqual(duplicate.status, 409)
        XCTAssertEqual(try client.request("PUT", restrictions + "/2", json: ["kind": "push"]).status, 409)
        XCTAssertEqual(try client.getJSON(restrictions)["size"] as? Int, 4, "nothing was added")
    }

    func testUnknownRestrictionAndRepositoryGive404() throws {
        for path in [restrictions + "/999", restrictions + "/abc"] {
            let result = try client.get(path)
            XCTAssertEqual(result.status, 404)
            XCTAssertNotNil(try errorOf(result)["message"] as? String)
        }
        XCTAssertEqual(try client.request("PUT", restrictions + "/999", json: ["pattern": "x"]).status, 404)
        XCTAssertEqual(try client.request("DELETE", restrictions + "/999").status, 404)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/nope/branch-restrictions").status, 404)
    }

    func testRestrictionsNeedRepositoryAdminEvenToRead() throws {
        for token in ["read-only", "pr-writer"] {
            let reader = TestClient(baseURL: server.baseURL, token: token)
            let result = try reader.get(restrictions)
            XCTAssertEqual(result.status, 403, token)
            let error = try errorOf(result)
            XCTAssertEqual(error["message"] as? String, "Your credentials lack one or more required privilege scopes.")
            XCTAssertEqual((error["detail"] as? [String: Any])?["required"] as? [String], ["repository:admin"])
            XCTAssertEqual(result.header("X-Accepted-OAuth-Scopes"), "repository:admin")
            XCTAssertEqual(try reader.request("POST", restrictions, json: ["kind": "delete", "pattern": "x"]).status, 403)
            XCTAssertEqual(try reader.request("DELETE", restrictions + "/1").status, 403)
        }
        let apiStyle = TestClient(baseURL: server.baseURL, token: "api-style")
        let granular = try apiStyle.get(restrictions)
        XCTAssertEqual(granular.status, 403)
        XCTAssertEqual((try errorOf(granular)["detail"] as? [String: Any])?["required"] as? [String], ["admin:repository:bitbucket"])
        XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: "api-admin").get(restrictions).status, 200)

        // repository:admin alone is enough here, though it implies no read scope elsewhere.
        let admin = TestClient(baseURL: server.baseURL, token: "admin")
        XCTAssertEqual(try admin.get(restrictions).status, 200)
        XCTAssertEqual(try admin.request("POST", restrictions, json: ["kind": "delete", "pattern": "x"]).status, 201)
        XCTAssertEqual(try admin.get("/2.0/repositories/acme/api/refs/branches").status, 403)
        // Public repositories do not expose their restrictions anonymously.
        XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: nil).get("/2.0/repositories/acme/web/branch-restrictions").status, 401)
    }

    // MARK: build statuses

    func testFixtureStatusesOnCommitsAndPullRequests() throws {
        let hash = try mainHash()
        let commitStatuses = values(try client.getJSON("/2.0/repositories/acme/api/commit/\(hash)/statuses"))
        XCTAssertEqual(commitStatuses.count, 1)
        let status = commitStatuses[0]
        XCTAssertEqual(status["type"] as? String, "build")
        XCTAssertEqual(status["key"] as? String, "ci")
        XCTAssertEqual(status["state"] as? String, "SUCCESSFUL")
        XCTAssertEqual(status["name"] as? String, "CI #3")
        XCTAssertEqual(status["refname"] as? String, "main")
        XCTAssertNotNil(status["created_on"] as? String)
        let links = status["links"] as? [String: Any]
        XCTAssertEqual((links?["commit"] as? [String: Any])?["href"] as? String,
                       server.baseURL.absoluteString + "/2.0/repositories/acme/api/commit/\(hash)")

        // acme/api #1 carries a FAILED and a SUCCESSFUL status on its source commit; infra #1 a SUCCESSFUL one.
        let failing = values(try client.getJSON("/2.0/repositories/acme/api/pullrequests/1/statuses"))
        XCTAssertEqual(failing.compactMap { $0["key"] as? String }, ["ci", "lint"])
        XCTAssertEqual(failing.compactMap { $0["state"] as? String }, ["FAILED", "SUCCESSFUL"])
        XCTAssertEqual(failing.compactMap { $0["refname"] as? String }, ["feature/login", "feature/login"])
        let pr = try client.getJSON("/2.0/repositories/acme/api/pullrequests/1")
        let source = ((pr["source"] as? [String: Any])?["commit"] as? [String: Any])?["hash"] as? String
        let sourceCommit = try XCTUnwrap(source)
        XCTAssertTrue(((failing[0]["commit"] as? [String: Any])?["hash"] as? String ?? "").hasPrefix(sourceCommit))
        let green = values(try client.getJSON("/2.0/repositories/acme/infra/pullrequests/1/statuses"))
        XCTAssertEqual(green.compactMap { $0["state"] as? String }, ["SUCCESSFUL"])
        XCTAssertEqual(values(try client.getJSON("/2.0/repositories/acme/web/pullrequests/1/statuses")).count, 0)

        // Filters: refname, q and sort.
        XCTAssertEqual(values(try client.getJSON("/2.0/repositories/acme/api/pullrequests/1/statuses?q=state%3D%22FAILED%22")).count, 1)
        XCTAssertEqual(values(try client.getJSON("/2.0/repositories/acme/api/pullrequests/1/statuses?sort=-key"))
            .compactMap { $0["key"] as? String }, ["lint", "ci"])
        XCTAssertEqual(values(try client.getJSON("/2.0/repositories/acme/api/commit/\(hash)/statuses?refname=develop")).count, 0)
    }

    func testCreateAndUpdateStatusesByKey() throws {
        let hash = try mainHash("docs")
        let base = "/2.0/repositories/acme/docs/commit/\(hash)/statuses"
        XCTAssertEqual(values(try client.getJSON(base)).count, 0)
        let created = try client.request("POST", base + "/build", json: [
            "key": "deploy", "state": "INPROGRESS", "name": "Deploy #1", "url": "https://ci.example.com/1",
            "description": "deploying", "refname": "main",
        ])
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.header("Location"), server.baseURL.absoluteString + base + "/build/deploy")
        let first = try created.json()
        XCTAssertEqual(first["state"] as? String, "INPROGRESS")
        XCTAssertEqual(first["url"] as? String, "https://ci.example.com/1")

        // The same key again overwrites: still one status, new state, same creation date.
        let again = try client.request("POST", base + "/build", json: ["key": "deploy", "state": "SUCCESSFUL"])
        XCTAssertEqual(again.status, 201, again.text)
        let second = try again.json()
        XCTAssertEqual(second["state"] as? String, "SUCCESSFUL")
        XCTAssertEqual(second["name"] as? String, "Deploy #1", "fields not given keep their values")
        XCTAssertEqual(second["created_on"] as? String, first["created_on"] as? String)
        XCTAssertEqual(values(try client.getJSON(base)).count, 1)

        // A short hash or a branch name resolves; a second key adds a second status.
        let short = String(hash.prefix(12))
        XCTAssertEqual(try client.request("POST", "/2.0/repositories/acme/docs/commit/\(short)/statuses/build",
                                          json: ["key": "lint", "state": "FAILED"]).status, 201)
        XCTAssertEqual(try client.request("POST", "/2.0/repositories/acme/docs/commit/main/statuses/build/",
                                          json: ["key": "docs-build", "state": "STOPPED"]).status, 201)
        XCTAssertEqual(values(try client.getJSON(base)).compactMap { $0["key"] as? String }, ["deploy", "lint", "docs-build"])

        let one = try client.getJSON(base + "/build/lint")
        XCTAssertEqual(one["state"] as? String, "FAILED")
        XCTAssertEqual(one["name"] as? String, "lint", "the name defaults to the key")
        let put = try client.request("PUT", base + "/build/lint", json: ["state": "SUCCESSFUL", "key": "other"])
        XCTAssertEqual(put.status, 200, put.text)
        XCTAssertEqual(try put.json()["key"] as? String, "lint")
        XCTAssertEqual(try client.getJSON(base + "/build/lint")["state"] as? String, "SUCCESSFUL")

        // A pull request whose source is this commit shows them.
        let docsPR = values(try client.getJSON("/2.0/repositories/acme/docs/pullrequests/1/statuses"))
        XCTAssertEqual(docsPR.count, 0, "docs #1's source is fix/typos, not main")
    }

    func testStatusErrors() throws {
        let hash = try mainHash()
        let base = "/2.0/repositories/acme/api/commit/\(hash)/statuses"
        XCTAssertEqual(try client.request("POST", base + "/build", json: ["state": "SUCCESSFUL"]).status, 400, "key is required")
        XCTAssertEqual(try client.request("POST", base + "/build", json: ["key": "new"]).status, 400, "state is required")
        let badState = try client.request("POST", base + "/build", json: ["key": "ci", "state": "GREEN"])
        XCTAssertEqual(badState.status, 400)
        XCTAssertNotNil((try errorOf(badState)["fields"] as? [String: Any])?["state"])
        XCTAssertEqual(try client.get(base + "/build/nope").status, 404)
        XCTAssertEqual(try client.request("PUT", base + "/build/nope", json: ["state": "FAILED"]).status, 404)
        let unknownCommit = try client.get("/2.0/repositories/acme/api/commit/0123456789abcdef/statuses")
        XCTAssertEqual(unknownCommit.status, 404)
        XCTAssertNotNil(try errorOf(unknownCommit)["message"] as? String)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/api/pullrequests/99/statuses").status, 404)
    }

    func testStatusScopesFollowTheOpenAPIDocument() throws {
        let hash = try mainHash()
        let base = "/2.0/repositories/acme/api/commit/\(hash)/statuses"
        // `repository` reads and reports statuses (the document asks for no write scope).
        let readOnly = TestClient(baseURL: server.baseURL, token: "read-only")
        XCTAssertEqual(try readOnly.get(base).status, 200)
        XCTAssertEqual(try readOnly.request("POST", base + "/build", json: ["key": "ro", "state": "SUCCESSFUL"]).status, 201)
        // A pull request's statuses need `pullrequest`.
        let prStatuses = try readOnly.get("/2.0/repositories/acme/api/pullrequests/1/statuses")
        XCTAssertEqual(prStatuses.status, 403)
        XCTAssertEqual((try errorOf(prStatuses)["detail"] as? [String: Any])?["required"] as? [String], ["pullrequest"])
        XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: "reader").get("/2.0/repositories/acme/api/pullrequests/1/statuses").status, 200)
        // repository:admin does not imply repository.
        let admin = TestClient(baseURL: server.baseURL, token: "admin")
        XCTAssertEqual(try admin.get(base).status, 403)
        // Public repositories: reads are anonymous, reporting is not.
        let webHash = try mainHash("web")
        let anonymous = TestClient(baseURL: server.baseURL, token: nil)
        XCTAssertEqual(try anonymous.get("/2.0/repositories/acme/web/commit/\(webHash)/statuses").status, 200)
        XCTAssertEqual(try anonymous.get("/2.0/repositories/acme/web/pullrequests/1/statuses").status, 200)
        XCTAssertEqual(try anonymous.request("POST", "/2.0/repositories/acme/web/commit/\(webHash)/statuses/build",
                                             json: ["key": "x", "state": "FAILED"]).status, 401)
    }
}

/// Fixture loading of `branch_restrictions` and `statuses`, with a server of its own.
final class RestrictionAndStatusFixtureTests: XCTestCase {
    func testFixtureRestrictionsAndStatuses() throws {
        let url = try writeFixture("""
            {
              "users": [{"nickname": "zed"}],
              "workspaces": [{"slug": "globex", "repositories": [
                {"slug": "locked",
                 "commits": [
                   {"id": "c1", "author": "zed", "message": "Start", "files": {"a": "a"},
                    "statuses": [{"key": "build", "state": "successful", "url": "https://ci/1", "created_on": "2024-02-01T10:00:00Z"}]},
                   {"id": "c2", "author": "zed", "branch": "topic", "message": "Topic", "files": {"b": "b"}}
                 ],
                 "pullrequests": [{"title": "Topic", "source": "topic", "author": "zed",
                                   "statuses": [{"key": "build", "state": "FAILED", "description": "red"},
                                                {"key": "e2e", "state": "INPROGRESS", "refname": "custom"}]}],
                 "branch_restrictions": [
                   {"kind": "push", "pattern": "main", "users": ["zed"]},
                   {"id": 42, "kind": "require_approvals_to_merge", "pattern": "*", "value": 2}
                 ]},
                {"slug": "open", "commits": [{"author": "zed", "message": "Start"}]}
              ]}]
            }
            """)
        let server = try MockProcess(arguments: ["--token", "t", "--fixture", url.path])
        defer { server.stop() }
        let client = TestClient(baseURL: server.baseURL, token: "t")
        let rules = try client.getJSON("/2.0/repositories/globex/locked/branch-restrictions")["values"] as? [[String: Any]] ?? []
        XCTAssertEqual(rules.compactMap { $0["id"] as? Int }, [1, 42])
        XCTAssertEqual(((rules.first?["users"] as? [[String: Any]])?.first)?["nickname"] as? String, "zed")
        XCTAssertEqual(rules.last?["value"] as? Int, 2)
        XCTAssertEqual(try client.getJSON("/2.0/repositories/globex/open/branch-restrictions")["size"] as? Int, 0)

        let onMain = try client.getJSON("/2.0/repositories/globex/locked/commit/main/statuses")["values"] as? [[String: Any]] ?? []
        XCTAssertEqual(onMain.count, 1)
        XCTAssertEqual(onMain.first?["state"] as? String, "SUCCESSFUL")
        XCTAssertEqual(onMain.first?["refname"] as? String, "main")
        XCTAssertEqual(onMain.first?["created_on"] as? String, "2024-02-01T10:00:00.000000+00:00")
        let onPR = try client.getJSON("/2.0/repositories/globex/locked/pullrequests/1/statuses")["values"] as? [[String: Any]] ?? []
        XCTAssertEqual(onPR.compactMap { $0["state"] as? String }, ["FAILED", "INPROGRESS"])
        XCTAssertEqual(onPR.compactMap { $0["refname"] as? String }, ["topic", "custom"])
        let onTopic = try client.getJSON("/2.0/repositories/globex/locked/commit/topic/statuses/build/build")
        XCTAssertEqual(onTopic["description"] as? String, "red")
    }

    func testBadRestrictionOrStatusFailsAtStart() throws {
        for (fragment, message) in [
            (#""branch_restrictions": [{"kind": "lock", "pattern": "main"}]"#, "branch_restrictions[0]"),
            (#""branch_restrictions": [{"kind": "push", "pattern": "main", "users": ["ghost"]}]"#, "No such user"),
            (#""commits": [{"message": "x", "author": "A <a@example.com>", "statuses": [{"key": "ci", "state": "GREEN"}]}]"#, "statuses[0].state"),
        ] {
            let url = try writeFixture(#"{"workspaces": [{"slug": "w", "repositories": [{"slug": "r", "# + fragment + "}]}]}")
            let result = try MockProcess.runToExit(["--port", "0", "--fixture", url.path])
            XCTAssertNotEqual(result.status, 0, fragment)
            XCTAssertTrue(result.stderr.contains(message), "\(fragment): \(result.stderr)")
        }
    }
}

import Foundation
import XCTest

/// The routes real automation calls, against the real bbs-mock over loopback: unknown vs not
/// implemented, pull request review, diffs, default reviewers, webhooks, people and projects.
final class ReachTests: MockServerTestCase {
    let repo = "/2.0/repositories/acme/api"

    func values(_ path: String) throws -> [[String: Any]] {
        try client.getJSON(path)["values"] as? [[String: Any]] ?? []
    }

    func error(_ result: HTTPResult) throws -> [String: Any] {
        try result.json()["error"] as? [String: Any] ?? [:]
    }

    func testUnknownPathsAndUnservedRealRoutesAreToldApart() throws {
        let unknown = try client.get("/2.0/no-such-api/here")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(try error(unknown)["message"] as? String, "Resource not found")
        XCTAssertEqual(try error(unknown)["detail"] as? String, "There is no API hosted at this URL")

        let unserved = try client.get("\(repo)/issues")
        XCTAssertEqual(unserved.status, 501, unserved.text)
        XCTAssertEqual(try error(unserved)["message"] as? String,
                       "bbs-mock does not implement GET /2.0/repositories/{workspace}/{repo_slug}/issues")
        XCTAssertTrue((try error(unserved)["detail"] as? String ?? "").contains("bbs-mock --list-routes"))

        // A served path with a method neither the mock nor Bitbucket has is still a 405.
        let wrongMethod = try client.request("PATCH", "\(repo)/pullrequests")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.header("Allow"), "GET, POST")

        let log = try control("GET", "/requests").json()["requests"] as? [[String: Any]] ?? []
        let marked = log.filter { $0["not_implemented"] is String }
        XCTAssertEqual(marked.count, 1)
        XCTAssertEqual(marked.first?["not_implemented"] as? String, "GET /2.0/repositories/{workspace}/{repo_slug}/issues")
        XCTAssertEqual(marked.first?["status"] as? Int, 501)
    }

    func testRepositoryNotFoundUsesTheCurrentWording() throws {
        let missing = try client.get("/2.0/repositories/acme/nope")
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue((try error(missing)["message"] as? String ?? "").hasPrefix("You may not have access to this repository"))
    }

    func testUpdatePullRequestAndRequestChanges() throws {
        let bob = try XCTUnwrap(try client.getJSON("/2.0/users/bob")["uuid"] as? String)
        let updated = try client.request("PUT", "\(repo)/pullrequests/1", json: [
            "title": "Add login (v2)", "description": "Now with tests.", "reviewers": [["uuid": bob]],
        ])
        // bob is the author: Bitbucket refuses him as a reviewer.
        XCTAssertEqual(updated.status, 400, updated.text)
        XCTAssertNotNil(try error(updated)["fields"])
        let carol = try client.request("PUT", "\(repo)/pullrequests/1", json: [
            "title": "Add login (v2)", "reviewers": [["nickname": "carol"]], "destination": ["branch": ["name": "develop"]],
        ])
        XCTAssertEqual(carol.status, 200, carol.text)
        let body = try carol.json()
        XCTAssertEqual(body["title"] as? String, "Add login (v2)")
        XCTAssertEqual(((body["destination"] as? [String: Any])?["branch"] as? [String: Any])?["name"] as? String, "develop")
        XCTAssertEqual((body["reviewers"] as? [[String: Any]])?.compactMap { $0["nickname"] as? String }, ["carol"])
        XCTAssertTrue(body.keys.contains("merge_commit"))
        XCTAssertTrue(body["merge_commit"] is NSNull)
        let blank = try client.request("PUT", "\(repo)/pullrequests/1", json: ["title": ""])
        XCTAssertEqual(blank.status, 400)
        XCTAssertEqual((try error(blank)["fields"] as? [String: Any])?.keys.sorted(), ["title"])

        let requested = try client.request("POST", "\(repo)/pullrequests/1/request-changes")
        XCTAssertEqual(requested.status, 200, requested.text)
        XCTAssertEqual(try requested.json()["state"] as? String, "changes_requested")
        XCTAssertEqual(try requested.json()["approved"] as? Bool, false)
        let participants = try client.getJSON("\(repo)/pullrequests/1")["participants"] as? [[String: Any]] ?? []
        XCTAssertTrue(participants.contains { $0["state"] as? String == "changes_requested" })
        XCTAssertTrue(participants.contains { $0["state"] is NSNull })
        XCTAssertEqual(try client.request("DELETE", "\(repo)/pullrequests/1/request-changes").status, 204)
        let after = try client.getJSON("\(repo)/pullrequests/1")["participants"] as? [[String: Any]] ?? []
        XCTAssertFalse(after.contains { $0["state"] as? String == "changes_requested" })
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/2/decline").status, 400)
    }

    func testActivityCommitsAndTasks() throws {
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/1/approve").status, 200)
        let activity = try values("\(repo)/pullrequests/1/activity")
        XCTAssertTrue(activity.first?["approval"] != nil, "newest first: \(activity.first ?? [:])")
        XCTAssertEqual(activity.filter { $0["comment"] != nil }.count, 2)
        XCTAssertEqual(activity.last?.keys.contains("update"), true)

        let commits = try values("\(repo)/pullrequests/1/commits").compactMap { $0["message"] as? String }
        XCTAssertEqual(commits, ["Test login handler", "Add login handler"])

        let created = try client.request("POST", "\(repo)/pullrequests/1/tasks", json: ["content": ["raw": "Add error test"]])
        XCTAssertEqual(created.status, 201, created.text)
        let task = try created.json()
        let id = try XCTUnwrap(task["id"] as? Int)
        XCTAssertEqual(task["state"] as? String, "UNRESOLVED")
        XCTAssertTrue(task["resolved_on"] is NSNull)
        XCTAssertEqual(try client.getJSON("\(repo)/pullrequests/1")["task_count"] as? Int, 1)
        let resolved = try client.request("PUT", "\(repo)/pullrequests/1/tasks/\(id)", json: ["state": "RESOLVED"])
        XCTAssertEqual(try resolved.json()["state"] as? String, "RESOLVED")
        XCTAssertEqual(try client.getJSON("\(repo)/pullrequests/1")["task_count"] as? Int, 0)
        XCTAssertEqual(try client.request("PUT", "\(repo)/pullrequests/1/tasks/\(id)", json: ["state": "DONE"]).status, 400)
        XCTAssertEqual(try values("\(repo)/pullrequests/1/tasks?q=state%3D%22RESOLVED%22").count, 1)
        XCTAssertEqual(try client.request("DELETE", "\(repo)/pullrequests/1/tasks/\(id)").status, 204)
        XCTAssertEqual(try client.get("\(repo)/pullrequests/1/tasks/\(id)").status, 404)
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/1/tasks", json: ["content": ["raw": ""]]).status, 400)
    }

    func testCommentsEditDeleteInlineAndReplies() throws {
        let inline = try client.request("POST", "\(repo)/pullrequests/1/comments", json: [
            "content": ["raw": "Handle the error here"], "inline": ["path": "internal/auth/login.go", "to": 3],
        ])
        XCTAssertEqual(inline.status, 201, inline.text)
        let comment = try inline.json()
        let id = try XCTUnwrap(comment["id"] as? Int)
        XCTAssertEqual((comment["inline"] as? [String: Any])?["path"] as? String, "internal/auth/login.go")
        XCTAssertEqual((comment["inline"] as? [String: Any])?["to"] as? Int, 3)
        XCTAssertTrue((comment["inline"] as? [String: Any])?["from"] is NSNull)

        let reply = try client.request("POST", "\(repo)/pullrequests/1/comments", json: ["content": ["raw": "Done"], "parent": ["id": id]])
        XCTAssertEqual(((try reply.json())["parent"] as? [String: Any])?["id"] as? Int, id)

        let edited = try client.request("PUT", "\(repo)/pullrequests/1/comments/\(id)", json: ["content": ["raw": "Handle errors"]])
        XCTAssertEqual(edited.status, 200, edited.text)
        XCTAssertEqual(((try edited.json())["content"] as? [String: Any])?["raw"] as? String, "Handle errors")
        // Someone else's comment: only its author may change it.
        let first = try XCTUnwrap(try values("\(repo)/pullrequests/1/comments").first?["id"] as? Int)
        XCTAssertEqual(try client.request("PUT", "\(repo)/pullrequests/1/comments/\(first)", json: ["content": ["raw": "x"]]).status, 403)

        XCTAssertEqual(try client.request("DELETE", "\(repo)/pullrequests/1/comments/\(id)").status, 204)
        let deleted = try client.getJSON("\(repo)/pullrequests/1/comments/\(id)")
        XCTAssertEqual(deleted["deleted"] as? Bool, true)
        XCTAssertEqual(try client.getJSON("\(repo)/pullrequests/1")["comment_count"] as? Int, 3)
    }

    func testDiffsComeFromTheRepositoryAndPullRequestLinksResolve() throws {
        let pullRequest = try client.getJSON("\(repo)/pullrequests/1")
        let links = try XCTUnwrap(pullRequest["links"] as? [String: Any])
        let diffLink = try XCTUnwrap((links["diff"] as? [String: Any])?["href"] as? String)
        XCTAssertTrue(diffLink.contains("/diff/acme/api:"), diffLink)
        XCTAssertTrue(diffLink.contains("%0D"), diffLink)
        let diff = try client.get(diffLink)
        XCTAssertEqual(diff.status, 200, diff.text)
        XCTAssertTrue(diff.text.contains("diff --git a/internal/auth/login.go b/internal/auth/login.go"), diff.text)
        XCTAssertTrue(diff.text.contains("+func Login() error { return nil }"), diff.text)
        XCTAssertFalse(diff.text.contains("docs/config.md"), "main's own later commit is not part of the PR diff")
        XCTAssertEqual(try client.get("\(repo)/pullrequests/1/diff").text, diff.text)

        let statLink = try XCTUnwrap((links["diffstat"] as? [String: Any])?["href"] as? String)
        let stats = try client.getJSON(statLink)["values"] as? [[String: Any]] ?? []
        XCTAssertEqual(stats.compactMap { ($0["new"] as? [String: Any])?["path"] as? String }.sorted(),
                       ["internal/auth/login.go", "internal/auth/login_test.go"])
        XCTAssertEqual(stats.first?["status"] as? String, "added")
        XCTAssertTrue(stats.first?["old"] is NSNull)
        XCTAssertEqual(stats.first?["lines_added"] as? Int, 3)

        let range = try client.get("\(repo)/diffstat/feature/login..main")
        XCTAssertEqual(range.status, 200, range.text)
        let patch = try client.get("\(repo)/pullrequests/1/patch")
        XCTAssertTrue(patch.text.contains("Subject: [PATCH"), patch.text)
        XCTAssertTrue(patch.text.contains("Add login handler"), patch.text)
        // A single commit diffs against its first parent.
        let head = try XCTUnwrap(((try client.getJSON("\(repo)/refs/branches/main"))["target"] as? [String: Any])?["hash"] as? String)
        let single = try client.get("\(repo)/diff/\(head)")
        XCTAssertTrue(single.text.contains("+++ b/docs/config.md"), single.text)
        XCTAssertEqual(try client.get("\(repo)/diff/nope..main").status, 404)
    }

    func testDefaultReviewers() throws {
        let listed = try values("\(repo)/default-reviewers").compactMap { $0["nickname"] as? String }
        XCTAssertEqual(listed, ["alice"])
        XCTAssertEqual(try client.request("PUT", "\(repo)/default-reviewers/carol").status, 200)
        let effective = try values("\(repo)/effective-default-reviewers")
        XCTAssertEqual(effective.compactMap { ($0["user"] as? [String: Any])?["nickname"] as? String }, ["alice", "carol"])
        XCTAssertEqual(effective.first?["reviewer_type"] as? String, "repository")
        XCTAssertEqual(try client.request("DELETE", "\(repo)/default-reviewers/alice").status, 204)
        XCTAssertEqual(try client.get("\(repo)/default-reviewers/alice").status, 404)
        XCTAssertEqual(try client.request("PUT", "\(repo)/default-reviewers/nobody").status, 400)
        // The OpenAPI scopes: reading needs pullrequest, changing repository:admin.
        let readOnly = TestClient(baseURL: server.baseURL, token: "read-only")
        XCTAssertEqual(try readOnly.get("\(repo)/default-reviewers").status, 403)
        let writer = TestClient(baseURL: server.baseURL, token: "pr-writer")
        XCTAssertEqual(try writer.get("\(repo)/default-reviewers").status, 200)
        XCTAssertEqual(try writer.request("PUT", "\(repo)/default-reviewers/bob").status, 403)
    }

    func testWebhooksOnRepositoriesAndWorkspaces() throws {
        let existing = try values("\(repo)/hooks")
        XCTAssertEqual(existing.count, 1)
        XCTAssertEqual(existing.first?["secret_set"] as? Bool, true)
        XCTAssertNil(existing.first?["secret"], "a secret is never returned")
        for base in [repo + "/hooks", "/2.0/workspaces/acme/hooks"] {
            let created = try client.request("POST", base, json: [
                "url": "https://example.com/hook", "description": "audit", "events": ["repo:push"], "active": true,
            ])
            XCTAssertEqual(created.status, 201, created.text)
            let hook = try created.json()
            let uuid = try XCTUnwrap(hook["uuid"] as? String)
            let selfLink = try XCTUnwrap(((hook["links"] as? [String: Any])?["self"] as? [String: Any])?["href"] as? String)
            XCTAssertEqual(try client.get(selfLink).status, 200)
            XCTAssertEqual(created.header("Location"), selfLink)
            let escaped = uuid.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let changed = try client.request("PUT", "\(base)/\(escaped)", json: ["active": false, "events": ["repo:push", "pullrequest:created"]])
            XCTAssertEqual(try changed.json()["active"] as? Bool, false)
            XCTAssertEqual(try changed.json()["events"] as? [String], ["pullrequest:created", "repo:push"])
            XCTAssertEqual(try client.request("PUT", "\(base)/\(escaped)", json: ["events": ["repo:explode"]]).status, 400)
            XCTAssertEqual(try client.request("DELETE", "\(base)/\(escaped)").status, 204)
            XCTAssertEqual(try client.get("\(base)/\(escaped)").status, 404)
        }
        XCTAssertEqual(try client.request("POST", repo + "/hooks", json: ["url": "ftp://x", "events": ["repo:push"]]).status, 400)
        XCTAssertEqual(try client.request("POST", repo + "/hooks", json: ["url": "https://x.example"]).status, 400)
        let events = try values("/2.0/hook_events/repository").compactMap { $0["event"] as? String }
        XCTAssertTrue(events.contains("pullrequest:fulfilled"))
        let noScope = TestClient(baseURL: server.baseURL, token: "read-only")
        XCTAssertEqual(try noScope.get(repo + "/hooks").status, 403)
    }

    func testUsersMembersProjectsAndPermissions() throws {
        let alice = try client.getJSON("/2.0/users/alice")
        let uuid = try XCTUnwrap(alice["uuid"] as? String)
        XCTAssertEqual(try client.getJSON("/2.0/users/\(uuid.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")["nickname"] as? String, "alice")
        XCTAssertEqual(try TestClient(baseURL: server.baseURL, token: nil).get("/2.0/users/alice").status, 200)
        XCTAssertEqual(try client.get("/2.0/users/nobody").status, 404)
        // The account's self link (every account the mock renders) leads somewhere.
        let selfLink = try XCTUnwrap(((alice["links"] as? [String: Any])?["self"] as? [String: Any])?["href"] as? String)
        XCTAssertEqual(try client.get(selfLink).status, 200)

        let members = try values("/2.0/workspaces/acme/members")
        // The fixture's people, then the --basic user; token bots are no members.
        XCTAssertEqual(members.compactMap { ($0["user"] as? [String: Any])?["nickname"] as? String }.prefix(3), ["alice", "bob", "carol"])
        XCTAssertFalse(members.contains { ($0["user"] as? [String: Any])?["type"] as? String == "app_user" })
        XCTAssertEqual(members.first?["type"] as? String, "workspace_membership")
        XCTAssertEqual(try client.get("/2.0/workspaces/acme/members/bob").status, 200)

        let projects = try values("/2.0/workspaces/acme/projects").compactMap { $0["key"] as? String }
        XCTAssertEqual(projects, ["CORE", "WEB", "OPS"])
        let core = try client.getJSON("/2.0/workspaces/acme/projects/CORE")
        XCTAssertEqual(core["has_publicly_visible_repos"] as? Bool, false)
        XCTAssertEqual(try client.get("/2.0/workspaces/acme/projects/NOPE").status, 404)

        let permissions = try values("/2.0/workspaces/acme/permissions/repositories/api")
        XCTAssertEqual(permissions.compactMap { $0["permission"] as? String }, ["admin"] + Array(repeating: "write", count: members.count - 1))
        XCTAssertEqual(try values("/2.0/workspaces/acme/permissions/repositories?pagelen=100").count, 4 * members.count)
        XCTAssertEqual(try values("\(repo)/permissions-config/users").first?["type"] as? String, "repository_user_permission")
    }

    func testRepositoryListingIsPublicOnlyForAnonymousCallers() throws {
        let anonymous = TestClient(baseURL: server.baseURL, token: nil)
        let listed = try anonymous.getJSON("/2.0/repositories/acme")["values"] as? [[String: Any]] ?? []
        XCTAssertEqual(listed.compactMap { $0["slug"] as? String }, ["web"])
        XCTAssertEqual(try values("/2.0/repositories/acme").count, 4)
    }
}

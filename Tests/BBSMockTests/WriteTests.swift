import Foundation
import XCTest

final class WriteTests: MockServerTestCase {
    let repo = "/2.0/repositories/acme/api"

    func mainHead() throws -> String {
        let branch = try client.getJSON("\(repo)/refs/branches/main")
        return try XCTUnwrap((branch["target"] as? [String: Any])?["hash"] as? String)
    }

    func testCreateBranchThenSeeItThenDeleteIt() throws {
        let head = try mainHead()
        let created = try client.request("POST", "\(repo)/refs/branches", json: ["name": "feature/new", "target": ["hash": String(head.prefix(10))]])
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual((try created.json()["target"] as? [String: Any])?["hash"] as? String, head)
        let names = try client.collectPages("\(repo)/refs/branches").values.compactMap { $0["name"] as? String }
        XCTAssertTrue(names.contains("feature/new"))
        XCTAssertEqual(try client.get("\(repo)/refs/branches/feature/new").status, 200)

        let duplicate = try client.request("POST", "\(repo)/refs/branches", json: ["name": "feature/new", "target": ["hash": head]])
        XCTAssertEqual(duplicate.status, 400)
        XCTAssertEqual(try client.request("POST", "\(repo)/refs/branches", json: ["name": "x"]).status, 400)
        XCTAssertEqual(try client.request("POST", "\(repo)/refs/branches", json: ["name": "x", "target": ["hash": "deadbeef00"]]).status, 400)

        XCTAssertEqual(try client.request("DELETE", "\(repo)/refs/branches/feature/new").status, 204)
        XCTAssertEqual(try client.get("\(repo)/refs/branches/feature/new").status, 404)
        XCTAssertEqual(try client.request("DELETE", "\(repo)/refs/branches/main").status, 400)
    }

    func testCreateAnnotatedTag() throws {
        let created = try client.request("POST", "\(repo)/refs/tags", json: ["name": "v9.9.9", "target": ["hash": "main"], "message": "Nine"])
        XCTAssertEqual(created.status, 201, created.text)
        let tag = try client.getJSON("\(repo)/refs/tags/v9.9.9")
        XCTAssertEqual(tag["message"] as? String, "Nine")
        XCTAssertNotNil(tag["tagger"])
    }

    func testPullRequestLifecycle() throws {
        let head = try mainHead()
        XCTAssertEqual(try client.request("POST", "\(repo)/refs/branches", json: ["name": "topic", "target": ["hash": head]]).status, 201)
        let created = try client.request("POST", "\(repo)/pullrequests", json: [
            "title": "Topic", "source": ["branch": ["name": "topic"]], "description": "Does a thing",
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let pullRequest = try created.json()
        let id = try XCTUnwrap(pullRequest["id"] as? Int)
        XCTAssertEqual(((pullRequest["destination"] as? [String: Any])?["branch"] as? [String: Any])?["name"] as? String, "main")

        let approval = try client.request("POST", "\(repo)/pullrequests/\(id)/approve")
        XCTAssertEqual(approval.status, 200)
        XCTAssertEqual(try approval.json()["approved"] as? Bool, true)
        XCTAssertEqual(try client.request("DELETE", "\(repo)/pullrequests/\(id)/approve").status, 204)

        let comment = try client.request("POST", "\(repo)/pullrequests/\(id)/comments", json: ["content": ["raw": "Ship it"]])
        XCTAssertEqual(comment.status, 201, comment.text)
        let comments = try client.getJSON("\(repo)/pullrequests/\(id)/comments")
        XCTAssertEqual((comments["values"] as? [[String: Any]])?.last.flatMap { ($0["content"] as? [String: Any])?["raw"] as? String }, "Ship it")

        let merged = try client.request("POST", "\(repo)/pullrequests/\(id)/merge", json: ["merge_strategy": "squash"])
        XCTAssertEqual(merged.status, 200, merged.text)
        let body = try merged.json()
        XCTAssertEqual(body["state"] as? String, "MERGED")
        let mergeHash = try XCTUnwrap((body["merge_commit"] as? [String: Any])?["hash"] as? String)
        XCTAssertEqual(try mainHead(), mergeHash, "the destination branch moved to the merge commit")
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/\(id)/merge").status, 400, "already merged")
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/\(id)/merge", json: ["merge_strategy": "octopus"]).status, 400)
    }

    func testDeclineAndInvalidCreate() throws {
        let declined = try client.request("POST", "\(repo)/pullrequests/1/decline")
        XCTAssertEqual(declined.status, 200)
        XCTAssertEqual(try declined.json()["state"] as? String, "DECLINED")
        let missingSource = try client.request("POST", "\(repo)/pullrequests", json: ["title": "No source"])
        XCTAssertEqual(missingSource.status, 400)
        XCTAssertEqual(
            (try missingSource.json()["error"] as? [String: Any])?["detail"] as? String,
            "You must specify a valid source branch when creating a pull request.")
        XCTAssertEqual(try client.get("\(repo)/pullrequests/999").status, 404)
        let unknownSource = try client.request("POST", "\(repo)/pullrequests", json: ["title": "x", "source": ["branch": ["name": "dummy"]]])
        XCTAssertEqual(unknownSource.status, 400)
        let error = try unknownSource.json()["error"] as? [String: Any]
        XCTAssertEqual(error?["message"] as? String, "source: branch not found: dummy")
        XCTAssertEqual((error?["fields"] as? [String: [String]])?["source"], ["branch not found: dummy"])
    }

    func testRepositoryCreateAndDelete() throws {
        let created = try client.request("POST", "/2.0/repositories/acme/new-service", json: ["scm": "git", "is_private": true, "project": ["key": "OPS"]])
        XCTAssertEqual(created.status, 200, created.text)
        XCTAssertEqual(((try created.json()["project"]) as? [String: Any])?["key"] as? String, "OPS")
        XCTAssertEqual(try client.get("/2.0/repositories/acme/new-service").status, 200)
        XCTAssertEqual(try client.request("POST", "/2.0/repositories/acme/new-service", json: [:]).status, 400)
        XCTAssertEqual(try client.request("DELETE", "/2.0/repositories/acme/new-service").status, 204)
        XCTAssertEqual(try client.get("/2.0/repositories/acme/new-service").status, 404)
    }

    func testTriggeredPipelineProgressesToCompletion() throws {
        let triggered = try client.request("POST", "\(repo)/pipelines", json: [
            "target": ["ref_type": "branch", "type": "pipeline_ref_target", "ref_name": "main"],
        ])
        XCTAssertEqual(triggered.status, 201, triggered.text)
        let pipeline = try triggered.json()
        XCTAssertEqual((pipeline["state"] as? [String: Any])?["name"] as? String, "PENDING")
        let uuid = try XCTUnwrap(pipeline["uuid"] as? String)
        let escaped = uuid.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-")))!
        var states: [String] = []
        for _ in 0..<3 {
            let state = try client.getJSON("\(repo)/pipelines/\(escaped)")["state"] as? [String: Any]
            states.append(state?["name"] as? String ?? "")
        }
        XCTAssertEqual(states, ["IN_PROGRESS", "COMPLETED", "COMPLETED"])
        let unknownBranch = try client.request("POST", "\(repo)/pipelines", json: [
            "target": ["ref_type": "branch", "type": "pipeline_ref_target", "ref_name": "nope"],
        ])
        XCTAssertEqual(unknownBranch.status, 400)
    }
}

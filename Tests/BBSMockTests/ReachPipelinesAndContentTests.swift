import Foundation
import XCTest

/// Pipelines detail, variables, environments and deployments; commits through `POST /src`; Code
/// Insights; downloads, forks and the branching model, against the real bbs-mock.
final class ReachPipelinesAndContentTests: MockServerTestCase {
    let repo = "/2.0/repositories/acme/api"

    func values(_ path: String) throws -> [[String: Any]] {
        try client.getJSON(path)["values"] as? [[String: Any]] ?? []
    }

    func escaped(_ uuid: String) -> String { uuid.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    /// A `multipart/form-data` request, as `curl -F` sends it.
    func multipart(_ path: String, _ fields: [(name: String, filename: String?, value: String)]) throws -> HTTPResult {
        let boundary = "bbs-test-boundary"
        var body = Data()
        for field in fields {
            var disposition = "form-data; name=\"\(field.name)\""
            if let filename = field.filename { disposition += "; filename=\"\(filename)\"" }
            body += Data("--\(boundary)\r\nContent-Disposition: \(disposition)\r\n\r\n\(field.value)\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return try RawHTTP.send(
            host: "127.0.0.1", port: server.baseURL.port!, method: "POST", target: path,
            headers: ["Authorization": "Bearer test-token", "Content-Type": "multipart/form-data; boundary=\(boundary)"], body: body)
    }

    func trigger() throws -> [String: Any] {
        let created = try client.request("POST", "\(repo)/pipelines", json: ["target": ["ref_type": "branch", "ref_name": "main"]])
        XCTAssertEqual(created.status, 201, created.text)
        return try created.json()
    }

    func testStepsLogAndStop() throws {
        let pipeline = try trigger()
        let uuid = escaped(try XCTUnwrap(pipeline["uuid"] as? String))
        XCTAssertTrue((pipeline["created_on"] as? String ?? "").hasSuffix("Z"), "pipeline dates end in Z")
        let steps = try values("\(repo)/pipelines/\(uuid)/steps")
        XCTAssertEqual(steps.count, 1)
        let step = try XCTUnwrap(steps.first)
        XCTAssertEqual((step["state"] as? [String: Any])?["name"] as? String, "PENDING")
        let stepUUID = escaped(try XCTUnwrap(step["uuid"] as? String))
        XCTAssertEqual(try client.getJSON("\(repo)/pipelines/\(uuid)/steps/\(stepUUID)")["name"] as? String, "Build")
        let log = try client.get("\(repo)/pipelines/\(uuid)/steps/\(stepUUID)/log")
        XCTAssertEqual(log.status, 200)
        XCTAssertTrue(log.text.contains("Building api"), log.text)
        // The pipeline's own links.steps leads to the list.
        let stepsLink = try XCTUnwrap(((pipeline["links"] as? [String: Any])?["steps"] as? [String: Any])?["href"] as? String)
        XCTAssertEqual(try client.get(stepsLink).status, 200)

        XCTAssertEqual(try client.request("POST", "\(repo)/pipelines/\(uuid)/stopPipeline").status, 204)
        let stopped = try client.getJSON("\(repo)/pipelines/\(uuid)")
        XCTAssertEqual(((stopped["state"] as? [String: Any])?["result"] as? [String: Any])?["name"] as? String, "STOPPED")
        XCTAssertEqual(try client.request("POST", "\(repo)/pipelines/\(uuid)/stopPipeline").status, 400)
    }

    func testAFaultMakesTheTriggeredPipelineFail() throws {
        XCTAssertEqual(try control("POST", "/faults", json: ["route": "POST /2.0/repositories/acme/api/pipelines$", "fault": "pipeline_failed"]).status, 201)
        let uuid = escaped(try XCTUnwrap(try trigger()["uuid"] as? String))
        var result: String?
        for _ in 0..<5 {
            let state = try client.getJSON("\(repo)/pipelines/\(uuid)")["state"] as? [String: Any]
            result = (state?["result"] as? [String: Any])?["name"] as? String
            if result != nil { break }
        }
        XCTAssertEqual(result, "FAILED")
        // The fault was used up: the next one succeeds.
        let next = escaped(try XCTUnwrap(try trigger()["uuid"] as? String))
        _ = try client.getJSON("\(repo)/pipelines/\(next)")
        let done = try client.getJSON("\(repo)/pipelines/\(next)")["state"] as? [String: Any]
        XCTAssertEqual((done?["result"] as? [String: Any])?["name"] as? String, "SUCCESSFUL")
    }

    func testVariablesNeverShowASecuredValue() throws {
        let listed = try values("\(repo)/pipelines_config/variables")
        let secured = try XCTUnwrap(listed.first { $0["key"] as? String == "API_TOKEN" })
        XCTAssertEqual(secured["secured"] as? Bool, true)
        XCTAssertNil(secured["value"])
        XCTAssertEqual(listed.first { $0["key"] as? String == "DEPLOY_ENV" }?["value"] as? String, "staging")

        for base in [repo + "/pipelines_config/variables", "/2.0/workspaces/acme/pipelines-config/variables"] {
            let created = try client.request("POST", base, json: ["key": "SIGNING_KEY", "value": "hidden", "secured": true])
            XCTAssertEqual(created.status, 201, created.text)
            XCTAssertNil(try created.json()["value"])
            let uuid = escaped(try XCTUnwrap(try created.json()["uuid"] as? String))
            XCTAssertNil(try client.getJSON("\(base)/\(uuid)")["value"])
            XCTAssertEqual(try client.request("POST", base, json: ["key": "SIGNING_KEY", "value": "again"]).status, 409)
            XCTAssertEqual(try client.request("POST", base, json: ["key": "bad key", "value": "x"]).status, 400)
            XCTAssertEqual(try client.request("DELETE", "\(base)/\(uuid)").status, 204)
        }
        let environments = try values("\(repo)/environments")
        XCTAssertEqual(environments.compactMap { $0["name"] as? String }, ["Test", "Staging", "Production"])
        let production = escaped(try XCTUnwrap(environments.last?["uuid"] as? String))
        let deploymentVariable = try client.request("POST", "\(repo)/deployments_config/environments/\(production)/variables",
            json: ["key": "REGION", "value": "eu-west-1"])
        XCTAssertEqual(deploymentVariable.status, 201, deploymentVariable.text)
        XCTAssertEqual(try values("\(repo)/deployments_config/environments/\(production)/variables").count, 1)

        let deployments = try values("\(repo)/deployments")
        XCTAssertEqual(deployments.count, 1)
        XCTAssertEqual((deployments.first?["environment"] as? [String: Any])?["name"] as? String, "Production")
        let readOnly = TestClient(baseURL: server.baseURL, token: "read-only")
        XCTAssertEqual(try readOnly.get("\(repo)/pipelines_config/variables").status, 403)
    }

    func testCommitThroughSrcThenReadItOnABranchWithASlash() throws {
        let made = try multipart("\(repo)/src", [
            ("/notes/todo.md", nil, "- ship it\n"), ("message", nil, "Add notes"), ("branch", nil, "feature/notes"),
            ("author", nil, "Ann Other <ann@example.com>"),
        ])
        XCTAssertEqual(made.status, 201, made.text)
        let location = try XCTUnwrap(made.header("Location"))
        let commit = try client.getJSON(location)
        XCTAssertEqual(commit["message"] as? String, "Add notes")
        XCTAssertEqual((commit["author"] as? [String: Any])?["raw"] as? String, "Ann Other <ann@example.com>")
        // Unescaped and escaped branch names with a slash both reach the file.
        XCTAssertEqual(try client.get("\(repo)/src/feature/notes/notes/todo.md").text, "- ship it\n")
        XCTAssertEqual(try client.get("\(repo)/src/feature%2Fnotes/notes/todo.md").text, "- ship it\n")
        XCTAssertEqual(try client.get("\(repo)/src/feature/notes/README.md").status, 200)

        let deleted = try multipart("\(repo)/src", [("files", nil, "notes/todo.md"), ("branch", nil, "feature/notes")])
        XCTAssertEqual(deleted.status, 201, deleted.text)
        XCTAssertEqual(try client.get("\(repo)/src/feature/notes/notes/todo.md").status, 404)
        XCTAssertEqual(try multipart("\(repo)/src", [("message", nil, "nothing")]).status, 400)
        let stale = try multipart("\(repo)/src", [("/x.txt", nil, "x"), ("branch", nil, "main"), ("parents", nil, "v1.0.0")])
        XCTAssertEqual(stale.status, 409, stale.text)
    }

    func testCodeInsightsReportsAndAnnotations() throws {
        let head = try XCTUnwrap(((try client.getJSON("\(repo)/refs/branches/main"))["target"] as? [String: Any])?["hash"] as? String)
        let reports = "\(repo)/commit/\(head)/reports"
        let put = try client.request("PUT", "\(reports)/lint-1", json: [
            "title": "Lint", "report_type": "BUG", "result": "FAILED", "reporter": "review-bot",
            "data": [["title": "Issues", "type": "NUMBER", "value": 2]],
        ])
        XCTAssertEqual(put.status, 200, put.text)
        XCTAssertEqual(try put.json()["external_id"] as? String, "lint-1")
        let posted = try client.request("POST", "\(reports)/lint-1/annotations", json: [
            ["external_id": "a1", "annotation_type": "BUG", "summary": "Unused variable", "path": "main.go", "line": 4, "severity": "LOW"],
            ["external_id": "a2", "annotation_type": "CODE_SMELL", "summary": "Long function", "path": "main.go", "line": 1],
        ])
        XCTAssertEqual(posted.status, 200, posted.text)
        XCTAssertEqual(try values("\(reports)/lint-1/annotations").count, 2)
        XCTAssertEqual(try client.getJSON("\(reports)/lint-1/annotations/a1")["line"] as? Int, 4)
        XCTAssertEqual(try client.request("POST", "\(reports)/lint-1/annotations", json: [["external_id": "a3", "annotation_type": "NOPE", "summary": "x"]]).status, 400)
        XCTAssertEqual(try client.request("PUT", "\(reports)/bad", json: ["title": "x", "report_type": "WRONG"]).status, 400)
        XCTAssertEqual(try values(reports).count, 1)
        XCTAssertEqual(try client.request("DELETE", "\(reports)/lint-1/annotations/a2").status, 204)
        XCTAssertEqual(try client.request("DELETE", "\(reports)/lint-1").status, 204)
        XCTAssertEqual(try client.get("\(reports)/lint-1").status, 404)
    }

    func testDownloadsForksAndBranchingModel() throws {
        let uploaded = try multipart("\(repo)/downloads", [("files", "build.txt", "artifact bytes")])
        XCTAssertEqual(uploaded.status, 201, uploaded.text)
        let files = try values("\(repo)/downloads")
        XCTAssertEqual(files.first?["name"] as? String, "build.txt")
        XCTAssertEqual(files.first?["size"] as? Int, 14)
        XCTAssertEqual(try client.get("\(repo)/downloads/build.txt").text, "artifact bytes")
        XCTAssertEqual(try client.request("DELETE", "\(repo)/downloads/build.txt").status, 204)
        XCTAssertEqual(try client.get("\(repo)/downloads/build.txt").status, 404)

        XCTAssertEqual(try values("\(repo)/forks").count, 0)
        let forked = try client.request("POST", "\(repo)/forks", json: ["name": "api-fork"])
        XCTAssertEqual(forked.status, 201, forked.text)
        XCTAssertEqual(((try forked.json())["parent"] as? [String: Any])?["full_name"] as? String, "acme/api")
        XCTAssertEqual(try values("\(repo)/forks").compactMap { $0["full_name"] as? String }, ["acme/api-fork"])
        func heads(_ path: String) throws -> [String: String] {
            var result: [String: String] = [:]
            for branch in try values("\(path)/refs/branches?pagelen=100") {
                result[branch["name"] as? String ?? ""] = (branch["target"] as? [String: Any])?["hash"] as? String
            }
            return result
        }
        XCTAssertEqual(try heads("/2.0/repositories/acme/api-fork"), try heads(repo), "a fork has the same commits")
        XCTAssertTrue(try client.getJSON(repo)["parent"] is NSNull)
        XCTAssertEqual(try client.request("POST", "\(repo)/forks", json: ["name": "api-fork"]).status, 400)
        let model = try client.getJSON("\(repo)/branching-model")
        XCTAssertEqual((model["development"] as? [String: Any])?["name"] as? String, "main")
        XCTAssertEqual((model["branch_types"] as? [[String: Any]])?.first?["prefix"] as? String, "feature/")
        XCTAssertEqual(try client.getJSON("\(repo)/effective-branching-model")["type"] as? String, "effective_repo_branching_model")
    }
}

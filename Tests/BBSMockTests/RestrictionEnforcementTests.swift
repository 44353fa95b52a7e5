import Foundation
import XCTest

/// `--enforce-branch-restrictions`: the default data's rules on acme/api (push to main only by alice,
/// no force pushes to main, one approval to merge into main, release branches undeletable) refuse what
/// Bitbucket would refuse, over REST and over git.
final class RestrictionEnforcementTests: MockServerTestCase {
    let repo = "/2.0/repositories/acme/api"

    override class var serverArguments: [String] {
        super.serverArguments + ["--enforce-branch-restrictions", "--basic", "alice:alice-secret"]
    }

    func testMergeNeedsTheRequiredApprovals() throws {
        let refused = try client.request("POST", "\(repo)/pullrequests/1/merge")
        XCTAssertEqual(refused.status, 400, refused.text)
        let message = (try refused.json()["error"] as? [String: Any])?["message"] as? String ?? ""
        XCTAssertEqual(message, "Merge checks failed for main: requires 1 approval (has 0).")
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/1/approve").status, 200)
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/1/merge").status, 200)
    }

    func testPassingBuildsAreRequiredOnceARuleSaysSo() throws {
        let rule = try client.request("POST", "\(repo)/branch-restrictions", json: [
            "kind": "require_passing_builds_to_merge", "pattern": "main",
        ])
        XCTAssertEqual(rule.status, 201, rule.text)
        XCTAssertEqual(try client.request("POST", "\(repo)/pullrequests/1/approve").status, 200)
        let refused = try client.request("POST", "\(repo)/pullrequests/1/merge")
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual((try refused.json()["error"] as? [String: Any])?["message"] as? String,
                       "Merge checks failed for main: requires passing builds (1 not successful).")
    }

    func testRestWritesObeyPushAndDeleteRules() throws {
        let deleted = try client.request("DELETE", "\(repo)/refs/branches/release/1.0")
        XCTAssertEqual(deleted.status, 403, deleted.text)
        XCTAssertEqual((try deleted.json()["error"] as? [String: Any])?["message"] as? String,
                       "You can't delete the branch release/1.0 because it is protected by a branch restriction.")
        XCTAssertEqual(try client.request("DELETE", "\(repo)/refs/branches/feature/login").status, 204)
    }

    func testGitPushToARestrictedBranchIsRefusedButAliceMayPush() throws {
        let git = try GitClient()
        defer { git.cleanUp() }
        let url = server.baseURL.absoluteString + "/acme/api.git"
        let checkout = git.directory("api")
        try git.ok(["clone", "--quiet", url, checkout.path], secret: "test-token")
        try "more\n".write(to: checkout.appendingPathComponent("more.txt"), atomically: true, encoding: .utf8)
        try git.ok(["add", "more.txt"], in: checkout)
        try git.ok(["commit", "--quiet", "-m", "More"], in: checkout)
        let refused = try git.run(["push", "--quiet", "origin", "main"], in: checkout, secret: "test-token")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("You don't have permission to push to the branch main"), refused.output)
        // Another branch is fine, and alice (exempt) may push to main.
        try git.ok(["push", "--quiet", "origin", "HEAD:refs/heads/topic"], in: checkout, secret: "test-token")
        try git.ok(["push", "--quiet", "origin", "main"], in: checkout, secret: "alice-secret", user: "alice")
        // Even alice may not rewrite main: the force rule applies to everyone.
        try git.ok(["commit", "--quiet", "--amend", "-m", "More, reworded"], in: checkout)
        let forced = try git.run(["push", "--quiet", "--force", "origin", "main"], in: checkout, secret: "alice-secret", user: "alice")
        XCTAssertNotEqual(forced.status, 0)
        XCTAssertTrue(forced.output.contains("You can't force push to the branch main"), forced.output)
        // topic has no force rule: rewriting it is fine.
        try git.ok(["push", "--quiet", "--force", "origin", "HEAD:refs/heads/topic"], in: checkout, secret: "test-token")
    }
}

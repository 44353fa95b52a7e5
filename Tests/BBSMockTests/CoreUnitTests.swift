import Foundation
import XCTest

@testable import BBSMock

/// In-process tests of the pieces that need no server.
final class CoreUnitTests: XCTestCase {
    func testJSONRoundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,null,2.5,"x\n\"y\""],"c":{"z":false}}"#
        let value = try JSON.parse(text)
        XCTAssertEqual(value.serialized(), text)
        XCTAssertEqual(value["a"]?.arrayValue?.first, .bool(true))
        XCTAssertThrowsError(try JSON.parse("{\"a\":}"))
        XCTAssertThrowsError(try JSON.parse(String(repeating: "[", count: 10_000)))
    }

    func testBBQL() throws {
        let repository: JSON = ["name": "api", "is_private": true, "size": 2048, "project": ["key": "CORE"],
                                "updated_on": "2024-02-10T08:45:00.000000+00:00"]
        func matches(_ query: String) throws -> Bool { try BBQLExpression.parse(query).matches(repository) }
        XCTAssertTrue(try matches(#"name = "api""#))
        XCTAssertTrue(try matches(#"project.key="CORE" AND is_private = true"#))
        XCTAssertTrue(try matches(#"name ~ "AP""#))
        XCTAssertFalse(try matches(#"name !~ "p""#))
        XCTAssertTrue(try matches(#"size > 1024 and size <= 2048"#))
        XCTAssertTrue(try matches(#"updated_on > 2024-02-01 OR name = "x""#))
        XCTAssertTrue(try matches(#"(name = "x" OR name = "api") AND project.key IN ("CORE", "WEB")"#))
        XCTAssertTrue(try matches(#"project.key NOT IN ("WEB")"#))
        XCTAssertTrue(try matches(#"description = null"#))
        XCTAssertThrowsError(try BBQLExpression.parse(#"name = api"#))
        XCTAssertThrowsError(try BBQLExpression.parse(#"name "api""#))
    }

    func testScopeImplications() throws {
        let token = try MockCredential.token(spec: "t:pullrequest:write", index: 0, createdOn: Date())
        XCTAssertNil(Scopes.missing(.repository, for: token))
        XCTAssertNil(Scopes.missing(.repositoryWrite, for: token))
        XCTAssertEqual(Scopes.missing(.repositoryAdmin, for: token), ["repository:admin"])
        let admin = try MockCredential.token(spec: "t:repository:admin", index: 0, createdOn: Date())
        XCTAssertEqual(Scopes.missing(.repository, for: admin), ["repository"], "admin does not imply read")
        XCTAssertThrowsError(try MockCredential.token(spec: "t:nonsense", index: 0, createdOn: Date()))
    }

    func testInMemoryContentSourceHistoryAndTrees() throws {
        let content = InMemoryContentSource()
        let author = GitSignature(name: "A", email: "a@example.com", date: Date(timeIntervalSince1970: 1_000))
        let first = try content.writeCommit(CommitDraft(parents: [], message: "one", author: author, changes: ["a/b.txt": Data("x".utf8)]))
        var later = author
        later.date = later.date.addingTimeInterval(60)
        let second = try content.writeCommit(CommitDraft(parents: [first.hash], message: "two", author: later, changes: ["c.txt": Data("y".utf8)]))
        try content.setBranch("main", to: second.hash)
        XCTAssertEqual(first.hash.count, 40)
        XCTAssertEqual(try content.log(include: [], exclude: []).map(\.message), ["two", "one"])
        XCTAssertEqual(try content.log(include: [second.hash], exclude: [first.hash]).map(\.message), ["two"])
        XCTAssertEqual(try content.resolve(String(second.hash.prefix(7))), second.hash)
        XCTAssertEqual(try content.lookup("a/b.txt", at: second.hash), .file(Data("x".utf8)))
        guard case .directory(let entries)? = try content.lookup("", at: second.hash) else { return XCTFail("root") }
        XCTAssertEqual(entries.map(\.path), ["a", "c.txt"])
        XCTAssertNil(try content.lookup("missing", at: second.hash))
    }

    func testPartialResponses() throws {
        let body = try JSON.parse(#"{"pagelen":10,"next":"n","values":[{"id":1,"state":"OPEN","links":{"self":{"href":"x"}},"reviewers":[{"nickname":"a","uuid":"u"}]}]}"#)
        XCTAssertEqual(
            PartialResponse.apply("values.id,values.reviewers.nickname", to: body).serialized(),
            #"{"values":[{"id":1,"reviewers":[{"nickname":"a"}]}]}"#)
        XCTAssertNil(PartialResponse.apply("-values.links", to: body)["values"]?.arrayValue?.first?["links"])
        XCTAssertEqual(
            PartialResponse.apply("-values.links.*", to: body)["values"]?.arrayValue?.first?["links"], .object(JSONObject()))
        XCTAssertEqual(PartialResponse.apply("-*,+next", to: body).serialized(), #"{"next":"n"}"#)
        XCTAssertEqual(PartialResponse.apply("", to: body), body)
    }

    func testSHA1KnownVectors() {
        XCTAssertEqual(SHA1.hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(SHA1.hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    func testServiceInProcess() throws {
        let credential = try MockCredential.token(spec: "t", index: 0, createdOn: Date())
        let service = try MockService(configuration: .init(credentials: [credential]) { try MockService.Configuration.defaultState() })
        let request = MockRequest(
            method: "GET", rawPath: "/2.0/repositories/acme/api", headers: [("Authorization", "Bearer t")],
            origin: "http://mock.test")
        guard case .respond(let response) = service.handle(request) else { return XCTFail("expected a response") }
        XCTAssertEqual(response.status, 200)
        let body = try JSON.parse(response.body)
        XCTAssertEqual(body.value(atPath: "links.self.href")?.stringValue, "http://mock.test/2.0/repositories/acme/api")
    }

    func testEveryRouteDeclaresAScope() {
        let catalogue = MockService.routeCatalogue
        XCTAssertGreaterThan(catalogue.count, 25)
        XCTAssertTrue(catalogue.contains { $0.operation == "POST /2.0/repositories/{workspace}/{repo_slug}/pipelines" && $0.legacyScope == "pipeline:write" })
    }
}

import Foundation
import XCTest

@testable import BBSMock

/// The mock's list of Bitbucket's operations (what makes a `501` rather than a `404`) against the
/// OpenAPI document, and the routing of requests no served route takes.
final class CatalogueTests: XCTestCase {
    static let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/bitbucket-openapi.json")

    func testCatalogueIsTheOpenAPIDocumentsOperations() throws {
        guard let data = try? Data(contentsOf: Self.specURL) else {
            throw XCTSkip("OpenAPI document not found at \(Self.specURL.path); catalogue not checked")
        }
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        var operations: [String] = []
        for (path, methods) in paths {
            for method in methods.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                operations.append("\(method.uppercased()) /2.0\(path)")
            }
        }
        XCTAssertEqual(Set(BitbucketCatalogue.operations), Set(operations))
        XCTAssertEqual(BitbucketCatalogue.operations.count, operations.count, "no operation listed twice")
    }

    func testEveryServedRouteIsABitbucketOperation() {
        for route in RestAPI.routes {
            let path = route.template.segments.map { segment -> String in
                switch segment {
                case .literal(let text): return text
                case .parameter, .rest: return "x"
                }
            }
            let real = BitbucketCatalogue.matches(path)
            XCTAssertTrue(real.contains { $0.method == route.method }, "\(route.method) \(route.pattern) is not in the catalogue")
        }
    }

    func testUnservedRequestsGetBitbucketsAnswers() throws {
        func error(_ response: MockResponse) throws -> JSON? { try JSON.parse(response.body)["error"] }
        let unknown = RestAPI.unserved(method: "GET", path: ["2.0", "teapot"], served: [])
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(try error(unknown)?["detail"], "There is no API hosted at this URL")

        let issues = RestAPI.unserved(method: "GET", path: ["2.0", "repositories", "acme", "api", "issues"], served: [])
        XCTAssertEqual(issues.status, 501)
        XCTAssertEqual(issues.header(RestAPI.notImplementedHeader), "GET /2.0/repositories/{workspace}/{repo_slug}/issues")
        XCTAssertEqual(try error(issues)?["message"], "bbs-mock does not implement GET /2.0/repositories/{workspace}/{repo_slug}/issues")

        // Branch names with slashes still find the operation they belong to.
        let branch = RestAPI.unserved(method: "PUT", path: ["2.0", "repositories", "acme", "api", "refs", "branches", "a", "b"], served: [])
        XCTAssertEqual(branch.status, 405)
        XCTAssertEqual(branch.header("Allow"), "DELETE, GET")
    }
}

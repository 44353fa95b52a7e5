import BBSErrorKinds
import Foundation
import XCTest

/// docs/builtins.md's "Error kinds" table and `ErrorKind` are the same table: the same kinds,
/// and for each the same exit status when uncaught.
final class ErrorKindsDocumentedTests: XCTestCase {
    /// kind -> the exit column, read from the rows of the table under `## Error kinds`.
    private func documentedKinds() throws -> [String: String] {
        let text = try String(contentsOf: BuiltinsDoc.url, encoding: .utf8)
        guard let section = text.range(of: "\n## Error kinds\n") else {
            XCTFail("docs/builtins.md has no `## Error kinds` section")
            return [:]
        }
        let rest = text[section.upperBound...]
        let body = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var kinds: [String: String] = [:]
        for line in body.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(cells.count, 3, "a row of kind, raised for, exit: \(line)")
            guard cells.count == 3 else { continue }
            let kind = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            XCTAssertNil(kinds[kind], "`\(kind)` is listed twice")
            kinds[kind] = cells[2]
        }
        return kinds
    }

    func testTheTableListsEveryKindWithItsExitStatus() throws {
        let documented = try documentedKinds()
        XCTAssertEqual(Set(documented.keys), Set(ErrorKind.allCases.map(\.rawValue)),
                       "the kinds in docs/builtins.md differ from ErrorKind's")
        for kind in ErrorKind.allCases {
            XCTAssertEqual(documented[kind.rawValue], String(kind.exitStatus()),
                           "exit status of `\(kind.rawValue)` in docs/builtins.md")
        }
    }

    func testOnlyServerErrorsDependOnExhaustedRetries() {
        for kind in ErrorKind.allCases where kind != .server {
            XCTAssertEqual(kind.exitStatus(retriesExhausted: true), kind.exitStatus(), kind.rawValue)
        }
        XCTAssertEqual(ErrorKind.server.exitStatus(retriesExhausted: true), ExitStatus.network)
        XCTAssertEqual(ErrorKind.server.exitStatus(), ExitStatus.failure)
    }
}

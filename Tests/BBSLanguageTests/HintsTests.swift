// The suggestions behind "did you mean": which candidate is close enough, and when none is.

@testable import BBSLanguage
import XCTest

final class HintsTests: XCTestCase {
    func testNearestCandidateByEditsAndTranspositions() {
        XCTAssertEqual(Hints.closest("pirnt", among: ["print", "eprint", "range"]), "print")
        XCTAssertEqual(Hints.closest("gett", among: ["get", "post", "paginate"]), "get")
        XCTAssertEqual(Hints.closest("opn", among: ["open", "get", "create"]), "open")
        XCTAssertEqual(Hints.editDistance("pirnt", "print", limit: 5), 1)
    }

    func testCamelCaseAndCaseOnlyDifferences() {
        XCTAssertEqual(Hints.snakeCase("startsWith"), "starts_with")
        XCTAssertEqual(Hints.closest("startsWith", among: ["starts_with", "ends_with"]), "starts_with")
        XCTAssertEqual(Hints.closest("Print", among: ["print"]), "print")
    }

    func testNoSuggestionWhenNothingIsClose() {
        XCTAssertNil(Hints.closest("deploy", among: ["print", "range", "len"]))
        // A one- or two-letter name is one edit from too many others.
        XCTAssertNil(Hints.closest("a", among: ["b", "f"]))
        XCTAssertEqual(Hints.didYouMean("zzz", among: ["print"]), "")
    }

    func testForeignSpellingsAndMemberLists() {
        XCTAssertEqual(Hints.didYouMean("null", among: []), " (bbs spells it 'nil')")
        XCTAssertEqual(Hints.didYouMean("undefined", among: []), " (bbs spells it 'nil')")
        XCTAssertEqual(Hints.memberHint("cube", members: ["square", "area", "_private"]), " (it has: area, square)")
        XCTAssertEqual(Hints.memberHint("cube", members: (0..<20).map { "member\($0)" }), "")
    }
}

// The completion engine without a terminal: what `Tab` offers for a given line prefix.

@testable import BBSREPL
import BBSLanguage
import XCTest

final class CompleterTests: XCTestCase {
    func makeCompleter() -> Completer {
        let interpreter = Interpreter()
        let api = interpreter.builtinModule("api")
        api.define("get", arity: 1...2) { _, _ in .null }
        api.define("post", arity: 1...2) { _, _ in .null }
        let globals = GlobalStore()
        globals.set("info", .map(MapRef(["full_name": .string("a/b"), "slug": .string("b"), "not an id": .int(1)])))
        globals.set("infinity", .int(1))
        return Completer(interpreter: interpreter, globals: globals)
    }

    func testNamesKeywordsAndMembers() {
        let c = makeCompleter()
        XCTAssertEqual(c.complete("api.ge").candidates, ["api.get"])
        XCTAssertEqual(c.complete("x = info.fu").candidates, ["info.full_name"])
        XCTAssertEqual(c.complete("x = info.fu").wordStart, 4)
        XCTAssertEqual(c.complete("info?.sl").candidates, ["info?.slug"])
        XCTAssertEqual(c.complete("inf").candidates, ["infinity", "info"])
        XCTAssertEqual(c.complete("whi").candidates, ["while"])
        XCTAssertTrue(c.complete("whi").appendSpace)
        XCTAssertEqual(c.complete(":ty").candidates, [":type"])
        XCTAssertEqual(c.complete("nosuch.x").candidates, [])
    }

    func testAPIPaths() {
        let c = makeCompleter()
        let user = c.complete("api.get(\"/user/perm")
        XCTAssertEqual(user.wordStart, 9)
        XCTAssertEqual(user.candidates, ["/user/permissions/repositories", "/user/permissions/workspaces"])
        // A placeholder takes what was typed; the rest of the template follows.
        let branches = Completer.apiPaths(matching: "/repositories/acme/widgets/refs/bran", methods: 1)
        XCTAssertTrue(branches.contains("/repositories/acme/widgets/refs/branches"), "\(branches)")
        XCTAssertTrue(branches.allSatisfy { $0.hasPrefix("/repositories/acme/widgets/refs/branches") })
        // Only routes with the called method.
        XCTAssertFalse(c.complete("api.post(\"/user").candidates.contains("/user"))
        // Not a path context: a string that is not an api call's first argument.
        XCTAssertEqual(c.complete("print(\"/us").candidates, [])
    }

    func testLiveWorkspaceAndRepositoryNames() {
        let c = makeCompleter()
        var asked: [String] = []
        c.liveNames = { placeholder, before in
            asked.append(placeholder + " " + before.joined(separator: "/"))
            switch placeholder {
            case "{workspace}": return ["acme", "acorn", "beta"]
            case "{repo_slug}": return before.last == "acme" ? ["api", "app", "web"] : []
            default: return []
            }
        }
        XCTAssertEqual(c.complete("api.get(\"/repositories/ac").candidates, ["/repositories/acme", "/repositories/acorn"])
        XCTAssertEqual(c.complete("api.get(\"/repositories/acme/a").candidates, ["/repositories/acme/api", "/repositories/acme/app"])
        XCTAssertEqual(c.complete("api.get(\"/workspaces/b").candidates, ["/workspaces/beta"])
        XCTAssertEqual(asked.first, "{workspace} repositories")
        // Past the names, the route templates as before.
        XCTAssertTrue(c.complete("api.get(\"/repositories/acme/api/refs/bran").candidates
            .contains("/repositories/acme/api/refs/branches"))
        // No names known: the placeholder stays, as without a connection.
        XCTAssertTrue(c.complete("api.get(\"/repositories/zz/").candidates.contains("/repositories/zz/{repo_slug}"))
    }
}

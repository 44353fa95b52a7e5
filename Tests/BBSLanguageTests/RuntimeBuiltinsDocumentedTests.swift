import BBSLanguage
import BBSRuntime
import Foundation
import XCTest

/// docs/builtins.md documents every built-in the **runtime** registers, not only the core
/// library (BuiltinsDocumentedTests): each global function or value (`### repo`, `### parallel`),
/// each member of a module (`### api.get`, `### token.env`, and `### git.clone` once git is
/// registered) and each member of the runtime's value types (`### repo.info`, `### stream.map`,
/// `### secret.origin`). The names are read from a real `Runtime`, so whatever is registered
/// later is checked without changing this test.
final class RuntimeBuiltinsDocumentedTests: XCTestCase {
    private func documentedNames() throws -> Set<String> { try BuiltinsDoc.headings() }

    private func makeRuntime() -> Runtime {
        // No token, no network: nothing here sends a request.
        var options = RuntimeOptions(environment: ["DOC_TEST_TOKEN": "not-a-real-token"])
        options.apiURL = "http://127.0.0.1:9/2.0"
        return Runtime(options: options)
    }

    /// Global functions/values and `module.member` names.
    private func registeredNames(_ runtime: Runtime) -> (globals: [String], members: [String]) {
        var globals: [String] = []
        var members: [String] = []
        for (name, value) in runtime.interpreter.builtins {
            if case .object(let object) = value, let module = object as? ModuleValue {
                members += module.members.keys.map { "\(name).\($0)" }
            } else {
                globals.append(name)
            }
        }
        return (globals, members)
    }

    /// The members of the values the runtime hands out, by `type()` name: `repo.info`, `stream.map`, ...
    private func valueMemberNames(_ runtime: Runtime) throws -> [String] {
        let source = SourceFile(path: "<doc-test>", text: """
            [repo("acme/api"), api.paginate("/repositories/acme"), token.env("DOC_TEST_TOKEN")]
            """)
        let prepared = runtime.interpreter.prepare(source, globals: GlobalStore(), repl: true)
        guard case .success(let script) = prepared else {
            XCTFail("the probe script does not compile: \(prepared)")
            return []
        }
        let value: Value
        do { value = try runtime.interpreter.run(script) } catch {
            XCTFail("the probe script failed: \(error)")
            return []
        }
        guard case .list(let list) = value else {
            XCTFail("the probe script returned \(value)")
            return []
        }
        var names: [String] = []
        for item in list.items {
            guard case .object(let object) = item else { continue }
            names += object.memberNames.map { "\(object.typeName).\($0)" }
        }
        return names
    }

    func testEveryRuntimeBuiltinHasAHeading() throws {
        let documented = try documentedNames()
        let runtime = makeRuntime()
        let (globals, members) = registeredNames(runtime)
        let values = try valueMemberNames(runtime)
        // The runtime's own names must be there, or the probe found nothing to check.
        for expected in ["repo", "parallel", "args", "api.get", "api.paginate", "token.env", "auth.token"] {
            XCTAssertTrue(globals.contains(expected) || members.contains(expected), "the runtime does not register \(expected)")
        }
        for expected in ["repo.info", "repo.branches", "stream.map", "stream.list", "secret.origin"] {
            XCTAssertTrue(values.contains(expected), "the probe did not see \(expected)")
        }
        let missing = Set(globals + members + values).filter { !documented.contains($0) }.sorted()
        XCTAssertEqual(missing, [], "docs/builtins.md has no `### NAME` heading for these runtime built-ins")
    }

    /// The reverse for the runtime's modules and value types: no heading names a member that
    /// nothing registers (a renamed or removed built-in leaves no stale documentation behind).
    func testRuntimeHeadingsNameRealBuiltins() throws {
        let documented = try documentedNames()
        let runtime = makeRuntime()
        let (globals, members) = registeredNames(runtime)
        let values = try valueMemberNames(runtime)
        let known = Set(globals + members + values)
        let modules = Set(members.map { String($0.prefix { $0 != "." }) })
        let prefixes = (modules.subtracting(["json", "fs", "time"]).map { "\($0)." }) + ["repo.", "stream.", "secret."]
        let stale = documented.filter { name in
            prefixes.contains { name.hasPrefix($0) } && !known.contains(name)
        }.sorted()
        XCTAssertEqual(stale, [], "docs/builtins.md documents these, but the runtime does not register them")
    }
}

import Foundation
import XCTest
@testable import BBSLanguage

/// docs/builtins.md documents every built-in: each core function (`### print`), module member
/// (`### json.parse`) and method (`### string.split`, `### list.map`, `### map.keys`) has a
/// heading written exactly like that. This target sees the language's core library only; the
/// runtime's built-ins (token, auth, api, repo, parallel, streams) are documented in the same
/// file by the same convention.
final class BuiltinsDocumentedTests: XCTestCase {
    private func documentedNames() throws -> Set<String> { try BuiltinsDoc.headings() }

    /// Every name the core library registers, as docs/builtins.md spells its heading.
    private func coreNames() -> (functions: [String], modules: [String: [String]], methods: [String]) {
        let interpreter = Interpreter()
        CoreLibrary.install(into: interpreter)
        var functions: [String] = []
        var modules: [String: [String]] = [:]
        for (name, value) in interpreter.builtins {
            if case .object(let object) = value, let module = object as? ModuleValue {
                modules[name] = module.members.keys.map { "\(name).\($0)" }
            } else {
                functions.append(name)
            }
        }
        let methods = interpreter.stringMethods.keys.map { "string.\($0)" }
            + interpreter.listMethods.keys.map { "list.\($0)" }
            + interpreter.mapMethods.keys.map { "map.\($0)" }
        return (functions, modules, methods)
    }

    func testEveryCoreBuiltinHasAHeading() throws {
        let documented = try documentedNames()
        let core = coreNames()
        let all = core.functions + core.modules.values.flatMap { $0 } + core.methods
        XCTAssertGreaterThan(all.count, 50, "expected the core library to register its built-ins")
        let missing = all.filter { !documented.contains($0) }.sorted()
        XCTAssertEqual(missing, [], "docs/builtins.md has no `### NAME` heading for these built-ins")
    }

    /// The reverse, where this target can tell: a heading for a method of strings, lists or maps,
    /// or for a member of a core module, names something that exists (no stale documentation).
    func testMethodAndModuleHeadingsNameRealBuiltins() throws {
        let documented = try documentedNames()
        let core = coreNames()
        let known = Set(core.methods + core.modules.values.flatMap { $0 })
        let prefixes = ["string.", "list.", "map."] + core.modules.keys.map { "\($0)." }
        let stale = documented.filter { name in
            prefixes.contains { name.hasPrefix($0) } && !known.contains(name)
        }.sorted()
        XCTAssertEqual(stale, [], "docs/builtins.md documents these, but nothing registers them")
    }
}

/// docs/builtins.md and the names of its `### ` headings, shared by both documentation tests.
enum BuiltinsDoc {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/builtins.md")

    /// The text after `### ` of every level-3 heading.
    static func headings() throws -> Set<String> {
        let text = try String(contentsOf: url, encoding: .utf8)
        var names = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix("### ") {
            names.insert(line.dropFirst(4).trimmingCharacters(in: .whitespaces))
        }
        return names
    }
}

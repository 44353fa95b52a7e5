import BBSLanguage
import BBSRuntime
import Foundation
import XCTest

/// Each runtime answers its own interpreters (InterpreterHost): two runtimes in one process keep
/// their secrets apart, where a process-global hook would let the last one created win.
final class RuntimeHostTests: XCTestCase {
    private func makeRuntime(_ environment: [String: String]) -> Runtime {
        var options = RuntimeOptions(environment: environment)
        options.apiURL = "http://127.0.0.1:9/2.0"
        return Runtime(options: options)
    }

    private func evaluate(_ runtime: Runtime, _ code: String) throws -> Value {
        let prepared = runtime.interpreter.prepare(SourceFile(path: "<test>", text: code), globals: GlobalStore(), repl: true)
        guard case .success(let script) = prepared else { throw XCTSkip("does not compile: \(code)") }
        return try runtime.interpreter.run(script)
    }

    func testTwoRuntimesEachFilterTheirOwnSecrets() throws {
        let a = makeRuntime(["TOKEN_A": "alpha-secret-value-1"])
        let b = makeRuntime(["TOKEN_B": "beta-secret-value-22"])
        _ = try evaluate(a, "token.env(\"TOKEN_A\")")
        _ = try evaluate(b, "token.env(\"TOKEN_B\")")

        let inherited = ["A": "alpha-secret-value-1", "B": "beta-secret-value-22", "PLAIN": "x"]
        XCTAssertEqual(a.interpreter.host.inheritedEnvironment(inherited).keys.sorted(), ["B", "PLAIN"])
        XCTAssertEqual(b.interpreter.host.inheritedEnvironment(inherited).keys.sorted(), ["A", "PLAIN"])
        XCTAssertEqual(a.redact("alpha-secret-value-1 beta-secret-value-22"), "*** beta-secret-value-22")
        XCTAssertEqual(b.redact("alpha-secret-value-1 beta-secret-value-22"), "alpha-secret-value-1 ***")

        // Text from outside (env, fs.read, run output) is a secret only for the runtime that knows it.
        XCTAssertEqual(a.interpreter.host.value(ofText: "x alpha-secret-value-1", from: "file f").typeName, "secret")
        XCTAssertEqual(b.interpreter.host.value(ofText: "x alpha-secret-value-1", from: "file f").typeName, "string")
    }

    func testABareInterpreterHasNoSecretsAndNoLock() {
        let interpreter = Interpreter()
        XCTAssertEqual(interpreter.host.inheritedEnvironment(["A": "1"]), ["A": "1"])
        XCTAssertEqual(interpreter.host.value(ofText: "text", from: "env X").typeName, "string")
        XCTAssertEqual(interpreter.host.outsideScript { 42 }, 42)
    }

    /// `prctl(PR_SET_DUMPABLE, 0)` once a runtime exists: no core dump holds the token, and no
    /// other unprivileged process may read bbs's memory.
    func testARuntimeMakesTheProcessUndumpable() throws {
        _ = makeRuntime([:])
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "prctl") else { throw XCTSkip("no prctl here") }
        XCTAssertEqual(unsafeBitCast(symbol, to: Prctl.self)(3, 0, 0, 0, 0), 0) // PR_GET_DUMPABLE
    }
}

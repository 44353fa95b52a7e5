// The built-ins a `*_test.bbs` file sees under `bbs test` (and only there): `test(name, fn)`,
// the `expect` module and the `mock` module for the file's own bbs-mock. Each test runs at
// once, when `test` is called, so a file reads top to bottom like a script; a failing test is
// recorded and the file goes on with the next one.

import BBSErrorKinds
import BBSLanguage
import Foundation

/// What one `test(...)` call came to.
public struct TestResult: Sendable {
    public let name: String
    /// nil when it passed; else what a person reads (the error at its place, with a caret).
    public let failure: String?
    public let seconds: Double
}

/// Where the runner put this file's mock, and what to run.
public struct TestSetup {
    /// The mock's base (`http://127.0.0.1:PORT`); its API is under `/2.0`, its git at the root.
    public var mockURL: String
    public var token: String
    /// The bbs binary `mock.bbs(...)` runs (this one).
    public var bbsPath: String
    /// Only tests whose name contains this run (nil: all).
    public var filter: String?

    public init(mockURL: String, token: String, bbsPath: String, filter: String?) {
        self.mockURL = mockURL
        self.token = token
        self.bbsPath = bbsPath
        self.filter = filter
    }
}

public final class TestHarness {
    public private(set) var results: [TestResult] = []
    let setup: TestSetup
    public let runtime: Runtime

    public init(runtime: Runtime, setup: TestSetup) {
        self.runtime = runtime
        self.setup = setup
        installTest(into: runtime.interpreter)
        installExpect(into: runtime.interpreter)
        installMock(into: runtime.interpreter)
    }

    private func installTest(into interpreter: Interpreter) {
        interpreter.defineBuiltin("test", arity: 2...2) { [unowned self] args, interp throws(ScriptError) in
            let name = try args.string(0, "name")
            let body = try args.function(1, "body")
            if let filter = self.setup.filter, !name.contains(filter) { return .null }
            let started = Date()
            var failure: String?
            do throws(ScriptError) {
                _ = try interp.call(body, [])
            } catch {
                switch error {
                case .thrown: failure = self.runtime.render(error, color: false)
                // `exit` and Ctrl-C end the whole file, as they would a script.
                case .exit, .interrupted, .optionalChainNil: throw error
                }
            }
            interp.out.flush()
            interp.err.flush()
            self.results.append(TestResult(name: name, failure: failure, seconds: Date().timeIntervalSince(started)))
            return .null
        }
    }

    private func installExpect(into interpreter: Interpreter) {
        let expect = interpreter.builtinModule("expect")
        expect.define("eq", arity: 2...3) { args, _ throws(ScriptError) in
            let actual = args.values[0], expected = args.values[1]
            guard let difference = try ValueDiff.firstDifference(expected: expected, actual: actual) else { return .null }
            throw TestHarness.failed(args, 2, """
                values differ\(difference.hasPrefix(".") || difference.hasPrefix("[") ? " at " : ": ")\(difference)
                  expected: \(Printer.repr(expected))
                  actual:   \(Printer.repr(actual))
                """)
        }
        expect.define("ne", arity: 2...3) { args, _ throws(ScriptError) in
            guard try Value.isEqual(args.values[0], args.values[1]) else { return .null }
            throw TestHarness.failed(args, 2, "expected a value other than \(Printer.repr(args.values[1]))")
        }
        expect.define("ok", arity: 1...2) { args, _ throws(ScriptError) in
            if args.values[0].isTruthy { return .null }
            throw TestHarness.failed(args, 1, "expected a true value, got \(ValueDiff.describe(args.values[0]))")
        }
        expect.define("contains", arity: 2...3) { args, _ throws(ScriptError) in
            let container = args.values[0], item = args.values[1]
            let found: Bool
            switch container {
            case .string(let s):
                guard case .string(let part) = item else {
                    throw ScriptError.type("expect.contains: a string can only contain a string, not \(item.typeName)")
                }
                found = s.contains(part)
            case .list(let l):
                var hit = false
                for element in l.items where try Value.isEqual(element, item) { hit = true; break }
                found = hit
            case .map(let m):
                guard case .string(let key) = item else {
                    throw ScriptError.type("expect.contains: a map's keys are strings, not \(item.typeName)")
                }
                found = m.entries.has(key)
            default:
                throw ScriptError.type("expect.contains: argument 1 must be a string, list or map, not \(container.typeName)")
            }
            if found { return .null }
            throw TestHarness.failed(args, 2, "\(Printer.repr(container)) does not contain \(Printer.repr(item))")
        }
        expect.define("fails", arity: 1...2) { args, interp throws(ScriptError) in
            let body = try args.function(0, "body")
            let kind = try args.isAbsent(1) ? nil : args.string(1, "kind")
            do throws(ScriptError) {
                _ = try interp.call(body, [])
            } catch {
                guard case .thrown(let e) = error else { throw error }
                let got = e.fields["kind"].map(Printer.display) ?? "error"
                if let kind, got != kind {
                    throw ScriptError.runtime(.assert, "expect.fails: expected an error of kind '\(kind)', got '\(got)': \(e.fields["message"].map(Printer.display) ?? "")")
                }
                return .object(e)
            }
            throw ScriptError.runtime(.assert, "expect.fails: expected an error\(kind.map { " of kind '\($0)'" } ?? ""), but none was raised")
        }
    }

    /// An `assert` error, with the caller's note first when it gave one.
    private static func failed(_ args: Arguments, _ noteIndex: Int, _ message: String) -> ScriptError {
        var text = "\(args.callee): \(message)"
        if noteIndex < args.count, case .string(let note) = args.values[noteIndex] { text = "\(args.callee): \(note): \(message)" }
        return ScriptError.runtime(.assert, text)
    }

    private func installMock(into interpreter: Interpreter) {
        let mock = interpreter.builtinModule("mock")
        let control = MockControl(url: setup.mockURL)
        mock.members["url"] = .string(setup.mockURL)
        let environment = MapRef()
        environment.entries["BBS_API_URL"] = .string(setup.mockURL + "/2.0")
        environment.entries["BBS_GIT_URL"] = .string(setup.mockURL)
        environment.entries["BITBUCKET_TOKEN"] = .string(setup.token)
        mock.members["env"] = .map(environment)

        func call(_ callee: String, _ method: String, _ path: String, _ body: String? = nil) throws(ScriptError) -> MockControl.Reply {
            guard let control else { throw ScriptError.runtime(.configuration, "\(callee): the mock URL '\(self.setup.mockURL)' is not a loopback http URL") }
            let reply: MockControl.Reply
            do {
                reply = try interpreter.scriptLock.blocking { () throws(MockControl.Failure) -> MockControl.Reply in
                    try control.send(method, path, body: body)
                }
            } catch {
                throw ScriptError.runtime(.network, "\(callee): cannot reach the test's bbs-mock at \(self.setup.mockURL): \(error.reason)")
            }
            guard (200..<300).contains(reply.status) else {
                throw ScriptError.runtime(.invalid, "\(callee): bbs-mock answered \(reply.status): \(reply.body)")
            }
            return reply
        }

        mock.define("requests", arity: 0...0) { args, _ throws(ScriptError) in
            let reply = try call(args.callee, "GET", "/_mock/requests")
            guard case .map(let log) = try JSON.parse(reply.body), case .list(let requests)? = log.entries["requests"] else {
                throw ScriptError.runtime(.json, "\(args.callee): bbs-mock's request log is not the expected JSON")
            }
            // A JSON body is also given parsed, so a test can read `r.json.title`.
            for case .map(let request) in requests.items {
                if case .string(let body)? = request.entries["body"], let parsed = try? JSON.parse(body) {
                    request.entries["json"] = parsed
                } else {
                    request.entries["json"] = .null
                }
            }
            return .list(requests)
        }
        mock.define("clear_requests", arity: 0...0) { args, _ throws(ScriptError) in
            _ = try call(args.callee, "DELETE", "/_mock/requests")
            return .null
        }
        mock.define("reset", arity: 0...0) { args, _ throws(ScriptError) in
            _ = try call(args.callee, "POST", "/_mock/reset", "{}")
            return .null
        }
        mock.define("fault", arity: 1...1) { args, _ throws(ScriptError) in
            let spec = args.values[0]
            guard case .map = spec else { throw ScriptError.type("\(args.callee): the fault must be a map, not \(spec.typeName)") }
            _ = try call(args.callee, "POST", "/_mock/faults", try JSON.stringify(spec))
            return .null
        }
        // Runs this bbs binary against the mock: `mock.bbs(["deploy.bbs", "v1"])` returns
        // {status, stdout, stderr} like `run`. The mock's URLs and token are passed explicitly:
        // `run` drops inherited variables that hold a secret the script has read.
        mock.define("bbs", arity: 1...2) { [unowned self] args, interp throws(ScriptError) in
            let arguments = try args.list(0, "arguments")
            let options = try args.options(1, allowed: ["cwd", "stdin", "env"])
            guard let run = interp.builtins["run"] else { throw ScriptError.runtime(.process, "\(args.callee): run is not available") }
            let env = MapRef(environment.entries)
            env.entries["NO_COLOR"] = .string("1")
            if case .map(let extra)? = options.value("env") {
                for (key, value) in extra.entries.pairs { env.entries[key] = value }
            } else if let other = options.value("env") {
                throw options.mistyped("env", "a map", other)
            }
            let runOptions = MapRef()
            runOptions.entries["env"] = .map(env)
            if let cwd = try options.string("cwd") { runOptions.entries["cwd"] = .string(cwd) }
            if let stdin = try options.string("stdin") { runOptions.entries["stdin"] = .string(stdin) }
            let argv = ListRef([.string(self.setup.bbsPath)] + arguments.items)
            return try interp.call(run, [.list(argv), .map(runOptions)])
        }
    }
}

// The one way to run bbs code and report what happened: prepare, execute, render. The command
// line (a script, `-e`, stdin, `bbs check`) and the REPL use only these, so a failure reads and
// exits the same whichever way the code came in.

import BBSErrorKinds
import BBSLanguage

/// Source that went through lexing, parsing, resolving and compiling.
public enum Prepared {
    case ready(PreparedScript)
    /// Nothing runs; `CompileError.isIncomplete` says whether more input could complete it.
    case rejected(CompileError)
}

/// How a run ended.
public enum Outcome {
    /// Ran to its end; the value of the final expression statement in REPL input, else nil.
    case finished(Value)
    /// `exit(code)`.
    case exited(Int32)
    /// An uncaught error, or Ctrl-C (`ScriptError.interrupted`).
    case failed(ScriptError)

    /// The process exit status for this outcome.
    public var exitStatus: Int32 {
        switch self {
        case .finished: return ExitStatus.success
        case .exited(let code): return code
        case .failed(let error): return Runtime.exitStatus(for: error)
        }
    }
}

extension Runtime {
    /// Prepares `source` to run as a script of its own. With a `session` (the REPL's globals),
    /// it runs as one more input of that session instead: names may be declared again and the
    /// final expression's value is kept for echoing.
    public func prepare(_ source: SourceFile, session: GlobalStore? = nil) -> Prepared {
        let interpreter = self.interpreter
        // Parsing and resolving recurse over the tree: they get the large stack too.
        let result = Interpreter.runOnLargeStack {
            interpreter.prepare(source, globals: session ?? GlobalStore(), repl: session != nil)
        }
        switch result {
        case .failure(let error):
            return .rejected(error)
        case .success(let script):
            // A module that imports the main script is a cycle.
            if session == nil { interpreter.moduleLoader.beginMainScript(source.path) }
            return .ready(script)
        }
    }

    /// Runs a prepared script on the large stack and flushes what it printed.
    public func execute(_ script: PreparedScript) -> Outcome {
        let interpreter = self.interpreter
        let outcome: Outcome = Interpreter.runOnLargeStack {
            do throws(ScriptError) {
                return .finished(try interpreter.run(script))
            } catch {
                if case .exit(let code) = error { return .exited(code) }
                return .failed(error)
            }
        }
        interpreter.out.flush()
        interpreter.err.flush()
        return outcome
    }

    /// What a person reads about source that did not prepare: each diagnostic with its line and
    /// a caret. Secrets are masked.
    public func render(_ error: CompileError, color: Bool) -> String {
        redact(error.render(color: color))
    }

    /// What a person reads about an uncaught error: the message at its place, then the call
    /// sites (a run of identical ones folded). Empty for `exit`. Secrets are masked.
    public func render(_ error: ScriptError, color: Bool) -> String {
        switch error {
        case .exit:
            return ""
        case .interrupted:
            return "bbs: interrupted\n"
        case .optionalChainNil:
            return "bbs: internal error: optional chain escaped\n"
        case .thrown(let e):
            let text = Diagnostics.render(file: e.file, at: e.location, severity: "error",
                                          message: Runtime.describe(e), color: color)
            return redact(text + Runtime.traceText(e.trace))
        }
    }

    /// The exit status for source that did not prepare.
    public static let exitStatusForRejected = ExitStatus.syntax

    /// The exit status for an error that ended a run.
    public static func exitStatus(for error: ScriptError) -> Int32 {
        switch error {
        case .exit(let code): return code
        case .interrupted: return ExitStatus.interrupted
        case .optionalChainNil: return ExitStatus.failure
        case .thrown(let e): return e.exitStatus
        }
    }

    /// Call sites, innermost first; a run of identical lines (deep recursion) is folded.
    static func traceText(_ trace: [String]) -> String {
        var text = ""
        var index = 0
        while index < trace.count {
            var end = index + 1
            while end < trace.count && trace[end] == trace[index] { end += 1 }
            text += "    in \(trace[index])\n"
            if end - index > 1 { text += "    ... the line above repeated \(end - index - 1) more times\n" }
            index = end
        }
        return text
    }
}

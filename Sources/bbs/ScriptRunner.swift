// Runs one script to completion and turns its outcome into an exit code, printing
// diagnostics the way compilers do: `path:line:col: error: message`, the line, a caret.

import BBSLanguage
import BBSRuntime
import Foundation

enum ScriptRunner {
    static func run(_ source: SourceFile, options: RuntimeOptions) -> Int32 {
        installInterruptHandler()
        // What the script built (its runtime, globals and tree) is released when `runScript`
        // returns: on the large stack as well, so freeing a deeply linked value cannot crash.
        return Interpreter.runOnLargeStack { runScript(source, options: options) }
    }

    private static func runScript(_ source: SourceFile, options: RuntimeOptions) -> Int32 {
        let runtime = Runtime(options: options)
        let interpreter = runtime.interpreter
        let script: PreparedScript
        // Parsing and resolving recurse over the tree too: give them the large stack as well.
        let prepared = Interpreter.runOnLargeStack { interpreter.prepare(source, globals: GlobalStore()) }
        switch prepared {
        case .failure(let e):
            FileHandle.standardError.write(Data(runtime.redact(e.render(color: useColor())).utf8))
            return 3
        case .success(let s):
            script = s
        }
        interpreter.moduleLoader.beginMainScript(source.path)
        let status: Int32 = Interpreter.runOnLargeStack {
            do throws(ScriptError) {
                try interpreter.run(script)
                return 0
            } catch {
                return report(error, interpreter)
            }
        }
        interpreter.out.flush()
        interpreter.err.flush()
        return status
    }

    static func report(_ error: ScriptError, _ interpreter: Interpreter) -> Int32 {
        interpreter.out.flush()
        switch error {
        case .exit(let code):
            return code
        case .interrupted:
            interpreter.err.write("bbs: interrupted\n")
            return 130
        case .optionalChainNil:
            interpreter.err.write("bbs: internal error: optional chain escaped\n")
            return 1
        case .thrown(let e):
            // interpreter.err masks secrets (Runtime installs the redactor as its filter).
            var text = Diagnostics.render(file: e.file, at: e.location, severity: "error",
                                          message: Runtime.describe(e), color: useColor())
            text += traceText(e.trace)
            interpreter.err.write(text)
            return Runtime.exitCode(for: e)
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

    /// The first Ctrl-C asks the script to stop at its next loop turn or call; a second
    /// one ends the process at once, for a script stuck in a system call.
    static func installInterruptHandler() {
        // A parent may have started us with SIGINT blocked (threads of Swift concurrency
        // and NIO block it, and children inherit the mask): unblock it, or Ctrl-C is lost.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        signal(SIGINT) { _ in
            if Interpreter.interruptFlag.isSet { _exit(130) }
            Interpreter.interruptFlag.set()
        }
    }
}

// Runs one script to completion and turns its outcome into an exit code, printing
// diagnostics the way compilers do: `path:line:col: error: message`, the line, a caret.

import BBSLanguage
import BBSRuntime
import Foundation

enum ScriptRunner {
    static func run(_ source: SourceFile, options: RuntimeOptions) -> Int32 {
        installInterruptHandler()
        let runtime = Runtime(options: options)
        let interpreter = runtime.interpreter
        let script: PreparedScript
        switch interpreter.prepare(source, globals: GlobalStore()) {
        case .failure(let e):
            FileHandle.standardError.write(Data(e.render(color: useColor()).utf8))
            return 3
        case .success(let s):
            script = s
        }
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
            var text = Diagnostics.render(file: e.file, at: e.location, severity: "error", message: e.message, color: useColor())
            text += traceText(e.trace)
            interpreter.err.write(text)
            return exitCode(forKind: e.kind)
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

    static func exitCode(forKind kind: String) -> Int32 {
        switch kind {
        case "auth", "permission": return 4
        case "network", "timeout", "rate_limited": return 5
        case "syntax": return 3
        default: return 1
        }
    }

    /// The first Ctrl-C asks the script to stop at its next loop turn or call; a second
    /// one ends the process at once, for a script stuck in a system call.
    static func installInterruptHandler() {
        signal(SIGINT) { _ in
            if Interpreter.interruptFlag.isSet { _exit(130) }
            Interpreter.interruptFlag.set()
        }
    }
}
